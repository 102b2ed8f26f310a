import Foundation
import Hummingbird

/// One of an expert's favourite lists, with the ids of its services (newest first).
struct FavouriteListDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let name: String
    let serviceIds: [String]
    /// The secret of the list's read-only link (`/catalogue/shared/{token}` in the web client), null while not shared.
    @Nullable var shareToken: String?
    let createdAt: Date
    let updatedAt: Date
}

/// A favourite list with its services as list rows.
struct FavouriteListDetailDTO: ResponseCodable, Sendable {
    let id: String
    let name: String
    @Nullable var shareToken: String?
    let createdAt: Date
    let updatedAt: Date
    /// The services the caller may still open, newest first; archived ones marked by their status.
    let services: [ServiceSummaryDTO]
}

/// What a read-only link shows: the list's name and services, nothing of its owner.
struct SharedListDTO: ResponseCodable, Sendable {
    let name: String
    let updatedAt: Date
    let services: [ServiceSummaryDTO]
}

struct RecentlyViewedDTO: Codable, Sendable {
    let viewedAt: Date
    let service: ServiceSummaryDTO
}

struct RecentlyViewedListDTO: ResponseCodable, Sendable {
    let items: [RecentlyViewedDTO]
}

struct CreateFavouriteListInput: Decodable, Sendable {
    let name: String
    /// Chosen by the client: a resend with the same id returns the list made the first time.
    let clientId: String?
}

struct RenameFavouriteListInput: Decodable, Sendable {
    let name: String
}

struct FavouriteListRecord: AppRecord, Equatable {
    static let databaseTableName = "favourite_list"
    var id: String
    var ownerId: String
    var clientId: String?
    var name: String
    var shareToken: String?
    var createdAt: Int64
    var updatedAt: Int64
}
