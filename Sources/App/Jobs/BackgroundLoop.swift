import Foundation
import Logging
import ServiceLifecycle

/// The one loop that every background service runs: a step, then a sleep on the app clock until the
/// time the step asked for (or until woken, when there is a wakeup), until graceful shutdown or
/// cancellation. A failed step is logged by its error's type and tried again after `retryAfterError`.
struct BackgroundLoop: Sendable {
    let name: String
    let clock: AppClock
    var wakeup: JobWakeup?
    let logger: Logger
    var retryAfterError: TimeInterval = 5

    /// `step` returns when it wants to run next; a time not after now runs it again at once.
    func run(_ step: () async throws -> Date) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let next: Date
            do {
                next = try await step()
            } catch {
                logger.error("\(name) failed", metadata: ["error.type": "\(type(of: error))"])
                next = clock.now + retryAfterError
            }
            if next > clock.now { await sleep(until: next) }
        }
    }

    private func sleep(until deadline: Date) async {
        let clock = clock
        guard let wakeup else {
            try? await cancelWhenGracefulShutdown { try await clock.sleep(until: deadline) }
            return
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await clock.sleep(until: deadline) }
                group.addTask { await wakeup.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}

/// Work that runs every `interval` of the app clock beside the server: the session sweep and the
/// catalogue reload. These are not durable jobs: each is idempotent and cheap, and the catalogue
/// reload refreshes this process's own memory, so a shared row would gain nothing.
protocol PeriodicService: Service {
    /// Names the work in the log line of a failure.
    var name: String { get }
    var interval: TimeInterval { get }
    var clock: AppClock { get }
    var logger: Logger { get }
    func runOnce() async throws
    /// What to do once more when the server stops gracefully (nothing by default).
    func finish() async
}

extension PeriodicService {
    func run() async throws {
        await BackgroundLoop(name: name, clock: clock, logger: logger, retryAfterError: interval).run {
            try await runOnce()
            return clock.now + interval
        }
        await finish()
    }

    func finish() async {}
}
