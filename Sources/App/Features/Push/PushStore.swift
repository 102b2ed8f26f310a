import Foundation
import GRDB

/// All SQL of push subscriptions: one row per device (endpoint), owned by one user.
struct PushStore: Sendable {
    let db: AppDatabase

    static let kind = "push"
    /// With the runner's back-off (5 s doubling) a push is tried for about ten minutes.
    static let maxAttempts = 8
    /// Devices per user; subscribing one more forgets the oldest.
    static let maxPerUser = 10

    struct Target: Sendable {
        let endpoint: String
        let p256dh: String
        let auth: String
    }

    /// Stores a device's subscription for the user. The same endpoint again (the browser renewed its
    /// keys, or another user signed in on the device) replaces the old row.
    func subscribe(
        id: String, user: String, session: String, endpoint: String, p256dh: String, auth: String, label: String, now: Date
    ) async throws -> PushSubscriptionDTO {
        try await db.writer.write { db in
            try db.execute(sql: "DELETE FROM push_subscription WHERE endpoint = ?", arguments: [endpoint])
            try db.execute(
                sql: """
                    INSERT INTO push_subscription (id, user_id, session_id, endpoint, p256dh, auth, label, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, user, session, endpoint, p256dh, auth, label, now.millis])
            try db.execute(
                sql: """
                    DELETE FROM push_subscription WHERE user_id = ? AND id NOT IN (
                      SELECT id FROM push_subscription WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)
                    """, arguments: [user, user, Self.maxPerUser])
            return PushSubscriptionDTO(
                id: id, label: label, endpointHost: URL(string: endpoint)?.host ?? "", createdAt: now, lastSuccessAt: nil)
        }
    }

    func list(user: String) async throws -> [PushSubscriptionDTO] {
        try await db.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM push_subscription WHERE user_id = ? ORDER BY created_at DESC, id DESC", arguments: [user]
            ).map { row in
                PushSubscriptionDTO(
                    id: row["id"], label: row["label"], endpointHost: URL(string: row["endpoint"])?.host ?? "",
                    createdAt: Date(millis: row["created_at"]),
                    lastSuccessAt: (row["last_success_at"] as Int64?).map(Date.init(millis:)))
            }
        }
    }

    /// Removes one of the user's subscriptions; false when they have none by that id.
    func remove(id: String, user: String) async throws -> Bool {
        try await db.writer.write { db in
            try db.execute(sql: "DELETE FROM push_subscription WHERE id = ? AND user_id = ?", arguments: [id, user])
            return db.changesCount > 0
        }
    }

    func target(_ id: String) async throws -> Target? {
        try await db.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT endpoint, p256dh, auth FROM push_subscription WHERE id = ?", arguments: [id]).map {
                Target(endpoint: $0["endpoint"], p256dh: $0["p256dh"], auth: $0["auth"])
            }
        }
    }

    /// The push service says the subscription is gone (404/410).
    func forget(_ id: String) async throws {
        try await db.writer.write { db in try db.execute(sql: "DELETE FROM push_subscription WHERE id = ?", arguments: [id]) }
    }

    func delivered(_ id: String, now: Date) async throws {
        try await db.writer.write { db in
            try db.execute(sql: "UPDATE push_subscription SET last_success_at = ? WHERE id = ?", arguments: [now.millis, id])
        }
    }

    /// Forgets the user's devices but the one subscribed in session `keep`, inside the transaction
    /// that ends their sessions.
    static func forgetDevices(of user: String, except keep: String?, _ db: Database) throws {
        try db.execute(
            sql: "DELETE FROM push_subscription WHERE user_id = ? AND session_id IS NOT ?", arguments: [user, keep])
    }

    /// The user's devices, inside a transaction that queues an alert.
    static func subscriptionIds(of user: String, _ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT id FROM push_subscription WHERE user_id = ? ORDER BY id", arguments: [user])
    }
}
