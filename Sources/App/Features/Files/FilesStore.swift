import Foundation
import GRDB

/// All SQL of files: the `space_file` rows (the bytes are in `FileStorage`).
struct FilesStore: Sendable {
    let db: AppDatabase
    let hub: RealtimeHub
    let ids: IDGenerator

    enum AddOutcome: Sendable, Equatable {
        case added
        case notMember
        case closed
    }

    /// Stores the row and the `fileAdded` event in one transaction, after checking again that the
    /// uploader is a member of the open space and that a private file names a client of it.
    /// `attachment`: the file goes with a message, which announces it.
    func add(_ file: SpaceFileRecord, attachment: Bool, now: Date) async throws -> AddOutcome {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            guard let uploader = file.uploaderId, let access = try SpacesStore.access(space: file.spaceId, user: uploader, tx.db) else {
                return .notMember
            }
            guard access.canWrite else { return .closed }
            try MessagesStore.checkAudience(file.audienceId, access: access, tx.db)
            let event = try tx.append(
                .fileAdded, space: file.spaceId, actor: uploader, audience: file.audienceId,
                data: EventData(
                    fileId: file.id, name: file.name, size: file.size, contentType: file.contentType,
                    attachment: attachment ? true : nil))
            var row = file
            row.seq = event.seq
            try row.insert(tx.db)
            return .added
        }
    }

    /// The files the viewer may see, newest first.
    func list(_ viewer: SpaceAccess, page: PageRequest) async throws -> [FileListItemDTO] {
        try await db.writer.read { db in
            try SpaceFileRecord.fetchAll(
                db,
                SQLRequest<SpaceFileRecord>(
                    """
                    SELECT * FROM space_file
                    WHERE space_id = \(viewer.spaceId) AND \(SpaceVisibility.filter(viewer, audience: "audience_id", seq: "seq"))
                    ORDER BY created_at DESC, seq DESC LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """)
            ).map {
                FileListItemDTO(
                    id: $0.id, name: $0.name, size: $0.size, contentType: $0.contentType, uploaderId: $0.uploaderId,
                    audienceId: $0.audienceId, createdAt: Date(millis: $0.createdAt))
            }
        }
    }

    /// One file, when the viewer may see it.
    func file(_ id: String, _ viewer: SpaceAccess) async throws -> SpaceFileRecord? {
        try await db.writer.read { db in
            try SpaceFileRecord.fetchOne(
                db,
                SQLRequest<SpaceFileRecord>(
                    """
                    SELECT * FROM space_file
                    WHERE id = \(id) AND space_id = \(viewer.spaceId)
                      AND \(SpaceVisibility.filter(viewer, audience: "audience_id", seq: "seq"))
                    """))
        }
    }

    /// Every storage name that a row holds (the sweep keeps these).
    func storageNames() async throws -> Set<String> {
        try await db.writer.read { db in Set(try String.fetchAll(db, sql: "SELECT storage_name FROM space_file")) }
    }
}
