import Foundation
import GRDB

/// All SQL of tasks: `space_task` and `space_task_comment`.
struct TasksStore: Sendable {
    let db: AppDatabase
    let hub: RealtimeHub
    let ids: IDGenerator

    struct NewTask: Sendable {
        var title: String
        var description: String
        var assigneeId: String
        var dueAt: Date?
        var remindAt: Date?
        var pickId: String?
        var privateTo: String?
    }

    /// Stores a task and its `taskAdded` event, after checking again inside the write that the actor
    /// is an expert of the open space, the assignee a member, and the pick one of this space that
    /// the task's audience sees.
    func add(_ new: NewTask, by actor: SpaceAccess, now: Date) async throws -> TaskDTO {
        let id = ids.next()
        return try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard access.isExpert else { throw AppError.forbidden }
            let audience = try Self.audience(assignee: new.assigneeId, privateTo: new.privateTo, access, tx.db)
            if let pickId = new.pickId { try Self.checkPick(pickId, audience: audience, space: access.spaceId, tx.db) }
            let event = try tx.append(
                .taskAdded, space: access.spaceId, actor: access.userId, audience: audience,
                data: EventData(
                    title: new.title, status: TaskStatus.open.rawValue, taskId: id, assigneeId: new.assigneeId, dueAt: new.dueAt))
            let row = TaskRecord(
                id: id, spaceId: access.spaceId, title: new.title, description: new.description, assigneeId: new.assigneeId,
                dueAt: new.dueAt?.millis, pickId: new.pickId, status: TaskStatus.open.rawValue, audienceId: audience, seq: event.seq,
                createdBy: access.userId, createdAt: now.millis, updatedAt: now.millis, doneAt: nil, doneBy: nil,
                remindAt: new.remindAt?.millis)
            try row.insert(tx.db)
            try RemindersStore.plan(task: row, now: now, tx.db)
            return try Self.task(id, access, now: now, comments: false, tx.db) ?? { throw AppError.internalError }()
        }
    }

    /// Who sees a task: in a group space a client's task is private to that client; an expert's task
    /// is for everybody or, with `privateTo`, about one client. Other spaces have no private items.
    private static func audience(assignee: String, privateTo: String?, _ access: SpaceAccess, _ db: Database) throws -> String? {
        guard let target = try SpacesStore.access(space: access.spaceId, user: assignee, db) else {
            throw AppError.validation([FieldError("assigneeId", "task.assigneeNotMember")])
        }
        if target.role == .client, access.kind == .group {
            if let privateTo, privateTo != assignee { throw AppError.validation([FieldError("privateTo", "field.invalidValue")]) }
            return assignee
        }
        try MessagesStore.checkAudience(privateTo, access: access, db)
        return privateTo
    }

    /// A task's pick must be of the same space, and for everybody or for the task's own client.
    private static func checkPick(_ pickId: String, audience: String?, space: String, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT audience_id FROM space_pick WHERE id = ? AND space_id = ?", arguments: [pickId, space]),
            (row["audience_id"] as String?) == nil || (row["audience_id"] as String?) == audience
        else { throw AppError.validation([FieldError("pickId", "pick.notFound")]) }
    }

    private static let select: SQL = """
        SELECT t.*, s.title AS space_title, u.display_name AS assignee_name,
               (SELECT COUNT(*) FROM space_task_comment c WHERE c.task_id = t.id) AS comment_count
        FROM space_task t JOIN space s ON s.id = t.space_id LEFT JOIN app_user u ON u.id = t.assignee_id
        """

    private static func dto(_ row: Row, now: Date, comments: [TaskCommentDTO]? = nil) throws -> TaskDTO {
        let t = try TaskRecord(row: row)
        let status = TaskStatus(rawValue: t.status) ?? .open
        return TaskDTO(
            id: t.id, spaceId: t.spaceId, spaceTitle: row["space_title"], title: t.title, description: t.description,
            assigneeId: t.assigneeId, assigneeName: row["assignee_name"], dueAt: t.dueAt.map(Date.init(millis:)),
            remindAt: t.remindAt.map(Date.init(millis:)),
            overdue: status == .open && (t.dueAt.map { $0 < now.millis } ?? false), pickId: t.pickId, status: status,
            audienceId: t.audienceId, createdBy: t.createdBy, createdAt: Date(millis: t.createdAt), updatedAt: Date(millis: t.updatedAt),
            doneAt: t.doneAt.map(Date.init(millis:)), doneBy: t.doneBy, commentCount: row["comment_count"], comments: comments)
    }

    /// Open tasks come first by due time (those without one last), then done ones, newest first.
    private static let order: SQL = "ORDER BY t.status = 'done', t.due_at IS NULL, t.due_at, t.created_at DESC, t.id"

    /// The space's tasks that the viewer may see.
    func list(_ viewer: SpaceAccess, status: TaskStatus?, page: PageRequest, now: Date) async throws -> [TaskDTO] {
        try await db.writer.read { db in
            let statusFilter: SQL = status.map { "AND t.status = \($0.rawValue)" } ?? ""
            return try SQLRequest<Row>(
                """
                \(Self.select)
                WHERE t.space_id = \(viewer.spaceId) AND \(SpaceVisibility.filter(viewer, audience: "t.audience_id", seq: "t.seq"))
                \(statusFilter)
                \(Self.order) LIMIT \(page.limit + 1) OFFSET \(page.offset)
                """
            ).fetchAll(db).map { try Self.dto($0, now: now) }
        }
    }

    /// The user's own tasks across the spaces they are a member of now.
    func assigned(to user: String, status: TaskStatus?, page: PageRequest, now: Date) async throws -> [TaskDTO] {
        try await db.writer.read { db in
            let statusFilter: SQL = status.map { "AND t.status = \($0.rawValue)" } ?? ""
            let visible = SpaceVisibility.memberFilter(event: "t", member: "m")
            return try SQLRequest<Row>(
                """
                \(Self.select)
                JOIN space_member m ON m.space_id = t.space_id AND m.user_id = \(user) AND m.left_at IS NULL
                WHERE t.assignee_id = \(user) AND \(visible) \(statusFilter)
                \(Self.order) LIMIT \(page.limit + 1) OFFSET \(page.offset)
                """
            ).fetchAll(db).map { try Self.dto($0, now: now) }
        }
    }

    /// How many open tasks the user has (in the spaces they are a member of now) and how many of
    /// them are overdue.
    func openCounts(of user: String, now: Date) async throws -> (open: Int, overdue: Int) {
        try await db.writer.read { db in
            let visible = SpaceVisibility.memberFilter(event: "t", member: "m")
            let row = try SQLRequest<Row>(
                """
                SELECT COUNT(*) AS open, COALESCE(SUM(t.due_at < \(now.millis)), 0) AS overdue FROM space_task t
                JOIN space_member m ON m.space_id = t.space_id AND m.user_id = \(user) AND m.left_at IS NULL
                WHERE t.assignee_id = \(user) AND t.status = 'open' AND \(visible)
                """
            ).fetchOne(db)
            return (row?["open"] ?? 0, row?["overdue"] ?? 0)
        }
    }

    func space(ofTask id: String) async throws -> String? {
        guard id.count <= 64 else { return nil }
        return try await db.writer.read { db in
            try String.fetchOne(db, sql: "SELECT space_id FROM space_task WHERE id = ?", arguments: [id])
        }
    }

    /// One task with its comments, when the viewer may see it.
    func task(_ id: String, _ viewer: SpaceAccess, now: Date) async throws -> TaskDTO? {
        try await db.writer.read { db in try Self.task(id, viewer, now: now, comments: true, db) }
    }

    private static func task(_ id: String, _ viewer: SpaceAccess, now: Date, comments: Bool, _ db: Database) throws -> TaskDTO? {
        guard
            let row = try SQLRequest<Row>(
                """
                \(Self.select)
                WHERE t.id = \(id) AND t.space_id = \(viewer.spaceId)
                  AND \(SpaceVisibility.filter(viewer, audience: "t.audience_id", seq: "t.seq"))
                """
            ).fetchOne(db)
        else { return nil }
        guard comments else { return try dto(row, now: now) }
        let list = try SQLRequest<Row>(
            """
            SELECT c.id, c.author_id, c.body, c.created_at, u.display_name
            FROM space_task_comment c LEFT JOIN app_user u ON u.id = c.author_id
            WHERE c.task_id = \(id) ORDER BY c.seq
            """
        ).fetchAll(db).map {
            TaskCommentDTO(
                id: $0["id"], authorId: $0["author_id"], authorName: $0["display_name"], body: $0["body"],
                createdAt: Date(millis: $0["created_at"]))
        }
        return try dto(row, now: now, comments: list)
    }

    struct Change: Sendable {
        var status: TaskStatus?
        var title: String?
        var description: String?
        var assigneeId: String?
        var dueAt: Date??
        var remindAt: Date??
    }

    /// Applies a change; `authorize` runs inside the write with the actor's access and the task as
    /// they are then, and throws to refuse.
    func update(
        _ id: String, _ change: Change, by actor: SpaceAccess, now: Date,
        authorize: @escaping @Sendable (SpaceAccess, TaskRecord) throws -> Void
    ) async throws -> TaskDTO {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard var task = try Self.visibleTask(id, access, tx.db) else { throw AppError.notFound("task.notFound") }
            try authorize(access, task)
            let before = task
            if let status = change.status, status.rawValue != task.status {
                task.status = status.rawValue
                task.doneAt = status == .done ? now.millis : nil
                task.doneBy = status == .done ? access.userId : nil
            }
            if let title = change.title { task.title = title }
            if let description = change.description { task.description = description }
            if let dueAt = change.dueAt { task.dueAt = dueAt?.millis }
            if let remindAt = change.remindAt { task.remindAt = remindAt?.millis }
            if let assignee = change.assigneeId, assignee != task.assigneeId {
                task.assigneeId = assignee
                let keep = task.audienceId == before.assigneeId ? nil : task.audienceId
                task.audienceId = try Self.audience(assignee: assignee, privateTo: keep, access, tx.db)
                if let pickId = task.pickId { try Self.checkPick(pickId, audience: task.audienceId, space: task.spaceId, tx.db) }
            }
            var changed: [String] = []
            if before.status != task.status { changed.append("status") }
            if before.title != task.title { changed.append("title") }
            if before.description != task.description { changed.append("description") }
            if before.dueAt != task.dueAt { changed.append("dueAt") }
            if before.assigneeId != task.assigneeId { changed.append("assigneeId") }
            if before.remindAt != task.remindAt { changed.append("remindAt") }
            if changed.isEmpty {
                return try Self.task(id, access, now: now, comments: true, tx.db) ?? { throw AppError.internalError }()
            }
            task.updatedAt = now.millis
            try task.update(tx.db)
            try RemindersStore.plan(task: task, now: now, tx.db)
            try tx.append(
                .taskChanged, space: task.spaceId, actor: access.userId, audience: task.audienceId,
                data: EventData(
                    title: task.title, status: task.status, taskId: id, assigneeId: task.assigneeId,
                    dueAt: task.dueAt.map(Date.init(millis:)), changed: changed),
                itemSeq: task.seq)
            return try Self.task(id, access, now: now, comments: true, tx.db) ?? { throw AppError.internalError }()
        }
    }

    private static func visibleTask(_ id: String, _ viewer: SpaceAccess, _ db: Database) throws -> TaskRecord? {
        try TaskRecord.fetchOne(
            db,
            SQLRequest<TaskRecord>(
                """
                SELECT * FROM space_task
                WHERE id = \(id) AND space_id = \(viewer.spaceId) AND \(SpaceVisibility.filter(viewer, audience: "audience_id", seq: "seq"))
                """))
    }

    /// Adds a comment by a member who sees the task.
    func comment(_ id: String, body: String, by actor: SpaceAccess, now: Date) async throws -> TaskDTO {
        let commentId = ids.next()
        return try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard let task = try Self.visibleTask(id, access, tx.db) else { throw AppError.notFound("task.notFound") }
            let event = try tx.append(
                .taskCommented, space: task.spaceId, actor: access.userId, audience: task.audienceId,
                data: EventData(title: task.title, taskId: id, commentId: commentId), itemSeq: task.seq)
            try tx.db.execute(
                sql: "INSERT INTO space_task_comment (id, task_id, author_id, body, seq, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [commentId, id, access.userId, body, event.seq, now.millis])
            return try Self.task(id, access, now: now, comments: true, tx.db) ?? { throw AppError.internalError }()
        }
    }

    /// Removes a task (an expert's), with its comments.
    func remove(_ id: String, by actor: SpaceAccess, now: Date) async throws {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            let access = try SpacesStore.confirm(actor, tx.db)
            guard access.isExpert else { throw AppError.forbidden }
            guard let task = try Self.visibleTask(id, access, tx.db) else { throw AppError.notFound("task.notFound") }
            try task.delete(tx.db)
            try RemindersStore.drop(task: id, tx.db)
            try tx.append(
                .taskRemoved, space: task.spaceId, actor: access.userId, audience: task.audienceId,
                data: EventData(title: task.title, taskId: id), itemSeq: task.seq)
        }
    }
}
