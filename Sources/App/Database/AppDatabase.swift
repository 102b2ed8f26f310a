import Crypto
import Foundation
import GRDB

/// The database: a GRDB `DatabasePool` on one SQLite file, with every pragma set explicitly.
/// Nothing feature-specific lives here.
public struct AppDatabase: Sendable {
    public let writer: any DatabaseWriter

    /// Opens (creating if needed) the database file and applies pending migrations.
    public static func open(path: URL, migrationsDir: URL) throws -> AppDatabase {
        let database = try openWithoutMigrating(path: path)
        try Migrations(directory: migrationsDir).apply(to: database.writer)
        return database
    }

    /// Opens the file with every pragma set, leaving the schema as it is.
    static func openWithoutMigrating(path: URL) throws -> AppDatabase {
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA busy_timeout = 5000")
            // Savepoints (one per message of a group commit) keep their statement journals in
            // memory instead of a temporary file written page by page.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // 8 MiB of page cache (2 MiB by default), so that a large group commit does not spill
            // dirty pages into the WAL before it commits.
            try db.execute(sql: "PRAGMA cache_size = -8192")
        }
        let pool = try DatabasePool(path: path.path, configuration: configuration)
        // DatabasePool sets synchronous = NORMAL after prepareDatabase; acknowledged means on disk.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return AppDatabase(writer: pool)
    }

    /// Reads a pragma on the writer connection (tests check the settings took).
    public func pragma(_ name: String) async throws -> String? {
        try await writer.write { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// True when the database answers a query.
    func isReachable() async -> Bool {
        (try? await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// A consistent copy of the whole database, taken while the server serves (SQLite online backup).
    public func backup(to file: URL) throws {
        if FileManager.default.fileExists(atPath: file.path) {
            throw BackupError.destinationExists(file.path)
        }
        let destination = try DatabaseQueue(path: file.path)
        try writer.backup(to: destination)
        try destination.close()
    }
}

public enum BackupError: Error, CustomStringConvertible {
    case destinationExists(String)
    public var description: String {
        switch self {
        case .destinationExists(let path): "the backup file \(path) exists already; choose a new name"
        }
    }
}

/// The numbered `.sql` files of the migrations directory, applied in order, each once, recorded.
/// A file's SHA-256 is kept with it; a changed or missing applied migration stops start-up.
public struct Migrations: Sendable {
    public let directory: URL

    public struct File: Sendable {
        let identifier: String
        let sql: String
        var checksum: String { SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined() }
    }

    func files() throws -> [File] {
        let urls: [URL]
        do {
            urls = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        } catch {
            throw MigrationError.directoryUnreadable(directory.path)
        }
        return try urls.filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { File(identifier: $0.deletingPathExtension().lastPathComponent, sql: try String(contentsOf: $0, encoding: .utf8)) }
    }

    public func apply(to writer: any DatabaseWriter) throws {
        let files = try files()
        if files.isEmpty { throw MigrationError.directoryUnreadable(directory.path) }
        try verify(files, in: writer)
        var migrator = DatabaseMigrator()
        for file in files {
            migrator.registerMigration(file.identifier) { db in
                try db.execute(sql: file.sql)
                try db.execute(
                    literal: "INSERT INTO schema_checksum (identifier, sha256) VALUES (\(file.identifier), \(file.checksum))")
            }
        }
        try migrator.migrate(writer)
    }

    /// Refuses a database whose applied migrations no longer match the files.
    private func verify(_ files: [File], in writer: any DatabaseWriter) throws {
        try writer.write { db in
            try db.execute(
                sql: "CREATE TABLE IF NOT EXISTS schema_checksum (identifier TEXT PRIMARY KEY, sha256 TEXT NOT NULL) STRICT")
            let recorded = try Row.fetchAll(db, sql: "SELECT identifier, sha256 FROM schema_checksum")
            let byName = Dictionary(uniqueKeysWithValues: files.map { ($0.identifier, $0.checksum) })
            for row in recorded {
                let id: String = row["identifier"]
                let sum: String = row["sha256"]
                guard let current = byName[id] else { throw MigrationError.missing(id) }
                if current != sum { throw MigrationError.changed(id) }
            }
        }
    }

    /// Applied and pending migrations, for `ohjaustila migrate`.
    public func status(of writer: any DatabaseWriter) throws -> (applied: [String], pending: [String]) {
        let all = try files().map(\.identifier)
        let applied = try writer.read { db in
            try db.tableExists("schema_checksum")
                ? try String.fetchAll(db, sql: "SELECT identifier FROM schema_checksum ORDER BY identifier") : []
        }
        return (applied, all.filter { !applied.contains($0) })
    }
}

public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case directoryUnreadable(String)
    case missing(String)
    case changed(String)

    public var description: String {
        switch self {
        case .directoryUnreadable(let path): "no migrations found in \(path) (set --migrations-dir)"
        case .missing(let id): "migration \(id) was applied to this database but its file is missing; restore Migrations/\(id).sql"
        case .changed(let id):
            "migration \(id) was changed after it was applied to this database; restore the original Migrations/\(id).sql and put changes in a new numbered file"
        }
    }
}
