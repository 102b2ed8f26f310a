import Foundation
import Testing

@testable import App

@Suite("Configuration")
struct ConfigurationTests {
    @Test func flagsWinOverEnvironmentWhichWinsOverDefaults() throws {
        let defaults = try AppConfiguration.resolve(flags: [:], environment: [:])
        #expect(defaults.port == 8080 && defaults.host == "127.0.0.1" && defaults.sessionIdleTimeout == 8 * 3600)
        #expect(defaults.baseURL.absoluteString == "http://localhost:8080" && defaults.mailTransport == .file)
        #expect(defaults.masterKeyFile.path.hasSuffix("data/master.key"))
        #expect(defaults.httpIdleTimeout == 60)
        #expect(try AppConfiguration.resolve(flags: [.httpIdleTimeout: "2s"], environment: [:]).httpIdleTimeout == 2)
        #expect(defaults.socketFrameRate == 20)
        #expect(defaults.socketIdleTimeout == 90)
        #expect(try AppConfiguration.resolve(flags: [.socketIdleTimeout: "2m"], environment: [:]).socketIdleTimeout == 120)
        #expect(try AppConfiguration.resolve(flags: [:], environment: ["OHJAUSTILA_SOCKET_FRAME_RATE": "500"]).socketFrameRate == 500)

        let env = ["OHJAUSTILA_PORT": "9000", "OHJAUSTILA_SESSION_IDLE_TIMEOUT": "30m", "OHJAUSTILA_LOG_LEVEL": "debug"]
        let fromEnv = try AppConfiguration.resolve(flags: [:], environment: env)
        #expect(fromEnv.port == 9000 && fromEnv.sessionIdleTimeout == 1800 && fromEnv.logLevel == .debug)
        #expect(fromEnv.baseURL.absoluteString == "http://localhost:9000")

        let fromFlags = try AppConfiguration.resolve(flags: [.port: "9100", .sessionLifetime: "2d"], environment: env)
        #expect(fromFlags.port == 9100 && fromFlags.sessionLifetime == 2 * 86400 && fromFlags.sessionIdleTimeout == 1800)
        let https = try AppConfiguration.resolve(flags: [.baseURL: "https://tila.example.fi/"], environment: [:])
        #expect(https.isHTTPS && https.origin == "https://tila.example.fi")
    }

    @Test(arguments: [
        ([Setting.port: "eighty"], [String: String](), "--port"),
        ([:], ["OHJAUSTILA_PORT": "70000"], "OHJAUSTILA_PORT"),
        ([.baseURL: "ftp://x"], [:], "--base-url"),
        ([.baseURL: "https://x.fi/app"], [:], "--base-url"),
        ([.logLevel: "loud"], [:], "--log-level"),
        ([.sessionIdleTimeout: "-5m"], [:], "--session-idle-timeout"),
        ([:], ["OHJAUSTILA_SESSION_LIFETIME": "forever"], "OHJAUSTILA_SESSION_LIFETIME"),
        ([.mailTransport: "pigeon"], [:], "--mail-transport"),
        ([.mailTransport: "smtp"], [:], "OHJAUSTILA_SMTP_HOST"),
        ([.tlsCertificate: "/no/such/file.pem"], [:], "--tls-certificate"),
        ([.trustForwardedFor: "maybe"], [:], "--trust-forwarded-for"),
        ([:], ["OHJAUSTILA_HTTP_IDLE_TIMEOUT": "0"], "OHJAUSTILA_HTTP_IDLE_TIMEOUT"),
        ([.socketFrameRate: "0"], [:], "--socket-frame-rate"),
        ([:], ["OHJAUSTILA_SOCKET_IDLE_TIMEOUT": "never"], "OHJAUSTILA_SOCKET_IDLE_TIMEOUT"),
    ])
    func aBadSettingIsNamedInOneLine(flags: [Setting: String], environment: [String: String], named: String) throws {
        do {
            _ = try AppConfiguration.resolve(flags: flags, environment: environment)
            Issue.record("expected an error naming \(named)")
        } catch {
            #expect(error.setting == named)
            #expect(error.description.hasPrefix("invalid setting \(named)"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func aBrokenMasterKeyFileStopsStartUp() async throws {
        try await withTemporaryDirectory { dir in
            let keyFile = dir.appending(path: "master.key")
            try "not a key".write(to: keyFile, atomically: true, encoding: .utf8)
            let (clock, _) = AppClock.manual()
            var config = try AppConfiguration.testing(dataDir: dir, clock: clock)
            config.masterKeyFile = keyFile
            await #expect(throws: MasterKey.Failure.self) { _ = try await AppComponents.make(config) }
        }
    }
}
