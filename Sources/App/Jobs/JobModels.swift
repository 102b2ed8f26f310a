import Foundation

/// The life of a job row: `pending` until due, `running` while leased, then `done` or `dead`.
enum JobState: String, Sendable, Codable {
    case pending, running, done, dead
}

/// A job claimed by a runner: its input and how many times it has been claimed, this time included.
struct Job: Sendable, Equatable {
    let id: Int64
    let kind: String
    let key: String
    let payload: String
    let attempts: Int
    let maxAttempts: Int
    let createdAt: Date

    /// The payload decoded as the handler's input type.
    func input<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(payload.utf8))
    }
}

/// One row as stored, for tests and inspection.
struct JobRow: Sendable, Equatable {
    let id: Int64
    let kind: String
    let key: String
    let payload: String
    let state: JobState
    let dueAt: Date
    let attempts: Int
    let maxAttempts: Int
    let leasedUntil: Date?
    let leaseOwner: String?
    let lastError: String?
    let finishedAt: Date?
}

/// Performs the jobs of one kind. A handler may be called again for a job it already performed,
/// when a crash came between the work and its mark-done: it should pass the job's key on to the far
/// side (a Message-ID) so that the repeat can be dropped there.
protocol JobHandler: Sendable {
    /// The `kind` of the jobs it performs.
    var kind: String { get }
    /// How long done and dead jobs of this kind are kept; nil: the runner's default.
    var retention: TimeInterval? { get }
    func perform(_ job: Job) async throws
}

extension JobHandler {
    var retention: TimeInterval? { nil }
}

/// An error that says whether trying again can help and names the reason (logged, kept in `last_error`).
/// Any other error is retried, under its type's name.
protocol JobFailure: Error {
    var isPermanent: Bool { get }
    var reason: String { get }
}

/// When a failed job is tried again: `base` seconds after the first failure, doubling each time,
/// never more than `cap` apart.
struct BackOff: Sendable {
    var base: TimeInterval = 5
    var cap: TimeInterval = 3600

    func delay(afterAttempt attempts: Int) -> TimeInterval {
        min(base * pow(2, Double(max(attempts, 1) - 1)), cap)
    }
}
