import Foundation
import GRDB

/// The SQL of article editing: versions, the open edit of a published article, publishing.
struct ArticleEditingStore: Sendable {
    let db: AppDatabase

    struct State: Sendable {
        var row: EditableArticleRecord
        /// The newest version's number and content.
        var newest: Int
        var content: ArticleContent
        /// The row's text as a version of its own when no saved version holds it (an imported
        /// article): written by the first change.
        var baseline: ArticleVersionRecord?
        var hasDraft: Bool
    }

    enum Refusal: Error {
        case notFound
        case moved(State)
    }

    func state(_ id: String) async throws -> State? {
        try await db.writer.read { db in try Self.state(id, db) }
    }

    static func state(_ id: String, _ db: Database) throws -> State? {
        guard let row = try EditableArticleRecord.fetchOne(db, key: id) else { return nil }
        var rowContent = row.content
        rowContent.municipalityCodes = try CatalogueImportStore.articleCodes(id, db)
        let top = try Int.fetchOne(db, SQLRequest<Int>("SELECT MAX(number) FROM article_version WHERE article_id = \(id)"))
        let draft = try Int.fetchOne(db, SQLRequest<Int>("SELECT version FROM article_draft WHERE article_id = \(id)"))
        var baseline: ArticleVersionRecord?
        if draft == nil,
            try ArticleVersionRecord.fetchOne(db, key: ["article_id": id, "number": row.version])?.content() != rowContent
        {
            baseline = ArticleVersionRecord(
                articleId: id, number: max((top ?? 0) + 1, row.version), document: try ServiceRecord.json(rowContent), origin: .catalogue,
                restoredFrom: nil, savedBy: nil, savedAt: row.updatedAt)
        }
        if let baseline {
            return State(row: row, newest: baseline.number, content: rowContent, baseline: baseline, hasDraft: false)
        }
        let newest = draft ?? top ?? row.version
        let content = try ArticleVersionRecord.fetchOne(db, key: ["article_id": id, "number": newest])?.content() ?? rowContent
        return State(row: row, newest: newest, content: content, baseline: nil, hasDraft: draft != nil)
    }

    static func writeBaseline(_ state: inout State, _ db: Database) throws {
        guard let baseline = state.baseline else { return }
        try baseline.insert(db)
        try db.execute(literal: "UPDATE article SET version = \(baseline.number) WHERE id = \(state.row.id)")
        state.row.version = baseline.number
        state.baseline = nil
    }

    /// Writes `content` into the article row (and its municipalities) as version `number`.
    static func writeRow(_ id: String, _ content: ArticleContent, number: Int, status: ArticleStatus, now: Date, _ db: Database) throws {
        guard var row = try EditableArticleRecord.fetchOne(db, key: id) else { return }
        row.set(content)
        row.version = number
        row.status = status
        row.updatedAt = now.millis
        try row.update(db)
        try db.execute(literal: "DELETE FROM article_municipality WHERE article_id = \(id)")
        for (position, code) in content.municipalityCodes.uniqued.enumerated() {
            try db.execute(
                literal: "INSERT INTO article_municipality (article_id, municipality_code, position) VALUES (\(id), \(code), \(position))")
        }
        try CatalogueEditingStore.bumpRevision(db)
    }

    func create(_ id: String, organizationId: String?, _ content: ArticleContent, by actor: String, now: Date) async throws {
        try await db.writer.write { db in
            var row = EditableArticleRecord(
                id: id, titleFi: "", titleSv: nil, titleEn: nil, bodyFi: "", bodySv: nil, bodyEn: nil, audience: content.audience,
                updatedAt: now.millis, organizationId: organizationId, status: .draft, version: 1)
            row.set(content)
            try row.insert(db)
            try Self.writeRow(id, content, number: 1, status: .draft, now: now, db)
            try ArticleVersionRecord(
                articleId: id, number: 1, document: try ServiceRecord.json(content), origin: .created, restoredFrom: nil, savedBy: actor,
                savedAt: now.millis
            ).insert(db)
        }
    }

    /// Saves `content` as the next version when the newest is still `base`. A draft (never
    /// published) article's row follows its newest version; a published or unpublished one keeps
    /// its row until the new version is published.
    func save(
        _ id: String, base: Int, _ content: ArticleContent, origin: VersionOrigin, restoredFrom: Int?, by actor: String, now: Date
    ) async throws {
        try await db.writer.write { db in
            guard var state = try Self.state(id, db) else { throw Refusal.notFound }
            guard state.newest == base else { throw Refusal.moved(state) }
            if content == state.content && origin == .edited { return }
            try Self.writeBaseline(&state, db)
            let number =
                (try Int.fetchOne(db, SQLRequest<Int>("SELECT MAX(number) FROM article_version WHERE article_id = \(id)")) ?? 0) + 1
            try ArticleVersionRecord(
                articleId: id, number: number, document: try ServiceRecord.json(content), origin: origin, restoredFrom: restoredFrom,
                savedBy: actor, savedAt: now.millis
            ).insert(db)
            if state.row.status == .draft {
                try Self.writeRow(id, content, number: number, status: .draft, now: now, db)
            } else {
                try db.execute(
                    literal: """
                        INSERT INTO article_draft (article_id, version, updated_at) VALUES (\(id), \(number), \(now.millis))
                        ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
                        """)
            }
        }
    }

    /// Publishes version `number` (the newest), or hides the article (`publish: false`).
    func publish(_ id: String, number: Int?, now: Date) async throws {
        try await db.writer.write { db in
            guard var state = try Self.state(id, db) else { throw Refusal.notFound }
            if let number {
                guard state.newest == number else { throw Refusal.moved(state) }
                try Self.writeBaseline(&state, db)
                try Self.writeRow(id, state.content, number: number, status: .published, now: now, db)
                try db.execute(literal: "DELETE FROM article_draft WHERE article_id = \(id)")
            } else {
                try db.execute(literal: "UPDATE article SET status = 'unpublished' WHERE id = \(id)")
                try CatalogueEditingStore.bumpRevision(db)
            }
        }
    }

    func version(_ id: String, _ number: Int) async throws -> ArticleVersionRecord? {
        try await db.writer.read { db in try ArticleVersionRecord.fetchOne(db, key: ["article_id": id, "number": number]) }
    }

    func history(_ id: String) async throws -> [(ArticleVersionRecord, savedBy: String?)] {
        try await db.writer.read { db in
            try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT v.*, u.display_name AS saved_by_name FROM article_version v LEFT JOIN app_user u ON u.id = v.saved_by
                    WHERE v.article_id = \(id) ORDER BY v.number DESC
                    """)
            ).map { (try ArticleVersionRecord(row: $0), savedBy: $0["saved_by_name"] as String?) }
        }
    }

    /// Articles of `organizations` (nil: every one, the region's own too), with whether a newer
    /// version waits.
    func list(organizations: Set<String>?) async throws -> [(EditableArticleRecord, hasDraft: Bool)] {
        try await db.writer.read { db in
            let scope: SQL = organizations.map { "a.organization_id IN \(Array($0))" } ?? "1 = 1"
            return try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT a.*, EXISTS (SELECT 1 FROM article_draft d WHERE d.article_id = a.id) AS has_draft
                    FROM article a WHERE \(scope) ORDER BY a.updated_at DESC, a.id
                    """)
            ).map { (try EditableArticleRecord(row: $0), $0["has_draft"]) }
        }
    }

    func exists(_ id: String) async throws -> Bool {
        try await db.writer.read { db in try EditableArticleRecord.exists(db, key: id) }
    }
}
