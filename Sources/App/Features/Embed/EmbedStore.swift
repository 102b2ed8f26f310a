import Foundation
import GRDB

/// All SQL of the sites allowed to frame the search widget.
struct EmbedStore: Sendable {
    let db: AppDatabase

    struct Site: Sendable {
        let id: String
        let origin: String
        let label: String
        let addedAt: Int64
    }

    func sites() async throws -> [Site] {
        try await db.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, origin, label, added_at FROM embed_site ORDER BY origin").map {
                Site(id: $0["id"], origin: $0["origin"], label: $0["label"], addedAt: $0["added_at"])
            }
        }
    }

    enum AddResult: Sendable {
        case added(Site)
        case exists(Site)
        case full
    }

    /// Adds a site unless its origin is there already or `max` sites are, and records `event` with it.
    func add(_ site: Site, by userId: String, max: Int, event: (SecurityEvent, String), now: Date) async throws -> AddResult {
        try await db.writer.write { db in
            if let row = try Row.fetchOne(
                db, SQLRequest<Row>(literal: "SELECT id, origin, label, added_at FROM embed_site WHERE origin = \(site.origin)"))
            {
                return .exists(Site(id: row["id"], origin: row["origin"], label: row["label"], addedAt: row["added_at"]))
            }
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM embed_site") ?? 0 < max else { return .full }
            try db.execute(
                literal: """
                    INSERT INTO embed_site (id, origin, label, added_by, added_at)
                    VALUES (\(site.id), \(site.origin), \(site.label), \(userId), \(site.addedAt))
                    """)
            try SecurityEventsStore.record(event.0, id: event.1, at: now, db)
            return .added(site)
        }
    }

    /// Removes a site and records `event` (with the site's origin as its detail); false when there
    /// was none of that id.
    func remove(id: String, event: (SecurityEvent, String), now: Date) async throws -> Bool {
        try await db.writer.write { db in
            guard let origin = try String.fetchOne(db, SQLRequest<String>(literal: "SELECT origin FROM embed_site WHERE id = \(id)"))
            else { return false }
            try db.execute(literal: "DELETE FROM embed_site WHERE id = \(id)")
            var recorded = event.0
            recorded.detail = origin
            try SecurityEventsStore.record(recorded, id: event.1, at: now, db)
            return true
        }
    }
}
