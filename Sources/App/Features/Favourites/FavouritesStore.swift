import Foundation
import GRDB

/// The SQL of favourite lists and recently viewed services.
struct FavouritesStore: Sendable {
    let db: AppDatabase

    /// Recently viewed services kept per user.
    static let recentLimit = 20

    func lists(ownerId: String, page: PageRequest) async throws -> [(FavouriteListRecord, [String])] {
        try await db.writer.read { db in
            let lists = try FavouriteListRecord.fetchAll(
                db,
                SQLRequest<FavouriteListRecord>(
                    """
                    SELECT * FROM favourite_list WHERE owner_id = \(ownerId)
                    ORDER BY created_at, id LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """))
            return try lists.map { ($0, try Self.serviceIds($0.id, db)) }
        }
    }

    func list(id: String) async throws -> (FavouriteListRecord, [String])? {
        try await db.writer.read { db in
            guard let list = try FavouriteListRecord.fetchOne(db, key: id) else { return nil }
            return (list, try Self.serviceIds(id, db))
        }
    }

    func list(shareToken: String) async throws -> (FavouriteListRecord, [String])? {
        try await db.writer.read { db in
            guard let list = try FavouriteListRecord.filter(Column("share_token") == shareToken).fetchOne(db) else { return nil }
            return (list, try Self.serviceIds(list.id, db))
        }
    }

    static func serviceIds(_ listId: String, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db, SQLRequest<String>("SELECT service_id FROM favourite_item WHERE list_id = \(listId) ORDER BY added_at DESC, service_id"))
    }

    enum CreateResult {
        case created(FavouriteListRecord)
        case existing(FavouriteListRecord)
        case tooMany
    }

    /// Creates the list unless the owner already has one with its client id (then that one), or has `maxLists`.
    func create(_ list: FavouriteListRecord, maxLists: Int) async throws -> CreateResult {
        try await db.writer.write { db in
            if let clientId = list.clientId,
                let existing = try FavouriteListRecord.fetchOne(
                    db,
                    SQLRequest<FavouriteListRecord>(
                        "SELECT * FROM favourite_list WHERE owner_id = \(list.ownerId) AND client_id = \(clientId)"))
            {
                return .existing(existing)
            }
            let count = try Int.fetchOne(db, SQLRequest<Int>("SELECT COUNT(*) FROM favourite_list WHERE owner_id = \(list.ownerId)")) ?? 0
            guard count < maxLists else { return .tooMany }
            try list.insert(db)
            return .created(list)
        }
    }

    /// Changes a list inside one transaction; nil when there is no such list.
    func update(id: String, _ change: @escaping @Sendable (inout FavouriteListRecord) -> Void) async throws -> FavouriteListRecord? {
        try await db.writer.write { db in
            guard var list = try FavouriteListRecord.fetchOne(db, key: id) else { return nil }
            change(&list)
            try list.update(db)
            return list
        }
    }

    func delete(id: String) async throws {
        try await db.writer.write { db in _ = try FavouriteListRecord.deleteOne(db, key: id) }
    }

    enum AddResult { case added, alreadyThere, full }

    func add(serviceId: String, to listId: String, now: Int64, maxServices: Int) async throws -> AddResult {
        try await db.writer.write { db in
            let there = try Bool.fetchOne(
                db, SQLRequest<Bool>("SELECT EXISTS (SELECT 1 FROM favourite_item WHERE list_id = \(listId) AND service_id = \(serviceId))")
            )
            if there == true { return .alreadyThere }
            let count = try Int.fetchOne(db, SQLRequest<Int>("SELECT COUNT(*) FROM favourite_item WHERE list_id = \(listId)")) ?? 0
            guard count < maxServices else { return .full }
            try db.execute(literal: "INSERT INTO favourite_item (list_id, service_id, added_at) VALUES (\(listId), \(serviceId), \(now))")
            try db.execute(literal: "UPDATE favourite_list SET updated_at = \(now) WHERE id = \(listId)")
            return .added
        }
    }

    func remove(serviceId: String, from listId: String, now: Int64) async throws {
        try await db.writer.write { db in
            try db.execute(literal: "DELETE FROM favourite_item WHERE list_id = \(listId) AND service_id = \(serviceId)")
            if db.changesCount > 0 { try db.execute(literal: "UPDATE favourite_list SET updated_at = \(now) WHERE id = \(listId)") }
        }
    }

    /// Records a view and keeps only the newest `recentLimit` of the user's.
    func viewed(serviceId: String, by userId: String, now: Int64) async throws {
        try await db.writer.write { db in
            try db.execute(
                literal: """
                    INSERT INTO recently_viewed (user_id, service_id, viewed_at) VALUES (\(userId), \(serviceId), \(now))
                    ON CONFLICT (user_id, service_id) DO UPDATE SET viewed_at = excluded.viewed_at
                    """)
            try db.execute(
                literal: """
                    DELETE FROM recently_viewed WHERE user_id = \(userId) AND service_id NOT IN (
                        SELECT service_id FROM recently_viewed WHERE user_id = \(userId)
                        ORDER BY viewed_at DESC, service_id LIMIT \(Self.recentLimit))
                    """)
        }
    }

    func recentlyViewed(by userId: String) async throws -> [(serviceId: String, viewedAt: Int64)] {
        try await db.writer.read { db in
            try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT service_id, viewed_at FROM recently_viewed WHERE user_id = \(userId)
                    ORDER BY viewed_at DESC, service_id LIMIT \(Self.recentLimit)
                    """)
            ).map { ($0["service_id"], $0["viewed_at"]) }
        }
    }

    func clearRecentlyViewed(by userId: String) async throws {
        try await db.writer.write { db in try db.execute(literal: "DELETE FROM recently_viewed WHERE user_id = \(userId)") }
    }
}
