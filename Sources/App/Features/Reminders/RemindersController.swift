import Hummingbird

/// `/reminders*` and `/me/notification-settings`: the caller's own reminders and how they want to
/// be notified.
struct RemindersController: Sendable {
    let reminders: RemindersService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("reminders", use: list)
        api.post("reminders/read", use: markRead)
        api.get("me/notification-settings", use: settings)
        api.put("me/notification-settings", use: save)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> ReminderPage {
        try await reminders.list(page: try PageRequest(request), by: context.session)
    }

    func markRead(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        _ = try context.requireSession()
        try await reminders.markRead(try await request.decode(as: MarkRemindersReadInput.self, context: context), by: context.session)
        return .noContent
    }

    func settings(_ request: Request, context: AppRequestContext) async throws -> NotificationSettingsDTO {
        try await reminders.settings(by: context.session)
    }

    func save(_ request: Request, context: AppRequestContext) async throws -> NotificationSettingsDTO {
        _ = try context.requireSession()
        let input = try await request.decode(as: NotificationSettingsInput.self, context: context)
        return try await reminders.save(input, by: context.session)
    }
}
