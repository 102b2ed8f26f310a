import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// The repository root, found from this file's path.
let repoRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let testOrigin = "http://localhost:8080"
/// The origin of a live test server: a WebSocket client derives its Origin header from the address it
/// connects to (`http://localhost:<port>` gives `http://localhost`, without the port).
let liveOrigin = "http://localhost"

extension AppConfiguration {
    /// A configuration for one test: its own data directory, a manual clock, cheap Argon2 memory.
    static func testing(dataDir: URL, clock: AppClock, baseURL: String = testOrigin) throws -> AppConfiguration {
        var config = try AppConfiguration.resolve(
            flags: [
                .dataDir: dataDir.path, .baseURL: baseURL, .migrationsDir: repoRoot.appending(path: "Migrations").path,
                .publicDir: repoRoot.appending(path: "Public").path, .demoData: repoRoot.appending(path: "DemoData/catalogue.json").path,
                .ptvMapping: repoRoot.appending(path: "DemoData/ptv-mapping.json").path,
                .logLevel: "warning",
            ], environment: [:])
        config.clock = clock
        config.passwordMemoryKiB = 64
        config.runsBackgroundServices = false
        return config
    }
}

/// A temporary directory removed after the test.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appending(path: "ohjaustila-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try await body(dir)
}

/// One test's server: its own database, clock and HTTP client.
struct TestEnv: Sendable {
    let components: AppComponents
    let client: any TestClientProtocol
    let time: ManualTime
    /// The origin that the server accepts (`testOrigin`, or `liveOrigin` over a real socket).
    var origin = testOrigin
    var config: AppConfiguration { components.config }

    static let orgA = "org-a", orgB = "org-b"
    static let password = "correct horse battery"

    /// Builds a new app in a new directory, with two organisations, and runs `body` against it: through
    /// the router (or another `setup`), or with `live` over a real socket whose origin is `liveOrigin`
    /// (HTTP and WebSocket; `client.port` is set).
    static func run(
        _ setup: TestingSetup = .router,
        live: Bool = false,
        adjust: @Sendable (inout AppConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestEnv) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { dir in
            let (clock, time) = AppClock.manual(start: Date(timeIntervalSince1970: 1_790_000_000))
            var config = try AppConfiguration.testing(dataDir: dir, clock: clock, baseURL: live ? liveOrigin : testOrigin)
            adjust(&config)
            let components = try await AppComponents.make(config)
            let app = try buildApplication(components)
            for (id, name) in [(orgA, "Organisaatio A"), (orgB, "Organisaatio B")] {
                try await DemoStore(db: components.db).seed(
                    organizations: [
                        (
                            OrganizationRecord(
                                id: id, nameFi: name, nameSv: nil, nameEn: nil, sector: "public", kind: "kunta", createdAt: 0, updatedAt: 0),
                            ["091"]
                        )
                    ], users: [], now: clock.now)
            }
            try await app.test(live ? .live : setup) { client in
                try await body(TestEnv(components: components, client: client, time: time, origin: live ? liveOrigin : testOrigin))
            }
        }
    }

    /// Creates an account directly; returns its id.
    @discardableResult
    func user(
        _ email: String, password: String = TestEnv.password, org: String? = nil, role: Role? = nil, platformAdmin: Bool = false,
        language: Language = .fi
    ) async throws -> String {
        let now = config.clock.now.millis
        let record = UserRecord(
            id: config.ids.next(), email: email, emailNormalized: Input.normalizeEmail(email), displayName: "User \(email)",
            language: language.rawValue, passwordHash: try await components.auth.passwords.hash(password), isPlatformAdmin: platformAdmin,
            createdAt: now, updatedAt: now)
        try await DemoStore(db: components.db).seed(organizations: [], users: [(record, org, role)], now: config.clock.now)
        return record.id
    }

    /// Signs in and returns the session token from the cookie.
    func login(_ email: String, password: String = TestEnv.password) async throws -> String {
        let response = try await request(.post, "/api/v1/auth/login", json: ["email": email, "password": password])
        #expect(response.status == .ok)
        guard let token = sessionToken(response) else {
            Issue.record("no session cookie")
            return ""
        }
        return token
    }

    func sessionToken(_ response: TestResponse) -> String? {
        for cookie in response.headers[values: .setCookie] {
            if cookie.hasPrefix("session="), let value = cookie.dropFirst(8).split(separator: ";").first, !value.isEmpty {
                return String(value)
            }
        }
        return nil
    }

    /// A request as the browser sends it: session cookie and same-origin headers.
    func request(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: Any? = nil, body: String? = nil,
        headers extra: HTTPFields = [:], origin: String? = testOrigin
    ) async throws -> TestResponse {
        var headers = extra
        // The default origin is this server's own, whichever way it runs.
        let origin = origin == testOrigin ? self.origin : origin
        if let token { headers[.cookie] = "session=\(token)" }
        if let origin, method != .get { headers[.origin] = origin }
        var buffer: ByteBuffer?
        if let json {
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
            headers[.contentType] = "application/json"
        } else if let body {
            buffer = ByteBuffer(string: body)
            headers[.contentType] = "application/json"
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: buffer)
    }

    /// Every `.eml` the file transport wrote, oldest first.
    func mails() throws -> [String] {
        let dir = config.mailDir
        guard FileManager.default.fileExists(atPath: dir.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".eml") }.sorted()
            .map { try String(contentsOf: dir.appending(path: $0), encoding: .utf8) }
    }

    /// Sends every due mail now (instead of waiting for the background runner).
    func flushMail() async throws {
        let runner = JobRunner(
            store: JobStore(db: components.db), handlers: components.jobHandlers(transport: FileMailTransport(directory: config.mailDir)),
            clock: config.clock, wakeup: MailWakeup(), logger: components.logger, lease: 120, retention: 86400)
        while try await runner.runOne() {}
    }

    /// The link of a given path in the newest mail to `recipient`, decoded from base64.
    func link(in recipient: String, path: String) throws -> String? {
        for mail in try mails().reversed() where mail.lowercased().contains("to: \(recipient.lowercased())") {
            return MailParsing.link(in: mail, path: path)
        }
        return nil
    }
}

enum MailParsing {
    /// The decoded text body of a message we wrote.
    static func body(_ mail: String) -> String {
        guard let split = mail.range(of: "\r\n\r\n") else { return "" }
        let encoded = mail[split.upperBound...].replacingOccurrences(of: "\r\n", with: "")
        return Data(base64Encoded: encoded).flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }

    static func link(in mail: String, path: String) -> String? {
        body(mail).split(whereSeparator: \.isWhitespace).map(String.init).first { $0.contains(path) }
    }

    static func token(in mail: String, path: String) -> String? {
        link(in: mail, path: path)?.components(separatedBy: "#token=").last
    }

    static func header(_ name: String, in mail: String) -> String? {
        mail.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
    }
}

extension TestResponse {
    func json() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    /// The stable `code` of a problem+json answer.
    var code: String? { (try? json())?["code"] as? String }

    func items() throws -> [[String: Any]] { (try json())["items"] as? [[String: Any]] ?? [] }
}

extension AppComponents {
    /// Runs the stored password-reset requests now (each queues its mail when the account exists).
    func runResetRequests() async throws {
        let runner = JobRunner(
            store: JobStore(db: db), handlers: [PasswordResetRequests(auth: auth)], clock: config.clock, wakeup: MailWakeup(),
            logger: logger, lease: 120, retention: 86400)
        while try await runner.runOne() {}
    }
}
