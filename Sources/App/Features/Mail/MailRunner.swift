import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Wakes the mail runner when a mail is queued, so it need not poll often. One waiter at a time;
/// a signal given while nobody waits is kept for the next wait.
final class MailWakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    init() {}

    func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let waiter = s.waiter else {
                s.pending = true
                return nil
            }
            s.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when signalled (or at once for a signal given earlier), or when the task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.pending || Task.isCancelled {
                        s.pending = false
                        return true
                    }
                    s.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { s -> CheckedContinuation<Void, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }?.resume()
        }
    }
}

/// Sends the outbox, one mail at a time: claim (lease) → hand over → mark sent, each step committed.
struct MailRunner: Service {
    let store: MailStore
    let transport: any MailTransport
    let from: String
    let clock: AppClock
    let wakeup: MailWakeup
    let logger: Logger
    let retention: TimeInterval
    /// How long a claimed mail stays leased; after a crash it is sent again when the lease ends.
    var lease: TimeInterval = 120

    func run() async throws {
        var lastPurge = Date.distantPast
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if clock.now.timeIntervalSince(lastPurge) > 3600 {
                    try await store.purge(before: clock.now - retention)
                    lastPurge = clock.now
                }
                if try await sendOne() { continue }
            } catch {
                logger.error("mail outbox failed", metadata: ["error.type": "\(type(of: error))"])
            }
            await sleepUntilWoken()
        }
    }

    /// Sends the next due mail; false when none was due.
    func sendOne() async throws -> Bool {
        guard let (mail, attempts) = try await store.claimNext(now: clock.now, lease: lease) else { return false }
        let domain = MailRenderer.domain(of: from)
        let rendered = MailRenderer.render(mail, from: from, messageId: mail.messageId(domain: domain), language: nil)
        do {
            try await transport.send(rendered)
            try await store.markSent(id: mail.id, now: clock.now)
            logger.info("mail sent", metadata: ["mail.id": "\(mail.id)", "attempt": "\(attempts)"])
        } catch {
            let failure = error as? MailSendError ?? MailSendError(permanent: false, reason: "\(type(of: error))")
            try await store.retryLater(
                id: mail.id, attempts: attempts, permanent: failure.permanent, reason: failure.reason, now: clock.now)
            logger.warning(
                "mail not sent", metadata: ["mail.id": "\(mail.id)", "attempt": "\(attempts)", "reason": "\(failure.reason)"])
        }
        return true
    }

    private func sleepUntilWoken() async {
        let wait: TimeInterval
        if let due = try? await store.nextDue() {
            wait = min(max(due.timeIntervalSince(clock.now), 0.05), 1)
        } else {
            wait = 1
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            group.addTask { [wakeup] in await wakeup.wait() }
            await group.next()
            group.cancelAll()
        }
    }
}
