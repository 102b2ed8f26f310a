import Foundation
import GRDB

/// All SQL of in-app notifications: one row per member and space, with the latest event that
/// notified and how many came since the member last read them. They are written by
/// `SpaceTransaction` with their event (`notify`) and read with the space (`spaceRead`).
struct NotificationsStore: Sendable {
    let db: AppDatabase

    /// Newest first, of the spaces the user is still a member of.
    func list(user: String, page: PageRequest) async throws -> ([NotificationDTO], unread: Int) {
        try await db.writer.read { db in
            let items = try SQLRequest<Row>(
                """
                SELECT n.*, s.title AS space_title, u.display_name AS actor_name
                FROM notification n
                JOIN space s ON s.id = n.space_id
                JOIN space_member m ON m.space_id = n.space_id AND m.user_id = n.user_id AND m.left_at IS NULL
                LEFT JOIN app_user u ON u.id = n.actor_id
                WHERE n.user_id = \(user)
                ORDER BY n.updated_at DESC, n.space_id DESC LIMIT \(page.limit + 1) OFFSET \(page.offset)
                """
            ).fetchAll(db).map { row in
                NotificationDTO(
                    spaceId: row["space_id"], spaceTitle: row["space_title"], seq: row["seq"],
                    kind: SpaceEventKind(rawValue: row["kind"]) ?? .message, actorName: row["actor_name"], count: row["count"],
                    updatedAt: Date(millis: row["updated_at"]), readAt: (row["read_at"] as Int64?).map(Date.init(millis:)))
            }
            return (items, try Self.unread(user: user, db))
        }
    }

    /// The unread notifying events and the unread reminders of the user.
    func unread(user: String) async throws -> (events: Int, reminders: Int) {
        try await db.writer.read { db in (try Self.unread(user: user, db), try RemindersStore.unread(user: user, db)) }
    }

    /// The unread notifying events of the spaces the user is still a member of.
    private static func unread(user: String, _ db: Database) throws -> Int {
        try SQLRequest<Int>(
            """
            SELECT COALESCE(SUM(n.count), 0) FROM notification n
            JOIN space_member m ON m.space_id = n.space_id AND m.user_id = n.user_id AND m.left_at IS NULL
            WHERE n.user_id = \(user) AND n.read_at IS NULL
            """
        ).fetchOne(db) ?? 0
    }

    /// Marks the notifications of some spaces, or of all, read.
    func markRead(user: String, spaces: [String]?, now: Date) async throws {
        try await db.writer.write { db in
            if let spaces {
                let update = try db.cachedStatement(
                    sql:
                        "UPDATE notification SET read_at = ?, count = 0, alerted_at = NULL WHERE user_id = ? AND space_id = ? AND read_at IS NULL"
                )
                for space in spaces { try update.execute(arguments: [now.millis, user, space]) }
            } else {
                try db.execute(
                    literal:
                        "UPDATE notification SET read_at = \(now.millis), count = 0, alerted_at = NULL WHERE user_id = \(user) AND read_at IS NULL"
                )
            }
        }
    }

    // MARK: Inside a space's write transaction

    /// The event notifies the space's members who may see it (`SpaceVisibility.memberFilter`), did
    /// not cause it and are not in `viewers`: in one statement, each one's row of the space takes it as
    /// its latest and counts it. An event at or before a row's latest changes nothing, so an event
    /// notifies once. (Only events without an `itemSeq` notify: messages, joins and files.)
    static func notify(_ event: SpaceEventDTO, except viewers: Set<String>, _ db: Database) throws {
        let skipped = viewers.isEmpty ? "[]" : String(decoding: try JSONEncoder().encode(Array(viewers)), as: UTF8.self)
        try db.cachedStatement(
            sql: """
                INSERT INTO notification (user_id, space_id, seq, kind, actor_id, count, updated_at)
                SELECT m.user_id, m.space_id, e.seq, e.kind, e.actor_id, 1, ?
                FROM space_event e JOIN space_member m ON m.space_id = e.space_id AND m.left_at IS NULL
                WHERE e.space_id = ? AND e.seq = ?
                  AND m.user_id IS NOT e.actor_id
                  AND m.user_id NOT IN (SELECT value FROM json_each(?))
                  AND \(SpaceVisibility.memberCondition(event: "e", member: "m"))
                ON CONFLICT (user_id, space_id) DO UPDATE SET
                  seq = excluded.seq, kind = excluded.kind, actor_id = excluded.actor_id, count = count + 1,
                  updated_at = excluded.updated_at, read_at = NULL
                WHERE excluded.seq > notification.seq
                """
        ).execute(arguments: [event.createdAt.millis, event.spaceId, event.seq, skipped])
    }

    /// The member has read the space up to `readSeq`: a notification whose latest event is at or
    /// before it is read; one with later events counts only those (that the member may see and did
    /// not cause).
    static func spaceRead(_ access: SpaceAccess, upTo readSeq: Int64, now: Date, _ db: Database) throws {
        try db.execute(
            literal: """
                UPDATE notification SET read_at = \(now.millis), count = 0, alerted_at = NULL
                WHERE user_id = \(access.userId) AND space_id = \(access.spaceId) AND seq <= \(readSeq) AND read_at IS NULL
                """)
        try db.execute(
            literal: """
                UPDATE notification SET count = MIN(count, (
                  SELECT COUNT(*) FROM space_event e JOIN space_member m ON m.space_id = e.space_id AND m.user_id = notification.user_id
                  WHERE e.space_id = notification.space_id AND e.seq > \(readSeq) AND e.seq <= notification.seq
                    AND e.kind IN \(notifyingKinds) AND (e.kind <> 'fileAdded' OR json_extract(e.data, '$.attachment') IS NOT 1)
                    AND e.actor_id IS NOT notification.user_id
                    AND \(SpaceVisibility.memberFilter(event: "e", member: "m"))))
                WHERE user_id = \(access.userId) AND space_id = \(access.spaceId) AND seq > \(readSeq) AND read_at IS NULL
                """)
    }

    private static let notifyingKinds = SpaceEventKind.allCases.filter(\.notifies).map(\.rawValue)
}
