import Hummingbird

/// `/spaces/{id}/tasks`, `/tasks` (the caller's own) and `/tasks/{id}`. Decode, call
/// `TasksService`, encode.
struct TasksController: Sendable {
    let tasks: TasksService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.post("spaces/:spaceId/tasks", use: add)
        api.get("spaces/:spaceId/tasks", use: list)
        api.get("tasks", use: mine)
        api.get("tasks/:taskId", use: get)
        api.patch("tasks/:taskId", use: update)
        api.delete("tasks/:taskId", use: remove)
        api.post("tasks/:taskId/comments", use: comment)
    }

    func add(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<TaskDTO> {
        let spaceId: String = try context.parameters.require("spaceId")
        _ = try await tasks.spaces.requireWriter(spaceId, context.session)
        let input = try await request.decode(as: CreateTaskInput.self, context: context)
        return EditedResponse(status: .created, response: try await tasks.add(spaceId, input, by: context.session))
    }

    /// `?status=open|done`; both when not given.
    private func status(_ request: Request) throws -> TaskStatus? {
        guard let raw = request.uri.queryParameters["status"], !raw.isEmpty else { return nil }
        guard let status = TaskStatus(rawValue: String(raw)) else {
            throw AppError.validation([FieldError("status", "field.invalidValue")])
        }
        return status
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Page<TaskDTO> {
        try await tasks.list(
            try context.parameters.require("spaceId"), status: try status(request), page: try PageRequest(request), by: context.session)
    }

    func mine(_ request: Request, context: AppRequestContext) async throws -> Page<TaskDTO> {
        try await tasks.mine(status: try status(request), page: try PageRequest(request), by: context.session)
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> TaskDTO {
        try await tasks.get(try context.parameters.require("taskId"), by: context.session)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> TaskDTO {
        let input = try await request.decode(as: UpdateTaskInput.self, context: context)
        return try await tasks.update(try context.parameters.require("taskId"), input, by: context.session)
    }

    func remove(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await tasks.remove(try context.parameters.require("taskId"), by: context.session)
        return .noContent
    }

    func comment(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<TaskDTO> {
        let input = try await request.decode(as: CreateCommentInput.self, context: context)
        return EditedResponse(
            status: .created, response: try await tasks.comment(try context.parameters.require("taskId"), input, by: context.session))
    }
}
