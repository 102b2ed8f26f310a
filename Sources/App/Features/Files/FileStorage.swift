import Crypto
import Foundation
import NIOCore
import _NIOFileSystem

/// The encrypted files under `<data-dir>/files/` (0700; files 0600), named by random storage names.
/// Only ciphertext is ever written: plaintext is sealed in memory (`FileCrypto`) before it reaches a
/// file. A new file is written to `<name>.part`, flushed to disk, and renamed into place; a failed
/// upload removes its part file. No SQL here (`FilesStore` holds the rows).
struct FileStorage: Sendable {
    let directory: URL
    /// The master key's bytes (`SymmetricKey` is not `Sendable`).
    private let masterKey: [UInt8]

    init(directory: URL, masterKey: [UInt8]) {
        self.directory = directory
        self.masterKey = masterKey
    }

    var master: SymmetricKey { SymmetricKey(data: masterKey) }

    /// Creates the folder (0700) when it is missing.
    func prepare() throws {
        try FilePermissions.createPrivateDirectory(directory)
    }

    private func path(_ storageName: String) -> FilePath { FilePath(directory.appending(path: storageName).path) }

    static func newStorageName() -> String { Secrets.randomBytes(20).map { String(format: "%02x", $0) }.joined() }

    // MARK: Writing

    /// Seals plaintext chunk by chunk into the open part file.
    struct Writer {
        fileprivate let handle: WriteFileHandle
        fileprivate var sealer: FileSealer
        fileprivate var offset: Int64 = 0

        mutating func write(_ plaintext: [UInt8]) async throws {
            let sealed = try sealer.add(plaintext)
            if !sealed.isEmpty { try await append(sealed) }
        }

        fileprivate mutating func append(_ bytes: [UInt8]) async throws {
            offset += try await handle.write(contentsOf: bytes, toAbsoluteOffset: offset)
        }
    }

    /// Writes a new file under `storageName`, encrypted with `key`: `body` feeds the plaintext. The
    /// file appears under its name only when `body` returns; when it throws, nothing is left behind.
    func create<T>(_ storageName: String, key: SymmetricKey, _ body: (inout Writer) async throws -> T) async throws -> T {
        let part = path(storageName + ".part")
        let options = OpenOptions.Write(existingFile: .none, newFile: .init(permissions: .ownerReadWrite, transactionalCreation: false))
        do {
            let result = try await FileSystem.shared.withFileHandle(forWritingAt: part, options: options) { handle in
                var writer = Writer(handle: handle, sealer: FileSealer(key: key))
                try await writer.append(writer.sealer.header)
                let result = try await body(&writer)
                try await writer.append(try writer.sealer.finish())
                try await handle.synchronize()
                return result
            }
            try await FileSystem.shared.moveItem(at: part, to: path(storageName))
            try await FileSystem.shared.withDirectoryHandle(atPath: FilePath(directory.path)) { try await $0.synchronize() }
            return result
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: part, recursively: false)
            throw error
        }
    }

    func remove(_ storageName: String) async {
        _ = try? await FileSystem.shared.removeItem(at: path(storageName), recursively: false)
    }

    // MARK: Reading

    /// Decrypts a stored file chunk by chunk, handing each piece of plaintext to `each`. Throws
    /// `FileCrypto.Corrupt` when the file is missing, has the wrong length, or any chunk fails to
    /// authenticate; `each` never sees a byte that did not.
    func read(_ storageName: String, key: SymmetricKey, size: Int64, _ each: (ByteBuffer) async throws -> Void) async throws {
        let handle: ReadFileHandle
        do {
            handle = try await FileSystem.shared.openFile(forReadingAt: path(storageName), options: .init())
        } catch {
            throw FileCrypto.Corrupt()
        }
        do {
            guard try await handle.info().size == FileCrypto.encryptedSize(size: size) else { throw FileCrypto.Corrupt() }
            let opener = try FileOpener(key: key, header: try await readExactly(handle, at: 0, FileCrypto.headerSize))
            let count = FileCrypto.chunkCount(size: size)
            var offset = Int64(FileCrypto.headerSize)
            var remaining = size
            for index in 0..<count {
                let plain = Int(min(remaining, Int64(FileCrypto.chunkSize)))
                let sealed = try await readExactly(handle, at: offset, plain + FileCrypto.tagSize)
                let bytes = try opener.open(sealed, index: UInt64(index), final: index == count - 1)
                offset += Int64(sealed.count)
                remaining -= Int64(plain)
                try await each(ByteBuffer(bytes: bytes))
            }
        } catch {
            try? await handle.close()
            throw error
        }
        try await handle.close()
    }

    private func readExactly(_ handle: ReadFileHandle, at offset: Int64, _ length: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(length)
        while out.count < length {
            let buffer = try await handle.readChunk(
                fromAbsoluteOffset: offset + Int64(out.count), length: .bytes(Int64(length - out.count)))
            guard buffer.readableBytes > 0 else { throw FileCrypto.Corrupt() }
            out += buffer.readableBytesView
        }
        return out
    }

    // MARK: Sweeping

    /// Removes files that no row names (their space was erased, or a crash came between the file
    /// and its row) and part files of uploads that died, when older than `before`; returns how many.
    func sweep(keeping names: Set<String>, before: Date) throws -> Int {
        let fm = FileManager.default
        guard fm.fileExists(atPath: directory.path) else { return 0 }
        var removed = 0
        for name in try fm.contentsOfDirectory(atPath: directory.path) where !names.contains(name) {
            let url = directory.appending(path: name)
            guard let modified = try fm.attributesOfItem(atPath: url.path)[.modificationDate] as? Date, modified < before else { continue }
            try fm.removeItem(at: url)
            removed += 1
        }
        return removed
    }
}
