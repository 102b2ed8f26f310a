import PasswordHashing
import Testing

@Suite("Argon2id")
struct PasswordHashingTests {
    @Test func hashesCarryTheirParametersAndVerify() throws {
        let hasher = PasswordHasher()
        let hash = try hasher.hash("correct horse battery")
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(hasher.verify("correct horse battery", encoded: hash))
        #expect(!hasher.verify("correct horse batterz", encoded: hash))
        #expect(try hasher.hash("correct horse battery") != hash)  // new salt each time
        #expect(!hasher.verify("x", encoded: "garbage"))
        #expect(!hasher.needsRehash(hash))
    }

    @Test func weakerHashesAskToBeRehashedButStillVerify() throws {
        let weak = try PasswordHasher(memoryKiB: 64, iterations: 1).hash("salasana salasana")
        let strong = PasswordHasher()
        #expect(strong.needsRehash(weak))
        #expect(strong.verify("salasana salasana", encoded: weak))
    }
}
