import Synchronization

/// What the hub has queued for one socket, in order. The hub appends without waiting; the socket's
/// writer takes everything waiting at once, so under load one wake-up carries many frames (an
/// `AsyncStream` wakes its reader once per element). A socket that lets more than `limit` items
/// wait is closed: it gets what fitted, then `.close`, and nothing after (its client resumes from
/// its last seq), never a silent gap.
final class Outbox: Sendable {
    private struct State {
        var items: [Outbound] = []
        var waiter: CheckedContinuation<[Outbound], Never>?
        /// Nothing more is queued: finished, closed, or over the limit (then `.close` is queued last).
        var ended = false
    }

    private let state = Mutex(State())
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Queues an item; false when the outbox had ended, or ends now for being over its limit. After
    /// `.close` nothing more is queued.
    @discardableResult
    func push(_ item: Outbound) -> Bool {
        let (waiter, items, accepted): (CheckedContinuation<[Outbound], Never>?, [Outbound], Bool) = state.withLock { s in
            guard !s.ended else { return (nil, [], false) }
            let fits = s.items.count < limit
            s.items.append(fits ? item : .close)
            if !fits || item.isClose { s.ended = true }
            guard let waiter = s.waiter else { return (nil, [], fits) }
            s.waiter = nil
            defer { s.items = [] }
            return (waiter, s.items, fits)
        }
        waiter?.resume(returning: items)
        return accepted
    }

    /// Nothing more is queued: the writer takes what is left, then an empty batch.
    func finish() {
        let (waiter, items): (CheckedContinuation<[Outbound], Never>?, [Outbound]) = state.withLock { s in
            s.ended = true
            guard let waiter = s.waiter else { return (nil, []) }
            s.waiter = nil
            defer { s.items = [] }
            return (waiter, s.items)
        }
        waiter?.resume(returning: items)
    }

    /// Everything queued, oldest first, waiting for at least one item; empty once the outbox has
    /// ended and been drained, or the task is cancelled.
    func take() async -> [Outbound] {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Outbound], Never>) in
                let ready: [Outbound]? = state.withLock { s in
                    if !s.items.isEmpty || s.ended || Task.isCancelled {
                        defer { s.items = [] }
                        return s.items
                    }
                    s.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }
}
