import Hummingbird

/// `/notifications*`: the caller's own in-app notifications.
struct NotificationsController: Sendable {
    let notifications: NotificationsService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("notifications", use: list)
        api.get("notifications/unread-count", use: unread)
        api.post("notifications/read", use: markRead)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> NotificationPage {
        try await notifications.list(page: try PageRequest(request), by: context.session)
    }

    func unread(_ request: Request, context: AppRequestContext) async throws -> UnreadCountDTO {
        try await notifications.unread(by: context.session)
    }

    func markRead(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        _ = try context.requireSession()
        try await notifications.markRead(
            try await request.decode(as: MarkNotificationsReadInput.self, context: context), by: context.session)
        return .noContent
    }
}
