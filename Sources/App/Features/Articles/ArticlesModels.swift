import Foundation
import Hummingbird

/// Who an article is for: everyone, or staff who see internal content.
enum ArticleAudience: String, Codable, Sendable, CaseIterable {
    case `public`, `internal`
}

struct ArticleSummaryDTO: Codable, Sendable, Equatable {
    let id: String
    let title: LocalText
    let audience: ArticleAudience
    let municipalityCodes: [String]
    let updatedAt: Date
}

struct ArticleDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let title: LocalText
    let audience: ArticleAudience
    /// Empty means every municipality.
    let municipalityCodes: [String]
    let updatedAt: Date
    /// The body rendered from Markdown and sanitised: raw HTML is shown as text, links only to
    /// http(s), mailto, tel or this site.
    let html: String
    /// The language the body is in: the one asked for (`?lang=`), or Finnish when the article has no
    /// text in it.
    let language: Language
}
