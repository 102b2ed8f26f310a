import Foundation
import GRDB

/// All SQL of messages, events as members read them, and read positions.
struct MessagesStore: Sendable {
    let db: AppDatabase
    let hub: RealtimeHub
    let ids: IDGenerator

    /// One message to store, from HTTP or a socket.
    struct Send: Sendable {
        let spaceId: String
        let senderId: String
        let clientMessageId: String
        let body: String
        let attachmentIds: [String]
        let audienceId: String?
    }

    enum SendOutcome: Sendable, Equatable {
        case stored(SentMessage, isNew: Bool)
        case failed(AppError)
    }

    /// Stores a batch of messages in one transaction (group commit: one fsync for all). Each message
    /// runs in its own savepoint, so one refused message does not undo the others. The events reach
    /// the hub when the transaction commits; the callers' acks go out after this returns.
    func send(_ batch: [Send], now: Date) async throws -> [SendOutcome] {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            var outcomes: [SendOutcome] = []
            outcomes.reserveCapacity(batch.count)
            for item in batch {
                var outcome = SendOutcome.failed(.internalError)
                let mark = tx.mark
                try tx.db.inSavepoint {
                    do {
                        outcome = try Self.store(item, &tx)
                        return .commit
                    } catch let error as AppError {
                        outcome = .failed(error)
                        return .rollback
                    }
                }
                if case .failed = outcome { tx.rollBack(to: mark) }
                outcomes.append(outcome)
            }
            return outcomes
        }
    }

    private static func store(_ item: Send, _ tx: inout SpaceTransaction) throws -> SendOutcome {
        guard let access = try SpacesStore.access(space: item.spaceId, user: item.senderId, tx.db) else {
            throw AppError.notFound("space.notFound")
        }
        let earlier = try tx.db.cachedStatement(sql: "SELECT * FROM message WHERE space_id = ? AND sender_id = ? AND client_message_id = ?")
        if let old = try MessageRecord.fetchOne(earlier, arguments: [item.spaceId, item.senderId, item.clientMessageId]) {
            return .stored(SentMessage(old), isNew: false)
        }
        guard access.status == .open else { throw AppError(.conflict, "space.closed") }
        try checkAudience(item.audienceId, access: access, tx.db)
        let attachments = try self.attachments(item.attachmentIds, in: item.spaceId, by: item.senderId, audience: item.audienceId, tx.db)
        let messageId = tx.ids.next()
        let event = try tx.append(
            .message, space: item.spaceId, actor: item.senderId, audience: item.audienceId,
            data: EventData(
                messageId: messageId, clientMessageId: item.clientMessageId, senderId: item.senderId, body: item.body,
                attachments: attachments, deleted: false))
        let json = attachments.isEmpty ? "[]" : String(decoding: try SpaceTransaction.encoder.encode(attachments), as: UTF8.self)
        let row = MessageRecord(
            id: messageId, spaceId: item.spaceId, seq: event.seq, senderId: item.senderId, clientMessageId: item.clientMessageId,
            audienceId: item.audienceId, body: item.body, attachments: json, createdAt: tx.now.millis, editedAt: nil, deletedAt: nil)
        try tx.db.cachedStatement(
            sql: """
                INSERT INTO message (id, space_id, seq, sender_id, client_message_id, audience_id, body, attachments, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            row.id, row.spaceId, row.seq, row.senderId, row.clientMessageId, row.audienceId, row.body, row.attachments, row.createdAt,
        ])
        return .stored(SentMessage(row), isNew: true)
    }

    /// A private item (a message or a file) names a client of the space; a client may only address
    /// themselves.
    static func checkAudience(_ audience: String?, access: SpaceAccess, _ db: Database) throws {
        guard let audience else { return }
        if access.kind != .group { throw AppError.validation([FieldError("privateTo", "field.invalidValue")]) }
        if !access.isExpert, audience != access.userId { throw AppError.validation([FieldError("privateTo", "field.invalidValue")]) }
        guard let target = try SpacesStore.access(space: access.spaceId, user: audience, db), target.role == .client else {
            throw AppError.validation([FieldError("privateTo", "field.invalidValue")])
        }
    }

    /// Attachments must be files of this space that the sender uploaded, visible to the message's audience.
    private static func attachments(_ ids: [String], in space: String, by sender: String, audience: String?, _ db: Database) throws
        -> [AttachmentDTO]
    {
        try ids.map { id in
            guard
                let row = try SQLRequest<Row>(
                    "SELECT id, name, size, content_type, audience_id FROM space_file WHERE id = \(id) AND space_id = \(space) AND uploader_id = \(sender)"
                ).fetchOne(db),
                (row["audience_id"] as String?) == nil || (row["audience_id"] as String?) == audience
            else { throw AppError.validation([FieldError("attachmentIds", "file.notFound")]) }
            return AttachmentDTO(id: row["id"], name: row["name"], size: row["size"], contentType: row["content_type"])
        }
    }

    enum ChangeOutcome: Sendable, Equatable {
        case changed(SpaceEventDTO)
        case notFound
        case notAuthor
        case expired
        case closed
    }

    /// Edits (body) or deletes (nil) a message of the caller's; the earlier text goes to the audit
    /// table, never to members.
    func change(message id: String, body: String?, by access: SpaceAccess, editWindow: TimeInterval, now: Date) async throws
        -> ChangeOutcome
    {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            guard let current = try SpacesStore.access(space: access.spaceId, user: access.userId, tx.db) else { return .notFound }
            guard
                let message = try MessageRecord.fetchOne(
                    tx.db, SQLRequest<MessageRecord>("SELECT * FROM message WHERE id = \(id) AND space_id = \(access.spaceId)")),
                SpaceVisibility.allows(seq: message.seq, audienceId: message.audienceId, to: current), message.deletedAt == nil
            else { return .notFound }
            guard message.senderId == access.userId else { return .notAuthor }
            guard current.status == .open else { return .closed }
            if body != nil, Double(now.millis - message.createdAt) / 1000 > editWindow { return .expired }
            let revision = (try SQLRequest<Int>("SELECT COUNT(*) FROM message_revision WHERE message_id = \(id)").fetchOne(tx.db) ?? 0) + 1
            try tx.db.execute(
                literal: """
                    INSERT INTO message_revision (message_id, revision, body, replaced_at, replaced_by)
                    VALUES (\(id), \(revision), \(message.body ?? ""), \(now.millis), \(access.userId))
                    """)
            let event: SpaceEventDTO
            if let body {
                try tx.db.execute(literal: "UPDATE message SET body = \(body), edited_at = \(now.millis) WHERE id = \(id)")
                event = try tx.append(
                    .messageEdited, space: access.spaceId, actor: access.userId, audience: message.audienceId,
                    data: EventData(messageId: id, body: body, editedAt: Date(millis: now.millis)), itemSeq: message.seq)
            } else {
                try tx.db.execute(literal: "UPDATE message SET body = NULL, deleted_at = \(now.millis) WHERE id = \(id)")
                event = try tx.append(
                    .messageDeleted, space: access.spaceId, actor: access.userId, audience: message.audienceId,
                    data: EventData(messageId: id), itemSeq: message.seq)
            }
            return .changed(event)
        }
    }

    /// Moves the member's read position forward (never back) and marks their notification of the
    /// space read up to it. Returns the position now stored.
    func markRead(_ access: SpaceAccess, seq: Int64, now: Date) async throws -> Int64 {
        try await db.writer.write { db in
            try db.execute(
                literal: """
                    UPDATE space_member SET read_seq = CASE WHEN read_seq < \(seq) THEN \(seq) ELSE read_seq END
                    WHERE space_id = \(access.spaceId) AND user_id = \(access.userId)
                      AND \(seq) <= (SELECT last_seq FROM space WHERE id = \(access.spaceId))
                    """)
            let stored =
                try SQLRequest<Int64>(
                    "SELECT read_seq FROM space_member WHERE space_id = \(access.spaceId) AND user_id = \(access.userId)"
                ).fetchOne(db) ?? 0
            try NotificationsStore.spaceRead(access, upTo: stored, now: now, db)
            return stored
        }
    }

    // MARK: Reading events

    /// Events the viewer may see with seq > after (oldest first), or the `limit` before `before`.
    func events(_ viewer: SpaceAccess, after: Int64?, before: Int64?, limit: Int) async throws -> [SpaceEventDTO] {
        try await db.writer.read { db in try Self.events(viewer, after: after, before: before, limit: limit, db) }
    }

    static func events(_ viewer: SpaceAccess, after: Int64?, before: Int64?, limit: Int, _ db: Database) throws -> [SpaceEventDTO] {
        let range: SQL
        let order: SQL
        if let before {
            range = "e.seq < \(before)"
            order = "DESC"
        } else {
            range = "e.seq > \(after ?? 0)"
            order = "ASC"
        }
        let rows = try SQLRequest<Row>(
            """
            SELECT e.*, m.id AS m_id, m.client_message_id, m.sender_id, m.body, m.attachments, m.edited_at, m.deleted_at
            FROM space_event e LEFT JOIN message m ON m.id = e.message_id
            WHERE e.space_id = \(viewer.spaceId) AND \(range)
              AND \(SpaceVisibility.filter(viewer, audience: "e.audience_id", seq: "e.seq"))
              AND (m.id IS NULL OR \(SpaceVisibility.filter(viewer, audience: "m.audience_id", seq: "m.seq")))
            ORDER BY e.seq \(order) LIMIT \(limit)
            """
        ).fetchAll(db)
        let events = try rows.map(event)
        return before == nil ? events : events.reversed()
    }

    private static func event(_ row: Row) throws -> SpaceEventDTO {
        let kind = SpaceEventKind(rawValue: row["kind"]) ?? .message
        var data = try SpaceTransaction.decoder.decode(EventData.self, from: Data((row["data"] as String).utf8))
        if kind == .messageEdited, let messageId: String = row["m_id"] {
            // The text as it is now (never an earlier one); none when the message was deleted since.
            data.messageId = messageId
            data.body = row["body"]
        } else if kind == .message, let messageId: String = row["m_id"] {
            data.messageId = messageId
            data.clientMessageId = row["client_message_id"]
            data.senderId = row["sender_id"]
            data.body = row["body"]
            data.attachments = try SpaceTransaction.decoder.decode([AttachmentDTO].self, from: Data((row["attachments"] as String).utf8))
            data.editedAt = (row["edited_at"] as Int64?).map(Date.init(millis:))
            data.deleted = (row["deleted_at"] as Int64?) != nil
            if data.deleted == true { data.attachments = [] }
        }
        return SpaceEventDTO(
            spaceId: row["space_id"], seq: row["seq"], kind: kind, data: data, createdAt: Date(millis: row["created_at"]),
            actorId: row["actor_id"], audienceId: row["audience_id"])
    }
}
