import Foundation
import Synchronization
import Testing

@testable import App

/// A transport that fails a given number of times, then records what it delivers.
final class RecordingTransport: MailTransport {
    let failures: Mutex<Int>
    let permanent: Bool
    let delivered = Mutex<[RenderedMail]>([])
    let attempts = Mutex<[String]>([])

    init(failFirst: Int = 0, permanent: Bool = false) {
        failures = Mutex(failFirst)
        self.permanent = permanent
    }

    func send(_ message: RenderedMail) async throws {
        attempts.withLock { $0.append(MailParsing.header("Message-ID", in: message.data) ?? "") }
        let fail = failures.withLock { n in
            defer { n -= 1 }
            return n > 0
        }
        if fail { throw MailSendError(permanent: permanent, reason: "test") }
        delivered.withLock { $0.append(message) }
    }
}

@Suite("Mail outbox")
struct MailTests {
    func runner(_ env: TestEnv, _ transport: any MailTransport) -> MailRunner {
        MailRunner(
            store: env.components.mailStore, transport: transport, from: "Ohjaustila <no-reply@tila.example.fi>", clock: env.config.clock,
            wakeup: MailWakeup(), logger: env.components.logger, retention: 86400)
    }

    func queueResetMail(_ env: TestEnv) async throws {
        try await env.user("aino@example.fi")
        #expect(try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": "aino@example.fi"]).status == .accepted)
        await env.components.auth.background.drain()
    }

    @Test func aFailedSendIsRetriedWithBackOffAndTheSameMessageId() async throws {
        try await TestEnv.run { env in
            try await queueResetMail(env)
            let transport = RecordingTransport(failFirst: 2)
            let r = runner(env, transport)
            #expect(try await r.sendOne())
            #expect(try await !r.sendOne())  // not due yet
            env.time.advance(by: 6)
            #expect(try await r.sendOne())
            #expect(try await !r.sendOne())
            env.time.advance(by: 11)
            #expect(try await r.sendOne())
            let delivered = transport.delivered.withLock { $0 }
            #expect(delivered.count == 1)
            let ids = transport.attempts.withLock { $0 }
            #expect(ids.count == 3 && Set(ids).count == 1 && ids[0].hasSuffix("@tila.example.fi>"))
            let message = try #require(delivered.first)
            #expect(message.recipient == "aino@example.fi" && message.envelopeFrom == "no-reply@tila.example.fi")
            #expect(MailParsing.body(message.data).contains("/reset-password#token="))
            env.time.advance(by: 3600)
            #expect(try await !r.sendOne())  // sent means done
            let body = try await env.components.db.writer.read { db in try String.fetchOne(db, sql: "SELECT body_text FROM mail_outbox") }
            #expect(body == "")  // the link's token does not stay at rest
        }
    }

    @Test func aMailInFlightAtACrashIsSentAgainAfterItsLeaseAndNothingElseRepeats() async throws {
        try await TestEnv.run { env in
            try await queueResetMail(env)
            try await env.user("other@example.fi")
            _ = try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": "other@example.fi"])
            await env.components.auth.background.drain()
            // "Crash": the first mail is claimed and never marked sent.
            let claimed = try #require(try await env.components.mailStore.claimNext(now: env.config.clock.now, lease: 120))
            let transport = RecordingTransport()
            let r = runner(env, transport)
            #expect(try await r.sendOne())  // the other mail goes out
            #expect(try await !r.sendOne())  // the leased one waits
            env.time.advance(by: 121)
            #expect(try await r.sendOne())
            #expect(try await !r.sendOne())
            let delivered = transport.delivered.withLock { $0 }
            #expect(delivered.map(\.recipient).sorted() == ["aino@example.fi", "other@example.fi"])
            #expect(delivered.last?.id == claimed.mail.id)
        }
    }

    @Test func aPermanentRefusalIsNotRetried() async throws {
        try await TestEnv.run { env in
            try await queueResetMail(env)
            let transport = RecordingTransport(failFirst: 1, permanent: true)
            let r = runner(env, transport)
            #expect(try await r.sendOne())
            env.time.advance(by: 86400)
            #expect(try await !r.sendOne())
            let status = try await env.components.db.writer.read { db in try String.fetchOne(db, sql: "SELECT status FROM mail_outbox") }
            #expect(status == "failed")
        }
    }

    @Test func queuedMailSurvivesARestart() async throws {
        try await withTemporaryDirectory { dir in
            let (clock, _) = AppClock.manual()
            var config = try AppConfiguration.testing(dataDir: dir, clock: clock)
            config.mailTransport = .smtp
            config.smtpHost = "127.0.0.1"
            config.smtpPort = 1
            let first = try await AppComponents.make(config)
            let user = UserRecord(
                id: "u1", email: "aino@example.fi", emailNormalized: "aino@example.fi", displayName: "Aino", language: "sv",
                passwordHash: nil, isPlatformAdmin: false, createdAt: 0, updatedAt: 0)
            try await DemoStore(db: first.db).seed(organizations: [], users: [(user, nil, nil)], now: clock.now)
            try await first.auth.requestReset(PasswordResetRequestInput(email: "aino@example.fi"), address: "test")
            await first.auth.background.drain()
            // A new process on the same data directory sends it.
            let second = try await AppComponents.make(config)
            let transport = RecordingTransport()
            let runner = MailRunner(
                store: second.mailStore, transport: transport, from: config.mailFrom, clock: clock, wakeup: MailWakeup(),
                logger: second.logger, retention: 86400)
            #expect(try await runner.sendOne())
            let message = try #require(transport.delivered.withLock { $0.first })
            #expect(message.data.contains("Subject: " + "Byt lösenord – Ohjaustila".asEncodedWord))
            #expect(message.data.contains("Content-Transfer-Encoding: base64"))
        }
    }

    @Test func theFileTransportWritesOneFilePerMailEvenWhenRepeated() async throws {
        try await withTemporaryDirectory { dir in
            let mail = OutgoingMail(
                id: "m1", recipient: "a@example.fi", subject: "Hei", body: ".line starting with a dot\nÄäkkösiä", createdAt: Date())
            let rendered = MailRenderer.render(mail, from: "Ohjaustila <no-reply@x.fi>", messageId: "<m1@x.fi>", language: "fi")
            let transport = FileMailTransport(directory: dir)
            try await transport.send(rendered)
            try await transport.send(rendered)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            #expect(files.count == 1)
            let text = try String(contentsOf: dir.appending(path: files[0]), encoding: .utf8)
            #expect(MailParsing.body(text) == ".line starting with a dot\r\nÄäkkösiä")
            #expect(SMTPMailTransport.dotStuffed("a\r\n.b\r\n") == "a\r\n..b")
        }
    }

    /// The runner sleeps between polls until a mail is queued: a wait that was given up (its sleep
    /// ran out first) must not make later waits return at once, or the runner would spin.
    @Test func theWakeupBlocksUntilSignalledAlsoAfterAnAbandonedWait() async throws {
        let wakeup = MailWakeup()
        for _ in 0..<3 {
            // The timer wins: the wait is cancelled.
            let woken = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(30))
                    return false
                }
                group.addTask {
                    await wakeup.wait()
                    return !Task.isCancelled
                }
                let first = await group.next() ?? true
                group.cancelAll()
                return first
            }
            #expect(!woken)
        }
        // A signal given before the wait is kept; one given during it wakes it.
        wakeup.signal()
        await wakeup.wait()
        let waiter = Task { await wakeup.wait() }
        try await Task.sleep(for: .milliseconds(30))
        wakeup.signal()
        await waiter.value
    }
}
