import Hummingbird

/// `/spaces/{id}/picks` and `/picks/{id}`. Decode, call `PicksService`, encode.
struct PicksController: Sendable {
    let picks: PicksService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.post("spaces/:spaceId/picks", use: add)
        api.get("spaces/:spaceId/picks", use: list)
        api.patch("picks/:pickId", use: update)
        api.delete("picks/:pickId", use: remove)
    }

    func add(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<PickDTO> {
        let spaceId: String = try context.parameters.require("spaceId")
        // The membership first: an outsider learns nothing from the body's errors.
        _ = try await picks.spaces.requireWriter(spaceId, context.session)
        let input = try await request.decode(as: CreatePickInput.self, context: context)
        return EditedResponse(status: .created, response: try await picks.add(spaceId, input, by: context.session))
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Page<PickDTO> {
        try await picks.list(try context.parameters.require("spaceId"), page: try PageRequest(request), by: context.session)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> PickDTO {
        let input = try await request.decode(as: UpdatePickInput.self, context: context)
        return try await picks.update(try context.parameters.require("pickId"), input, by: context.session)
    }

    func remove(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await picks.remove(try context.parameters.require("pickId"), by: context.session)
        return .noContent
    }
}
