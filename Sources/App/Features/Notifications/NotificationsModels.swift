import Foundation
import Hummingbird

/// A space's notification for the caller: its latest notifying event and how many are unread.
struct NotificationDTO: Codable, Sendable, Equatable {
    let spaceId: String
    let spaceTitle: String
    let seq: Int64
    let kind: SpaceEventKind
    @Nullable var actorName: String?
    /// Notifying events since the caller last read the space's notifications (0 once read).
    let count: Int
    /// When the latest event happened.
    let updatedAt: Date
    @Nullable var readAt: Date?
}

struct NotificationPage: ResponseCodable, Sendable {
    let items: [NotificationDTO]
    @Nullable var nextCursor: String?
    let unread: Int
}

struct UnreadCountDTO: ResponseCodable, Sendable {
    let unread: Int
    /// Unread in-app reminders (apart from `unread`).
    let reminders: Int
}

/// Some spaces' notifications, or all.
struct MarkNotificationsReadInput: Decodable, Sendable {
    let spaceIds: [String]?
    let all: Bool?
}
