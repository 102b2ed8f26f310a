import Foundation
import GRDB

/// All SQL of catalogue articles.
struct ArticlesStore: Sendable {
    let db: AppDatabase

    /// Articles the viewer may read, newest first, optionally those that apply to one municipality
    /// (an article with no municipalities applies to all).
    func list(includeInternal: Bool, municipality: String?, page: PageRequest) async throws -> [(ArticleRecord, [String])] {
        try await db.writer.read { db in
            let audiences: [ArticleAudience] = includeInternal ? [.public, .internal] : [.public]
            let municipalityFilter: SQL =
                municipality.map {
                    """
                    AND (NOT EXISTS (SELECT 1 FROM article_municipality m WHERE m.article_id = a.id)
                         OR EXISTS (SELECT 1 FROM article_municipality m WHERE m.article_id = a.id AND m.municipality_code = \($0)))
                    """
                } ?? ""
            let rows = try ArticleRecord.fetchAll(
                db,
                SQLRequest<ArticleRecord>(
                    """
                    SELECT a.* FROM article a WHERE a.status = 'published' AND a.audience IN \(audiences) \(municipalityFilter)
                    ORDER BY a.updated_at DESC, a.id LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """))
            return try rows.map { ($0, try CatalogueImportStore.articleCodes($0.id, db)) }
        }
    }

    func article(id: String) async throws -> (ArticleRecord, [String])? {
        try await db.writer.read { db in
            guard
                let row = try ArticleRecord.fetchOne(
                    db, SQLRequest<ArticleRecord>("SELECT * FROM article WHERE id = \(id) AND status = 'published'"))
            else { return nil }
            return (row, try CatalogueImportStore.articleCodes(id, db))
        }
    }
}
