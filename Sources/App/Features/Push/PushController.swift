import Hummingbird

/// `/push/key` and `/me/push-subscriptions*`: the VAPID key browsers subscribe with, and the
/// caller's own devices.
struct PushController: Sendable {
    let push: PushService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("push/key", use: key)
        api.get("me/push-subscriptions", use: list)
        api.post("me/push-subscriptions", use: subscribe)
        api.delete("me/push-subscriptions/{id}", use: remove)
    }

    func key(_ request: Request, context: AppRequestContext) async throws -> VAPIDKeyDTO {
        try push.key(by: context.session)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Items<PushSubscriptionDTO> {
        try await push.list(by: context.session)
    }

    func subscribe(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<PushSubscriptionDTO> {
        _ = try context.requireSession()
        let input = try await request.decode(as: PushSubscribeInput.self, context: context)
        return EditedResponse(status: .created, response: try await push.subscribe(input, by: context.session))
    }

    func remove(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await push.remove(try context.parameters.require("id"), by: context.session)
        return .noContent
    }
}
