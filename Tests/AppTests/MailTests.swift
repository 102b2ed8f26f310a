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
        try await env.components.runResetRequests()
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
            let job = try #require(try await env.components.mailStore.jobs().first)
            #expect(job.state == .done && job.payload == "{}")  // the link's token does not stay at rest
            #expect(ids[0] == "<\(job.key)@tila.example.fi>")  // the job's idempotency key is the Message-ID's
        }
    }

    @Test func aMailInFlightAtACrashIsSentAgainAfterItsLeaseAndNothingElseRepeats() async throws {
        try await TestEnv.run { env in
            try await queueResetMail(env)
            try await env.user("other@example.fi")
            _ = try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": "other@example.fi"])
            try await env.components.runResetRequests()
            // "Crash": the first mail is claimed and never marked sent.
            let jobs = JobStore(db: env.components.db)
            let claimed = try #require(try await jobs.claimNext(kinds: ["mail"], now: env.config.clock.now, lease: 120, owner: "crashed"))
            let transport = RecordingTransport()
            let r = runner(env, transport)
            #expect(try await r.sendOne())  // the other mail goes out
            #expect(try await !r.sendOne())  // the leased one waits
            env.time.advance(by: 121)
            #expect(try await r.sendOne())
            #expect(try await !r.sendOne())
            let delivered = transport.delivered.withLock { $0 }
            #expect(delivered.map(\.recipient).sorted() == ["aino@example.fi", "other@example.fi"])
            #expect(delivered.last?.id == claimed.key)
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
            let job = try #require(try await env.components.mailStore.jobs().first)
            #expect(job.state == .dead && job.attempts == 1 && job.lastError == "test" && job.payload == "{}")
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
            try await first.runResetRequests()
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

    /// The outbox of a database from before the job table: its rows become mail jobs.
    @Test func theOldOutboxMovesIntoJobs() async throws {
        try await withTemporaryDirectory { dir in
            let all = try FileManager.default.contentsOfDirectory(atPath: repoRoot.appending(path: "Migrations").path).sorted()
            let migrations = dir.appending(path: "migrations")
            try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
            for name in all where name.hasSuffix(".sql") && name < "0006" {
                try FileManager.default.copyItem(
                    at: repoRoot.appending(path: "Migrations/\(name)"), to: migrations.appending(path: name))
            }
            let path = dir.appending(path: "old.sqlite")
            let old = try AppDatabase.open(path: path, migrationsDir: migrations)
            try await old.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO mail_outbox (id, message_id, recipient, subject, body_text, status, attempts, created_at, due_at,
                            locked_until, sent_at, last_error)
                        VALUES ('m1', 'm1', 'a@example.fi', 'Hei', 'linkki', 'pending', 2, 1000, 5000, 9000, NULL, 'smtp.421'),
                               ('m2', 'm2', 'b@example.fi', 'Hej', '', 'sent', 1, 2000, 2000, NULL, 3000, NULL),
                               ('m3', 'm3', 'c@example.fi', 'Hi', '', 'failed', 30, 3000, 3000, NULL, NULL, 'smtp.550')
                        """)
            }
            try old.writer.close()
            for name in all where name.hasSuffix(".sql") && name >= "0006" {
                try FileManager.default.copyItem(
                    at: repoRoot.appending(path: "Migrations/\(name)"), to: migrations.appending(path: name))
            }
            let new = try AppDatabase.open(path: path, migrationsDir: migrations)
            let jobs = try await MailStore(db: new).jobs()
            #expect(jobs.map(\.key) == ["m1", "m2", "m3"])
            #expect(jobs.map(\.state) == [.pending, .done, .dead])
            let pending = jobs[0]
            #expect(pending.dueAt == Date(millis: 9000) && pending.attempts == 2 && pending.maxAttempts == MailStore.maxAttempts)
            let job = try #require(
                try await JobStore(db: new).claimNext(kinds: ["mail"], now: Date(millis: 9000), lease: 60, owner: "t"))
            let mail = try job.input(as: MailJobInput.self).mail
            #expect(mail.id == "m1" && mail.recipient == "a@example.fi" && mail.body == "linkki" && mail.createdAt == Date(millis: 1000))
            #expect(jobs[1].finishedAt == Date(millis: 3000) && jobs[1].payload == "{}" && jobs[2].lastError == "smtp.550")
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
