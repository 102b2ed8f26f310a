import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import App

/// A handler that fails its first `failFirst` calls, then records the keys it performed.
final class TestHandler: JobHandler {
    let kind: String
    let retention: TimeInterval?
    let permanent: Bool
    let failures: Mutex<Int>
    let performed = Mutex<[String]>([])
    let calls = Mutex(0)

    init(kind: String = "test", failFirst: Int = 0, permanent: Bool = false, retention: TimeInterval? = nil) {
        self.kind = kind
        self.retention = retention
        self.permanent = permanent
        failures = Mutex(failFirst)
    }

    struct Failure: JobFailure {
        let isPermanent: Bool
        var reason: String { "test.failure" }
    }

    func perform(_ job: Job) async throws {
        calls.withLock { $0 += 1 }
        let fail = failures.withLock { n in
            defer { n -= 1 }
            return n > 0
        }
        if fail { throw Failure(isPermanent: permanent) }
        performed.withLock { $0.append(job.key) }
    }

    var keys: [String] { performed.withLock { $0 } }
}

struct TestPayload: Codable, Equatable {
    let value: String
}

/// One test's job database and manual clock.
struct JobsEnv: Sendable {
    let db: AppDatabase
    let clock: AppClock
    let time: ManualTime
    var store: JobStore { JobStore(db: db) }

    static func run(_ body: @Sendable (JobsEnv) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let db = try AppDatabase.open(path: dir.appending(path: "jobs.sqlite"), migrationsDir: repoRoot.appending(path: "Migrations"))
            let (clock, time) = AppClock.manual()
            try await body(JobsEnv(db: db, clock: clock, time: time))
        }
    }

    @discardableResult
    func enqueue(_ key: String, kind: String = "test", in seconds: TimeInterval = 0, maxAttempts: Int = 10) async throws -> Bool {
        let due = clock.now + seconds
        return try await db.writer.write { db in
            try JobStore.enqueue(kind: kind, key: key, payload: TestPayload(value: key), due: due, maxAttempts: maxAttempts, db)
        }
    }

    func runner(_ handlers: [any JobHandler], wakeup: JobWakeup = JobWakeup(), owner: String = "runner-a") -> JobRunner {
        var logger = Logger(label: "jobs-test")
        logger.logLevel = .critical
        return JobRunner(
            store: store, handlers: handlers, clock: clock, wakeup: wakeup, logger: logger, lease: 60, retention: 86400, owner: owner)
    }

    func rows(_ kind: String = "test") async throws -> [JobRow] { try await store.rows(kind: kind) }
}

/// Waits (real time, briefly) for work another task does after a clock move.
func eventually(_ what: Comment, _ condition: @Sendable () async throws -> Bool) async throws {
    let start = ContinuousClock.now
    while try await !condition() {
        if ContinuousClock.now - start > .seconds(60) {
            Issue.record("timed out waiting: \(what)")
            return
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

@Suite("Durable jobs")
struct JobsTests {
    @Test func aClaimedJobIsLeasedAndClaimableAgainOnlyWhenTheLeaseEnds() async throws {
        try await JobsEnv.run { env in
            try await env.enqueue("k1")
            let a = try #require(try await env.store.claimNext(kinds: ["test"], now: env.clock.now, lease: 60, owner: "a"))
            #expect(a.key == "k1" && a.attempts == 1)
            #expect(try a.input(as: TestPayload.self) == TestPayload(value: "k1"))
            let leased = try #require(try await env.rows().first)
            #expect(leased.state == .running && leased.leaseOwner == "a" && leased.leasedUntil == env.clock.now + 60)
            #expect(try await env.store.claimNext(kinds: ["test"], now: env.clock.now, lease: 60, owner: "b") == nil)
            #expect(try await env.store.nextDue(kinds: ["test"]) == env.clock.now + 60)
            env.time.advance(by: 59)
            #expect(try await env.store.claimNext(kinds: ["test"], now: env.clock.now, lease: 60, owner: "b") == nil)
            env.time.advance(by: 1)
            // "a" crashed: its lease ended, so "b" takes the job, as its second attempt.
            let b = try #require(try await env.store.claimNext(kinds: ["test"], now: env.clock.now, lease: 60, owner: "b"))
            #expect(b.id == a.id && b.attempts == 2)
            #expect(try await !env.store.markDone(a, owner: "a", now: env.clock.now))  // "a" lost it
            #expect(try await env.store.markDone(b, owner: "b", now: env.clock.now))
            let done = try #require(try await env.rows().first)
            #expect(done.state == .done && done.payload == "{}" && done.leaseOwner == nil && done.finishedAt == env.clock.now)
            #expect(try await env.store.claimNext(kinds: ["test"], now: env.clock.now + 86400, lease: 60, owner: "b") == nil)
        }
    }

    @Test func aRunnerClaimsOnlyItsKindsAndOneJobAtATimeInDueOrder() async throws {
        try await JobsEnv.run { env in
            try await env.enqueue("later", in: 10)
            try await env.enqueue("first")
            try await env.enqueue("second")
            try await env.enqueue("other", kind: "other")
            let handler = TestHandler()
            let runner = env.runner([handler])
            #expect(try await runner.runOne())
            #expect(handler.keys == ["first"])
            #expect(try await env.rows().map(\.state) == [.pending, .done, .pending])
            #expect(try await runner.runOne())
            #expect(try await !runner.runOne())
            env.time.advance(by: 10)
            #expect(try await runner.runOne())
            #expect(try await !runner.runOne())
            #expect(handler.keys == ["first", "second", "later"])
            #expect(try await env.rows("other").map(\.state) == [.pending])
        }
    }

    @Test func aFailedJobIsRetriedWithExponentialBackOff() async throws {
        try await JobsEnv.run { env in
            try await env.enqueue("k1")
            let handler = TestHandler(failFirst: 3)
            let runner = env.runner([handler])
            var waits: [TimeInterval] = []
            for _ in 0..<3 {
                #expect(try await runner.runOne())
                let row = try #require(try await env.rows().first)
                #expect(row.state == .pending && row.lastError == "test.failure" && row.leaseOwner == nil)
                waits.append(row.dueAt.timeIntervalSince(env.clock.now))
                env.time.advance(by: waits.last! - 1)
                #expect(try await !runner.runOne())  // not due yet
                env.time.advance(by: 1)
            }
            #expect(waits == [5, 10, 20])
            #expect(try await runner.runOne())
            #expect(handler.keys == ["k1"] && handler.calls.withLock { $0 } == 4)
            #expect(try await env.rows().first?.state == .done)
            #expect(BackOff().delay(afterAttempt: 12) == 3600 && BackOff().delay(afterAttempt: 1) == 5)
        }
    }

    @Test func theSameKeyIsQueuedOncePerKind() async throws {
        try await JobsEnv.run { env in
            #expect(try await env.enqueue("k1"))
            #expect(try await !env.enqueue("k1", in: 30))
            #expect(try await env.enqueue("k1", kind: "other"))
            let rows = try await env.rows()
            #expect(rows.count == 1 && rows.first?.dueAt == env.clock.now)
            // A done job still holds its key until it is purged.
            let runner = env.runner([TestHandler()])
            #expect(try await runner.runOne())
            #expect(try await !env.enqueue("k1"))
            #expect(try await !runner.runOne())
            // Inside the caller's transaction: a rolled-back change queues nothing.
            struct Rollback: Error {}
            await #expect(throws: Rollback.self) {
                try await env.db.writer.write { db in
                    try JobStore.enqueue(kind: "test", key: "k2", payload: TestPayload(value: "k2"), due: env.clock.now, db)
                    throw Rollback()
                }
            }
            #expect(try await env.rows().map(\.key) == ["k1"])
        }
    }

    @Test func aJobIsDeadAfterItsLastAttemptOrAPermanentFailure() async throws {
        try await JobsEnv.run { env in
            try await env.enqueue("tries", maxAttempts: 3)
            let handler = TestHandler(failFirst: 100)
            let runner = env.runner([handler])
            for _ in 0..<3 {
                #expect(try await runner.runOne())
                env.time.advance(by: 3600)
            }
            #expect(try await !runner.runOne())
            let dead = try #require(try await env.rows().first)
            #expect(dead.state == .dead && dead.attempts == 3 && dead.payload == "{}" && dead.lastError == "test.failure")
            #expect(handler.calls.withLock { $0 } == 3)

            try await env.enqueue("refused", kind: "strict")
            let strict = TestHandler(kind: "strict", failFirst: 1, permanent: true)
            #expect(try await env.runner([strict]).runOne())
            #expect(try await env.rows("strict").first?.state == .dead)

            // A crash on the last attempt: when the lease ends the job is dead, not run again.
            try await env.enqueue("crashes", kind: "crashy", maxAttempts: 1)
            _ = try #require(try await env.store.claimNext(kinds: ["crashy"], now: env.clock.now, lease: 60, owner: "gone"))
            env.time.advance(by: 61)
            let crashy = TestHandler(kind: "crashy")
            #expect(try await !env.runner([crashy]).runOne())
            let row = try #require(try await env.rows("crashy").first)
            #expect(row.state == .dead && row.lastError == "lease.expired" && crashy.keys.isEmpty)
        }
    }

    @Test func doneAndDeadJobsAreDeletedAfterTheirRetention() async throws {
        try await JobsEnv.run { env in
            try await env.enqueue("done")
            try await env.enqueue("kept-kind", kind: "short")
            try await env.enqueue("waiting", in: 7 * 86400)
            let runner = env.runner([TestHandler(), TestHandler(kind: "short", retention: 60)])
            #expect(try await runner.runOne())
            #expect(try await runner.runOne())
            env.time.advance(by: 61)
            try await runner.purge()  // the short kind's 60 s are over, the default day is not
            #expect(try await env.rows("short").isEmpty)
            #expect(try await env.rows().count == 2)
            env.time.advance(by: 86400)
            try await runner.purge()
            #expect(try await env.rows().map(\.key) == ["waiting"])  // a pending job is never purged
            // Its key is free again.
            #expect(try await env.enqueue("done"))
        }
    }

    @Test func theRunnerSleepsOnTheClockAndWakesWhenAJobIsDueOrQueued() async throws {
        try await JobsEnv.run { env in
            let handler = TestHandler(failFirst: 1)
            let wakeup = JobWakeup()
            let runner = env.runner([handler], wakeup: wakeup)
            let task = Task { try await runner.run() }
            try await env.enqueue("scheduled", in: 60)
            try await env.time.waitForSleepers()
            env.time.advance(by: 59)
            try await env.time.waitForSleepers()
            #expect(handler.calls.withLock { $0 } == 0)
            env.time.advance(by: 1)
            try await eventually("first attempt") { handler.calls.withLock { $0 } == 1 }
            // It failed: the retry comes 5 s later on the clock.
            try await env.time.waitForSleepers()
            env.time.advance(by: 5)
            try await eventually("retry") { handler.keys == ["scheduled"] }
            // A job queued in this process wakes the runner without a clock move.
            try await env.time.waitForSleepers()
            try await env.enqueue("now")
            wakeup.signal()
            try await eventually("woken") { handler.keys == ["scheduled", "now"] }
            try await eventually("marked done") { try await env.rows().allSatisfy { $0.state == .done } }
            task.cancel()
            try await task.value
        }
    }

    @Test func aPeriodicServiceRunsAtStartAndThenEveryIntervalOfTheClock() async throws {
        let (clock, time) = AppClock.manual()
        let counter = Counter(clock: clock)
        let task = Task { try await counter.run() }
        try await eventually("first run") { counter.count == 1 }
        try await time.waitForSleepers()
        time.advance(by: 59)
        try await time.waitForSleepers()
        #expect(counter.count == 1)
        time.advance(by: 1)
        try await eventually("second run") { counter.count == 2 }
        try await time.waitForSleepers()
        task.cancel()
        try await eventually("stopped") { time.sleeperCount == 0 }
        try await task.value
    }

    @Test func aManualClockWakesSleepersWhenMovedPastTheirTimeAndOnCancellation() async throws {
        let (clock, time) = AppClock.manual()
        let woke = Woken()
        let short = Task {
            try await clock.sleep(for: 10)
            woke.list.withLock { $0.append(10) }
        }
        let long = Task {
            try await clock.sleep(for: 100)
            woke.list.withLock { $0.append(100) }
        }
        try await time.waitForSleepers(2)
        time.advance(by: 10)
        try await short.value
        #expect(woke.list.withLock { $0 } == [10] && time.sleeperCount == 1)
        long.cancel()
        await #expect(throws: CancellationError.self) { try await long.value }
        #expect(time.sleeperCount == 0 && woke.list.withLock { $0 } == [10])
        try await clock.sleep(until: clock.now - 1)  // a past time returns at once
    }
}

final class Woken: Sendable {
    let list = Mutex<[Int]>([])
}

/// A periodic service that counts its runs.
final class Counter: PeriodicService {
    let clock: AppClock
    let runs = Mutex(0)

    init(clock: AppClock) { self.clock = clock }
    var logger: Logger { Logger(label: "counter") }
    var name: String { "counter" }
    var interval: TimeInterval { 60 }
    var count: Int { runs.withLock { $0 } }

    func runOnce() async throws { runs.withLock { $0 += 1 } }
}
