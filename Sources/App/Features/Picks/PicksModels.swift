import Foundation
import Hummingbird

/// Where a picked service stands in the client's plan.
enum PickStatus: String, Codable, Sendable, CaseIterable {
    case suggested, interested, applied, started, completed, declined

    /// What a client may set on a pick themselves.
    static let forClients: Set<PickStatus> = [.interested, .declined]
    /// Where a client may still answer a pick (change their mind between interested and declined).
    static let answerable: Set<PickStatus> = [.suggested, .interested, .declined]
}

/// How the picked service is now: as picked, changed since (a newer version), or no longer
/// available (archived, hidden or removed from the catalogue).
enum PickAvailability: String, Codable, Sendable {
    case available, changed, unavailable
}

struct PickRecord: AppRecord {
    static let databaseTableName = "space_pick"
    var id: String
    var spaceId: String
    var serviceId: String
    /// `LocalText` as JSON.
    var serviceName: String
    var serviceVersion: Int
    var note: String
    var position: Int
    var status: String
    var audienceId: String?
    var seq: Int64
    var pickedBy: String?
    var createdAt: Int64
    var updatedAt: Int64

    /// The service's name as it was when picked.
    var pickedName: LocalText {
        (try? SpaceTransaction.decoder.decode(LocalText.self, from: Data(serviceName.utf8))) ?? LocalText(fi: serviceId)
    }
}

struct PickChangeDTO: Codable, Sendable, Equatable {
    let status: PickStatus
    @Nullable var changedBy: String?
    let changedAt: Date
}

/// A pick with its service as the viewer may see it: the public side for everybody, the internal
/// instructions for experts only.
struct PickDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let spaceId: String
    let serviceId: String
    let name: LocalText
    @Nullable var summary: LocalText?
    @Nullable var organization: OrganizationRefDTO?
    /// For experts only; null for clients.
    @Nullable var `internal`: CatalogueFile.Internal?
    let availability: PickAvailability
    let note: String
    let position: Int
    let status: PickStatus
    @Nullable var audienceId: String?
    @Nullable var pickedBy: String?
    let createdAt: Date
    let updatedAt: Date
    let history: [PickChangeDTO]
}

struct CreatePickInput: Decodable, Sendable {
    let serviceId: String
    var note: String?
    /// A group space: the one client the pick is for (seen by that client and the experts).
    var privateTo: String?
}

/// Every field is optional; what is given changes. A client may only set `status` to interested or
/// declined.
struct UpdatePickInput: Decodable, Sendable {
    var status: PickStatus?
    var note: String?
    /// The pick's new place in the plan, from 0.
    var position: Int?
    /// An expert has looked at the changed service: the pick follows its current version.
    var acknowledgeChange: Bool?
}

enum PickRules {
    static let maxNote = 2000
    static let maxPicks = 200
}
