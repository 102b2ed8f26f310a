import Foundation
import Hummingbird

enum TaskStatus: String, Codable, Sendable {
    case open, done
}

struct TaskRecord: AppRecord {
    static let databaseTableName = "space_task"
    var id: String
    var spaceId: String
    var title: String
    var description: String
    var assigneeId: String?
    var dueAt: Int64?
    var pickId: String?
    var status: String
    var audienceId: String?
    var seq: Int64
    var createdBy: String?
    var createdAt: Int64
    var updatedAt: Int64
    var doneAt: Int64?
    var doneBy: String?
    var remindAt: Int64?
}

struct TaskCommentDTO: Codable, Sendable, Equatable {
    let id: String
    @Nullable var authorId: String?
    @Nullable var authorName: String?
    let body: String
    let createdAt: Date
}

/// A task as its space's members (and the assignee's own list) see it.
struct TaskDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let spaceId: String
    /// For lists across spaces ("my tasks").
    let spaceTitle: String
    let title: String
    let description: String
    @Nullable var assigneeId: String?
    @Nullable var assigneeName: String?
    @Nullable var dueAt: Date?
    /// When the assignee is reminded, when the task names a time (else their own lead before `dueAt`).
    @Nullable var remindAt: Date?
    /// Open and past its due time.
    let overdue: Bool
    @Nullable var pickId: String?
    let status: TaskStatus
    @Nullable var audienceId: String?
    @Nullable var createdBy: String?
    let createdAt: Date
    let updatedAt: Date
    @Nullable var doneAt: Date?
    @Nullable var doneBy: String?
    let commentCount: Int
    /// Only when one task is asked for; null in lists.
    @Nullable var comments: [TaskCommentDTO]?
}

struct CreateTaskInput: Decodable, Sendable {
    let title: String
    let assigneeId: String
    var description: String?
    /// ISO-8601 with an offset or `Z`.
    var dueAt: String?
    /// ISO-8601: when to remind the assignee, instead of their own lead before the due time.
    var remindAt: String?
    var pickId: String?
    /// A group space: the client a task of an expert is about (a client's own task is private to
    /// them anyway).
    var privateTo: String?
}

/// What is given changes. `dueAt: null` removes the due time. A client may only set `status` of
/// their own task.
struct UpdateTaskInput: Decodable, Sendable {
    var status: TaskStatus?
    var title: String?
    var description: String?
    var assigneeId: String?
    /// `.some(nil)`: the due time is removed.
    var dueAt: String??
    /// `.some(nil)`: the task's own reminder time is removed.
    var remindAt: String??

    enum CodingKeys: String, CodingKey { case status, title, description, assigneeId, dueAt, remindAt }

    init(
        status: TaskStatus? = nil, title: String? = nil, description: String? = nil, assigneeId: String? = nil, dueAt: String?? = nil,
        remindAt: String?? = nil
    ) {
        self.status = status
        self.title = title
        self.description = description
        self.assigneeId = assigneeId
        self.dueAt = dueAt
        self.remindAt = remindAt
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decodeIfPresent(TaskStatus.self, forKey: .status)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        assigneeId = try c.decodeIfPresent(String.self, forKey: .assigneeId)
        if c.contains(.dueAt) { dueAt = .some(try c.decodeNil(forKey: .dueAt) ? nil : try c.decode(String.self, forKey: .dueAt)) }
        if c.contains(.remindAt) {
            remindAt = .some(try c.decodeNil(forKey: .remindAt) ? nil : try c.decode(String.self, forKey: .remindAt))
        }
    }
}

struct CreateCommentInput: Decodable, Sendable {
    let body: String
}

enum TaskRules {
    static let maxTitle = 200, maxDescription = 4000, maxComment = 2000

    static func titleErrors(_ title: String) -> [FieldError] {
        if title.isEmpty { return [FieldError("title", "field.required")] }
        if title.count > maxTitle { return [FieldError("title", "field.tooLong")] }
        if title.contains(where: \.isNewline) { return [FieldError("title", "field.invalidValue")] }
        return []
    }
}
