import Foundation
import Hummingbird

/// The client's phone home in one answer: the next meeting and the coming ones, open tasks, unread
/// spaces and services waiting for the client's answer.
struct TodayDTO: ResponseCodable, Sendable {
    @Nullable var nextMeeting: MeetingDTO?
    /// Scheduled meetings of the next 14 days after the next one, soonest first (at most 5).
    let meetings: [MeetingDTO]
    /// The caller's open tasks, soonest due first, undated last (at most 10).
    let tasks: [TaskDTO]
    let openTasks: Int
    let overdueTasks: Int
    /// Spaces with unread messages (at most 5) and the count of all unread.
    let unread: [NotificationDTO]
    let unreadCount: Int
    /// Picks suggested to the caller as a client that they have not answered yet (at most 5).
    let picks: [TodayPickDTO]
}

/// A suggested pick, with its space and the service's name as it was picked.
struct TodayPickDTO: Codable, Sendable, Equatable {
    let id: String
    let spaceId: String
    let spaceTitle: String
    let serviceId: String
    let name: LocalText
    let note: String
    let createdAt: Date
}
