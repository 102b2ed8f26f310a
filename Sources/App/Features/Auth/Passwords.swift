import NIOPosix
import PasswordHashing
import Synchronization

/// Argon2id off the request threads. Verifying against a dummy hash when there is no account makes a
/// wrong e-mail cost the same time as a wrong password.
struct Passwords: Sendable {
    let hasher: PasswordHasher
    private let dummyHash: String
    /// How many verifications ran; lets tests see that an unknown account costs one as well.
    let verifications = Counter()

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func increment() { value.add(1, ordering: .relaxed) }
        func load(ordering: AtomicLoadOrdering = .relaxed) -> Int { value.load(ordering: .relaxed) }
    }

    init(hasher: PasswordHasher) throws {
        self.hasher = hasher
        dummyHash = try hasher.hash(Secrets.newToken())
    }

    func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { try hasher.hash(password) }
    }

    /// Verifies `password` against `encoded`, or against the dummy hash when `encoded` is nil.
    func verify(_ password: String, encoded: String?) async throws -> Bool {
        let target = encoded ?? dummyHash
        verifications.increment()
        let ok = try await NIOThreadPool.singleton.runIfActive { hasher.verify(password, encoded: target) }
        return ok && encoded != nil
    }
}
