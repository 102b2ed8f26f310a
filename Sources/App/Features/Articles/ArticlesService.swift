import Foundation
import Ink

/// Articles and guides of the catalogue: public ones for everyone, internal ones for experts.
struct ArticlesService: Sendable {
    let store: ArticlesStore

    func list(viewer: CatalogueViewer, municipality: String?, page: PageRequest) async throws -> Page<ArticleSummaryDTO> {
        let rows = try await store.list(includeInternal: viewer.seesInternal, municipality: municipality, page: page)
        return Page(
            rows.map { row, codes in
                ArticleSummaryDTO(
                    id: row.id, title: LocalText(fi: row.titleFi, sv: row.titleSv, en: row.titleEn), audience: row.audience,
                    municipalityCodes: codes, updatedAt: Date(millis: row.updatedAt))
            }, page)
    }

    /// An internal article is 404 for those who may not read it, as if it did not exist. The body is
    /// in `language` when the article has it, else in Finnish (`language` of the answer tells which).
    func article(id: String, viewer: CatalogueViewer, language: Language) async throws -> ArticleDTO {
        guard let (row, codes) = try await store.article(id: id), row.audience == .public || viewer.seesInternal else {
            throw AppError.notFound("article.notFound")
        }
        let body = LocalText(fi: row.bodyFi, sv: row.bodySv, en: row.bodyEn)
        let shown = body.has(language) ? language : .fi
        return ArticleDTO(
            id: row.id, title: LocalText(fi: row.titleFi, sv: row.titleSv, en: row.titleEn), audience: row.audience,
            municipalityCodes: codes, updatedAt: Date(millis: row.updatedAt), html: SafeMarkdown.html(body.localized(shown)),
            language: shown)
    }
}

/// Markdown to HTML that is safe to insert into a page: HTML written into the Markdown is escaped
/// before Ink sees it, and what Ink renders goes through `HTMLSanitizer`'s allow-list (elements,
/// attributes, and link and image addresses: http(s), mailto, tel or on this site).
enum SafeMarkdown {
    static func html(_ markdown: String) -> String {
        // HTML written into the Markdown stays text: no tag can start. `>` stays as it is, so that a
        // line starting with it is a quotation; the sanitiser escapes it wherever it is text.
        let escaped = markdown.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return HTMLSanitizer.sanitize(MarkdownParser().html(from: escaped))
    }
}
