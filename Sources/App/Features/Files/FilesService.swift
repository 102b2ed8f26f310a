import Crypto
import Foundation
import Logging
import NIOCore

/// Files of a space: upload (sniffed, size-limited, encrypted as it streams), list and download,
/// each through one access check of `SpacesService` and the one visibility rule. No HTTP, no SQL.
struct FilesService: Sendable {
    let store: FilesStore
    let storage: FileStorage
    let spaces: SpacesService
    let clock: AppClock
    let ids: IDGenerator
    /// The largest file accepted, in bytes.
    let maxBytes: Int64
    let logger: Logger

    static let tooLarge = AppError(.contentTooLarge, "file.tooLarge")
    static let typeNotAllowed = AppError(.unsupportedMediaType, "file.typeNotAllowed")
    static let notFound = AppError.notFound("file.notFound")
    static let corrupt = AppError(.internalServerError, "file.corrupt")

    // MARK: Access

    /// A member who may upload: the space is open (404 `space.notFound`, 409 `space.closed`).
    func requireUploader(_ spaceId: String, _ caller: SessionUser?) async throws -> SpaceAccess {
        try await spaces.requireWriter(spaceId, caller)
    }

    /// A member who may read files; everybody else gets 404 `file.notFound` on a file.
    private func requireReader(_ spaceId: String, _ caller: SessionUser?) async throws -> SpaceAccess {
        do {
            return try await spaces.requireMember(spaceId, caller)
        } catch let error as AppError where error.code == "space.notFound" {
            throw Self.notFound
        }
    }

    // MARK: Upload

    /// Reads the upload to its end, sniffing and encrypting as the bytes arrive, then stores the row
    /// and its `fileAdded` event in one transaction. Refused uploads leave nothing on disk.
    func upload(as access: SpaceAccess, from source: inout some UploadSource) async throws -> FileDTO {
        let id = ids.next()
        let storageName = FileStorage.newStorageName()
        let key = FileCrypto.newKey()
        let wrappedKey = Data(try FileCrypto.wrap(key, fileId: id, master: storage.master))
        let limit = maxBytes
        let fileType: FileType
        var size: Int64 = 0
        do {
            fileType = try await storage.create(storageName, key: key) { writer in
                var sniffer = FileSniffer()
                while let bytes = try await source.next() {
                    size += Int64(bytes.count)
                    if size > limit { throw Self.tooLarge }
                    sniffer.feed(bytes)
                    if sniffer.isHopeless { throw Self.typeNotAllowed }
                    try await writer.write(bytes)
                }
                if size == 0 { throw AppError.validation([FieldError("file", "field.required")]) }
                guard let type = sniffer.decide() else { throw Self.typeNotAllowed }
                return type
            }
        } catch let error as AppError {
            throw error
        } catch {
            // A client that went away mid-upload ends here too.
            logger.warning("file upload failed", metadata: ["file.id": "\(id)", "error.type": "\(type(of: error))"])
            throw error
        }
        let privateTo = source.field("privateTo").map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        let attachment = source.field("attachment").map(\.trimmed) == "true"
        let record = SpaceFileRecord(
            id: id, spaceId: access.spaceId, uploaderId: access.userId, audienceId: privateTo,
            name: FileNames.sanitize(source.fileName, type: fileType), contentType: fileType.contentType, size: size,
            wrappedKey: wrappedKey, storageName: storageName, seq: nil,
            createdAt: clock.now.millis)
        let outcome: FilesStore.AddOutcome
        do {
            outcome = try await store.add(record, attachment: attachment, now: clock.now)
        } catch {
            await storage.remove(storageName)
            throw error
        }
        switch outcome {
        case .added: return FileDTO(id: id, name: record.name, size: size, contentType: record.contentType)
        case .notMember:
            await storage.remove(storageName)
            throw AppError.notFound("space.notFound")
        case .closed:
            await storage.remove(storageName)
            throw AppError(.conflict, "space.closed")
        }
    }

    /// Removes files on disk that no row names (a space erased, a crash between a file and its row)
    /// and part files of uploads that died, once they are an hour old; returns how many.
    func sweep() async throws -> Int {
        let keep = try await store.storageNames()
        // File times are the system's, so this compares with the system clock, not the app's.
        let removed = try storage.sweep(keeping: keep, before: Date().addingTimeInterval(-3600))
        if removed > 0 { logger.notice("removed stored files without a row", metadata: ["count": "\(removed)"]) }
        return removed
    }

    // MARK: Reading

    /// The files the caller may see, newest first; an expert's read of a client's space is logged.
    func list(_ spaceId: String, page: PageRequest, by caller: SessionUser?) async throws -> Page<FileListItemDTO> {
        let access = try await spaces.requireMember(spaceId, caller)
        let items = try await store.list(access, page: page)
        try await spaces.logRead(.files, access)
        return Page(items, page)
    }

    /// A file the caller may see, checked whole (every chunk authenticates) before it is handed out.
    func download(_ spaceId: String, _ fileId: String, by caller: SessionUser?) async throws -> FileDownload {
        let access = try await requireReader(spaceId, caller)
        guard fileId.count <= 64, let file = try await store.file(fileId, access) else { throw Self.notFound }
        let storage = storage
        let size = file.size
        let storageName = file.storageName
        let key: [UInt8]
        do {
            key = try FileCrypto.unwrap(Array(file.wrappedKey), fileId: file.id, master: storage.master).withUnsafeBytes { Array($0) }
            try await storage.read(storageName, key: SymmetricKey(data: key), size: size) { _ in }
        } catch {
            logger.error("stored file does not authenticate", metadata: ["file.id": "\(file.id)", "error.type": "\(type(of: error))"])
            throw Self.corrupt
        }
        try await spaces.logRead(.file, access)
        return FileDownload(name: file.name, contentType: file.contentType, size: size) { each in
            try await storage.read(storageName, key: SymmetricKey(data: key), size: size, each)
        }
    }
}
