import NIOCore
import Synchronization

/// Encoded search answers at one catalogue revision, by viewer and query: the same search asked
/// again (a popular word, a page reloaded) is answered without searching and encoding it again.
/// Only answers of the newest revision seen are kept, and a lookup names the revision the database
/// has now, so an import (also one made by the CLI) is in the very next answer.
final class SearchAnswers: Sendable {
    struct Key: Hashable {
        let viewer: CatalogueViewer
        let query: SearchQuery
    }

    /// An encoded answer and how many services it found.
    struct Answer: Sendable {
        let body: ByteBuffer
        let total: Int
    }

    private struct State {
        var revision: Int64 = -1
        var answers: [Key: Answer] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    /// The most bytes and answers kept; when a new answer would pass either, everything is dropped.
    /// The count bounds the keys too: a query's text and filters may be kilobytes, its answer small.
    let maxBytes: Int
    let maxAnswers: Int

    init(maxBytes: Int = 32 << 20, maxAnswers: Int = 4096) {
        self.maxBytes = maxBytes
        self.maxAnswers = maxAnswers
    }

    /// The answer kept for the key at `revision`, if any.
    func answer(_ key: Key, at revision: Int64) -> Answer? {
        state.withLock { $0.revision == revision ? $0.answers[key] : nil }
    }

    /// Keeps an answer made at `revision`; one of an older revision than the newest seen is not kept.
    func keep(_ answer: Answer, for key: Key, at revision: Int64) {
        let body = answer.body
        state.withLock { state in
            if revision > state.revision { state = State(revision: revision) }
            guard revision == state.revision, body.readableBytes <= maxBytes else { return }
            if let old = state.answers.removeValue(forKey: key) { state.bytes -= old.body.readableBytes }
            if state.bytes + body.readableBytes > maxBytes || state.answers.count >= maxAnswers {
                state.answers.removeAll()
                state.bytes = 0
            }
            state.answers[key] = answer
            state.bytes += body.readableBytes
        }
    }
}

/// One database read shared by the callers that ask while none is under way, which is how many
/// concurrent requests learn the catalogue's revision for the price of one read. A caller only ever
/// gets a value read after it asked: callers that come during a read wait for the next one.
final class SharedRead: Sendable {
    private struct State {
        var reading = false
        var waiting: [CheckedContinuation<Int64, any Error>] = []
    }

    private let state = Mutex(State())

    func value(_ read: @escaping @Sendable () async throws -> Int64) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            let starts = state.withLock { state in
                state.waiting.append(continuation)
                defer { state.reading = true }
                return !state.reading
            }
            if starts { Task { await self.readForWaiting(read) } }
        }
    }

    /// Reads for everyone waiting when the read starts, until nobody waits.
    private func readForWaiting(_ read: @Sendable () async throws -> Int64) async {
        while true {
            let batch = state.withLock { state in
                defer { state.waiting = [] }
                if state.waiting.isEmpty { state.reading = false }
                return state.waiting
            }
            if batch.isEmpty { return }
            do {
                let value = try await read()
                for waiter in batch { waiter.resume(returning: value) }
            } catch {
                for waiter in batch { waiter.resume(throwing: error) }
            }
        }
    }
}
