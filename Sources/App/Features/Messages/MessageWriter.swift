import Foundation
import Logging
import Synchronization

/// Group commit of messages. Senders queue their message and wait; one loop takes everything that
/// has arrived, stores it in one transaction (one fsync with `synchronous=FULL`), and then resumes
/// every sender with its own outcome. While a batch is being written the next one gathers, so the
/// batch size follows the load: one message alone is written at once, a thousand arriving together
/// share a commit. Fan-out to sockets happens right after the commit, on the writer, from memory.
final class MessageWriter: Sendable {
    /// What a sender is told when its batch is written.
    typealias Completion = @Sendable (Result<MessagesStore.SendOutcome, any Error>) -> Void

    private struct Pending {
        let item: MessagesStore.Send
        let done: Completion
    }

    private struct State {
        var queue: [Pending] = []
        var running = false
    }

    private let state = Mutex(State())
    private let store: MessagesStore
    private let clock: AppClock
    let maxBatch: Int

    init(store: MessagesStore, clock: AppClock, maxBatch: Int = 512) {
        self.store = store
        self.clock = clock
        self.maxBatch = maxBatch
    }

    /// Queues one message (or a resend of an earlier one with the same client id) and returns at once;
    /// `done` is called after its batch commits (from the writing loop: it must be quick). Messages are stored in the order they are submitted, so a
    /// socket can submit its next message without waiting for the previous one's commit.
    func submit(_ item: MessagesStore.Send, done: @escaping Completion) {
        let start = state.withLock { s in
            s.queue.append(Pending(item: item, done: done))
            if s.running { return false }
            s.running = true
            return true
        }
        if start { Task { await self.drain() } }
    }

    /// Writes batches until the queue is empty.
    private func drain() async {
        while true {
            let batch: [Pending] = state.withLock { s in
                guard !s.queue.isEmpty else {
                    s.running = false
                    return []
                }
                let n = min(maxBatch, s.queue.count)
                let batch = Array(s.queue.prefix(n))
                s.queue.removeFirst(n)
                return batch
            }
            if batch.isEmpty { return }
            do {
                let outcomes = try await store.send(batch.map(\.item), now: clock.now)
                for (pending, outcome) in zip(batch, outcomes) { pending.done(.success(outcome)) }
            } catch {
                for pending in batch { pending.done(.failure(error)) }
            }
        }
    }
}
