import Foundation
import GRDB
import Testing

@testable import App

@Suite("Database, migrations and backup")
struct DatabaseTests {
    /// A copy of the real migrations in a folder the test may change.
    func migrationsCopy(in dir: URL) throws -> URL {
        let copy = dir.appending(path: "Migrations")
        try FileManager.default.copyItem(at: repoRoot.appending(path: "Migrations"), to: copy)
        return copy
    }

    @Test func everyPragmaIsSetExplicitly() async throws {
        try await withTemporaryDirectory { dir in
            let db = try AppDatabase.open(path: dir.appending(path: "x.sqlite"), migrationsDir: repoRoot.appending(path: "Migrations"))
            #expect(try await db.pragma("synchronous") == "2")  // FULL: acknowledged means on disk
            #expect(try await db.pragma("journal_mode") == "wal")
            #expect(try await db.pragma("foreign_keys") == "1")
            #expect(try await db.pragma("secure_delete") == "1")
            #expect(try await db.pragma("busy_timeout") == "5000")
            let readerForeignKeys = try await db.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
            #expect(readerForeignKeys == 1)
        }
    }

    @Test func migrationsApplyOnceInOrderAndReRunIsANoOp() async throws {
        try await withTemporaryDirectory { dir in
            let migrations = try migrationsCopy(in: dir)
            let path = dir.appending(path: "x.sqlite")
            let first = try AppDatabase.open(path: path, migrationsDir: migrations)
            let status = try Migrations(directory: migrations).status(of: first.writer)
            #expect(status.applied.first == "0001_init" && status.pending.isEmpty)
            let tables = try await first.writer.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            }
            #expect(tables.contains("app_user") && tables.contains("session") && tables.contains("job"))
            let again = try AppDatabase.open(path: path, migrationsDir: migrations)
            #expect(try Migrations(directory: migrations).status(of: again.writer).applied == status.applied)

            // A new numbered file is applied on the next start.
            try "CREATE TABLE later_feature (id TEXT PRIMARY KEY) STRICT;".write(
                to: migrations.appending(path: "9999_later.sql"), atomically: true, encoding: .utf8)
            let third = try AppDatabase.open(path: path, migrationsDir: migrations)
            #expect(try Migrations(directory: migrations).status(of: third.writer).applied.last == "9999_later")
        }
    }

    @Test func aChangedAppliedMigrationStopsStartUp() async throws {
        try await withTemporaryDirectory { dir in
            let migrations = try migrationsCopy(in: dir)
            let path = dir.appending(path: "x.sqlite")
            _ = try AppDatabase.open(path: path, migrationsDir: migrations)
            let file = migrations.appending(path: "0001_init.sql")
            try (try String(contentsOf: file, encoding: .utf8) + "\n-- edited\n").write(to: file, atomically: true, encoding: .utf8)
            #expect(throws: MigrationError.changed("0001_init")) {
                try AppDatabase.open(path: path, migrationsDir: migrations)
            }
        }
    }

    @Test func aMissingAppliedMigrationStopsStartUp() async throws {
        try await withTemporaryDirectory { dir in
            let migrations = try migrationsCopy(in: dir)
            let path = dir.appending(path: "x.sqlite")
            try "CREATE TABLE extra (id TEXT PRIMARY KEY) STRICT;".write(
                to: migrations.appending(path: "0002_extra.sql"), atomically: true, encoding: .utf8)
            _ = try AppDatabase.open(path: path, migrationsDir: migrations)
            try FileManager.default.removeItem(at: migrations.appending(path: "0002_extra.sql"))
            #expect(throws: MigrationError.missing("0002_extra")) {
                try AppDatabase.open(path: path, migrationsDir: migrations)
            }
            #expect(MigrationError.missing("0002_extra").description.contains("0002_extra"))
        }
    }

    @Test func aBrokenMigrationLeavesNothingHalfDone() async throws {
        try await withTemporaryDirectory { dir in
            let migrations = try migrationsCopy(in: dir)
            try "CREATE TABLE half (id TEXT PRIMARY KEY) STRICT; THIS IS NOT SQL;".write(
                to: migrations.appending(path: "0002_broken.sql"), atomically: true, encoding: .utf8)
            let path = dir.appending(path: "x.sqlite")
            #expect(throws: (any Error).self) { try AppDatabase.open(path: path, migrationsDir: migrations) }
            try FileManager.default.removeItem(at: migrations.appending(path: "0002_broken.sql"))
            let db = try AppDatabase.open(path: path, migrationsDir: migrations)
            let half = try await db.writer.read { db in try db.tableExists("half") }
            #expect(!half)
        }
    }

    @Test func backupIsAConsistentCopyTakenWhileServing() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let file = env.config.dataDir.appending(path: "backup.sqlite")
            try Commands.backup(env.config, to: file)
            let copy = try DatabaseQueue(path: file.path)
            let emails = try await copy.read { db in try String.fetchAll(db, sql: "SELECT email FROM app_user") }
            #expect(emails == ["aino@example.fi"])
            let check = try await copy.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            #expect(check == "ok")
            #expect(throws: BackupError.self) { try Commands.backup(env.config, to: file) }
        }
    }

    @Test func theMasterKeyIsGeneratedOnceWithMode0600() async throws {
        try await TestEnv.run { env in
            let path = env.config.masterKeyFile.path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let before = try String(contentsOfFile: path, encoding: .utf8)
            _ = try await AppComponents.make(env.config)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
            #expect(Data(base64Encoded: before.trimmingCharacters(in: .whitespacesAndNewlines))?.count == 32)
        }
    }
}
