import Hummingbird

/// `GET /today`: the signed-in user's summary for the phone's home screen.
struct TodayController: Sendable {
    let today: TodayService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("today", use: get)
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> TodayDTO {
        try await today.today(by: context.session)
    }
}
