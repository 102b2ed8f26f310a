import Foundation
import Hummingbird

/// Where a service is in its life. Everyone finds published services; archived ones open by direct
/// link; hidden ones are for internal viewers; drafts and those in review for their organisation.
enum ServiceStatus: String, Codable, Sendable, CaseIterable {
    case draft, review, published, hidden, archived
}

/// What a suggestion is: a service's name (opens the service) or a keyword (searches for it).
enum SuggestionKind: String, Codable, Sendable {
    case service, keyword
}

/// Which part of a client profile a service fits.
enum FitReason: String, Codable, Sendable {
    case age, municipality, lifeSituation, employmentStatus, language
}

extension RawRepresentable where RawValue == String {
    /// A value from a catalogue file or the database that was checked already (the validator, a
    /// CHECK constraint); anything else is an internal error, not a user's.
    init(checked raw: String) throws {
        guard let value = Self(rawValue: raw) else { throw AppError.internalError }
        self = value
    }
}

/// Who is looking at the catalogue, which decides what they may see.
struct CatalogueViewer: Sendable, Hashable {
    /// Sees hidden services and the internal instructions.
    var seesInternal: Bool
    /// Organisations whose drafts and services in review this viewer sees (content roles).
    var contentOrganizations: Set<String>

    static let anonymous = CatalogueViewer(seesInternal: false, contentOrganizations: [])

    init(seesInternal: Bool, contentOrganizations: Set<String>) {
        self.seesInternal = seesInternal
        self.contentOrganizations = contentOrganizations
    }

    /// Experts, approvers, content producers, organisation admins and platform admins see internal
    /// content; a service provider sees only the public side, plus its own organisation's drafts.
    init(_ session: SessionUser?) {
        guard let session else {
            self = .anonymous
            return
        }
        let internalRoles: Set<Role> = [.expert, .contentProducer, .approver, .orgAdmin]
        seesInternal = session.isPlatformAdmin || session.roles.values.contains { !$0.isDisjoint(with: internalRoles) }
        let contentRoles: Set<Role> = [.contentProducer, .serviceProvider, .approver]
        contentOrganizations = Set(session.roles.filter { !$0.value.isDisjoint(with: contentRoles) }.keys)
    }

    /// May this viewer find the service in search and lists?
    func finds(status: ServiceStatus, organizationId: String) -> Bool {
        switch status {
        case .published: true
        case .hidden: seesInternal || contentOrganizations.contains(organizationId)
        case .draft, .review: contentOrganizations.contains(organizationId)
        case .archived: false  // only by direct link
        }
    }

    /// May this viewer open the service's page?
    func opens(status: ServiceStatus, organizationId: String) -> Bool {
        finds(status: status == .archived ? .published : status, organizationId: organizationId)
    }
}

/// A client profile that search results are ranked against.
struct FitProfile: Sendable, Hashable {
    var age: Int?
    var municipality: String?
    var lifeSituations: [String] = []
    var employmentStatus: String?
    var languages: [String] = []

    var isEmpty: Bool { age == nil && municipality == nil && lifeSituations.isEmpty && employmentStatus == nil && languages.isEmpty }
}

enum SearchSort: String, Sendable, CaseIterable { case relevance, name, updated }

/// Every input of a search.
struct SearchQuery: Sendable, Hashable {
    var text = ""
    var municipalities: [String] = []
    var categories: [String] = []
    var lifeSituations: [String] = []
    var employmentStatuses: [String] = []
    var age: Int?
    var languages: [String] = []
    var costs: [String] = []
    var modes: [String] = []
    var accessibility: [String] = []
    var organizations: [String] = []
    var sectors: [String] = []
    var sort: SearchSort = .relevance
    var page = PageRequest()
    var profile = FitProfile()
    var uiLanguage: Language = .fi
    /// Only services with a course starting from `startsFrom` to `startsUntil` (days, inclusive).
    var startsFrom: String?
    var startsUntil: String?

    /// Words and no filter: what the record of searches that found little counts.
    var hasOnlyText: Bool {
        !text.isEmpty && age == nil && startsFrom == nil
            && [
                municipalities, categories, lifeSituations, employmentStatuses, languages, costs, modes, accessibility, organizations,
                sectors,
            ]
            .allSatisfy(\.isEmpty)
    }
}

/// One highlighted piece of a snippet: show `text`, emphasised when `match`.
struct SnippetPart: Codable, Sendable, Equatable {
    let text: String
    let match: Bool
}

struct FacetCount: Codable, Sendable, Equatable {
    let id: String
    let count: Int
}

struct ServiceSummaryDTO: Codable, Sendable, Equatable {
    let id: String
    let name: LocalText
    let summary: LocalText
    let organization: OrganizationRefDTO
    let status: ServiceStatus
    let cost: String
    let modes: [String]
    let languages: [String]
    @Nullable var ageMin: Int?
    @Nullable var ageMax: Int?
    let municipalityCodes: [String]
    let categoryIds: [String]
    let accessibility: AccessibilityDTO
    let updatedAt: Date
    let snippet: [SnippetPart]
    /// For experts: 150 days without a review. Null for everyone else.
    @Nullable var outdated: Bool?
    /// Why the service fits the client profile.
    let fits: [FitReason]
}

struct OrganizationRefDTO: Codable, Sendable, Equatable {
    let id: String
    let name: LocalText
    let sector: Sector
}

struct AccessibilityDTO: Codable, Sendable, Equatable {
    let wheelchair: Bool
    let signLanguage: Bool
    let easyFinnish: Bool
}

struct SearchResultDTO: ResponseCodable, Sendable {
    let total: Int
    let items: [ServiceSummaryDTO]
    let facets: [String: [FacetCount]]
    @Nullable var nextCursor: String?
    /// No service has every word of the query: these have some of them, the most (and rarest) first.
    var partial = false
    /// The words the region's synonyms added to the query (below the services with the query's own words).
    var alsoSearched: [String] = []
    /// When the words found nothing, not even partly: queries made of the closest known words.
    var didYouMean: [String] = []

}

struct SuggestionDTO: Codable, Sendable, Equatable {
    let text: String
    let kind: SuggestionKind
    @Nullable var serviceId: String?
}

struct SuggestionsDTO: ResponseCodable, Sendable {
    let items: [SuggestionDTO]
}

/// A service's page.
struct ServiceDetailDTO: ResponseCodable, Sendable {
    let id: String
    let organization: OrganizationRefDTO
    let status: ServiceStatus
    let archived: Bool
    let name: LocalText
    let summary: LocalText
    let description: LocalText
    let categoryIds: [String]
    let keywords: LocalWords
    let cost: String
    let costDescription: LocalText
    let accessibility: CatalogueFile.Accessibility
    let targetGroup: CatalogueFile.TargetGroup
    let delivery: CatalogueFile.Delivery
    let participation: CatalogueFile.Participation
    let contacts: [CatalogueFile.Contact]
    let links: [CatalogueFile.Link]
    /// Present only for experts; null for everyone else.
    @Nullable var `internal`: CatalogueFile.Internal?
    let updatedAt: Date
    let reviewedAt: Date
    /// For experts: 150 days without a review. Null for everyone else.
    @Nullable var outdated: Bool?
    /// The languages in which every public text that has Finnish has its own text; Finnish first.
    let completeLanguages: [Language]
    let version: Int

}

/// The catalogue's vocabularies, for filter labels and browsing.
struct TaxonomyDTO: ResponseCodable, Sendable {
    struct Municipality: Codable, Sendable, Equatable {
        let code: String
        let name: LocalText
    }
    struct Category: Codable, Sendable, Equatable {
        let id: String
        let name: LocalText
        @Nullable var parent: String?
    }
    struct Term: Codable, Sendable, Equatable {
        let id: String
        let name: LocalText
    }
    let municipalities: [Municipality]
    let categories: [Category]
    let lifeSituations: [Term]
    let employmentStatuses: [Term]
    let organizations: [OrganizationRefDTO]
}

/// Services as list rows, for a list of ids (favourites kept in a browser).
struct ServiceSummariesDTO: ResponseCodable, Sendable {
    let items: [ServiceSummaryDTO]
}

/// A municipality's services under the category tree.
struct MunicipalityPageDTO: ResponseCodable, Sendable {
    let code: String
    let name: LocalText
    /// Services offered in the municipality (each counted once).
    let total: Int
    let categories: [CategoryNodeDTO]
}

/// One category of a tree with its services; `count` counts the services of its whole subtree once each.
struct CategoryNodeDTO: Codable, Sendable, Equatable {
    let id: String
    let name: LocalText
    let count: Int
    let services: [ServiceSummaryDTO]
    let children: [CategoryNodeDTO]
}

/// What search needs to know of one service, held in memory: filters, facets and sorting over
/// tens of thousands of services then cost microseconds, not a query each.
struct ServiceFacts: Sendable {
    let id: String
    let organizationId: String
    let organizationName: LocalText
    let sector: Sector
    let status: ServiceStatus
    let name: LocalText
    let summary: LocalText
    let keywords: [String]
    let cost: String
    let ageMin: Int?
    let ageMax: Int?
    let wheelchair: Bool
    let signLanguage: Bool
    let easyFinnish: Bool
    let municipalities: [String]
    let categories: [String]
    /// The categories and every ancestor of them, for "a parent includes its children".
    let categoryTree: Set<String>
    let lifeSituations: [String]
    let employmentStatuses: [String]
    let languages: [String]
    let modes: [String]
    let updatedAt: Int64
    /// Flagged outdated: 150 days without a review (`service_outdated`); experts see it.
    var outdated = false
    /// Start days (`YYYY-MM-DD`) of the service's course periods.
    var courseStarts: [String] = []
}

/// The catalogue as search sees it, loaded at one revision.
struct CatalogueSnapshot: Sendable {
    let revision: Int64
    let services: [ServiceFacts]
    let index: [String: Int]
    /// Index vocabulary, sorted, and its one-deletion neighbourhoods for typo tolerance.
    let vocabulary: [String]
    let deletions: [String: [String]]
    /// The vocabulary's terms spelled backwards, sorted: the terms that end with a word are a range
    /// here (Swedish compounds end with their head: "karriärvägledning").
    let reversedVocabulary: [String]
    /// The word index's row key → position in `services` (-1 for none); row keys are small integers.
    let searchKeys: [Int32]
    /// Municipalities, categories, life situations, employment statuses and organisations.
    let taxonomy: TaxonomyDTO
}

extension ServiceFacts {
    /// The accessibility features the service has, as search's facet values.
    var accessibilityFeatures: [String] {
        (wheelchair ? ["wheelchair"] : []) + (signLanguage ? ["signLanguage"] : []) + (easyFinnish ? ["easyFinnish"] : [])
    }

    /// The service as a row of a list; without a query its snippet is the summary as it is.
    func summary(language: Language, viewer: CatalogueViewer, snippet: [SnippetPart]? = nil, fits: [FitReason] = []) -> ServiceSummaryDTO {
        ServiceSummaryDTO(
            id: id, name: name, summary: summary,
            organization: OrganizationRefDTO(id: organizationId, name: organizationName, sector: sector), status: status,
            cost: cost, modes: modes, languages: languages, ageMin: ageMin, ageMax: ageMax,
            municipalityCodes: municipalities, categoryIds: categories,
            accessibility: AccessibilityDTO(wheelchair: wheelchair, signLanguage: signLanguage, easyFinnish: easyFinnish),
            updatedAt: Date(millis: updatedAt), snippet: snippet ?? [SnippetPart(text: summary.localized(language), match: false)],
            outdated: viewer.seesInternal ? outdated : nil, fits: fits)
    }
}
