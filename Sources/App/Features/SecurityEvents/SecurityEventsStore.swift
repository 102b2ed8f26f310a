import Foundation
import GRDB

/// All SQL of the security event table. Other stores call `record` inside their own transaction.
struct SecurityEventsStore: Sendable {
    let db: AppDatabase

    /// Writes one event in the caller's transaction.
    static func record(_ event: SecurityEvent, id: String, at time: Date, _ db: Database) throws {
        try SecurityEventRecord(
            id: id, kind: event.kind.rawValue, occurredAt: time.millis, actorId: event.actorId, subjectId: event.subjectId,
            organizationId: event.organizationId, sessionId: event.sessionId, targetId: event.targetId,
            address: event.address.map { String($0.prefix(64)) }, detail: event.detail.map { String($0.prefix(200)) }
        ).insert(db)
    }

    /// Newest first, filtered; `limit + 1` rows so the caller can tell whether there is a next page.
    func list(_ filter: SecurityEventFilter, page: PageRequest) async throws -> [SecurityEventRecord] {
        try await db.writer.read { db in
            var conditions: [SQL] = []
            if let user = filter.userId { conditions.append("(actor_id = \(user) OR subject_id = \(user))") }
            if !filter.kinds.isEmpty { conditions.append("kind IN \(filter.kinds.map(\.rawValue))") }
            if let from = filter.from { conditions.append("occurred_at >= \(from.millis)") }
            if let to = filter.to { conditions.append("occurred_at < \(to.millis)") }
            let whereClause: SQL = conditions.isEmpty ? "" : "WHERE \(conditions.joined(operator: .and))"
            return try SecurityEventRecord.fetchAll(
                db,
                SQLRequest<SecurityEventRecord>(
                    "SELECT * FROM security_event \(whereClause) ORDER BY occurred_at DESC, id LIMIT \(page.limit + 1) OFFSET \(page.offset)"
                ))
        }
    }

    /// Deletes events older than `before`; returns how many.
    func deleteOlder(than before: Date) async throws -> Int {
        try await db.writer.write { db in
            try db.execute(literal: "DELETE FROM security_event WHERE occurred_at < \(before.millis)")
            return db.changesCount
        }
    }
}
