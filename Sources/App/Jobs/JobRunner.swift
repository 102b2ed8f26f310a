import Foundation
import Logging
import ServiceLifecycle

/// Runs durable jobs, one at a time: claim (a lease, committed) → perform → mark done or failed
/// (committed). A crash between the work and its mark leaves only that one job to run again, when
/// its lease ends. A failure is tried again after a back-off, until the job's attempts run out.
/// Done and dead jobs are deleted after their retention.
struct JobRunner: Service {
    let store: JobStore
    let handlers: [String: any JobHandler]
    let clock: AppClock
    let wakeup: JobWakeup
    let logger: Logger
    /// How long a claimed job stays leased; after a crash it runs again when the lease ends. Longer
    /// than any one job's work takes (the SMTP transport gives up after 30 s).
    var lease: TimeInterval
    /// How long done and dead jobs are kept, for kinds whose handler names none.
    var retention: TimeInterval
    var backOff = BackOff()
    /// The longest sleep: jobs queued by another process (the command line) give no wakeup.
    var pollInterval: TimeInterval = 1
    var purgeInterval: TimeInterval = 3600
    /// Names this runner in the rows it leases.
    let owner: String

    init(
        store: JobStore, handlers: [any JobHandler], clock: AppClock, wakeup: JobWakeup, logger: Logger, lease: TimeInterval = 120,
        retention: TimeInterval = 7 * 86400, owner: String = JobRunner.newOwner()
    ) {
        self.store = store
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.wakeup = wakeup
        self.logger = logger
        self.lease = lease
        self.retention = retention
        self.owner = owner
    }

    static func newOwner() -> String { "\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())" }

    var kinds: [String] { handlers.keys.sorted() }

    func run() async throws {
        var nextPurge = clock.now
        await BackgroundLoop(name: "job runner", clock: clock, wakeup: wakeup, logger: logger).run {
            if clock.now >= nextPurge {
                try await purge()
                nextPurge = clock.now + purgeInterval
            }
            if try await runOne() { return clock.now }
            let due = try await store.nextDue(kinds: kinds) ?? .distantFuture
            return min(due, clock.now + pollInterval, nextPurge)
        }
    }

    /// Runs the next due job; false when none was due.
    @discardableResult
    func runOne() async throws -> Bool {
        guard let job = try await store.claimNext(kinds: kinds, now: clock.now, lease: lease, owner: owner) else { return false }
        var metadata: Logger.Metadata = ["job.id": "\(job.id)", "job.kind": "\(job.kind)", "attempt": "\(job.attempts)"]
        do {
            guard let handler = handlers[job.kind] else { throw UnknownJobKind() }
            try await handler.perform(job)
        } catch {
            let failure = error as? any JobFailure
            let reason = failure?.reason ?? "\(type(of: error))"
            let now = clock.now
            let state = try await store.markFailed(
                job, owner: owner, reason: reason, permanent: failure?.isPermanent ?? false,
                retryAt: now + backOff.delay(afterAttempt: job.attempts), now: now)
            metadata["reason"] = "\(reason)"
            switch state {
            case .dead?: logger.error("job dead", metadata: metadata)
            case nil: logger.warning("job failed after its lease ended", metadata: metadata)
            default: logger.warning("job failed", metadata: metadata)
            }
            return true
        }
        if try await store.markDone(job, owner: owner, now: clock.now) {
            logger.info("job done", metadata: metadata)
        } else {
            logger.warning("job done after its lease ended", metadata: metadata)
        }
        return true
    }

    /// Deletes done and dead jobs past their retention.
    func purge() async throws {
        var byKind: [String: TimeInterval] = [:]
        for (kind, handler) in handlers { byKind[kind] = handler.retention }
        let deleted = try await store.purge(now: clock.now, retention: byKind, otherwise: retention)
        if deleted > 0 { logger.info("jobs purged", metadata: ["count": "\(deleted)"]) }
    }
}

private struct UnknownJobKind: JobFailure {
    var isPermanent: Bool { true }
    var reason: String { "job.unknownKind" }
}
