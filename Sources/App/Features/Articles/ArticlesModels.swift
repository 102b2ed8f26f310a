import Foundation
import Hummingbird

struct ArticleSummaryDTO: Codable, Sendable, Equatable {
    let id: String
    let title: LocalText
    let audience: String
    let municipalityCodes: [String]
    let updatedAt: Date
}

struct ArticleDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let title: LocalText
    let audience: String
    /// Empty means every municipality.
    let municipalityCodes: [String]
    let updatedAt: Date
    /// The body rendered from Markdown and sanitised: raw HTML is shown as text, links only to
    /// http(s), mailto, tel or this site.
    let html: String
}
