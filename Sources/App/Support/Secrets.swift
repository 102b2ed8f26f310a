import Crypto
import Foundation

/// Random identifiers and secret tokens. Ids are 128 bits, tokens 256 bits, both base64url without padding.
public struct IDGenerator: Sendable {
    public init() {}
    public func next() -> String { Secrets.randomString(bytes: 16) }
}

enum Secrets {
    static func randomBytes(_ count: Int) -> [UInt8] {
        // Eight bytes from each draw of the system generator (one getrandom call each), not one.
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count { withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) } }
        return Array(bytes.prefix(count))
    }

    static func randomString(bytes: Int) -> String { base64url(randomBytes(bytes)) }

    /// A new secret token (256 bits) for sessions, password resets and invitations.
    static func newToken() -> String { randomString(bytes: 32) }

    /// What the database keeps of a token: its SHA-256, hex.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two secrets in time that depends on their lengths only.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Human-friendly random password for demo users: four groups of four letters and digits.
    static func readablePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let groups = (0..<4).map { _ in String((0..<4).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }) }
        return groups.joined(separator: "-")
    }
}
