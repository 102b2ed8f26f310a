import Crypto
import Foundation
import JWTKit

/// RFC 8291 message encryption for Web Push: the `aes128gcm` content coding of RFC 8188 with a key
/// agreed between a fresh server key pair and the browser's subscription key (`p256dh`), mixed with
/// the subscription's `auth` secret. One record, so the whole body is
/// `salt(16) ‖ rs(4) ‖ idlen(1) ‖ server public key(65) ‖ ciphertext ‖ tag`.
enum WebPushCrypto {
    struct Failure: Error {
        let reason: String
    }

    static let recordSize: UInt32 = 4096

    /// The most plaintext one record carries (a padding delimiter and the tag take 17 bytes).
    static let maxPlaintext = Int(recordSize) - 17

    /// Throws unless `p256dh` is an uncompressed point on P-256.
    static func checkKey(_ p256dh: [UInt8]) throws {
        guard p256dh.count == 65, p256dh.first == 4 else { throw Failure(reason: "push.badKeys") }
        _ = try P256.KeyAgreement.PublicKey(x963Representation: p256dh)
    }

    static func encrypt(
        _ plaintext: [UInt8], p256dh: [UInt8], auth: [UInt8], salt: [UInt8] = Secrets.randomBytes(16),
        serverKey: P256.KeyAgreement.PrivateKey = P256.KeyAgreement.PrivateKey()
    ) throws -> [UInt8] {
        guard plaintext.count <= maxPlaintext else { throw Failure(reason: "push.payloadTooLarge") }
        guard auth.count == 16, salt.count == 16 else { throw Failure(reason: "push.badKeys") }
        let browserKey: P256.KeyAgreement.PublicKey
        do { browserKey = try P256.KeyAgreement.PublicKey(x963Representation: p256dh) } catch { throw Failure(reason: "push.badKeys") }
        let shared = try serverKey.sharedSecretFromKeyAgreement(with: browserKey)
        let serverPublic = Array(serverKey.publicKey.x963Representation)
        // IKM = HKDF(salt: auth, ikm: ECDH secret, info: "WebPush: info" 0x00 ua_public as_public, 32 bytes).
        let keyInfo = Array("WebPush: info".utf8) + [0] + p256dh + serverPublic
        let ikm = shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: auth, sharedInfo: keyInfo, outputByteCount: 32)
        let cek = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: aes128gcm".utf8) + [0], outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: nonce".utf8) + [0], outputByteCount: 12)
        // The last (only) record ends with the delimiter 0x02 and no padding.
        let sealed = try AES.GCM.seal(
            plaintext + [2], using: cek, nonce: try AES.GCM.Nonce(data: nonce.withUnsafeBytes { Array($0) }))
        var body = salt
        body += withUnsafeBytes(of: recordSize.bigEndian) { Array($0) }
        body.append(UInt8(serverPublic.count))
        body += serverPublic
        body += Array(sealed.ciphertext) + Array(sealed.tag)
        return body
    }
}

/// RFC 8292 VAPID: the server's P-256 key pair, generated into the data directory on first start,
/// signs a short-lived ES256 JWT for each push service's origin.
struct VAPID: Sendable {
    let key: P256.Signing.PrivateKey
    /// `mailto:` or `https:` contact of the operator (the `sub` claim).
    let subject: String

    /// The public key as browsers take it (`applicationServerKey`): the uncompressed point, base64url.
    var publicKey: String { Secrets.base64url(Array(key.publicKey.x963Representation)) }

    struct Claims: JWTPayload {
        let aud: String
        let exp: Int
        let sub: String

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// `Authorization: vapid t=<JWT>, k=<public key>` for a push endpoint, valid for 12 hours.
    func authorization(for endpoint: URL, now: Date) async throws -> String {
        var audience = "\(endpoint.scheme ?? "https")://\(endpoint.host ?? "")"
        if let port = endpoint.port { audience += ":\(port)" }
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PrivateKey(backing: key))
        let token = try await keys.sign(Claims(aud: audience, exp: Int(now.timeIntervalSince1970) + 12 * 3600, sub: subject))
        return "vapid t=\(token), k=\(publicKey)"
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads the key pair from `file` (the private key's 32 bytes, base64, mode 0600), creating it
    /// when the file does not exist.
    static func ensure(at file: URL, subject: String) throws -> VAPID {
        let fm = FileManager.default
        if fm.fileExists(atPath: file.path) {
            guard let text = try? String(contentsOf: file, encoding: .utf8),
                let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
                let key = try? P256.Signing.PrivateKey(rawRepresentation: data)
            else { throw Failure(description: "\(file.path) does not hold a base64 P-256 private key") }
            return VAPID(key: key, subject: subject)
        }
        let key = P256.Signing.PrivateKey()
        guard
            fm.createFile(
                atPath: file.path, contents: Data((key.rawRepresentation.base64EncodedString() + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else { throw Failure(description: "cannot write the VAPID key file \(file.path)") }
        return VAPID(key: key, subject: subject)
    }
}
