import Foundation
import GRDB

/// One write transaction of a space's features. Every event appended through it takes the next
/// gap-free seq of its space in this transaction, makes its notifications here too, and reaches the
/// realtime hub only when the transaction commits (from the serial writer, so in seq order).
struct SpaceTransaction {
    let db: Database
    let now: Date
    let ids: IDGenerator
    let hub: RealtimeHub
    private(set) var events: [SpaceEventDTO] = []
    private(set) var changes: [AccessChange] = []

    init(db: Database, now: Date, ids: IDGenerator, hub: RealtimeHub) {
        self.db = db
        self.now = now
        self.ids = ids
        self.hub = hub
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    /// Appends an event to the space's log with the next seq and returns it.
    @discardableResult
    mutating func append(
        _ kind: SpaceEventKind, space: String, actor: String?, audience: String? = nil, data: EventData = EventData(),
        itemSeq: Int64? = nil, notifies: Bool = true
    ) throws -> SpaceEventDTO {
        // Prepared statements kept by the connection, with plain arguments: this is the send path.
        let next = try db.cachedStatement(
            sql: "UPDATE space SET last_seq = last_seq + 1, last_activity_at = ? WHERE id = ? RETURNING last_seq")
        guard let seq = try Int64.fetchOne(next, arguments: [now.millis, space]) else { throw AppError.notFound("space.notFound") }
        // Events about a message keep no text: it is read from `message` (edits and deletes show in
        // every replay, and no earlier text is served).
        let aboutMessage = kind == .message || kind == .messageEdited || kind == .messageDeleted
        let stored = aboutMessage ? EventData(messageId: data.messageId, editedAt: data.editedAt) : data
        let json = String(decoding: try Self.encoder.encode(stored), as: UTF8.self)
        try db.cachedStatement(
            sql: """
                INSERT INTO space_event (space_id, seq, kind, actor_id, audience_id, message_id, data, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [space, seq, kind.rawValue, actor, audience, aboutMessage ? data.messageId : nil, json, now.millis])
        let event = SpaceEventDTO(
            spaceId: space, seq: seq, kind: kind, data: data, createdAt: Date(millis: now.millis), actorId: actor, audienceId: audience,
            itemSeq: itemSeq)
        // A file uploaded to go with a message is announced by that message.
        if kind.notifies, notifies, data.attachment != true { try notify(event) }
        events.append(event)
        return event
    }

    mutating func change(_ change: AccessChange) {
        changes.append(change)
    }

    /// Where the collected events and changes stand, to go back to when a savepoint rolls back.
    var mark: (events: Int, changes: Int) { (events.count, changes.count) }

    /// Forgets what was collected after `mark` (its savepoint rolled back).
    mutating func rollBack(to mark: (events: Int, changes: Int)) {
        events.removeSubrange(mark.events...)
        changes.removeSubrange(mark.changes...)
    }

    /// Notifies each member who may see the event, did not cause it and is not looking at the space
    /// now (their one notification of the space counts it).
    private func notify(_ event: SpaceEventDTO) throws {
        try NotificationsStore.notify(event, except: hub.viewers(of: event.spaceId), db)
    }

    /// Hands the events and access changes to the hub (after the commit).
    func publish() {
        guard !events.isEmpty || !changes.isEmpty else { return }
        hub.publish(events, changes: changes)
    }

    /// For a transaction that another feature runs (an invitation's acceptance): hands the events
    /// to the hub when, and only if, it commits.
    func publishOnCommit() {
        guard !events.isEmpty || !changes.isEmpty else { return }
        let events = events
        let changes = changes
        let hub = hub
        db.afterNextTransaction(onCommit: { _ in hub.publish(events, changes: changes) })
    }
}

extension AppDatabase {
    /// A write transaction that may append space events; they are published after the commit, still
    /// on the serial writer (so in commit order), and not at all if it rolls back. (Not through a
    /// transaction observer: with one registered, SQLite's every statement is inspected for it.)
    func spaceWrite<T: Sendable>(
        now: Date, ids: IDGenerator, hub: RealtimeHub, _ body: @escaping @Sendable (inout SpaceTransaction) throws -> T
    ) async throws -> T {
        try await writer.writeWithoutTransaction { db in
            var tx = SpaceTransaction(db: db, now: now, ids: ids, hub: hub)
            var result: T?
            try db.inTransaction {
                result = try body(&tx)
                return .commit
            }
            tx.publish()
            guard let result else { throw AppError.internalError }
            return result
        }
    }
}
