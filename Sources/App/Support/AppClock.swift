import Foundation
import Synchronization

/// The source of "now" for everything that stores or compares a time, and the one way background
/// loops wait for a time to come. Tests use a manual clock: they move it by hand, and sleepers wake
/// when it passes their deadline, so no test sleeps real seconds for a scheduled time.
public struct AppClock: Sendable {
    private let read: @Sendable () -> Date
    private let sleeper: @Sendable (Date) async throws -> Void

    /// A clock that reads `read`, and waits in real time for a deadline.
    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
        sleeper = { deadline in
            let seconds = deadline.timeIntervalSince(read())
            if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) }
        }
    }

    private init(read: @escaping @Sendable () -> Date, sleeper: @escaping @Sendable (Date) async throws -> Void) {
        self.read = read
        self.sleeper = sleeper
    }

    public var now: Date { read() }

    /// Returns when this clock reads `deadline` or later; throws `CancellationError` when the task is cancelled.
    public func sleep(until deadline: Date) async throws {
        try Task.checkCancellation()
        try await sleeper(deadline)
    }

    public func sleep(for seconds: TimeInterval) async throws {
        try await sleep(until: now + seconds)
    }

    public static let system = AppClock { Date() }

    /// A clock that stands still until `advance` moves it; `advance` wakes whoever sleeps past the new time.
    public static func manual(start: Date = Date(timeIntervalSince1970: 1_790_000_000)) -> (AppClock, ManualTime) {
        let time = ManualTime(start)
        return (AppClock(read: { time.now }, sleeper: { try await time.sleep(until: $0) }), time)
    }
}

/// The hand-moved time of a manual `AppClock`.
public final class ManualTime: Sendable {
    private struct Sleeper {
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var now: Date
        var nextId: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
    }
    private let state: Mutex<State>

    init(_ start: Date) { state = Mutex(State(now: start)) }

    public var now: Date { state.withLock { $0.now } }

    /// How many tasks wait for a later time.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Moves the time on and wakes every sleeper whose deadline has come.
    public func advance(by seconds: TimeInterval) {
        let due = state.withLock { s -> [Sleeper] in
            s.now += seconds
            let ready = s.sleepers.filter { $0.value.deadline <= s.now }
            for id in ready.keys { s.sleepers[id] = nil }
            return Array(ready.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits (in real time) until at least `count` tasks sleep on this clock: a test calls it before
    /// `advance`, so that the loop it drives has finished its step and sleeps. The timeout is generous
    /// because a busy test run can starve a task of threads for many seconds.
    public func waitForSleepers(_ count: Int = 1, timeout: Duration = .seconds(60)) async throws {
        let start = ContinuousClock.now
        while sleeperCount < count {
            if ContinuousClock.now - start > timeout { throw NoSleeper(expected: count) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    public struct NoSleeper: Error {
        public let expected: Int
    }

    func sleep(until deadline: Date) async throws {
        let id = state.withLock { s -> UInt64 in
            s.nextId += 1
            return s.nextId
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let result = state.withLock { s -> Result<Void, any Error>? in
                    // A cancellation handler that ran before this registration found nothing to remove;
                    // the task's cancelled flag was set before it ran, so it is seen here.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= s.now { return .success(()) }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            state.withLock { s -> Sleeper? in
                defer { s.sleepers[id] = nil }
                return s.sleepers[id]
            }?.continuation.resume(throwing: CancellationError())
        }
    }
}

extension Date {
    /// Milliseconds since 1970, the form every timestamp column stores.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
