import Foundation
import GRDB

/// The demo data's writes, in one transaction, through the features' own store functions.
struct DemoStore: Sendable {
    let db: AppDatabase

    func isEmpty() async throws -> Bool {
        try await db.writer.read { db in try UserRecord.fetchCount(db) == 0 }
    }

    func seed(
        organizations: [(OrganizationRecord, [String])], users: [(UserRecord, String?, Role?)], sessions: [SessionRecord] = [], now: Date
    ) async throws {
        try await db.writer.write { db in
            for (org, codes) in organizations { try OrganizationsStore.save(org, codes: codes, upsert: true, db) }
            for (user, orgId, role) in users {
                try AuthStore.insert(user, db)
                if let orgId, let role { try OrganizationsStore.addRoles([role], organizationId: orgId, userId: user.id, now: now, db) }
            }
            for session in sessions { try AuthStore.insert(session, db) }
        }
    }

    /// The benchmarks' stored history: `perSpace` messages in each of `spaces` (space id and its two
    /// members, who write in turn), with their events, written set-based in one transaction. Rows as the
    /// message writer makes them, but for notifications, which history does not need.
    func storeHistory(_ spaces: [(id: String, first: String, second: String)], perSpace: Int, body: String, now: Date) async throws
        -> Int
    {
        guard perSpace > 0, !spaces.isEmpty else { return 0 }
        return try await db.writer.write { db in
            try db.execute(sql: "CREATE TEMP TABLE load_space (space_id TEXT PRIMARY KEY, first TEXT NOT NULL, second TEXT NOT NULL)")
            defer { try? db.execute(sql: "DROP TABLE temp.load_space") }
            for space in spaces {
                try db.execute(literal: "INSERT INTO temp.load_space VALUES (\(space.id), \(space.first), \(space.second))")
            }
            try db.execute(
                literal: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(perSpace))
                    INSERT INTO message (id, space_id, seq, sender_id, client_message_id, body, created_at)
                    SELECT lower(hex(randomblob(11))), l.space_id, s.last_seq + n.i, CASE n.i % 2 WHEN 1 THEN l.first ELSE l.second END,
                           'history-' || n.i, \(body), \(now.millis)
                    FROM temp.load_space l JOIN space s ON s.id = l.space_id, n
                    """)
            try db.execute(
                literal: """
                    INSERT INTO space_event (space_id, seq, kind, actor_id, message_id, data, created_at)
                    SELECT m.space_id, m.seq, 'message', m.sender_id, m.id, json_object('messageId', m.id), m.created_at
                    FROM message m JOIN temp.load_space l ON l.space_id = m.space_id
                    WHERE m.client_message_id GLOB 'history-*'
                    """)
            try db.execute(
                literal: """
                    UPDATE space SET last_seq = last_seq + \(perSpace), last_activity_at = \(now.millis)
                    WHERE id IN (SELECT space_id FROM temp.load_space)
                    """)
            return perSpace * spaces.count
        }
    }
}
