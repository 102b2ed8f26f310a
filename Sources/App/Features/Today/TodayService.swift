import Foundation

/// The "today" summary of the signed-in user, built from the features' own lists (so each keeps its
/// visibility rule and writes its access-log records). No HTTP, no SQL.
struct TodayService: Sendable {
    let tasks: TasksService
    let meetings: MeetingsService
    let notifications: NotificationsService
    let picks: PicksService
    let clock: AppClock

    static let horizon: TimeInterval = 14 * 86_400

    func today(by caller: SessionUser?) async throws -> TodayDTO {
        guard let caller else { throw AppError.authRequired }
        let now = clock.now
        let coming = try await meetings.mine(page: PageRequest(limit: 20), by: caller).items.filter {
            $0.status == .scheduled && $0.endsAt > now && $0.startsAt < now + Self.horizon
                && $0.participants.contains { $0.userId == caller.userId && $0.response != .declined }
        }
        let open = try await tasks.mine(status: .open, page: PageRequest(limit: 10), by: caller)
        let counts = try await tasks.openCounts(of: caller.userId)
        let unread = try await notifications.list(page: PageRequest(limit: 5), by: caller)
        return TodayDTO(
            nextMeeting: coming.first, meetings: Array(coming.dropFirst().prefix(5)), tasks: open.items, openTasks: counts.open,
            overdueTasks: counts.overdue, unread: unread.items.filter { $0.readAt == nil && $0.count > 0 }, unreadCount: unread.unread,
            picks: try await picks.awaitingAnswer(by: caller, limit: 5))
    }
}
