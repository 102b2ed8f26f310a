import Synchronization

/// What the hub has queued for one socket, in order. The hub appends without waiting. A socket has
/// no writer task while nothing waits (an idle socket's memory is mostly its tasks' stacks,
/// docs/performance.md): the first item queued starts one, which writes everything waiting, batch
/// after batch, and ends when nothing is left; at most one runs at a time, so items go out in order.
/// A socket that lets more than `limit` items wait is closed: it gets what fitted, then `.close`, and
/// nothing after (its client resumes from its last seq), never a silent gap.
final class Outbox: Sendable {
    typealias Drain = @Sendable (Outbox) async -> Void

    private struct State {
        var items: [Outbound] = []
        /// Nothing more is queued: finished, closed, or over the limit (then `.close` is queued last).
        var ended = false
        var draining = false
        var drain: Drain?
    }

    private let state = Mutex(State())
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// A writer run to start (a new task). The hub starts its runs after releasing its lock, which it
    /// then holds for less time. (`Task.immediate`, writing on the publishing thread without a hop, was
    /// tried: it put every socket write on the serial database writer, and chat latency grew.)
    struct Run: Sendable {
        fileprivate let outbox: Outbox
        fileprivate let drain: Drain

        func start() {
            Task { [outbox, drain] in await drain(outbox) }
        }
    }

    /// Sets what writes the items (`drain` calls `next()` until it is nil) and starts it if items wait.
    func start(_ drain: @escaping Drain) {
        state.withLock { s in
            s.drain = drain
            return startDrain(&s)
        }?.start()
    }

    /// Queues an item and starts the writer if it was not running (for callers that hold no lock).
    @discardableResult
    func push(_ item: Outbound) -> Bool {
        let (accepted, run) = enqueue(item)
        run?.start()
        return accepted
    }

    /// Queues an item; `accepted` is false when the outbox had ended, or ends now for being over its
    /// limit (after `.close` nothing more is queued). `run`, when set, is the writer to start.
    func enqueue(_ item: Outbound) -> (accepted: Bool, run: Run?) {
        state.withLock { s in
            guard !s.ended else { return (false, nil) }
            let fits = s.items.count < limit
            s.items.append(fits ? item : .close)
            if !fits || item.isClose { s.ended = true }
            return (fits, startDrain(&s))
        }
    }

    private func startDrain(_ s: inout State) -> Run? {
        guard !s.draining, !s.items.isEmpty, let drain = s.drain else { return nil }
        s.draining = true
        return Run(outbox: self, drain: drain)
    }

    /// For the running drain: everything waiting, oldest first, or nil when nothing is (the drain then
    /// ends; the next item queued starts another).
    func next() -> [Outbound]? {
        state.withLock { s in
            guard !s.items.isEmpty else {
                s.draining = false
                return nil
            }
            defer { s.items = [] }
            return s.items
        }
    }

    /// True once `.close` is queued (or the outbox finished or stopped): the socket's reader acts on no
    /// further frame, so a socket whose session ended or whose access went cannot send while its close
    /// is on the way.
    var isClosing: Bool { state.withLock { $0.ended } }

    /// Nothing more is queued; what waits is still written.
    func finish() {
        state.withLock { $0.ended = true }
    }

    /// The drain stopped for good (the socket is closing or its writes failed): nothing more is queued
    /// or started.
    func stop() {
        state.withLock { s in
            s.ended = true
            s.items = []
        }
    }
}
