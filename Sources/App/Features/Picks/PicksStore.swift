import Foundation
import GRDB

/// All SQL of picks: `space_pick` and its status history.
struct PicksStore: Sendable {
    let db: AppDatabase
    let hub: RealtimeHub
    let ids: IDGenerator

    /// A pick's row with its status history, oldest change first.
    struct Stored: Sendable {
        var pick: PickRecord
        var history: [PickChangeDTO]
    }

    /// The service as it is when picked.
    struct Service: Sendable {
        let id: String
        let name: LocalText
        let version: Int
    }

    /// Stores a pick and its `pickAdded` event, after checking again that the actor is an expert of
    /// the open space, that `audience` is a client of it, and that the service is not picked already.
    func add(
        _ service: Service, note: String, audience: String?, by actor: SpaceAccess, now: Date
    ) async throws -> Stored {
        let id = ids.next()
        return try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard access.isExpert else { throw AppError.forbidden }
            try MessagesStore.checkAudience(audience, access: access, tx.db)
            let taken =
                try Bool.fetchOne(
                    tx.db,
                    sql: "SELECT EXISTS (SELECT 1 FROM space_pick WHERE space_id = ? AND service_id = ? AND COALESCE(audience_id, '') = ?)",
                    arguments: [access.spaceId, service.id, audience ?? ""]) ?? false
            if taken { throw AppError(.conflict, "pick.exists") }
            let count = try Int.fetchOne(tx.db, sql: "SELECT COUNT(*) FROM space_pick WHERE space_id = ?", arguments: [access.spaceId]) ?? 0
            if count >= PickRules.maxPicks { throw AppError(.conflict, "pick.tooMany") }
            let event = try tx.append(
                .pickAdded, space: access.spaceId, actor: access.userId, audience: audience,
                data: EventData(pickId: id, serviceId: service.id, serviceName: service.name, status: PickStatus.suggested.rawValue))
            let name = String(decoding: try SpaceTransaction.encoder.encode(service.name), as: UTF8.self)
            let row = PickRecord(
                id: id, spaceId: access.spaceId, serviceId: service.id, serviceName: name, serviceVersion: service.version, note: note,
                position: count, status: PickStatus.suggested.rawValue, audienceId: audience, seq: event.seq, pickedBy: access.userId,
                createdAt: now.millis, updatedAt: now.millis)
            try row.insert(tx.db)
            try Self.recordStatus(.suggested, of: id, by: access.userId, now: now, tx.db)
            return Stored(pick: row, history: try Self.history(of: [id], tx.db)[id] ?? [])
        }
    }

    private static func recordStatus(_ status: PickStatus, of pick: String, by user: String, now: Date, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO space_pick_change (pick_id, status, changed_by, changed_at) VALUES (?, ?, ?, ?)",
            arguments: [pick, status.rawValue, user, now.millis])
    }

    private static func history(of picks: [String], _ db: Database) throws -> [String: [PickChangeDTO]] {
        guard !picks.isEmpty else { return [:] }
        let rows = try SQLRequest<Row>(
            "SELECT pick_id, status, changed_by, changed_at FROM space_pick_change WHERE pick_id IN \(picks) ORDER BY id"
        ).fetchAll(db)
        var result: [String: [PickChangeDTO]] = [:]
        for row in rows {
            guard let status = PickStatus(rawValue: row["status"]) else { continue }
            result[row["pick_id"], default: []].append(
                PickChangeDTO(status: status, changedBy: row["changed_by"], changedAt: Date(millis: row["changed_at"])))
        }
        return result
    }

    /// The picks the viewer may see, in the plan's order.
    func list(_ viewer: SpaceAccess, page: PageRequest) async throws -> [Stored] {
        try await db.writer.read { db in
            let picks = try PickRecord.fetchAll(
                db,
                SQLRequest<PickRecord>(
                    """
                    SELECT * FROM space_pick
                    WHERE space_id = \(viewer.spaceId) AND \(SpaceVisibility.filter(viewer, audience: "audience_id", seq: "seq"))
                    ORDER BY position, created_at LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """))
            let history = try Self.history(of: picks.map(\.id), db)
            return picks.map { Stored(pick: $0, history: history[$0.id] ?? []) }
        }
    }

    /// Picks suggested to the user as a client of an open space, not answered yet, newest first.
    func awaitingAnswer(client user: String, limit: Int) async throws -> [(pick: PickRecord, spaceTitle: String)] {
        try await db.writer.read { db in
            try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT p.*, s.title AS space_title FROM space_pick p
                    JOIN space s ON s.id = p.space_id AND s.status = 'open'
                    JOIN space_member m ON m.space_id = p.space_id AND m.user_id = \(user) AND m.left_at IS NULL AND m.role = 'client'
                    WHERE p.status = 'suggested' AND \(SpaceVisibility.memberFilter(event: "p", member: "m"))
                    ORDER BY p.created_at DESC, p.id LIMIT \(limit)
                    """)
            ).map { (try PickRecord(row: $0), $0["space_title"]) }
        }
    }

    /// The space a pick belongs to (to resolve the caller's access before anything else).
    func space(ofPick id: String) async throws -> String? {
        guard id.count <= 64 else { return nil }
        return try await db.writer.read { db in
            try String.fetchOne(db, sql: "SELECT space_id FROM space_pick WHERE id = ?", arguments: [id])
        }
    }

    /// One pick, when the viewer may see it.
    func pick(_ id: String, _ viewer: SpaceAccess) async throws -> Stored? {
        try await db.writer.read { db in try Self.visiblePick(id, viewer, db) }
    }

    private static func visiblePick(_ id: String, _ viewer: SpaceAccess, _ db: Database) throws -> Stored? {
        guard
            let pick = try PickRecord.fetchOne(
                db,
                SQLRequest<PickRecord>(
                    """
                    SELECT * FROM space_pick
                    WHERE id = \(id) AND space_id = \(viewer.spaceId)
                      AND \(SpaceVisibility.filter(viewer, audience: "audience_id", seq: "seq"))
                    """))
        else { return nil }
        return Stored(pick: pick, history: try history(of: [id], db)[id] ?? [])
    }

    /// What an update changes; `authorize` runs inside the write with the actor's access and the pick
    /// as they are then, and throws to refuse.
    struct Change: Sendable {
        var status: PickStatus?
        var note: String?
        var position: Int?
        /// The service's version now, when an expert acknowledges a change.
        var version: Int?
    }

    func update(
        _ id: String, _ change: Change, by actor: SpaceAccess, now: Date,
        authorize: @escaping @Sendable (SpaceAccess, PickRecord) throws -> Void
    ) async throws -> Stored {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard var stored = try Self.visiblePick(id, access, tx.db) else { throw AppError.notFound("pick.notFound") }
            try authorize(access, stored.pick)
            var pick = stored.pick
            var changed: [String] = []
            if let status = change.status, status.rawValue != pick.status {
                pick.status = status.rawValue
                try Self.recordStatus(status, of: id, by: access.userId, now: now, tx.db)
                changed.append("status")
            }
            if let note = change.note, note != pick.note {
                pick.note = note
                changed.append("note")
            }
            if let version = change.version, version != pick.serviceVersion {
                pick.serviceVersion = version
                changed.append("version")
            }
            if let position = change.position, position != pick.position {
                try Self.move(pick, to: position, tx.db)
                pick.position = try Int.fetchOne(tx.db, sql: "SELECT position FROM space_pick WHERE id = ?", arguments: [id]) ?? position
                changed.append("position")
            }
            guard !changed.isEmpty else { return stored }
            pick.updatedAt = now.millis
            try pick.update(tx.db)
            // A new order is news to nobody: it goes to the open views, not to the notifications.
            try tx.append(
                .pickChanged, space: pick.spaceId, actor: access.userId, audience: pick.audienceId,
                data: EventData(
                    pickId: id, serviceId: pick.serviceId, serviceName: pick.pickedName, status: pick.status, changed: changed),
                itemSeq: pick.seq, notifies: changed != ["position"])
            stored = Stored(pick: pick, history: try Self.history(of: [id], tx.db)[id] ?? [])
            return stored
        }
    }

    /// Puts a pick at `position` among the space's picks, renumbering them 0, 1, 2 … in order.
    private static func move(_ pick: PickRecord, to position: Int, _ db: Database) throws {
        var order = try String.fetchAll(
            db, sql: "SELECT id FROM space_pick WHERE space_id = ? ORDER BY position, created_at", arguments: [pick.spaceId])
        order.removeAll { $0 == pick.id }
        order.insert(pick.id, at: min(max(position, 0), order.count))
        let statement = try db.cachedStatement(sql: "UPDATE space_pick SET position = ? WHERE id = ? AND position <> ?")
        for (i, id) in order.enumerated() { try statement.execute(arguments: [i, id, i]) }
    }

    /// Removes a pick (an expert's); its tasks keep their text and lose the link.
    func remove(_ id: String, by actor: SpaceAccess, now: Date) async throws {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard access.isExpert else { throw AppError.forbidden }
            guard let stored = try Self.visiblePick(id, access, tx.db) else { throw AppError.notFound("pick.notFound") }
            let pick = stored.pick
            try pick.delete(tx.db)
            try tx.db.execute(
                sql: "UPDATE space_pick SET position = position - 1 WHERE space_id = ? AND position > ?",
                arguments: [pick.spaceId, pick.position])
            try tx.append(
                .pickRemoved, space: pick.spaceId, actor: access.userId, audience: pick.audienceId,
                data: EventData(pickId: id, serviceId: pick.serviceId, serviceName: pick.pickedName), itemSeq: pick.seq)
        }
    }
}
