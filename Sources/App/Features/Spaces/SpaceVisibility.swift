import GRDB

/// Who sees what in a space: the one rule that every feature of a space uses (messages and files
/// now; tasks, meetings and picks later). An item with no audience is for every member. A private
/// item names its client in `audienceId` and is seen by that client and the experts only. A member
/// added "from now on" sees nothing at or before the seq they were added at.
///
/// The rule has two spellings side by side: `allows` for items in memory (the realtime fan-out) and
/// `filter` for SQL that lists items. A test checks that they agree.
enum SpaceVisibility {
    static func allows(seq: Int64?, audienceId: String?, to viewer: SpaceAccess) -> Bool {
        if let seq, seq <= viewer.visibleAfter { return false }
        guard let audienceId else { return true }
        return viewer.isExpert || audienceId == viewer.userId
    }

    /// An event: the event itself and, for an edit or a delete, the message it changes.
    static func allows(_ event: SpaceEventDTO, to viewer: SpaceAccess) -> Bool {
        allows(seq: event.seq, audienceId: event.audienceId, to: viewer)
            && (event.itemSeq.map { allows(seq: $0, audienceId: event.audienceId, to: viewer) } ?? true)
    }

    /// The same rule as an SQL condition over a table's audience column and, when the item has one,
    /// its seq column.
    static func filter(_ viewer: SpaceAccess, audience: String, seq: String? = nil) -> SQL {
        let audienceColumn = SQL(sql: audience)
        let audienceRule: SQL =
            viewer.isExpert ? "1 = 1" : "(\(audienceColumn) IS NULL OR \(audienceColumn) = \(viewer.userId))"
        guard let seq else { return audienceRule }
        return "(\(SQL(sql: seq)) > \(viewer.visibleAfter) AND \(audienceRule))"
    }

    /// The same rule for a join of events (`event` alias) with the viewing member's row (`member`
    /// alias of space_member), for lists over several spaces (unread counts).
    static func memberFilter(event: String, member: String) -> SQL {
        SQL(sql: memberCondition(event: event, member: member))
    }

    /// `memberFilter` as SQL text, for a statement kept by the connection.
    static func memberCondition(event e: String, member m: String) -> String {
        "(\(e).seq > \(m).visible_after AND (\(e).audience_id IS NULL OR \(m).role <> 'client' OR \(e).audience_id = \(m).user_id))"
    }
}
