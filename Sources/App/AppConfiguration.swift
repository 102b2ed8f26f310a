import Foundation
import Logging

/// Every setting of the server. Resolved once at start-up: flags, then `OHJAUSTILA_*` environment
/// variables, then defaults. A bad value stops start-up with one line naming the setting.
public struct AppConfiguration: Sendable {
    public enum MailTransport: String, Sendable, CaseIterable { case file, smtp }
    public enum SMTPSecurity: String, Sendable, CaseIterable { case starttls, tls, none }

    public var dataDir: URL
    public var host: String
    public var port: Int
    public var baseURL: URL
    public var logLevel: Logger.Level
    public var sessionIdleTimeout: TimeInterval
    public var sessionLifetime: TimeInterval
    public var mailTransport: MailTransport
    public var mailFrom: String
    public var smtpHost: String
    public var smtpPort: Int
    public var smtpSecurity: SMTPSecurity
    public var smtpUsername: String?
    public var smtpPassword: String?
    public var smtpCAFile: URL?
    public var closedSpaceRetention: TimeInterval
    public var sentMailRetention: TimeInterval
    public var securityEventRetention: TimeInterval
    /// Records of who read a client's space are kept this long.
    public var accessLogRetention: TimeInterval
    /// When set, `/metrics` (every spelling of the path) needs `Authorization: Bearer <token>`; else loopback only.
    public var metricsToken: String?
    public var masterKeyFile: URL
    public var migrationsDir: URL
    public var publicDir: URL
    public var demoDataFile: URL
    /// The synonyms a new database starts with (`DemoData/synonyms.json`), loaded on first start with or without `--demo`.
    public var starterSynonymsFile: URL
    /// How the national service registry's codes map to the catalogue's (`--ptv-mapping`).
    public var ptvMappingFile: URL
    public var tlsCertificate: URL?
    public var tlsKey: URL?
    public var trustForwardedFor: Bool
    /// An HTTP connection with no request this long is closed: one that never completes its first request
    /// head, and a keep-alive connection between requests (not an upgraded WebSocket).
    public var httpIdleTimeout: TimeInterval
    public var demo: Bool
    /// How long a claimed job is leased; after a crash it runs again when its lease ends.
    public var jobLease: TimeInterval
    /// How long done and dead jobs are kept (mail: `sentMailRetention`).
    public var jobRetention: TimeInterval
    /// The largest file a space accepts, in MiB (multipart uploads are streamed, not collected).
    public var maxUploadMB: Int
    /// Frames a second one WebSocket may send (twice as many in a burst); more get `rate.limited`.
    public var socketFrameRate: Int
    /// A WebSocket that sends nothing for this long is closed (clients ping every 25 s).
    public var socketIdleTimeout: TimeInterval
    /// A client may cancel a meeting they booked from a slot until this long before it starts.
    public var slotCancelNotice: TimeInterval
    /// Unread messages go out by push and e-mail once they have waited this long unread.
    public var messageAlertDelay: TimeInterval
    /// Test-only: milliseconds the file mail transport waits per message, journalling each hand-over; 0 = off.
    public var testFileMailDelayMs: Int
    /// Test-only: push endpoints over http and on loopback or private addresses are accepted.
    public var testPushAllowLocal: Bool
    /// Tests replace these.
    public var clock: AppClock = .system
    public var ids = IDGenerator()
    /// Argon2id memory in KiB; tests lower it to keep suites fast.
    public var passwordMemoryKiB: UInt32 = 19 * 1024
    /// Tests that drive the mail outbox by hand turn the background runners off.
    public var runsBackgroundServices = true

    public var databasePath: URL { dataDir.appending(path: "ohjaustila.sqlite") }
    public var mailDir: URL { dataDir.appending(path: "mail") }
    public var filesDir: URL { dataDir.appending(path: "files") }
    /// The VAPID key pair of Web Push (generated on first start).
    public var vapidKeyFile: URL { dataDir.appending(path: "vapid.key") }
    public var maxUploadBytes: Int64 { Int64(maxUploadMB) * 1024 * 1024 }
    public var isHTTPS: Bool { baseURL.scheme == "https" }
    /// The origin (`scheme://host[:port]`) that browsers' Origin headers must match.
    public var origin: String {
        var s = "\(baseURL.scheme ?? "http")://\(baseURL.host ?? "localhost")"
        if let port = baseURL.port { s += ":\(port)" }
        return s
    }
}

/// A setting that could not be used. `description` is the one line printed at start-up.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let setting: String
    public let value: String
    public let expected: String
    public var description: String { "invalid setting \(setting)=\"\(value)\": expected \(expected)" }
}

/// Names of the settings, as flags (`--data-dir`) and environment variables (`OHJAUSTILA_DATA_DIR`).
public enum Setting: String, CaseIterable, Sendable {
    case dataDir = "data-dir"
    case host, port
    case baseURL = "base-url"
    case logLevel = "log-level"
    case sessionIdleTimeout = "session-idle-timeout"
    case sessionLifetime = "session-lifetime"
    case mailTransport = "mail-transport"
    case mailFrom = "mail-from"
    case smtpHost = "smtp-host"
    case smtpPort = "smtp-port"
    case smtpSecurity = "smtp-security"
    case smtpUsername = "smtp-username"
    case smtpPassword = "smtp-password"
    case smtpCAFile = "smtp-ca-file"
    case closedSpaceRetention = "closed-space-retention"
    case sentMailRetention = "sent-mail-retention"
    case securityEventRetention = "security-event-retention"
    case accessLogRetention = "access-log-retention"
    case metricsToken = "metrics-token"
    case masterKeyFile = "master-key-file"
    case migrationsDir = "migrations-dir"
    case publicDir = "public-dir"
    case demoData = "demo-data"
    case starterSynonyms = "starter-synonyms"
    case ptvMapping = "ptv-mapping"
    case tlsCertificate = "tls-certificate"
    case tlsKey = "tls-key"
    case trustForwardedFor = "trust-forwarded-for"
    case httpIdleTimeout = "http-idle-timeout"
    case jobLease = "job-lease"
    case jobRetention = "job-retention"
    case maxUploadMB = "max-upload-mb"
    case socketFrameRate = "socket-frame-rate"
    case socketIdleTimeout = "socket-idle-timeout"
    case slotCancelNotice = "slot-cancel-notice"
    case messageAlertDelay = "message-alert-delay"
    /// Test-only: milliseconds the file mail transport waits per message (crash tests kill it mid-way).
    case testFileMailDelayMs = "test-file-mail-delay-ms"
    /// Test-only: accept push endpoints on loopback over http (the push tests' local endpoint).
    case testPushAllowLocal = "test-push-allow-local"

    public var environmentName: String { "OHJAUSTILA_" + rawValue.uppercased().replacingOccurrences(of: "-", with: "_") }
}

extension AppConfiguration {
    /// Resolves every setting. `flags` holds the values given on the command line, by setting.
    public static func resolve(
        flags: [Setting: String],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        demo: Bool = false
    ) throws(ConfigurationError) -> AppConfiguration {
        let r = Resolver(flags: flags, environment: environment)
        let dataDir = URL(filePath: r.string(.dataDir) ?? "./data", directoryHint: .isDirectory).standardizedFileURL
        let port = try r.integer(.port, default: 8080, range: 1...65535)
        let host = r.string(.host) ?? "127.0.0.1"
        let baseURL = try r.url(.baseURL) ?? URL(string: "http://localhost:\(port)")!
        let mailTransport: MailTransport = try r.choice(.mailTransport, default: .file)
        let smtpHost = r.string(.smtpHost) ?? ""
        if mailTransport == .smtp && smtpHost.isEmpty {
            throw ConfigurationError(
                setting: Setting.smtpHost.environmentName, value: "", expected: "a host name when the mail transport is smtp")
        }
        let smtpSecurity: SMTPSecurity = try r.choice(.smtpSecurity, default: .starttls)
        let certificate = try r.file(.tlsCertificate)
        let key = try r.file(.tlsKey)
        if (certificate == nil) != (key == nil) {
            let missing: Setting = certificate == nil ? .tlsCertificate : .tlsKey
            throw ConfigurationError(
                setting: "--\(missing.rawValue)", value: "", expected: "both --tls-certificate and --tls-key, or neither")
        }
        let cwd = URL(filePath: FileManager.default.currentDirectoryPath, directoryHint: .isDirectory)
        return AppConfiguration(
            dataDir: dataDir,
            host: host,
            port: port,
            baseURL: baseURL,
            logLevel: try r.choice(.logLevel, default: .info),
            sessionIdleTimeout: try r.duration(.sessionIdleTimeout, default: 8 * 3600),
            sessionLifetime: try r.duration(.sessionLifetime, default: 14 * 86400),
            mailTransport: mailTransport,
            mailFrom: r.string(.mailFrom) ?? "Ohjaustila <no-reply@\(baseURL.host ?? "localhost")>",
            smtpHost: smtpHost,
            smtpPort: try r.integer(.smtpPort, default: smtpSecurity == .tls ? 465 : 587, range: 1...65535),
            smtpSecurity: smtpSecurity,
            smtpUsername: r.string(.smtpUsername),
            smtpPassword: r.string(.smtpPassword),
            smtpCAFile: try r.file(.smtpCAFile),
            closedSpaceRetention: try r.duration(.closedSpaceRetention, default: 365 * 86400),
            sentMailRetention: try r.duration(.sentMailRetention, default: 30 * 86400),
            securityEventRetention: try r.duration(.securityEventRetention, default: 365 * 86400),
            accessLogRetention: try r.duration(.accessLogRetention, default: 730 * 86400),
            metricsToken: r.string(.metricsToken),
            masterKeyFile: r.string(.masterKeyFile).map { URL(filePath: $0) } ?? dataDir.appending(path: "master.key"),
            migrationsDir: URL(filePath: r.string(.migrationsDir) ?? cwd.appending(path: "Migrations").path, directoryHint: .isDirectory),
            publicDir: URL(filePath: r.string(.publicDir) ?? cwd.appending(path: "Public").path, directoryHint: .isDirectory),
            demoDataFile: URL(filePath: r.string(.demoData) ?? cwd.appending(path: "DemoData/catalogue.json").path),
            starterSynonymsFile: URL(filePath: r.string(.starterSynonyms) ?? cwd.appending(path: "DemoData/synonyms.json").path),
            ptvMappingFile: URL(filePath: r.string(.ptvMapping) ?? cwd.appending(path: "DemoData/ptv-mapping.json").path),
            tlsCertificate: certificate,
            tlsKey: key,
            trustForwardedFor: try r.bool(.trustForwardedFor, default: false),
            httpIdleTimeout: try r.duration(.httpIdleTimeout, default: 60),
            demo: demo,
            jobLease: try r.duration(.jobLease, default: 120),
            jobRetention: try r.duration(.jobRetention, default: 7 * 86400),
            maxUploadMB: try r.integer(.maxUploadMB, default: 20, range: 1...4096),
            socketFrameRate: try r.integer(.socketFrameRate, default: 20, range: 1...100_000),
            socketIdleTimeout: try r.duration(.socketIdleTimeout, default: 90),
            slotCancelNotice: try r.duration(.slotCancelNotice, default: 24 * 3600),
            messageAlertDelay: try r.duration(.messageAlertDelay, default: 300),
            testFileMailDelayMs: try r.integer(.testFileMailDelayMs, default: 0, range: 0...60000),
            testPushAllowLocal: try r.bool(.testPushAllowLocal, default: false)
        )
    }
}

/// Reads one setting at a time, remembering where it came from for the error line.
private struct Resolver {
    let flags: [Setting: String]
    let environment: [String: String]

    /// The raw value and the name to blame when it is bad.
    func raw(_ s: Setting) -> (value: String, name: String)? {
        if let v = flags[s] { return (v, "--\(s.rawValue)") }
        if let v = environment[s.environmentName], !v.isEmpty { return (v, s.environmentName) }
        return nil
    }

    func string(_ s: Setting) -> String? { raw(s)?.value }

    func integer(_ s: Setting, default d: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let (v, name) = raw(s) else { return d }
        guard let n = Int(v.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
            throw ConfigurationError(setting: name, value: v, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    func bool(_ s: Setting, default d: Bool) throws(ConfigurationError) -> Bool {
        guard let (v, name) = raw(s) else { return d }
        switch v.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(setting: name, value: v, expected: "true or false")
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ s: Setting, default d: T) throws(ConfigurationError) -> T where T.RawValue == String {
        guard let (v, name) = raw(s) else { return d }
        guard let c = T(rawValue: v.lowercased()) else {
            throw ConfigurationError(setting: name, value: v, expected: "one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return c
    }

    func url(_ s: Setting) throws(ConfigurationError) -> URL? {
        guard let (v, name) = raw(s) else { return nil }
        guard let u = URL(string: v), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil,
            u.path.isEmpty || u.path == "/", u.query == nil
        else {
            throw ConfigurationError(
                setting: name, value: v, expected: "an http or https URL with no path, such as https://ohjaustila.example.fi")
        }
        return URL(string: v.hasSuffix("/") ? String(v.dropLast()) : v)
    }

    func file(_ s: Setting) throws(ConfigurationError) -> URL? {
        guard let (v, name) = raw(s) else { return nil }
        guard FileManager.default.isReadableFile(atPath: v) else {
            throw ConfigurationError(setting: name, value: v, expected: "a readable file")
        }
        return URL(filePath: v)
    }

    /// "90", "90s", "15m", "8h", "14d".
    func duration(_ s: Setting, default d: TimeInterval) throws(ConfigurationError) -> TimeInterval {
        guard let (v, name) = raw(s) else { return d }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var text = v.trimmingCharacters(in: .whitespaces).lowercased()
        var unit = 1.0
        if let last = text.last, let u = units[last] {
            unit = u
            text.removeLast()
        }
        guard let n = Int(text), n > 0 else {
            throw ConfigurationError(setting: name, value: v, expected: "a positive duration such as 90s, 15m, 8h or 14d")
        }
        return Double(n) * unit
    }
}
