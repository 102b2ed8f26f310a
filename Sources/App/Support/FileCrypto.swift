import Crypto
import Foundation

/// The encrypted format of stored files. No I/O here: `FileStorage` writes and reads the bytes.
///
/// Each file has a random 256-bit key of its own. The master key wraps it (AES-GCM, the file's id as
/// authenticated data, so a wrapped key belongs to one row only): `wrapped_key` is a version byte
/// (1) followed by nonce (12), encrypted key (32) and tag (16).
///
/// On disk a file is a header, then the plaintext in chunks of 64 KiB, each sealed on its own:
///
///     header  = "OHJF" | version (1) | nonce prefix (8 random bytes)
///     chunk i = AES-GCM(key, nonce = prefix | i as UInt32 big-endian,
///                       aad = header | i as UInt64 big-endian | final flag (1 or 0))
///               stored as ciphertext | tag (16)
///
/// Every chunk but the last holds exactly 64 KiB; the last holds the rest (0–64 KiB) and is the
/// only one sealed with the final flag. A reader knows the plaintext size from the database, so it
/// knows how many chunks to expect and which is final: chunks cannot be reordered (the index is in
/// the nonce and the authenticated data), dropped or cut short (the final flag), or added to.
enum FileCrypto {
    static let magic: [UInt8] = Array("OHJF".utf8)
    static let version: UInt8 = 1
    static let chunkSize = 64 * 1024
    static let tagSize = 16
    static let prefixSize = 8
    static let prefixStart = magic.count + 1
    static let headerSize = prefixStart + prefixSize
    static let wrapVersion: UInt8 = 1

    /// A stored file or key that does not authenticate: tampered with, truncated or under another key.
    struct Corrupt: Error {}

    static func newKey() -> SymmetricKey { SymmetricKey(size: .bits256) }

    /// The file key sealed under the master key, bound to the file's id.
    static func wrap(_ key: SymmetricKey, fileId: String, master: SymmetricKey) throws -> [UInt8] {
        let raw = key.withUnsafeBytes { Array($0) }
        guard let combined = try AES.GCM.seal(raw, using: master, authenticating: wrapContext(fileId)).combined else { throw Corrupt() }
        return [wrapVersion] + Array(combined)
    }

    static func unwrap(_ wrapped: [UInt8], fileId: String, master: SymmetricKey) throws -> SymmetricKey {
        guard wrapped.count == 1 + 12 + 32 + tagSize, wrapped[0] == wrapVersion else { throw Corrupt() }
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped[1...])
            return SymmetricKey(data: try AES.GCM.open(box, using: master, authenticating: wrapContext(fileId)))
        } catch {
            throw Corrupt()
        }
    }

    private static func wrapContext(_ fileId: String) -> [UInt8] { Array("ohjaustila file key v1:\(fileId)".utf8) }

    /// How many chunks a file of `size` plaintext bytes has (an empty file has one, empty and final).
    static func chunkCount(size: Int64) -> Int64 { max(1, (size + Int64(chunkSize) - 1) / Int64(chunkSize)) }

    /// The length on disk of a file of `size` plaintext bytes.
    static func encryptedSize(size: Int64) -> Int64 { Int64(headerSize) + size + chunkCount(size: size) * Int64(tagSize) }

    static func nonce(prefix: ArraySlice<UInt8>, index: UInt64) throws -> AES.GCM.Nonce {
        guard index <= UInt64(UInt32.max) else { throw Corrupt() }
        var bytes = Array(prefix)
        withUnsafeBytes(of: UInt32(index).bigEndian) { bytes.append(contentsOf: $0) }
        return try AES.GCM.Nonce(data: bytes)
    }

    static func associatedData(header: [UInt8], index: UInt64, final: Bool) -> [UInt8] {
        var aad = header
        withUnsafeBytes(of: index.bigEndian) { aad.append(contentsOf: $0) }
        aad.append(final ? 1 : 0)
        return aad
    }
}

/// Seals plaintext as it arrives. A chunk is sealed only when more bytes follow it, so that the last
/// one can carry the final flag; at most one chunk and the latest input are held in memory.
struct FileSealer {
    let header: [UInt8]
    private let key: SymmetricKey
    private var pending: [UInt8] = []
    private var index: UInt64 = 0

    init(key: SymmetricKey, noncePrefix: [UInt8] = Secrets.randomBytes(FileCrypto.prefixSize)) {
        self.key = key
        header = FileCrypto.magic + [FileCrypto.version] + noncePrefix
    }

    /// Takes plaintext; returns the sealed chunks now known not to be the last (maybe none).
    mutating func add(_ bytes: some Sequence<UInt8>) throws -> [UInt8] {
        pending.append(contentsOf: bytes)
        var out: [UInt8] = []
        var start = 0
        while pending.count - start > FileCrypto.chunkSize {
            out += try seal(pending[start..<start + FileCrypto.chunkSize], final: false)
            start += FileCrypto.chunkSize
        }
        if start > 0 { pending.removeFirst(start) }
        return out
    }

    /// Seals what is left as the final chunk.
    mutating func finish() throws -> [UInt8] {
        let last = try seal(pending[...], final: true)
        pending = []
        return last
    }

    private mutating func seal(_ plaintext: ArraySlice<UInt8>, final: Bool) throws -> [UInt8] {
        let nonce = try FileCrypto.nonce(prefix: header[FileCrypto.prefixStart...], index: index)
        let box = try AES.GCM.seal(
            plaintext, using: key, nonce: nonce, authenticating: FileCrypto.associatedData(header: header, index: index, final: final))
        index += 1
        return Array(box.ciphertext) + Array(box.tag)
    }
}

/// Opens the chunks of one stored file.
struct FileOpener {
    let header: [UInt8]
    private let key: SymmetricKey

    /// Checks the header read from the file.
    init(key: SymmetricKey, header: [UInt8]) throws {
        guard header.count == FileCrypto.headerSize, Array(header.prefix(4)) == FileCrypto.magic, header[4] == FileCrypto.version else {
            throw FileCrypto.Corrupt()
        }
        self.key = key
        self.header = header
    }

    /// The plaintext of chunk `index` (ciphertext followed by its tag), or `Corrupt`.
    func open(_ sealed: [UInt8], index: UInt64, final: Bool) throws -> [UInt8] {
        guard sealed.count >= FileCrypto.tagSize else { throw FileCrypto.Corrupt() }
        do {
            let split = sealed.count - FileCrypto.tagSize
            let box = try AES.GCM.SealedBox(
                nonce: try FileCrypto.nonce(prefix: header[FileCrypto.prefixStart...], index: index), ciphertext: sealed[..<split],
                tag: sealed[split...])
            return Array(
                try AES.GCM.open(box, using: key, authenticating: FileCrypto.associatedData(header: header, index: index, final: final)))
        } catch {
            throw FileCrypto.Corrupt()
        }
    }
}
