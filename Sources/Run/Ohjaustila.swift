import App
import ArgumentParser
import Foundation
import Logging

@main
struct Ohjaustila: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ohjaustila",
        abstract: "Guidance spaces and the regional service catalogue for employment and work-ability services.",
        subcommands: [Serve.self, Migrate.self, ImportCommand.self, ExportCommand.self, UserCommand.self, Backup.self]
    )
}

/// Settings every command takes. Each also reads OHJAUSTILA_<NAME>; a flag wins over the variable.
struct StorageOptions: ParsableArguments {
    @Option(help: "Folder of the database, master key and mail files (OHJAUSTILA_DATA_DIR; default ./data).")
    var dataDir: String?
    @Option(help: "Folder of the numbered .sql migrations (OHJAUSTILA_MIGRATIONS_DIR; default ./Migrations).")
    var migrationsDir: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical (OHJAUSTILA_LOG_LEVEL; default info).")
    var logLevel: String?
    @Option(help: "File of the master key that wraps file keys (OHJAUSTILA_MASTER_KEY_FILE; default <data-dir>/master.key).")
    var masterKeyFile: String?

    var flags: [Setting: String] {
        var f: [Setting: String] = [:]
        f[.dataDir] = dataDir
        f[.migrationsDir] = migrationsDir
        f[.logLevel] = logLevel
        f[.masterKeyFile] = masterKeyFile
        return f
    }
}

/// Resolves the configuration or stops with one line naming the bad setting.
func resolve(_ flags: [Setting: String], demo: Bool = false) throws -> AppConfiguration {
    FilePermissions.restrictNewFiles()
    do {
        let config = try AppConfiguration.resolve(flags: flags, demo: demo)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = config.logLevel
            return handler
        }
        return config
    } catch {
        FileHandle.standardError.write(Data("ohjaustila: \(error.description)\n".utf8))
        throw ExitCode(78)  // EX_CONFIG
    }
}

/// Runs `body`, turning known failures into one clear line and exit code 1.
func reporting<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ValidationError {
        throw error
    } catch let error as any CustomStringConvertible & Error {
        FileHandle.standardError.write(Data("ohjaustila: \(error.description)\n".utf8))
        throw ExitCode.failure
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate the database and serve HTTP (and WebSocket) until SIGTERM.")

    @OptionGroup var storage: StorageOptions
    @Option(help: "Address to listen on (OHJAUSTILA_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (OHJAUSTILA_PORT; default 8080).") var port: String?
    @Option(
        help:
            "Public base URL; its origin is the only one accepted for browser writes (OHJAUSTILA_BASE_URL; default http://localhost:<port>)."
    )
    var baseURL: String?
    @Option(help: "Sign-out after this long without use, e.g. 30m, 8h (OHJAUSTILA_SESSION_IDLE_TIMEOUT; default 8h).")
    var sessionIdleTimeout: String?
    @Option(help: "Longest life of a session, e.g. 14d (OHJAUSTILA_SESSION_LIFETIME; default 14d).") var sessionLifetime: String?
    @Option(help: "file or smtp (OHJAUSTILA_MAIL_TRANSPORT; default file: .eml files under <data-dir>/mail).") var mailTransport: String?
    @Option(help: "Sender of e-mails, e.g. 'Ohjaustila <no-reply@example.fi>' (OHJAUSTILA_MAIL_FROM).") var mailFrom: String?
    @Option(help: "SMTP server (OHJAUSTILA_SMTP_HOST).") var smtpHost: String?
    @Option(help: "SMTP port (OHJAUSTILA_SMTP_PORT; default 587, or 465 with --smtp-security tls).") var smtpPort: String?
    @Option(help: "starttls, tls or none (OHJAUSTILA_SMTP_SECURITY; default starttls).") var smtpSecurity: String?
    @Option(help: "SMTP user for AUTH PLAIN (OHJAUSTILA_SMTP_USERNAME).") var smtpUsername: String?
    @Option(help: "SMTP password; prefer the variable OHJAUSTILA_SMTP_PASSWORD.") var smtpPassword: String?
    @Option(help: "PEM file of CA certificates to trust for SMTP (OHJAUSTILA_SMTP_CA_FILE; default the system's).") var smtpCaFile: String?
    @Option(help: "Closed spaces are erased after this long (OHJAUSTILA_CLOSED_SPACE_RETENTION; default 365d).")
    var closedSpaceRetention: String?
    @Option(help: "Sent e-mails are forgotten after this long (OHJAUSTILA_SENT_MAIL_RETENTION; default 30d).") var sentMailRetention:
        String?
    @Option(help: "Security events are deleted after this long (OHJAUSTILA_SECURITY_EVENT_RETENTION; default 365d).")
    var securityEventRetention: String?
    @Option(help: "Records of who read a client's space are deleted after this long (OHJAUSTILA_ACCESS_LOG_RETENTION; default 730d).")
    var accessLogRetention: String?
    @Option(help: "A claimed background job is leased this long; after a crash it runs again then (OHJAUSTILA_JOB_LEASE; default 120s).")
    var jobLease: String?
    @Option(help: "Finished background jobs other than mail are forgotten after this long (OHJAUSTILA_JOB_RETENTION; default 7d).")
    var jobRetention: String?
    @Option(help: "The largest file a space accepts, in MiB (OHJAUSTILA_MAX_UPLOAD_MB; default 20).") var maxUploadMb: String?
    @Option(help: "Frames a second one WebSocket may send, twice that in a burst (OHJAUSTILA_SOCKET_FRAME_RATE; default 20).")
    var socketFrameRate: String?
    @Option(help: "Close a WebSocket that sends nothing for this long, e.g. 90s (OHJAUSTILA_SOCKET_IDLE_TIMEOUT; default 90s).")
    var socketIdleTimeout: String?
    @Option(
        help:
            "A client may cancel a meeting booked from a slot until this long before it, e.g. 24h (OHJAUSTILA_SLOT_CANCEL_NOTICE; default 24h)."
    )
    var slotCancelNotice: String?
    @Option(
        help:
            "Send unread messages by push and e-mail once they have waited this long, e.g. 5m (OHJAUSTILA_MESSAGE_ALERT_DELAY; default 5m)."
    )
    var messageAlertDelay: String?
    @Option(help: "Bearer token for /metrics; without it only loopback peers may read metrics. Prefer OHJAUSTILA_METRICS_TOKEN.")
    var metricsToken: String?
    @Option(help: "Folder of the web client (OHJAUSTILA_PUBLIC_DIR; default ./Public).") var publicDir: String?
    @Option(help: "Catalogue file the demo reads (OHJAUSTILA_DEMO_DATA; default ./DemoData/catalogue.json).") var demoData: String?
    @Option(
        help: "Synonyms a new database starts with, with or without --demo (OHJAUSTILA_STARTER_SYNONYMS; default ./DemoData/synonyms.json)."
    )
    var starterSynonyms: String?
    @Option(help: "PEM certificate chain: serve https directly (OHJAUSTILA_TLS_CERTIFICATE).") var tlsCertificate: String?
    @Option(help: "PEM private key of --tls-certificate (OHJAUSTILA_TLS_KEY).") var tlsKey: String?
    @Option(help: "Take the client address from X-Forwarded-For, behind a proxy (OHJAUSTILA_TRUST_FORWARDED_FOR; default false).")
    var trustForwardedFor: String?
    @Option(help: "Close an HTTP connection that sends no request for this long, e.g. 60s (OHJAUSTILA_HTTP_IDLE_TIMEOUT; default 60s).")
    var httpIdleTimeout: String?
    @Flag(help: "On an empty database, create demo organisations and one user per role, and print their sign-ins.")
    var demo = false

    func run() async throws {
        var flags = storage.flags
        let pairs: [(Setting, String?)] = [
            (.host, host), (.port, port), (.baseURL, baseURL), (.sessionIdleTimeout, sessionIdleTimeout),
            (.sessionLifetime, sessionLifetime), (.mailTransport, mailTransport), (.mailFrom, mailFrom), (.smtpHost, smtpHost),
            (.smtpPort, smtpPort), (.smtpSecurity, smtpSecurity), (.smtpUsername, smtpUsername), (.smtpPassword, smtpPassword),
            (.smtpCAFile, smtpCaFile), (.closedSpaceRetention, closedSpaceRetention), (.sentMailRetention, sentMailRetention),
            (.publicDir, publicDir), (.demoData, demoData), (.starterSynonyms, starterSynonyms), (.tlsCertificate, tlsCertificate),
            (.tlsKey, tlsKey),
            (.trustForwardedFor, trustForwardedFor), (.securityEventRetention, securityEventRetention), (.metricsToken, metricsToken),
            (.accessLogRetention, accessLogRetention),
            (.jobLease, jobLease), (.jobRetention, jobRetention), (.httpIdleTimeout, httpIdleTimeout), (.maxUploadMB, maxUploadMb),
            (.socketFrameRate, socketFrameRate), (.socketIdleTimeout, socketIdleTimeout), (.slotCancelNotice, slotCancelNotice),
            (.messageAlertDelay, messageAlertDelay),
        ]
        for (setting, value) in pairs { flags[setting] = value }
        let config = try resolve(flags, demo: demo)
        try await reporting {
            try await Commands.serve(config) { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and list them.")
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let config = try resolve(storage.flags)
        let (before, after) = try await reporting { try Commands.migrate(config) }
        let applied = after.filter { !before.contains($0) }
        print(applied.isEmpty ? "The database is up to date (\(after.count) migrations)." : "Applied: " + applied.joined(separator: ", "))
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage accounts.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account. No organisation and no role makes a client.",
            discussion: "The password is read from standard input (one line), so it stays out of the shell history.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "E-mail address (the sign-in name).") var email: String
        @Option(help: "Display name.") var name: String
        @Flag(help: "Read the password from standard input (required).") var passwordStdin = false
        @Option(help: "Organisation id for --role.") var organization: String?
        @Option(help: "expert, contentProducer, serviceProvider, approver or orgAdmin.") var role: String?
        @Flag(help: "Make the account a platform admin.") var platformAdmin = false

        func validate() throws {
            guard passwordStdin else { throw ValidationError("give --password-stdin and the password on standard input") }
        }

        func run() async throws {
            let config = try resolve(storage.flags)
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("no password on standard input")
            }
            let id = try await reporting {
                try await Commands.createUser(
                    config, email: email, name: name, password: password, organizationId: organization, role: role,
                    platformAdmin: platformAdmin)
            }
            print("Created user \(id)")
        }
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a consistent copy of the database to FILE, also while serving.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The new backup file.") var file: String

    func run() async throws {
        let config = try resolve(storage.flags)
        try await reporting { try Commands.backup(config, to: URL(filePath: file)) }
        print("Backup written to \(file)")
    }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import data.", subcommands: [Catalogue.self, Synonyms.self])

    struct Synonyms: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synonyms",
            abstract: "Merge a synonyms file (the shape of DemoData/synonyms.json) into the search's synonyms.",
            discussion: """
                The whole file is checked first; on any problem nothing is written and every problem is listed with its \
                JSON path. An expansion joins the stored one of the same word, a group the stored group that shares a word; \
                importing the same file again changes nothing.
                """)
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The synonyms JSON file.") var file: String

        func run() async throws {
            let config = try resolve(storage.flags)
            let summary = try await reporting { try await Commands.importSynonyms(config, file: URL(filePath: file)) }
            print("Synonyms: \(summary)")
        }
    }

    struct Catalogue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "catalogue",
            abstract: "Import a catalogue file in the project's own JSON format (docs/catalogue-format.md).",
            discussion: """
                The whole file is checked first; on any problem nothing is written and every problem is listed with its \
                JSON path. Importing the same file again changes nothing; a changed file updates services in place.
                """)
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The catalogue JSON file.") var file: String

        func run() async throws {
            let config = try resolve(storage.flags)
            let summary = try await reporting { try await Commands.importCatalogue(config, file: URL(filePath: file)) }
            print(summary)
        }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export data.", subcommands: [Catalogue.self])

    struct Catalogue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "catalogue", abstract: "Write the whole catalogue to FILE in the project's own JSON format.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "own: the project's own format (the one import reads).") var format: String = "own"
        @Argument(help: "The file to write.") var file: String

        func validate() throws {
            guard format == "own" else { throw ValidationError("--format: only 'own' is available in this version") }
        }

        func run() async throws {
            let config = try resolve(storage.flags)
            try await reporting { try await Commands.exportCatalogue(config, file: URL(filePath: file)) }
            print("Catalogue written to \(file)")
        }
    }
}
