import Foundation
import GRDB

/// All SQL of meetings, their participants, slots and calendar feeds.
struct MeetingsStore: Sendable {
    let db: AppDatabase
    let hub: RealtimeHub
    let ids: IDGenerator

    struct NewMeeting: Sendable {
        var title: String
        var startsAt: Date
        var endsAt: Date
        var kind: MeetingKind
        var location: String
        var participantIds: [String]
        var privateTo: String?
    }

    /// Creates a meeting and its `meetingAdded` event. Inside the one write: the actor is an expert of
    /// the open space, every participant a member, and no expert participant has another meeting at
    /// an overlapping time in any space (409 `meeting.conflict`). SQLite runs one write at a time, so
    /// of concurrent attempts at overlapping times one commits and the others find it.
    func create(_ new: NewMeeting, by actor: SpaceAccess, now: Date) async throws -> MeetingDTO {
        let id = ids.next()
        return try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard access.isExpert else { throw AppError.forbidden }
            return try Self.insert(id: id, new, slotId: nil, by: access, now: now, &tx)
        }
    }

    /// `bookedBy`: the client who booked the expert's slot (the event's actor and the creator).
    private static func insert(
        id: String, _ new: NewMeeting, slotId: String?, by access: SpaceAccess, bookedBy: String? = nil, now: Date,
        _ tx: inout SpaceTransaction
    ) throws -> MeetingDTO {
        var participants: [SpaceAccess] = []
        for userId in ([access.userId] + new.participantIds).uniqued {
            guard let member = try SpacesStore.access(space: access.spaceId, user: userId, tx.db) else {
                throw AppError.validation([FieldError("participantIds", "meeting.participantNotMember")])
            }
            participants.append(member)
        }
        let clients = participants.filter { !$0.isExpert }.map(\.userId)
        var audience: String? = nil
        if access.kind == .group {
            if let privateTo = new.privateTo {
                try MessagesStore.checkAudience(privateTo, access: access, tx.db)
                if clients.contains(where: { $0 != privateTo }) {
                    throw AppError.validation([FieldError("privateTo", "field.invalidValue")])
                }
                audience = privateTo
            } else if clients.count == 1 {
                audience = clients[0]
            }
        } else if new.privateTo != nil {
            throw AppError.validation([FieldError("privateTo", "field.invalidValue")])
        }
        // A busy participant is named by their place in `participantIds`; the creator by `startsAt`.
        try checkFree(participants.filter(\.isExpert).map(\.userId), new.startsAt, new.endsAt, except: nil, tx.db) { user in
            new.participantIds.firstIndex(of: user).map { "participantIds[\($0)]" } ?? "startsAt"
        }
        let event = try tx.append(
            .meetingAdded, space: access.spaceId, actor: bookedBy ?? access.userId, audience: audience,
            data: EventData(
                title: new.title, status: MeetingStatus.scheduled.rawValue, meetingId: id, startsAt: new.startsAt, endsAt: new.endsAt))
        let row = MeetingRecord(
            id: id, spaceId: access.spaceId, title: new.title, startsAt: new.startsAt.millis, endsAt: new.endsAt.millis,
            timeZone: MeetingRules.zone, kind: new.kind.rawValue, location: new.location, status: MeetingStatus.scheduled.rawValue,
            cancelReason: nil, sequence: 0, audienceId: audience, seq: event.seq, slotId: slotId, createdBy: bookedBy ?? access.userId,
            createdAt: now.millis, updatedAt: now.millis)
        try row.insert(tx.db)
        let add = try tx.db.cachedStatement(
            sql: """
                INSERT INTO meeting_participant
                    (meeting_id, user_id, is_expert, response, responded_at, starts_at, ends_at, busy)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for p in participants {
            let own = p.userId == access.userId || p.userId == bookedBy
            try add.execute(arguments: [
                id, p.userId, p.isExpert, own ? MeetingResponse.accepted.rawValue : MeetingResponse.pending.rawValue,
                own ? now.millis : nil, row.startsAt, row.endsAt, p.isExpert,
            ])
        }
        try RemindersStore.plan(meeting: id, now: now, tx.db)
        return try meeting(id, access, tx.db) ?? { throw AppError.internalError }()
    }

    /// 409 `meeting.conflict` when one of `experts` is busy in another scheduled meeting that overlaps
    /// [start, end); each busy one is named in `errors[]` by `field(userId)`.
    private static func checkFree(
        _ experts: [String], _ start: Date, _ end: Date, except meetingId: String?, _ db: Database,
        field: (String) -> String = { _ in "startsAt" }
    ) throws {
        guard !experts.isEmpty else { return }
        let busy = try String.fetchAll(
            db,
            SQLRequest<String>(
                """
                SELECT DISTINCT user_id FROM meeting_participant
                WHERE user_id IN \(experts) AND busy = 1 AND starts_at < \(end.millis) AND ends_at > \(start.millis)
                  AND meeting_id <> \(meetingId ?? "")
                """))
        if !busy.isEmpty {
            throw AppError(.conflict, "meeting.conflict", errors: busy.sorted().map { FieldError(field($0), "meeting.conflict") })
        }
    }

    // MARK: Reading

    private static let select: SQL = """
        SELECT m.*, s.title AS space_title FROM meeting m JOIN space s ON s.id = m.space_id
        """

    private static func dtos(_ rows: [Row], _ db: Database) throws -> [MeetingDTO] {
        let meetings = try rows.map { (try MeetingRecord(row: $0), $0["space_title"] as String) }
        guard !meetings.isEmpty else { return [] }
        let people = try SQLRequest<Row>(
            """
            SELECT p.*, u.display_name FROM meeting_participant p JOIN app_user u ON u.id = p.user_id
            WHERE p.meeting_id IN \(meetings.map(\.0.id)) ORDER BY p.is_expert DESC, u.display_name
            """
        ).fetchAll(db)
        var byMeeting: [String: [ParticipantDTO]] = [:]
        for p in people {
            byMeeting[p["meeting_id"], default: []].append(
                ParticipantDTO(
                    userId: p["user_id"], displayName: p["display_name"], isExpert: p["is_expert"],
                    response: MeetingResponse(rawValue: p["response"]) ?? .pending,
                    proposedStartsAt: (p["proposed_starts_at"] as Int64?).map(Date.init(millis:)),
                    respondedAt: (p["responded_at"] as Int64?).map(Date.init(millis:))))
        }
        return meetings.map { m, spaceTitle in
            MeetingDTO(
                id: m.id, spaceId: m.spaceId, spaceTitle: spaceTitle, title: m.title, startsAt: Date(millis: m.startsAt),
                endsAt: Date(millis: m.endsAt), durationMinutes: Int((m.endsAt - m.startsAt) / 60_000), timeZone: m.timeZone,
                kind: MeetingKind(rawValue: m.kind) ?? .inPerson, location: m.location,
                status: MeetingStatus(rawValue: m.status) ?? .scheduled, cancelReason: m.cancelReason, sequence: m.sequence,
                audienceId: m.audienceId, slotId: m.slotId, createdBy: m.createdBy, createdAt: Date(millis: m.createdAt),
                updatedAt: Date(millis: m.updatedAt), participants: byMeeting[m.id] ?? [])
        }
    }

    private static func meeting(_ id: String, _ viewer: SpaceAccess, _ db: Database) throws -> MeetingDTO? {
        let rows = try SQLRequest<Row>(
            """
            \(Self.select)
            WHERE m.id = \(id) AND m.space_id = \(viewer.spaceId)
              AND \(SpaceVisibility.filter(viewer, audience: "m.audience_id", seq: "m.seq"))
            """
        ).fetchAll(db)
        return try dtos(rows, db).first
    }

    func meeting(_ id: String, _ viewer: SpaceAccess) async throws -> MeetingDTO? {
        try await db.writer.read { db in try Self.meeting(id, viewer, db) }
    }

    func space(ofMeeting id: String) async throws -> String? {
        guard id.count <= 64 else { return nil }
        return try await db.writer.read { db in try String.fetchOne(db, sql: "SELECT space_id FROM meeting WHERE id = ?", arguments: [id]) }
    }

    /// The space's meetings that the viewer sees, ending after `from`, soonest first.
    func list(_ viewer: SpaceAccess, from: Date, page: PageRequest) async throws -> [MeetingDTO] {
        try await db.writer.read { db in
            try Self.dtos(
                SQLRequest<Row>(
                    """
                    \(Self.select)
                    WHERE m.space_id = \(viewer.spaceId) AND m.ends_at > \(from.millis)
                      AND \(SpaceVisibility.filter(viewer, audience: "m.audience_id", seq: "m.seq"))
                    ORDER BY m.starts_at, m.id LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """
                ).fetchAll(db), db)
        }
    }

    /// The meetings the user takes part in, in the spaces they are a member of now, ending after
    /// `from` (and starting before `to`), soonest first.
    func participating(_ user: String, from: Date, to: Date? = nil, limit: Int, offset: Int = 0) async throws -> [MeetingDTO] {
        try await db.writer.read { db in
            let until: SQL = to.map { "AND m.starts_at < \($0.millis)" } ?? ""
            return try Self.dtos(
                SQLRequest<Row>(
                    """
                    \(Self.select)
                    JOIN meeting_participant p ON p.meeting_id = m.id AND p.user_id = \(user)
                    JOIN space_member sm ON sm.space_id = m.space_id AND sm.user_id = \(user) AND sm.left_at IS NULL
                    WHERE m.ends_at > \(from.millis) \(until) AND \(SpaceVisibility.memberFilter(event: "m", member: "sm"))
                    ORDER BY m.starts_at, m.id LIMIT \(limit) OFFSET \(offset)
                    """
                ).fetchAll(db), db)
        }
    }

    // MARK: Changing

    struct Change: Sendable {
        var title: String?
        var startsAt: Date?
        var endsAt: Date?
        var kind: MeetingKind?
        var location: String?
    }

    private static func visibleRecord(_ id: String, _ viewer: SpaceAccess, _ db: Database) throws -> MeetingRecord? {
        try MeetingRecord.fetchOne(
            db,
            SQLRequest<MeetingRecord>(
                """
                SELECT * FROM meeting WHERE id = \(id) AND space_id = \(viewer.spaceId)
                  AND \(SpaceVisibility.filter(viewer, audience: "audience_id", seq: "seq"))
                """))
    }

    /// An expert changes a scheduled meeting. A new time is checked against the expert participants'
    /// other meetings, raises SEQUENCE and asks everybody else to answer again.
    func update(_ id: String, _ change: Change, by actor: SpaceAccess, now: Date) async throws -> MeetingDTO {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard access.isExpert else { throw AppError.forbidden }
            guard var m = try Self.visibleRecord(id, access, tx.db) else { throw AppError.notFound("meeting.notFound") }
            guard m.status == MeetingStatus.scheduled.rawValue else { throw AppError(.conflict, "meeting.cancelled") }
            let before = m
            if let title = change.title { m.title = title }
            if let kind = change.kind { m.kind = kind.rawValue }
            if let location = change.location { m.location = location }
            if let start = change.startsAt, let end = change.endsAt {
                m.startsAt = start.millis
                m.endsAt = end.millis
            }
            let moved = m.startsAt != before.startsAt || m.endsAt != before.endsAt
            guard moved || m.title != before.title || m.kind != before.kind || m.location != before.location else {
                return try Self.meeting(id, access, tx.db) ?? { throw AppError.internalError }()
            }
            if moved {
                let experts = try String.fetchAll(
                    tx.db, sql: "SELECT user_id FROM meeting_participant WHERE meeting_id = ? AND busy = 1", arguments: [id])
                try Self.checkFree(experts, Date(millis: m.startsAt), Date(millis: m.endsAt), except: id, tx.db)
                try tx.db.execute(
                    sql: """
                        UPDATE meeting_participant
                        SET starts_at = ?, ends_at = ?,
                            response = CASE WHEN user_id = ? THEN 'accepted' ELSE 'pending' END,
                            proposed_starts_at = NULL,
                            responded_at = CASE WHEN user_id = ? THEN ? ELSE NULL END,
                            busy = is_expert
                        WHERE meeting_id = ?
                        """, arguments: [m.startsAt, m.endsAt, access.userId, access.userId, now.millis, id])
            }
            m.sequence += 1
            m.updatedAt = now.millis
            try m.update(tx.db)
            try RemindersStore.plan(meeting: id, now: now, tx.db)
            try tx.append(
                .meetingChanged, space: m.spaceId, actor: access.userId, audience: m.audienceId,
                data: EventData(
                    title: m.title, status: m.status, meetingId: id, startsAt: Date(millis: m.startsAt), endsAt: Date(millis: m.endsAt)),
                itemSeq: m.seq)
            return try Self.meeting(id, access, tx.db) ?? { throw AppError.internalError }()
        }
    }

    /// Cancels a meeting; `authorize` decides inside the write, with the meeting and the caller's
    /// participation as they are then. A booked slot is free again.
    func cancel(
        _ id: String, reason: String?, by actor: SpaceAccess, now: Date,
        authorize: @escaping @Sendable (SpaceAccess, MeetingRecord, _ bookedBy: String?) throws -> Void
    ) async throws -> MeetingDTO {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard var m = try Self.visibleRecord(id, access, tx.db) else { throw AppError.notFound("meeting.notFound") }
            guard m.status == MeetingStatus.scheduled.rawValue else { throw AppError(.conflict, "meeting.cancelled") }
            let bookedBy = try String.fetchOne(
                tx.db, sql: "SELECT user_id FROM meeting_participant WHERE meeting_id = ? AND is_expert = 0 AND ? IS NOT NULL LIMIT 1",
                arguments: [id, m.slotId])
            try authorize(access, m, bookedBy)
            m.status = MeetingStatus.cancelled.rawValue
            m.cancelReason = reason
            m.sequence += 1
            m.updatedAt = now.millis
            try m.update(tx.db)
            try tx.db.execute(sql: "UPDATE meeting_participant SET busy = 0 WHERE meeting_id = ?", arguments: [id])
            try tx.db.execute(sql: "UPDATE meeting_slot SET meeting_id = NULL WHERE meeting_id = ?", arguments: [id])
            try RemindersStore.plan(meeting: id, now: now, tx.db)
            try tx.append(
                .meetingCancelled, space: m.spaceId, actor: access.userId, audience: m.audienceId,
                data: EventData(
                    title: m.title, status: m.status, meetingId: id, startsAt: Date(millis: m.startsAt), endsAt: Date(millis: m.endsAt)),
                itemSeq: m.seq)
            return try Self.meeting(id, access, tx.db) ?? { throw AppError.internalError }()
        }
    }

    /// A participant accepts, declines or proposes another time. An expert who declines is free at
    /// that time again; accepting makes them busy again (checked).
    func respond(_ id: String, _ response: MeetingResponse, proposed: Date?, by actor: SpaceAccess, now: Date) async throws -> MeetingDTO {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard let m = try Self.visibleRecord(id, access, tx.db) else { throw AppError.notFound("meeting.notFound") }
            guard m.status == MeetingStatus.scheduled.rawValue else { throw AppError(.conflict, "meeting.cancelled") }
            guard
                let isExpert = try Bool.fetchOne(
                    tx.db, sql: "SELECT is_expert FROM meeting_participant WHERE meeting_id = ? AND user_id = ?",
                    arguments: [id, access.userId])
            else { throw AppError(.forbidden, "meeting.notParticipant") }
            let busy = isExpert && response != .declined
            if busy { try Self.checkFree([access.userId], Date(millis: m.startsAt), Date(millis: m.endsAt), except: id, tx.db) }
            try tx.db.execute(
                sql: """
                    UPDATE meeting_participant SET response = ?, proposed_starts_at = ?, responded_at = ?, busy = ?
                    WHERE meeting_id = ? AND user_id = ?
                    """, arguments: [response.rawValue, proposed?.millis, now.millis, busy, id, access.userId])
            try RemindersStore.plan(meeting: id, now: now, tx.db)
            try tx.append(
                .meetingResponded, space: m.spaceId, actor: access.userId, audience: m.audienceId,
                data: EventData(
                    title: m.title, meetingId: id, startsAt: proposed, response: response.rawValue), itemSeq: m.seq)
            return try Self.meeting(id, access, tx.db) ?? { throw AppError.internalError }()
        }
    }

    // MARK: Slots

    /// Stores the expert's new slots, leaving out those that overlap a slot they have or a meeting
    /// they are busy in. Returns the stored ones.
    func addSlots(_ slots: [SlotRecord], now: Date) async throws -> [SlotRecord] {
        try await db.writer.write { db in
            var stored: [SlotRecord] = []
            for slot in slots {
                let overlaps =
                    try Bool.fetchOne(
                        db,
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM meeting_slot WHERE expert_id = ? AND starts_at < ? AND ends_at > ?)
                                OR EXISTS (SELECT 1 FROM meeting_participant WHERE user_id = ? AND busy = 1 AND starts_at < ? AND ends_at > ?)
                            """,
                        arguments: [slot.expertId, slot.endsAt, slot.startsAt, slot.expertId, slot.endsAt, slot.startsAt]) ?? false
                if overlaps { continue }
                try slot.insert(db)
                stored.append(slot)
            }
            return stored
        }
    }

    private static func slotDTOs(_ rows: [Row], owner: Bool) -> [SlotDTO] {
        rows.map {
            SlotDTO(
                id: $0["id"], expertId: $0["expert_id"], expertName: $0["display_name"], startsAt: Date(millis: $0["starts_at"]),
                endsAt: Date(millis: $0["ends_at"]), kind: MeetingKind(rawValue: $0["kind"]) ?? .inPerson, location: $0["location"],
                booked: ($0["meeting_id"] as String?) != nil, meetingId: owner ? $0["meeting_id"] : nil)
        }
    }

    /// An expert's own slots from `from` on, booked ones too.
    func ownSlots(_ expert: String, from: Date, page: PageRequest) async throws -> [SlotDTO] {
        try await db.writer.read { db in
            Self.slotDTOs(
                try SQLRequest<Row>(
                    """
                    SELECT sl.*, u.display_name FROM meeting_slot sl JOIN app_user u ON u.id = sl.expert_id
                    WHERE sl.expert_id = \(expert) AND sl.ends_at > \(from.millis)
                    ORDER BY sl.starts_at LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """
                ).fetchAll(db), owner: true)
        }
    }

    /// Free slots from `from` on of the experts who share an open space with the client (optionally
    /// of one space's experts).
    func bookableSlots(for client: String, space: String?, from: Date, page: PageRequest) async throws -> [SlotDTO] {
        try await db.writer.read { db in
            let spaceFilter: SQL = space.map { "AND mine.space_id = \($0)" } ?? ""
            return Self.slotDTOs(
                try SQLRequest<Row>(
                    """
                    SELECT sl.*, u.display_name FROM meeting_slot sl JOIN app_user u ON u.id = sl.expert_id
                    WHERE sl.meeting_id IS NULL AND sl.starts_at > \(from.millis)
                      AND sl.expert_id IN (
                        SELECT theirs.user_id FROM space_member mine
                        JOIN space s ON s.id = mine.space_id AND s.status = 'open'
                        JOIN space_member theirs ON theirs.space_id = mine.space_id AND theirs.left_at IS NULL
                             AND theirs.role IN ('owner', 'expert')
                        WHERE mine.user_id = \(client) AND mine.role = 'client' AND mine.left_at IS NULL \(spaceFilter))
                    ORDER BY sl.starts_at LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """
                ).fetchAll(db), owner: false)
        }
    }

    /// A client books a free slot of an expert of the space: the meeting is created, with the expert
    /// and the client, and the slot marked taken in the same write. Of two clients racing for a slot
    /// one gets it; the other 409 `slot.taken`.
    func book(_ slotId: String, by client: SpaceAccess, title: String, now: Date) async throws -> MeetingDTO {
        let meetingId = ids.next()
        return try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(client, tx.db)
            guard !access.isExpert else { throw AppError(.forbidden, "slot.clientsOnly") }
            guard let slot = try SlotRecord.fetchOne(tx.db, key: slotId), slot.startsAt > now.millis else {
                throw AppError.notFound("slot.notFound")
            }
            guard slot.meetingId == nil else { throw AppError(.conflict, "slot.taken") }
            guard let expert = try SpacesStore.access(space: access.spaceId, user: slot.expertId, tx.db), expert.isExpert else {
                throw AppError.notFound("slot.notFound")
            }
            let new = NewMeeting(
                title: title, startsAt: Date(millis: slot.startsAt), endsAt: Date(millis: slot.endsAt),
                kind: MeetingKind(rawValue: slot.kind) ?? .inPerson, location: slot.location, participantIds: [access.userId],
                privateTo: access.kind == .group ? access.userId : nil)
            // The client booked it: they are its creator and their answer is yes.
            let dto = try Self.insert(id: meetingId, new, slotId: slotId, by: expert, bookedBy: access.userId, now: now, &tx)
            try tx.db.execute(
                sql: "UPDATE meeting_slot SET meeting_id = ? WHERE id = ? AND meeting_id IS NULL", arguments: [meetingId, slotId])
            guard tx.db.changesCount == 1 else { throw AppError(.conflict, "slot.taken") }
            return try Self.meeting(dto.id, access, tx.db) ?? { throw AppError.internalError }()
        }
    }

    /// An expert removes a free slot of their own.
    func deleteSlot(_ id: String, expert: String) async throws -> Bool {
        try await db.writer.write { db in
            try db.execute(sql: "DELETE FROM meeting_slot WHERE id = ? AND expert_id = ? AND meeting_id IS NULL", arguments: [id, expert])
            return db.changesCount == 1
        }
    }

    // MARK: Calendar feed

    func feed(of user: String) async throws -> Date? {
        try await db.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT created_at FROM calendar_feed WHERE user_id = ?", arguments: [user]).map(Date.init(millis:))
        }
    }

    /// A new feed secret for the user (the old one stops working).
    func replaceFeed(of user: String, hash: String, now: Date) async throws {
        try await db.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO calendar_feed (user_id, token_hash, created_at) VALUES (?, ?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at
                    """, arguments: [user, hash, now.millis])
        }
    }

    func removeFeed(of user: String) async throws {
        try await db.writer.write { db in try db.execute(sql: "DELETE FROM calendar_feed WHERE user_id = ?", arguments: [user]) }
    }

    /// The user and their language whose feed has this secret's hash.
    func feedOwner(hash: String) async throws -> (userId: String, language: Language)? {
        try await db.writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT u.id, u.language FROM calendar_feed f JOIN app_user u ON u.id = f.user_id WHERE f.token_hash = ?",
                    arguments: [hash])
            else { return nil }
            return (row["id"], Language(rawValue: row["language"]) ?? .fi)
        }
    }
}
