import Foundation
import Synchronization

/// Sign-in back-off per account and per address. After `free` failures within the window each further
/// attempt must wait 2, 4, 8 … seconds (at most 15 minutes) after the last failure. Nothing locks an
/// account for good, and a success clears the account's count.
final class LoginThrottle: Sendable {
    struct Limits: Sendable {
        var free: Int
        var window: TimeInterval = 900
        var maxDelay: TimeInterval = 900
    }

    private struct Entry {
        var failures: Int
        var last: Date
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Seconds to wait before `key` may try again, or nil when it may try now.
    func retryAfter(_ key: String, limits: Limits, now: Date) -> Int? {
        entries.withLock { table in
            guard let e = table[key] else { return nil }
            if now.timeIntervalSince(e.last) > limits.window {
                table[key] = nil
                return nil
            }
            guard e.failures >= limits.free else { return nil }
            let delay = min(pow(2, Double(e.failures - limits.free + 1)), limits.maxDelay)
            let wait = e.last.addingTimeInterval(delay).timeIntervalSince(now)
            return wait > 0 ? Int(wait.rounded(.up)) : nil
        }
    }

    func recordFailure(_ key: String, limits: Limits, now: Date) {
        entries.withLock { table in
            var e = table[key] ?? Entry(failures: 0, last: now)
            if now.timeIntervalSince(e.last) > limits.window { e.failures = 0 }
            e.failures += 1
            e.last = now
            table[key] = e
            if table.count > 100_000 {
                table = table.filter { now.timeIntervalSince($0.value.last) <= limits.window }
            }
        }
    }

    func clear(_ key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}
