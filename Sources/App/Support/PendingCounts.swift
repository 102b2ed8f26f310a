import Synchronization

/// Counts kept in memory until they are written in one batch (the searches that found little, the
/// opened service pages), so that the request counted does not wait for a write.
final class PendingCounts<Key: Hashable & Sendable>: Sendable {
    /// Keys held before a write is due; counts that cannot be put back after a failed write beyond
    /// this many keys are dropped.
    let maxKeys: Int
    private let pending = Mutex<[Key: Int]>([:])

    init(maxKeys: Int) { self.maxKeys = maxKeys }

    /// Counts `key` once; true when `maxKeys` keys wait, so a write is due.
    func add(_ key: Key) -> Bool {
        pending.withLock { pending in
            pending[key, default: 0] += 1
            return pending.count >= maxKeys
        }
    }

    /// Hands every count to `write`; when it fails, the counts are put back and the error rethrown.
    func flush(_ write: ([Key: Int]) async throws -> Void) async throws {
        let batch = pending.withLock { pending in
            defer { pending = [:] }
            return pending
        }
        do {
            try await write(batch)
        } catch {
            pending.withLock { pending in
                for (k, v) in batch where pending.count < maxKeys || pending[k] != nil { pending[k, default: 0] += v }
            }
            throw error
        }
    }
}
