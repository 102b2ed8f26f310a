import Foundation
import Hummingbird

struct NotificationDTO: Codable, Sendable, Equatable {
    let id: String
    let spaceId: String
    let spaceTitle: String
    let seq: Int64
    let kind: SpaceEventKind
    @Nullable var actorName: String?
    let createdAt: Date
    @Nullable var readAt: Date?
}

struct NotificationPage: ResponseCodable, Sendable {
    let items: [NotificationDTO]
    @Nullable var nextCursor: String?
    let unread: Int
}

struct UnreadCountDTO: ResponseCodable, Sendable {
    let unread: Int
}

struct MarkNotificationsReadInput: Decodable, Sendable {
    let ids: [String]?
    let spaceId: String?
    let all: Bool?
}
