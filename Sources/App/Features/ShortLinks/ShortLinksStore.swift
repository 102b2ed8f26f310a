import Foundation
import GRDB

/// All SQL of the short links.
struct ShortLinksStore: Sendable {
    let db: AppDatabase

    struct Link: Sendable {
        let code: String
        let kind: ShortLinkKind
        let target: String
    }

    /// The link of (kind, target): the one made before, else a new one with `code`, unless the caller
    /// made `maxPerDay` links in the day before `now` (then nil).
    func link(kind: ShortLinkKind, target: String, code: String, by userId: String, now: Int64, maxPerDay: Int) async throws -> Link? {
        try await db.writer.write { db in
            if let code = try String.fetchOne(
                db, SQLRequest<String>(literal: "SELECT code FROM short_link WHERE kind = \(kind.rawValue) AND target = \(target)"))
            {
                return Link(code: code, kind: kind, target: target)
            }
            let made =
                try Int.fetchOne(
                    db,
                    SQLRequest<Int>(
                        literal: "SELECT COUNT(*) FROM short_link WHERE created_by = \(userId) AND created_at > \(now - 86_400_000)")) ?? 0
            guard made < maxPerDay else { return nil }
            try db.execute(
                literal: """
                    INSERT INTO short_link (code, kind, target, created_by, created_at)
                    VALUES (\(code), \(kind.rawValue), \(target), \(userId), \(now))
                    """)
            return Link(code: code, kind: kind, target: target)
        }
    }

    func link(code: String) async throws -> Link? {
        try await db.writer.read { db in
            try Row.fetchOne(db, SQLRequest<Row>(literal: "SELECT code, kind, target FROM short_link WHERE code = \(code)")).flatMap {
                guard let kind = ShortLinkKind(rawValue: $0["kind"]) else { return nil }
                return Link(code: $0["code"], kind: kind, target: $0["target"])
            }
        }
    }
}
