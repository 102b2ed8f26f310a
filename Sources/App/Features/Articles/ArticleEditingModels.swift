import Foundation
import GRDB
import Hummingbird

/// What an editor writes of an article.
struct ArticleContent: Codable, Sendable, Equatable {
    var title: LocalText
    /// Markdown in each language.
    var body: LocalText
    var audience: ArticleAudience
    /// Empty: every municipality.
    var municipalityCodes: [String]

    /// The fields in the order the form shows them (for differences).
    static let order = ["title", "body", "audience", "municipalityCodes"]
}

enum ArticleStatus: String, Codable, Sendable, DatabaseValueConvertible {
    case draft, published, unpublished
}

/// An article row with what editing adds to it.
struct EditableArticleRecord: AppRecord, Equatable {
    static let databaseTableName = "article"
    var id: String
    var titleFi: String
    var titleSv: String?
    var titleEn: String?
    var bodyFi: String
    var bodySv: String?
    var bodyEn: String?
    var audience: ArticleAudience
    var updatedAt: Int64
    var organizationId: String?
    var status: ArticleStatus
    var version: Int

    var content: ArticleContent {
        ArticleContent(
            title: LocalText(fi: titleFi, sv: titleSv, en: titleEn), body: LocalText(fi: bodyFi, sv: bodySv, en: bodyEn),
            audience: audience,
            municipalityCodes: [])
    }

    mutating func set(_ c: ArticleContent) {
        (titleFi, titleSv, titleEn) = (c.title.fi, c.title.sv, c.title.en)
        (bodyFi, bodySv, bodyEn) = (c.body.fi, c.body.sv, c.body.en)
        audience = c.audience
    }
}

struct ArticleVersionRecord: AppRecord, Equatable {
    static let databaseTableName = "article_version"
    var articleId: String
    var number: Int
    var document: String
    var origin: VersionOrigin
    var restoredFrom: Int?
    var savedBy: String?
    var savedAt: Int64

    func content() throws -> ArticleContent { try ServiceRecord.decode(ArticleContent.self, document) }
}

// MARK: - API

struct NewArticleInput: Decodable, Sendable {
    var organizationId: String?
    var article: ArticleContent
}

struct SaveArticleInput: Decodable, Sendable {
    var baseVersion: Int
    var article: ArticleContent
}

struct ArticlePreviewInput: Decodable, Sendable {
    var markdown: String
}

struct ArticlePreviewDTO: ResponseCodable, Sendable {
    let html: String
}

/// An article as its editors see it.
struct EditorArticleDTO: ResponseCodable, Sendable {
    let id: String
    @Nullable var organizationId: String?
    let status: ArticleStatus
    /// The version readers see; null for an article never published.
    @Nullable var publishedVersion: Int?
    /// The newest version: what `content` is, and the `baseVersion` of the next save.
    let version: Int
    /// A newer version than the published one waits to be published.
    let hasDraft: Bool
    let content: ArticleContent
    /// `content.body` rendered and sanitised, per language that has a body.
    let preview: [String: String]
    let updatedAt: String
    /// `save`, `restoreVersion`, `publish`, `unpublish`.
    let actions: [String]
}

struct EditorArticleRowDTO: Codable, Sendable, Equatable {
    let id: String
    @Nullable var organizationId: String?
    let title: LocalText
    let audience: ArticleAudience
    let status: ArticleStatus
    let version: Int
    let hasDraft: Bool
    let updatedAt: String
}

struct EditorArticleListDTO: ResponseCodable, Sendable {
    let items: [EditorArticleRowDTO]
}

struct ArticleHistoryDTO: ResponseCodable, Sendable {
    let versions: [ServiceVersionDTO]
}

struct ArticleVersionContentDTO: ResponseCodable, Sendable {
    let number: Int
    let content: ArticleContent
}
