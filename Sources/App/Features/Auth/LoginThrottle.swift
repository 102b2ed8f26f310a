import Foundation
import Synchronization

/// Back-off per key (an account, an address). Each attempt is taken *before* the expensive check it
/// guards, in the same locked step that checks the limit, so concurrent attempts cannot all pass a check
/// that none of them has counted yet. After `free` attempts within the window each further attempt must
/// wait 2, 4, 8 … seconds (at most `maxDelay`) after the last one. Nothing locks an account for good: a
/// success clears the account's count, and the window forgets old attempts.
final class LoginThrottle: Sendable {
    struct Limits: Sendable {
        var free: Int
        var window: TimeInterval = 900
        var maxDelay: TimeInterval = 900
    }

    /// The answer to an attempt that may not go ahead.
    struct Refusal: Error, Sendable {
        /// Seconds until the key may try again.
        let retryAfter: Int
        /// True for the first refusal since the key last went ahead (worth one security event, not one per request).
        let first: Bool
    }

    private struct Entry {
        var attempts: Int
        var last: Date
        var refused = false
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Counts one attempt for every key, or counts none and throws the longest wait when any key must wait.
    func take(_ keys: [(String, Limits)], now: Date) throws(Refusal) {
        let refusal: Refusal? = entries.withLock { table in
            var waits: [Refusal] = []
            for (key, limits) in keys {
                guard var e = table[key] else { continue }
                if now.timeIntervalSince(e.last) > limits.window {
                    table[key] = nil
                    continue
                }
                guard e.attempts >= limits.free else { continue }
                let delay = min(pow(2, Double(e.attempts - limits.free + 1)), limits.maxDelay)
                let wait = e.last.addingTimeInterval(delay).timeIntervalSince(now)
                guard wait > 0 else { continue }
                waits.append(Refusal(retryAfter: Int(wait.rounded(.up)), first: !e.refused))
                e.refused = true
                table[key] = e
            }
            if let longest = waits.map(\.retryAfter).max() {
                return Refusal(retryAfter: longest, first: waits.contains(where: \.first))
            }
            for (key, limits) in keys {
                var e = table[key] ?? Entry(attempts: 0, last: now)
                if now.timeIntervalSince(e.last) > limits.window { e.attempts = 0 }
                e.attempts += 1
                e.last = now
                e.refused = false
                table[key] = e
            }
            if table.count > 100_000 {
                let longest = keys.map(\.1.window).max() ?? 900
                table = table.filter { now.timeIntervalSince($0.value.last) <= longest }
            }
            return nil
        }
        if let refusal { throw refusal }
    }

    /// Forgets a key: its attempts ended in success.
    func clear(_ key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    /// Gives back one attempt of a key (a success that should not count against a shared address).
    func refund(_ key: String) {
        entries.withLock { table in
            guard var e = table[key] else { return }
            e.attempts = max(0, e.attempts - 1)
            table[key] = e
        }
    }
}

extension LoginThrottle.Refusal {
    var appError: AppError { AppError(.tooManyRequests, "auth.rateLimited", retryAfter: retryAfter) }
}
