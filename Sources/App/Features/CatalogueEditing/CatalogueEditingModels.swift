import Foundation
import GRDB
import Hummingbird

/// What an editor writes of a service: every field of the exchange format but those the server
/// keeps (id, organisation, status, version, times). `internal` is left out by an editor who may not
/// write the internal instructions; the saved version then keeps the previous ones.
struct ServiceContent: Codable, Sendable, Equatable {
    var name: LocalText
    var summary: LocalText
    var description: LocalText
    var categoryIds: [String]
    var keywords: LocalWords
    var cost: String
    var costDescription: LocalText
    var accessibility: CatalogueFile.Accessibility
    var targetGroup: CatalogueFile.TargetGroup
    var delivery: CatalogueFile.Delivery
    var participation: CatalogueFile.Participation
    var contacts: [CatalogueFile.Contact]
    var links: [CatalogueFile.Link]
    var `internal`: CatalogueFile.Internal?

    init(_ s: CatalogueFile.Service) {
        name = s.name
        summary = s.summary
        description = s.description
        categoryIds = s.categoryIds
        keywords = s.keywords
        cost = s.cost
        costDescription = s.costDescription
        accessibility = s.accessibility
        targetGroup = s.targetGroup
        delivery = s.delivery
        participation = s.participation
        contacts = s.contacts
        links = s.links
        `internal` = s.internal
    }

    /// The service in the exchange format with the fields the server keeps.
    func service(id: String, organizationId: String, status: ServiceStatus, version: Int, updatedAt: Date, reviewedAt: Date)
        -> CatalogueFile.Service
    {
        CatalogueFile.Service(
            id: id, organizationId: organizationId, status: status.rawValue, name: name, summary: summary, description: description,
            categoryIds: categoryIds, keywords: keywords, cost: cost, costDescription: costDescription, accessibility: accessibility,
            targetGroup: targetGroup, delivery: delivery, participation: participation, contacts: contacts, links: links,
            internal: `internal` ?? .empty, updatedAt: CatalogueTimestamps.format(updatedAt),
            reviewedAt: CatalogueTimestamps.format(reviewedAt), version: version)
    }

    /// This content as `viewer` may read it: without the internal instructions for one who may not.
    func readable(internal allowed: Bool) -> ServiceContent {
        var copy = self
        if !allowed { copy.internal = nil }
        return copy
    }
}

// MARK: - Rows

/// One saved version of a service (`service_version`); `document` is its `ServiceContent` as JSON.
struct ServiceVersionRecord: AppRecord, Equatable {
    static let databaseTableName = "service_version"
    var serviceId: String
    var number: Int
    var document: String
    var origin: VersionOrigin
    var restoredFrom: Int?
    var savedBy: String?
    var savedAt: Int64

    func content() throws -> ServiceContent { try ServiceRecord.decode(ServiceContent.self, document) }
}

enum VersionOrigin: String, Codable, Sendable, DatabaseValueConvertible {
    /// What the catalogue held when editing began (an import's or the first version's text).
    case catalogue
    case created, edited, restored
}

/// A service's open edit (`service_work`).
struct ServiceWorkRecord: AppRecord, Equatable {
    static let databaseTableName = "service_work"
    var serviceId: String
    var version: Int
    var state: WorkState
    var submittedBy: String?
    var submittedAt: Int64?
    var updatedAt: Int64
}

enum WorkState: String, Codable, Sendable, DatabaseValueConvertible {
    case draft, review
}

/// What happened to a service (`service_event`).
struct ServiceEventRecord: AppRecord, Equatable {
    static let databaseTableName = "service_event"
    var id: String
    var serviceId: String
    var version: Int
    var action: ServiceAction
    var actorId: String?
    var comment: String?
    var at: Int64
}

/// Everything an editor, an approver or a platform admin may do to a service.
enum ServiceAction: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case created, saved, submitted, approved, rejected, hidden, unhidden, archived, unarchived, reviewed, versionRestored, imported
}

// MARK: - API

/// `POST /catalogue/editor/services`.
struct NewServiceInput: Decodable, Sendable {
    var organizationId: String
    var service: ServiceContent
}

/// `PUT /catalogue/editor/services/{id}`: the content, and the newest version the editor had.
struct SaveServiceInput: Decodable, Sendable {
    var baseVersion: Int
    var service: ServiceContent
}

/// The body of workflow actions: the version acted on, and a comment (required to reject).
struct ServiceActionInput: Decodable, Sendable {
    var version: Int?
    var comment: String?
}

/// `POST …/versions/{n}/restore`.
struct RestoreVersionInput: Decodable, Sendable {
    var baseVersion: Int
}

/// A service as its editors see it: the newest version's content, where it stands, and what the
/// caller may do now.
struct EditorServiceDTO: ResponseCodable, Sendable {
    let id: String
    let organizationId: String
    /// The catalogue's status: draft and review for a service never published yet.
    let status: ServiceStatus
    /// The version the catalogue shows (for draft and review services, the newest one).
    let publishedVersion: Int?
    /// The newest version: what `content` is, and the `baseVersion` of the next save.
    let version: Int
    /// The open edit, when there is one: `draft` or `review`.
    @Nullable var edit: WorkState?
    let content: ServiceContent
    let reviewedAt: String
    let daysSinceReview: Int
    let updatedAt: String
    /// What the caller may do now (`save`, `submit`, `approve`, `reject`, `hide`, `unhide`, `archive`,
    /// `unarchive`, `markReviewed`, `restoreVersion`).
    let actions: [String]
    /// Whether the caller may write the internal instructions.
    let writesInternal: Bool
    /// The comment of the last rejection of the open edit.
    @Nullable var rejection: String?
    /// Fields marked as needing a translation, per language (`sv`, `en`).
    let translations: [String: [String]]
    /// The texts that have Finnish, which a translation request may name.
    let translatableFields: [String]
    /// The languages in which every public text that has Finnish has its own text.
    let completeLanguages: [Language]
}

/// `PUT …/services/{id}/translations`: the fields that need a translation into `language`.
struct TranslationRequestInput: Decodable, Sendable {
    var language: Language
    var fields: [String]
}

/// A service's open translation requests in one language.
struct TranslationQueueItemDTO: Codable, Sendable, Equatable {
    let serviceId: String
    let organizationId: String
    let name: LocalText
    let language: Language
    let fields: [String]
    let requestedAt: String
}

struct TranslationQueueDTO: ResponseCodable, Sendable {
    let items: [TranslationQueueItemDTO]
}

/// A row of the editor's lists.
struct EditorServiceRowDTO: Codable, Sendable, Equatable {
    let id: String
    let organizationId: String
    let name: LocalText
    let status: ServiceStatus
    @Nullable var edit: WorkState?
    let version: Int
    let reviewedAt: String
    let daysSinceReview: Int
    let updatedAt: String
    @Nullable var submittedAt: String?
    /// 150 days without a review: flagged outdated.
    let outdated: Bool
}

struct EditorServiceListDTO: ResponseCodable, Sendable {
    let items: [EditorServiceRowDTO]
}

/// One saved version in a service's history.
struct ServiceVersionDTO: Codable, Sendable, Equatable {
    let number: Int
    let origin: String
    @Nullable var restoredFrom: Int?
    @Nullable var savedBy: String?
    let savedAt: String
    /// Whether the catalogue shows this version now.
    let published: Bool
}

/// What happened to a service, newest first.
struct ServiceEventDTO: Codable, Sendable, Equatable {
    let action: String
    let version: Int
    @Nullable var actor: String?
    @Nullable var comment: String?
    let at: String
}

struct ServiceHistoryDTO: ResponseCodable, Sendable {
    let versions: [ServiceVersionDTO]
    let events: [ServiceEventDTO]
}

/// `GET …/versions/{n}`.
struct ServiceVersionContentDTO: ResponseCodable, Sendable {
    let number: Int
    let content: ServiceContent
}

/// `GET …/diff?from=&to=`.
struct ServiceDiffDTO: ResponseCodable, Sendable {
    let from: Int
    let to: Int
    let changes: [FieldChange]
}

/// The 409 of a save made on an older version: what changed since the editor's version (theirs) and
/// what this save would change (yours), both against the editor's version.
struct VersionConflictDTO: Codable, Sendable {
    let baseVersion: Int
    let currentVersion: Int
    let theirs: [FieldChange]
    let yours: [FieldChange]
}

/// One review notice: a service of the caller's organisation waits for review (`review`,
/// `reviewAgain`), has been flagged outdated (`outdated`), or every dated period of it has passed
/// (`periodsEnded`).
struct CatalogueNoticeDTO: Codable, Sendable, Equatable {
    let id: String
    let serviceId: String
    let organizationId: String
    let serviceName: LocalText
    /// `review`, `reviewAgain`, `outdated`, `periodsEnded` (every dated period has passed).
    let kind: String
    let reviewedAt: String
    let createdAt: String
    @Nullable var readAt: String?
}

struct CatalogueNoticesDTO: ResponseCodable, Sendable {
    let items: [CatalogueNoticeDTO]
    let unread: Int
}

/// An organisation whose services the caller may work on, and what the caller may do there:
/// `read`, `edit`, `writeInternal`, `decide`, `unarchive`, `markReviewed`, `importPTV`, `stale`.
struct EditorOrganizationDTO: Codable, Sendable, Equatable {
    let id: String
    let name: LocalText
    let sector: Sector
    let rights: [String]
}

struct EditorOrganizationsDTO: ResponseCodable, Sendable {
    let items: [EditorOrganizationDTO]
}
