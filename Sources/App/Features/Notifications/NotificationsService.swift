import Foundation

/// The signed-in user's own notifications. No HTTP, no SQL.
struct NotificationsService: Sendable {
    let store: NotificationsStore
    let clock: AppClock

    func list(page: PageRequest, by caller: SessionUser?) async throws -> NotificationPage {
        guard let caller else { throw AppError.authRequired }
        let (items, unread) = try await store.list(user: caller.userId, page: page)
        let p = Page(items, page)
        return NotificationPage(items: p.items, nextCursor: p.nextCursor, unread: unread)
    }

    func unread(by caller: SessionUser?) async throws -> UnreadCountDTO {
        guard let caller else { throw AppError.authRequired }
        let (unread, reminders) = try await store.unread(user: caller.userId)
        return UnreadCountDTO(unread: unread, reminders: reminders)
    }

    func markRead(_ input: MarkNotificationsReadInput, by caller: SessionUser?) async throws {
        guard let caller else { throw AppError.authRequired }
        if let spaces = input.spaceIds, spaces.count > 100 { throw AppError.validation([FieldError("spaceIds", "field.tooMany")]) }
        guard input.spaceIds != nil || input.all == true else { throw AppError.validation([FieldError("spaceIds", "field.required")]) }
        try await store.markRead(user: caller.userId, spaces: input.spaceIds, now: clock.now)
    }
}
