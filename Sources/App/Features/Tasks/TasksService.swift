import Foundation

/// Tasks of a space: experts assign them to a member (a client or an expert), with a due time and
/// optionally a pick they belong to; the assignee ticks them off; members who see a task comment on
/// it. No HTTP, no SQL.
struct TasksService: Sendable {
    let store: TasksStore
    let spaces: SpacesService
    let clock: AppClock

    func add(_ spaceId: String, _ input: CreateTaskInput, by caller: SessionUser?) async throws -> TaskDTO {
        let access = try await spaces.requireWriter(spaceId, caller)
        guard access.isExpert else { throw AppError.forbidden }
        let title = input.title.trimmed
        let description = (input.description ?? "").trimmed
        var errors = TaskRules.titleErrors(title)
        if description.count > TaskRules.maxDescription { errors.append(FieldError("description", "field.tooLong")) }
        if input.assigneeId.isEmpty || input.assigneeId.count > 64 { errors.append(FieldError("assigneeId", "field.invalidValue")) }
        let dueAt = input.dueAt.flatMap { Input.timestamp($0, field: "dueAt", errors: &errors) }
        let remindAt = input.remindAt.flatMap { Input.timestamp($0, field: "remindAt", errors: &errors) }
        try Input.check(errors)
        return try await store.add(
            .init(
                title: title, description: description, assigneeId: input.assigneeId, dueAt: dueAt, remindAt: remindAt,
                pickId: input.pickId, privateTo: input.privateTo),
            by: access, now: clock.now)
    }

    func list(_ spaceId: String, status: TaskStatus?, page: PageRequest, by caller: SessionUser?) async throws -> Page<TaskDTO> {
        let access = try await spaces.requireMember(spaceId, caller)
        let tasks = try await store.list(access, status: status, page: page, now: clock.now)
        try await spaces.logRead(.tasks, access)
        return Page(tasks, page)
    }

    /// "My tasks": the caller's own tasks in every space they are in. An expert's read of a client's
    /// space is logged for each space listed.
    func mine(status: TaskStatus?, page: PageRequest, by caller: SessionUser?) async throws -> Page<TaskDTO> {
        guard let caller else { throw AppError.authRequired }
        let tasks = try await store.assigned(to: caller.userId, status: status, page: page, now: clock.now)
        let shown = Set(tasks.prefix(page.limit).map(\.spaceId))
        if !shown.isEmpty {
            for access in try await spaces.store.accesses(user: caller.userId) where shown.contains(access.spaceId) {
                try await spaces.logRead(.tasks, access)
            }
        }
        return Page(tasks, page)
    }

    /// How many open tasks the user has, and how many of them are overdue.
    func openCounts(of user: String) async throws -> (open: Int, overdue: Int) {
        try await store.openCounts(of: user, now: clock.now)
    }

    func get(_ taskId: String, by caller: SessionUser?) async throws -> TaskDTO {
        let access = try await memberAccess(taskId, caller, writing: false)
        guard let task = try await store.task(taskId, access, now: clock.now) else { throw AppError.notFound("task.notFound") }
        try await spaces.logRead(.tasks, access)
        return task
    }

    func update(_ taskId: String, _ input: UpdateTaskInput, by caller: SessionUser?) async throws -> TaskDTO {
        let access = try await memberAccess(taskId, caller, writing: true)
        var errors: [FieldError] = []
        let title = input.title?.trimmed
        if let title { errors += TaskRules.titleErrors(title) }
        let description = input.description?.trimmed
        if let description, description.count > TaskRules.maxDescription { errors.append(FieldError("description", "field.tooLong")) }
        var dueAt: Date?? = nil
        if let given = input.dueAt { dueAt = .some(given.flatMap { Input.timestamp($0, field: "dueAt", errors: &errors) }) }
        var remindAt: Date?? = nil
        if let given = input.remindAt { remindAt = .some(given.flatMap { Input.timestamp($0, field: "remindAt", errors: &errors) }) }
        try Input.check(errors)
        let change = TasksStore.Change(
            status: input.status, title: title, description: description, assigneeId: input.assigneeId, dueAt: dueAt,
            remindAt: remindAt)
        return try await store.update(taskId, change, by: access, now: clock.now) { access, task in
            try Self.authorize(change, on: task, by: access)
        }
    }

    /// Experts change everything; a client ticks their own task done or open again, and nothing else.
    static func authorize(_ change: TasksStore.Change, on task: TaskRecord, by access: SpaceAccess) throws {
        if access.isExpert { return }
        guard task.assigneeId == access.userId, change.title == nil, change.description == nil, change.assigneeId == nil,
            change.dueAt == nil, change.remindAt == nil
        else { throw AppError.forbidden }
    }

    func comment(_ taskId: String, _ input: CreateCommentInput, by caller: SessionUser?) async throws -> TaskDTO {
        let access = try await memberAccess(taskId, caller, writing: true)
        let body = input.body.trimmed
        if body.isEmpty { throw AppError.validation([FieldError("body", "field.required")]) }
        if body.count > TaskRules.maxComment { throw AppError.validation([FieldError("body", "field.tooLong")]) }
        return try await store.comment(taskId, body: body, by: access, now: clock.now)
    }

    func remove(_ taskId: String, by caller: SessionUser?) async throws {
        let access = try await memberAccess(taskId, caller, writing: true)
        guard access.isExpert else { throw AppError.forbidden }
        try await store.remove(taskId, by: access, now: clock.now)
    }

    /// The caller's access to the task's space; 404 for a task of a space they are not in.
    private func memberAccess(_ taskId: String, _ caller: SessionUser?, writing: Bool) async throws -> SpaceAccess {
        let store = store
        return try await spaces.requireMember(
            ofItemIn: { try await store.space(ofTask: taskId) }, notFound: "task.notFound", writing: writing, caller)
    }
}
