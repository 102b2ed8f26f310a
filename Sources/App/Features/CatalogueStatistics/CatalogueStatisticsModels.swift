import Foundation
import Hummingbird

/// Whose services the statistics count: one organisation's, those offered in one municipality (a
/// region), or the whole catalogue's.
enum StatisticsScope: Sendable, Equatable {
    case all
    case organization(String)
    case municipality(String)
}

/// `GET /catalogue/editor/statistics`: the services of a scope by status, how long ago they were
/// reviewed, what was published, viewed and picked month by month, and each service's views and picks
/// in the period (counts only: nothing of who viewed or picked).
struct CatalogueStatisticsDTO: ResponseCodable, Sendable {
    @Nullable var organization: String?
    @Nullable var municipality: String?
    let months: Int
    /// The first day counted (yyyy-mm-dd, Europe/Helsinki).
    let since: String
    let statuses: StatusCountsDTO
    let review: ReviewAgesDTO
    let monthly: [MonthlyReachDTO]
    let totals: ReachTotalsDTO
    /// The services, the most viewed first (at most `servicesShown`).
    let services: [ServiceReachDTO]
    let servicesTotal: Int
    /// The organisations and municipalities the caller may see statistics of.
    let choices: StatisticsChoicesDTO
}

struct StatusCountsDTO: Codable, Sendable, Equatable {
    var draft = 0
    var review = 0
    var published = 0
    var hidden = 0
    var archived = 0
    /// Published, hidden or archived services with an open edit, as draft or waiting for review.
    var openDrafts = 0
    var openReviews = 0
}

struct ReviewAgesDTO: Codable, Sendable, Equatable {
    /// Published and hidden services by days since review: 0–89, 90–119, 120–134, 135–149, 150 and more.
    let buckets: [ReviewBucketDTO]
    @Nullable var medianDays: Int?
    /// Reviewed 150 or more days ago: flagged outdated.
    let outdated: Int
}

struct ReviewBucketDTO: Codable, Sendable, Equatable {
    let from: Int
    @Nullable var to: Int?
    let services: Int
}

struct MonthlyReachDTO: Codable, Sendable, Equatable {
    /// yyyy-mm
    let month: String
    let publications: Int
    let views: Int
    let picks: Int
}

struct ReachTotalsDTO: Codable, Sendable, Equatable {
    let publications: Int
    let views: Int
    let picks: Int
}

struct ServiceReachDTO: Codable, Sendable, Equatable {
    let id: String
    let name: LocalText
    let organizationId: String
    let status: ServiceStatus
    let daysSinceReview: Int
    let views: Int
    /// Spaces that picked the service into their plan in the period.
    let picks: Int
}

struct StatisticsChoicesDTO: Codable, Sendable, Equatable {
    let organizations: [StatisticsChoiceDTO]
    let municipalities: [StatisticsChoiceDTO]
    /// A platform admin may also see the whole catalogue's.
    let all: Bool
}

struct StatisticsChoiceDTO: Codable, Sendable, Equatable {
    let id: String
    let name: LocalText
}
