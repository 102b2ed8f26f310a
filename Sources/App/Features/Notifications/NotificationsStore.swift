import Foundation
import GRDB

/// All SQL of in-app notifications. They are written by `SpaceTransaction` with their event.
struct NotificationsStore: Sendable {
    let db: AppDatabase

    /// Newest first; of notifications made in the same millisecond, the one made later first.
    func list(user: String, page: PageRequest) async throws -> ([NotificationDTO], unread: Int) {
        try await db.writer.read { db in
            let items = try SQLRequest<Row>(
                """
                SELECT n.*, s.title AS space_title, u.display_name AS actor_name
                FROM notification n JOIN space s ON s.id = n.space_id LEFT JOIN app_user u ON u.id = n.actor_id
                WHERE n.user_id = \(user)
                ORDER BY n.created_at DESC, n.rowid DESC LIMIT \(page.limit + 1) OFFSET \(page.offset)
                """
            ).fetchAll(db).map { row in
                NotificationDTO(
                    id: row["id"], spaceId: row["space_id"], spaceTitle: row["space_title"], seq: row["seq"],
                    kind: SpaceEventKind(rawValue: row["kind"]) ?? .message, actorName: row["actor_name"],
                    createdAt: Date(millis: row["created_at"]), readAt: (row["read_at"] as Int64?).map(Date.init(millis:)))
            }
            return (items, try Self.unread(user: user, db))
        }
    }

    func unread(user: String) async throws -> Int {
        try await db.writer.read { db in try Self.unread(user: user, db) }
    }

    /// Only notifications of spaces the user is still a member of count.
    private static func unread(user: String, _ db: Database) throws -> Int {
        try SQLRequest<Int>(
            """
            SELECT COUNT(*) FROM notification n
            WHERE n.user_id = \(user) AND n.read_at IS NULL
              AND EXISTS (SELECT 1 FROM space_member m WHERE m.space_id = n.space_id AND m.user_id = n.user_id AND m.left_at IS NULL)
            """
        ).fetchOne(db) ?? 0
    }

    func markRead(user: String, ids: [String]?, space: String?, now: Date) async throws {
        try await db.writer.write { db in
            if let ids {
                for id in ids {
                    try db.execute(
                        literal:
                            "UPDATE notification SET read_at = \(now.millis) WHERE id = \(id) AND user_id = \(user) AND read_at IS NULL")
                }
            } else if let space {
                try db.execute(
                    literal:
                        "UPDATE notification SET read_at = \(now.millis) WHERE space_id = \(space) AND user_id = \(user) AND read_at IS NULL"
                )
            } else {
                try db.execute(literal: "UPDATE notification SET read_at = \(now.millis) WHERE user_id = \(user) AND read_at IS NULL")
            }
        }
    }
}
