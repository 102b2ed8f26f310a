import Foundation
import Hummingbird
import Logging
import PasswordHashing

/// What the `ohjaustila` command line can do; `Run` only parses arguments and calls these.
public enum Commands {
    /// Migrates, seeds the demo when asked, and serves until SIGTERM/SIGINT (in-flight requests finish).
    public static func serve(_ config: AppConfiguration, output: @Sendable (String) -> Void = { print($0) }) async throws {
        let components = try await AppComponents.make(config)
        await loadStarterSynonyms(components, output: output)
        _ = try? await components.searchWords.table()  // the first search does not wait for it
        if config.demo {
            if let (summary, users, ids) = try await components.demoSeeder.seedIfEmpty(catalogue: config.demoDataFile) {
                try await components.demoSpaces.seed(ids)
                output("Imported the demo catalogue: services \(summary.services), articles \(summary.articles).")
                output("Demo sign-ins (printed only on this first start; keep them):")
                for u in users {
                    output(
                        "  \(u.key.padding(toLength: 16, withPad: " ", startingAt: 0))  \(u.email.padding(toLength: 34, withPad: " ", startingAt: 0))  \(u.password)"
                    )
                }
            } else {
                output(
                    "Demo data exists already; its sign-ins were printed on the first start (delete \(config.dataDir.path) to start over).")
            }
        }
        output("Ohjaustila is starting on \(config.baseURL.absoluteString) (data in \(config.dataDir.path))")
        let app = try buildApplication(components)
        try await app.runService()
    }

    /// Applies pending migrations; returns what was applied before and now.
    public static func migrate(_ config: AppConfiguration) throws -> (before: [String], after: [String]) {
        try FileManager.default.createDirectory(at: config.dataDir, withIntermediateDirectories: true)
        let migrations = Migrations(directory: config.migrationsDir)
        let db = try AppDatabase.openWithoutMigrating(path: config.databasePath)
        let before = try migrations.status(of: db.writer).applied
        try migrations.apply(to: db.writer)
        return (before, try migrations.status(of: db.writer).applied)
    }

    public struct UserCreationError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates an account from the command line; returns its id.
    public static func createUser(
        _ config: AppConfiguration, email: String, name: String, password: String, organizationId: String?, role: String?,
        platformAdmin: Bool
    ) async throws -> String {
        var problems: [String] = []
        problems += Input.emailErrors(email).map { "--email: \($0.code)" }
        problems += Input.nameErrors(name, field: "name").map { "--name: \($0.code)" }
        problems += Input.passwordErrors(password, field: "password").map {
            "password: \($0.code) (at least \(Input.minPassword) characters)"
        }
        let parsedRole = role.map { Role(rawValue: $0) }
        if let parsedRole, parsedRole == nil {
            problems.append("--role: one of " + Role.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if (organizationId == nil) != (role == nil) { problems.append("--organization and --role go together") }
        if !problems.isEmpty { throw UserCreationError(description: problems.joined(separator: "; ")) }
        let components = try await AppComponents.make(config)
        if let organizationId, try await components.organizations.store.organization(id: organizationId) == nil {
            throw UserCreationError(description: "--organization: no organisation with id \(organizationId)")
        }
        let now = config.clock.now.millis
        let user = UserRecord(
            id: config.ids.next(), email: email.trimmed, emailNormalized: Input.normalizeEmail(email), displayName: name.trimmed,
            language: "fi", passwordHash: try await components.auth.passwords.hash(password), isPlatformAdmin: platformAdmin,
            createdAt: now, updatedAt: now)
        do {
            try await DemoStore(db: components.db).seed(
                organizations: [], users: [(user, organizationId, parsedRole ?? nil)], now: config.clock.now)
        } catch let error as AppError where error.code == "request.validation" {
            throw UserCreationError(description: "--email: an account with this e-mail address exists already")
        }
        return user.id
    }

    /// Imports a catalogue file; returns a one-line summary.
    public static func importCatalogue(_ config: AppConfiguration, file: URL) async throws -> String {
        let data: Data
        do { data = try Data(contentsOf: file) } catch { throw UserCreationError(description: "cannot read \(file.path)") }
        let components = try await AppComponents.make(config)
        let summary = try await components.catalogueExchange.importFile(data)
        return "Imported \(file.lastPathComponent): services \(summary.services), articles \(summary.articles)"
    }

    /// Merges a synonyms file into the search's synonyms; returns what changed.
    public static func importSynonyms(_ config: AppConfiguration, file: URL) async throws -> String {
        let data: Data
        do { data = try Data(contentsOf: file) } catch { throw UserCreationError(description: "cannot read \(file.path)") }
        let components = try await AppComponents.make(config)
        do {
            return try await components.searchWords.importFile(data, source: "import")?.description ?? ""
        } catch let error as AppError {
            let problems = error.errors.map { "\($0.field): \($0.code)" }
            throw UserCreationError(
                description: "\(file.lastPathComponent): " + (problems.isEmpty ? error.code : problems.joined(separator: "; ")))
        }
    }

    /// Loads the starter synonyms into a database that never had them (with or without the demo).
    static func loadStarterSynonyms(_ components: AppComponents, output: @Sendable (String) -> Void) async {
        let file = components.config.starterSynonymsFile
        guard let data = try? Data(contentsOf: file) else {
            if (try? await components.searchWords.store.seeded()) == false {
                output("No starter synonyms at \(file.path); search starts without synonyms.")
            }
            return
        }
        do {
            if let summary = try await components.searchWords.importFile(data, source: "starter", onlyOnce: true) {
                output("Loaded the starter synonyms (\(file.lastPathComponent)): \(summary).")
            }
        } catch {
            output("The starter synonyms at \(file.path) were not loaded: \(error)")
        }
    }

    /// Writes the whole catalogue to a file in the project's own format.
    public static func exportCatalogue(_ config: AppConfiguration, file: URL) async throws {
        let components = try await AppComponents.make(config)
        try await components.catalogueExchange.exportFile().write(to: file, options: .atomic)
    }

    /// A consistent copy of the database while the server may be serving.
    public static func backup(_ config: AppConfiguration, to file: URL) throws {
        guard FileManager.default.fileExists(atPath: config.databasePath.path) else {
            throw UserCreationError(description: "no database at \(config.databasePath.path)")
        }
        try AppDatabase.openWithoutMigrating(path: config.databasePath).backup(to: file)
    }
}
