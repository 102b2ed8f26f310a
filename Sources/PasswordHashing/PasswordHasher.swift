import CArgon2

/// Argon2id through the system libargon2. The encoded hash carries its own parameters
/// (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), so they can be raised later without breaking old hashes.
public struct PasswordHasher: Sendable {
    public let memoryKiB: UInt32
    public let iterations: UInt32
    public let parallelism: UInt32

    public static let saltLength = 16
    public static let hashLength = 32

    public init(memoryKiB: UInt32 = 19 * 1024, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    public enum Failure: Error, Equatable { case argon2(Int32) }

    /// A new encoded hash with a random salt.
    public func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let pwd = Array(password.utf8)
        let length = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(salt.count), UInt32(Self.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let result = argon2id_hash_encoded(
            iterations, memoryKiB, parallelism, pwd, pwd.count, salt, salt.count, Self.hashLength, &encoded, length)
        guard result == ARGON2_OK.rawValue else { throw Failure.argon2(result) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `password` matches `encoded`. A malformed hash verifies as false.
    public func verify(_ password: String, encoded: String) -> Bool {
        guard encoded.hasPrefix("$argon2id$") else { return false }
        let pwd = Array(password.utf8)
        return argon2id_verify(encoded, pwd, pwd.count) == ARGON2_OK.rawValue
    }

    /// True when `encoded` was made with weaker parameters than this hasher's, so it should be rehashed.
    public func needsRehash(_ encoded: String) -> Bool {
        guard let params = encoded.split(separator: "$").dropFirst(2).first else { return true }
        var m: UInt32 = 0
        var t: UInt32 = 0
        for part in params.split(separator: ",") {
            let kv = part.split(separator: "=")
            guard kv.count == 2, let v = UInt32(kv[1]) else { continue }
            if kv[0] == "m" { m = v } else if kv[0] == "t" { t = v }
        }
        return m < memoryKiB || t < iterations
    }
}
