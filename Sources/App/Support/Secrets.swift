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
        hex(Array(SHA256.hash(data: Data(token.utf8))))
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

    /// Lowercase hex of the bytes.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, byte) in bytes.enumerated() {
                out[2 * i] = digits[Int(byte >> 4)]
                out[2 * i + 1] = digits[Int(byte & 0x0f)]
            }
            return bytes.count * 2
        }
    }

    /// Base64url without padding (RFC 4648 §5), the alphabet of tokens and ids. Written out rather than
    /// made from Foundation's base64 by three replacements: every new id goes through it.
    /// Bytes of base64url text, with or without padding; nil for anything else.
    static func base64urlDecode(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 < 128 && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        s = s.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        s += String(repeating: "=", count: (4 - s.count % 4) % 4)
        return Data(base64Encoded: s).map(Array.init)
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let count = (bytes.count * 8 + 5) / 6
        return String(unsafeUninitializedCapacity: count) { out in
            var n = 0
            var i = 0
            while i < bytes.count {
                let b0 = UInt32(bytes[i])
                let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
                let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
                let group = b0 << 16 | b1 << 8 | b2
                for shift in [18, 12, 6, 0] where n < count {
                    out[n] = alphabet[Int(group >> UInt32(shift) & 0x3f)]
                    n += 1
                }
                i += 3
            }
            return n
        }
    }

    /// Human-friendly random password for demo users: four groups of four letters and digits.
    static func readablePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let groups = (0..<4).map { _ in String((0..<4).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }) }
        return groups.joined(separator: "-")
    }
}
