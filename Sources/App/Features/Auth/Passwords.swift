import Foundation
import NIOPosix
import PasswordHashing
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Argon2id, bounded. All hashing and verifying (sign-in, the dummy verification, password change,
/// reset, invitation) runs on one thread pool of its own, sized to the cores and off the event loops
/// and off the file I/O pool, so a flood of hashes cannot starve static files or health checks.
/// When more than `maxQueued` are waiting the caller gets 503 with Retry-After instead of a place in
/// the queue. Verifying against a dummy hash when there is no account makes a wrong e-mail cost the
/// same time as a wrong password.
struct Passwords: Sendable {
    let hasher: PasswordHasher
    private let dummyHash: String
    private let limiter: HashingLimiter
    /// How many verifications ran; lets tests see that an unknown account costs one as well.
    let verifications = Counter()
    /// How many new hashes were made; lets tests see that a made-up reset token costs none.
    let hashes = Counter()

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func increment() { value.add(1, ordering: .relaxed) }
        func load(ordering: AtomicLoadOrdering = .relaxed) -> Int { value.load(ordering: .relaxed) }
    }

    init(hasher: PasswordHasher, limiter: HashingLimiter) throws {
        self.hasher = hasher
        self.limiter = limiter
        dummyHash = try hasher.hash(Secrets.newToken())
    }

    func hash(_ password: String) async throws -> String {
        hashes.increment()
        return try await limiter.run { try hasher.hash(password) }
    }

    /// Verifies `password` against `encoded`, or against the dummy hash when `encoded` is nil.
    func verify(_ password: String, encoded: String?) async throws -> Bool {
        let target = encoded ?? dummyHash
        verifications.increment()
        let ok = try await limiter.run { hasher.verify(password, encoded: target) }
        return ok && encoded != nil
    }
}

/// A pool of `threads` threads for Argon2 and a bound on how many calls may wait for it.
final class HashingLimiter: Sendable {
    let threads: Int
    let maxQueued: Int
    private let pool: NIOThreadPool
    private let admitted = Atomic<Int>(0)

    /// The server's limiter (one per server, so one per process outside tests): one core is left to
    /// the event loops on machines with more than one.
    static func sizedToCores() -> HashingLimiter {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return HashingLimiter(threads: max(1, cores - 1), maxQueued: 8 * max(1, cores))
    }

    init(threads: Int, maxQueued: Int) {
        self.threads = threads
        self.maxQueued = maxQueued
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    /// Runs `work` on the pool, or throws 503 `server.busy` at once when too many calls wait already.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let count = admitted.add(1, ordering: .relaxed).newValue
        defer { admitted.subtract(1, ordering: .relaxed) }
        guard count <= threads + maxQueued else {
            throw AppError(.serviceUnavailable, "server.busy", retryAfter: 2)
        }
        return try await pool.runIfActive {
            Self.lowerThreadPriority()
            return try work()
        }
    }

    /// Argon2 yields the CPU to the event loops: the hashing thread runs at nice 10. Linux keeps a
    /// nice value per thread, and `who = 0` names the calling thread. A failure changes nothing.
    private static func lowerThreadPriority() {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }
}
