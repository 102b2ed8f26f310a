import Crypto
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Reminders as durable jobs, quiet hours, notification settings, message alerts, push
/// subscriptions and the client's "today", through the HTTP API. The test clock starts on
/// 2026-09-21 14:13:20 UTC (17:13 in Helsinki).
@Suite("Reminders and notification channels")
struct RemindersTests {
    /// A one-to-one space whose sessions outlive the days these tests move the clock by.
    static func withSpace(_ body: @Sendable (TestEnv, Person, Person, String) async throws -> Void) async throws {
        @Sendable func longSessions(_ config: inout AppConfiguration) { config.sessionIdleTimeout = 60 * 86400 }
        try await TestEnv.run(adjust: longSessions) { env in
            let owner = try await env.expert("omistaja@a.fi")
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            try await body(env, owner, client, id)
        }
    }

    /// Moves the test clock to `iso` (never back).
    static func move(_ env: TestEnv, to iso: String) throws {
        let target = try #require(isoDate(iso))
        let step = target.timeIntervalSince(env.config.clock.now)
        #expect(step >= 0, "the clock only moves forward")
        env.time.advance(by: step)
    }

    static func task(_ env: TestEnv, _ who: Person, _ space: String, _ title: String, assignee: String, extra: JSON = [:]) async throws
        -> String
    {
        var json: JSON = ["title": title, "assigneeId": assignee]
        json.merge(extra) { $1 }
        let r = try await env.request(.post, "/api/v1/spaces/\(space)/tasks", token: who.token, json: json)
        #expect(r.status == .created, "task: \(r.status) \(String(buffer: r.body))")
        return try #require(try r.json().string("id"))
    }

    static func reminders(_ env: TestEnv, _ who: Person) async throws -> (items: [JSON], unread: Int) {
        let r = try await env.request(.get, "/api/v1/reminders", token: who.token)
        #expect(r.status == .ok)
        let json = try r.json()
        return (json.objects("items"), json.int("unread") ?? -1)
    }

    static func mails(_ env: TestEnv, to email: String) throws -> [String] {
        try env.mails().filter { $0.lowercased().contains("to: \(email.lowercased())") }
    }

    static func pendingReminders(_ env: TestEnv) async throws -> Int {
        try await env.count("SELECT COUNT(*) FROM job WHERE kind = 'reminder' AND state = 'pending'")
    }

    @Test func aTaskRemindsItsAssigneeOnceAtTheirLeadAndTheMailSaysNothingOfTheTask() async throws {
        try await Self.withSpace { env, owner, client, id in
            let taskId = try await Self.task(
                env, owner, id, "Hae kolmea työpaikkaa", assignee: client.id, extra: ["dueAt": "2026-09-23T12:00:00+03:00"])
            #expect(try await Self.pendingReminders(env) == 1)

            // The default lead is a day: 2026-09-22 12:00 in Helsinki.
            try Self.move(env, to: "2026-09-22T08:59:00Z")
            try await env.flushMail()
            #expect(try await Self.reminders(env, client).items.isEmpty)

            try Self.move(env, to: "2026-09-22T09:00:30Z")
            try await env.flushMail()
            let (items, unread) = try await Self.reminders(env, client)
            #expect(items.count == 1 && unread == 1)
            #expect(items.first?.string("kind") == "taskDue" && items.first?.string("itemId") == taskId)
            #expect(items.first?.string("title") == "Hae kolmea työpaikkaa" && items.first?.string("spaceId") == id)
            #expect(try await Self.reminders(env, owner).items.isEmpty, "only the assignee is reminded")
            var mails = try Self.mails(env, to: client.email)
            #expect(mails.count == 1)
            let body = MailParsing.body(mails.first ?? "")
            #expect(MailParsing.header("Subject", in: mails.first ?? "") == "Sinulle on muistutus Ohjaustilassa")
            #expect(body.contains("\(testOrigin)/spaces/\(id)"))
            #expect(!body.contains("työpaikkaa"), "no task text leaves the app")

            // The job runs again (as after a crash before its mark-done): no second entry, no second mail.
            try await env.components.db.writer.write { db in
                try db.execute(
                    sql: "UPDATE job SET state = 'pending', due_at = 0, payload = ? WHERE kind = 'reminder'",
                    arguments: [
                        String(
                            decoding: try JSONEncoder().encode(
                                ReminderJobInput(
                                    kind: .taskDue, itemId: taskId, userId: client.id,
                                    dueAt: try Int64.fetchOne(db, sql: "SELECT due_at FROM space_task"))), as: UTF8.self)
                    ])
            }
            try await env.flushMail()
            #expect(try await Self.reminders(env, client).items.count == 1)
            mails = try Self.mails(env, to: client.email)
            #expect(mails.count == 1)

            let counts = try await env.request(.get, "/api/v1/notifications/unread-count", token: client.token).json()
            #expect(counts.int("reminders") == 1)
            // A new title after the reminder reminds nobody again; a new due time does, at its lead.
            let renamed = try await env.request(.patch, "/api/v1/tasks/\(taskId)", token: owner.token, json: ["title": "Hae neljää"])
            #expect(renamed.status == .ok)
            try await env.flushMail()
            #expect(try await Self.reminders(env, client).items.count == 1)
            #expect(try await Self.pendingReminders(env) == 0)
            let moved = try await env.request(
                .patch, "/api/v1/tasks/\(taskId)", token: owner.token, json: ["dueAt": "2026-09-25T12:00:00+03:00"])
            #expect(moved.status == .ok)
            #expect(try await Self.pendingReminders(env) == 1)

            let read = try await env.request(.post, "/api/v1/reminders/read", token: client.token, json: ["all": true])
            #expect(read.status == .noContent)
            #expect(try await Self.reminders(env, client).unread == 0)
        }
    }

    @Test func quietHoursDelayMailButNotTheInAppReminder() async throws {
        try await Self.withSpace { env, owner, client, id in
            _ = try await Self.task(
                env, owner, id, "Soita työkkäriin", assignee: client.id, extra: ["remindAt": "2026-09-21T23:30:00+03:00"])
            try Self.move(env, to: "2026-09-21T20:31:00Z")
            try await env.flushMail()
            #expect(try await Self.reminders(env, client).items.count == 1, "in-app at once, quiet hours or not")
            #expect(try Self.mails(env, to: client.email).isEmpty, "mail waits for the end of quiet hours (08:00)")

            try Self.move(env, to: "2026-09-22T04:59:00Z")
            try await env.flushMail()
            #expect(try Self.mails(env, to: client.email).isEmpty)
            try Self.move(env, to: "2026-09-22T05:00:01Z")
            try await env.flushMail()
            #expect(try Self.mails(env, to: client.email).count == 1)

            // Without quiet hours, at once.
            let off = try await env.request(
                .put, "/api/v1/me/notification-settings", token: client.token,
                json: [
                    "email": true, "push": true, "quietHours": NSNull(), "meetingReminderMinutes": [60], "taskReminderMinutes": NSNull(),
                ])
            #expect(off.status == .ok)
            _ = try await Self.task(
                env, owner, id, "Toinen", assignee: client.id, extra: ["remindAt": "2026-09-22T23:30:00+03:00"])
            try Self.move(env, to: "2026-09-22T20:31:00Z")
            try await env.flushMail()
            #expect(try Self.mails(env, to: client.email).count == 2)
        }
    }

    @Test func aTasksReminderFollowsItsChangesAndGoesWhenItIsDone() async throws {
        try await Self.withSpace { env, owner, client, id in
            let taskId = try await Self.task(
                env, owner, id, "Päivitä CV", assignee: client.id, extra: ["dueAt": "2026-09-30T12:00:00+03:00"])
            #expect(try await Self.pendingReminders(env) == 1)
            let done = try await env.request(.patch, "/api/v1/tasks/\(taskId)", token: client.token, json: ["status": "done"])
            #expect(done.status == .ok)
            #expect(try await Self.pendingReminders(env) == 0, "a done task reminds nobody")
            env.time.advance(by: 60)
            _ = try await env.request(.patch, "/api/v1/tasks/\(taskId)", token: client.token, json: ["status": "open"])
            #expect(try await Self.pendingReminders(env) == 1, "reopened, planned again")

            env.time.advance(by: 60)
            let moved = try await env.request(
                .patch, "/api/v1/tasks/\(taskId)", token: owner.token, json: ["dueAt": "2026-10-02T12:00:00+03:00", "assigneeId": owner.id])
            #expect(moved.status == .ok)
            let jobs = try await JobStore(db: env.components.db).rows(kind: RemindersStore.kind).filter { $0.state == .pending }
            #expect(jobs.count == 1)
            #expect(jobs.first?.dueAt == isoDate("2026-10-01T09:00:00Z"), "a day before the new due time")
            #expect(jobs.first?.payload.contains(owner.id) == true, "for the new assignee")

            let removed = try await env.request(.delete, "/api/v1/tasks/\(taskId)", token: owner.token)
            #expect(removed.status == .noContent)
            #expect(try await Self.pendingReminders(env) == 0)

            // A due time inside the lead reminds at once; one already past, never.
            _ = try await Self.task(env, owner, id, "Pian", assignee: client.id, extra: ["dueAt": "2026-09-22T08:00:00+03:00"])
            _ = try await Self.task(env, owner, id, "Myöhässä", assignee: client.id, extra: ["dueAt": "2026-09-20T08:00:00+03:00"])
            try await env.flushMail()
            #expect(try await Self.reminders(env, client).items.map { $0.string("title") } == ["Pian"])
        }
    }

    @Test func meetingRemindersArePlannedPerParticipantAndFollowAnswersMovesSettingsAndCancellation() async throws {
        try await Self.withSpace { env, owner, client, id in
            let created = try await MeetingsTests.meet(env, owner, id, "2026-09-25T10:00:00+03:00", participants: [client.id])
            #expect(created.status == .created)
            let meeting = try #require(try created.json().string("id"))
            #expect(try await Self.pendingReminders(env) == 4, "two participants, 24 h and 1 h ahead")

            let declined = try await env.request(
                .post, "/api/v1/meetings/\(meeting)/respond", token: client.token, json: ["response": "declined"])
            #expect(declined.status == .ok)
            #expect(try await Self.pendingReminders(env) == 2, "who declined is not reminded")
            _ = try await env.request(.post, "/api/v1/meetings/\(meeting)/respond", token: client.token, json: ["response": "accepted"])
            #expect(try await Self.pendingReminders(env) == 4)

            let moved = try await env.request(
                .patch, "/api/v1/meetings/\(meeting)", token: owner.token, json: ["startsAt": "2026-09-26T10:00:00+03:00"])
            #expect(moved.status == .ok)
            let keys = try await JobStore(db: env.components.db).rows(kind: RemindersStore.kind).filter { $0.state == .pending }.map(\.key)
            #expect(keys.count == 4 && keys.allSatisfy { $0.hasPrefix("meeting:\(meeting):1:") }, "\(keys)")

            let settings = try await env.request(
                .put, "/api/v1/me/notification-settings", token: client.token,
                json: [
                    "email": false, "push": true, "quietHours": ["start": "22:00", "end": "07:00"], "meetingReminderMinutes": [30],
                    "taskReminderMinutes": 120,
                ])
            #expect(settings.status == .ok)
            #expect(try await Self.pendingReminders(env) == 3, "the client's own leads: one, 30 min ahead")

            // An hour ahead the expert is reminded; the client at 30 minutes, in the app only (e-mail off).
            try Self.move(env, to: "2026-09-26T06:00:30Z")
            try await env.flushMail()
            #expect(try await Self.reminders(env, owner).items.count == 2, "24 h and 1 h")
            #expect(try await Self.reminders(env, client).items.isEmpty)
            try Self.move(env, to: "2026-09-26T06:30:30Z")
            try await env.flushMail()
            let mine = try await Self.reminders(env, client).items
            #expect(mine.count == 1 && mine.first?.string("kind") == "meeting" && mine.first?.string("itemId") == meeting)
            #expect(try Self.mails(env, to: client.email).isEmpty)
            #expect(try Self.mails(env, to: owner.email).count == 2)

            let other = try await MeetingsTests.meet(env, owner, id, "2026-10-05T10:00:00+03:00", participants: [client.id])
            let otherId = try #require(try other.json().string("id"))
            #expect(try await Self.pendingReminders(env) == 3)
            let cancelled = try await env.request(
                .post, "/api/v1/meetings/\(otherId)/cancel", token: owner.token, json: ["reason": "Sairastuin"])
            #expect(cancelled.status == .ok)
            #expect(try await Self.pendingReminders(env) == 0, "a cancelled meeting reminds nobody")
        }
    }

    @Test func notificationSettingsHaveDefaultsAndRefuseBadValuesAllAtOnce() async throws {
        try await Self.withSpace { env, _, client, _ in
            let anonymous = try await env.request(.get, "/api/v1/me/notification-settings")
            #expect(anonymous.status == .unauthorized)
            let defaults = try await env.request(.get, "/api/v1/me/notification-settings", token: client.token).json()
            #expect(defaults.object("quietHours")?.string("start") == "21:00" && defaults.object("quietHours")?.string("end") == "08:00")
            #expect(defaults["meetingReminderMinutes"] as? [Int] == [1440, 60] && defaults.int("taskReminderMinutes") == 1440)
            #expect(defaults["email"] as? Bool == true && defaults["push"] as? Bool == true)
            #expect(defaults.string("timeZone") == "Europe/Helsinki")

            let bad = try await env.request(
                .put, "/api/v1/me/notification-settings", token: client.token,
                json: [
                    "email": true, "push": true, "quietHours": ["start": "25:00", "end": "8"], "meetingReminderMinutes": [0, 60],
                    "taskReminderMinutes": -5,
                ])
            #expect(bad.status == .unprocessableContent && bad.code == "request.validation", "\(bad.status) \(bad.code ?? "")")
            let fields = Set((try bad.json()["errors"] as? [JSON] ?? []).compactMap { $0.string("field") })
            #expect(fields == ["quietHours.start", "quietHours.end", "meetingReminderMinutes[0]", "taskReminderMinutes"], "\(fields)")
            let five = try await env.request(
                .put, "/api/v1/me/notification-settings", token: client.token,
                json: [
                    "email": true, "push": true, "quietHours": NSNull(), "meetingReminderMinutes": [10, 20, 30, 40, 50],
                    "taskReminderMinutes": NSNull(),
                ])
            #expect(five.status == .unprocessableContent)
            let saved = try await env.request(.get, "/api/v1/me/notification-settings", token: client.token).json()
            #expect(saved["meetingReminderMinutes"] as? [Int] == [1440, 60], "a refused update changes nothing")
        }
    }

    @Test func unreadMessagesGoOutOncePerUnreadRunAfterTheDelayWithoutTheirText() async throws {
        try await Self.withSpace { env, owner, client, id in
            let alerts = MessageAlerts(
                store: RemindersStore(db: env.components.db), clock: env.config.clock, logger: env.components.logger,
                baseURL: testOrigin, delay: 300)
            _ = try await env.send(client, id, "m1", "Salainen viesti: saanko apua vuokraan?")
            env.time.advance(by: 240)
            try await alerts.runOnce()
            try await env.flushMail()
            #expect(try Self.mails(env, to: owner.email).isEmpty, "not before the delay")
            env.time.advance(by: 61)
            try await alerts.runOnce()
            try await env.flushMail()
            var mails = try Self.mails(env, to: owner.email)
            #expect(mails.count == 1)
            #expect(MailParsing.header("Subject", in: mails.first ?? "") == "Sinulle on uusi viesti Ohjaustilassa")
            #expect(!MailParsing.body(mails.first ?? "").contains("vuokra"), "no message text leaves the app")
            #expect(
                try Self.mails(env, to: client.email).allSatisfy {
                    MailParsing.header("Subject", in: $0) != "Sinulle on uusi viesti Ohjaustilassa"
                },
                "the sender is not alerted")

            _ = try await env.send(client, id, "m2", "Toinen")
            env.time.advance(by: 600)
            try await alerts.runOnce()
            try await env.flushMail()
            #expect(try Self.mails(env, to: owner.email).count == 1, "one alert per unread run")

            let read = try await env.request(.post, "/api/v1/notifications/read", token: owner.token, json: ["all": true])
            #expect(read.status == .noContent)
            _ = try await env.send(client, id, "m3", "Kolmas")
            env.time.advance(by: 301)
            try await alerts.runOnce()
            try await env.flushMail()
            mails = try Self.mails(env, to: owner.email)
            #expect(mails.count == 2, "read, then a new message: a new alert")

            _ = try await env.request(
                .put, "/api/v1/me/notification-settings", token: owner.token,
                json: [
                    "email": false, "push": false, "quietHours": NSNull(), "meetingReminderMinutes": [60], "taskReminderMinutes": NSNull(),
                ])
            _ = try await env.request(.post, "/api/v1/notifications/read", token: owner.token, json: ["all": true])
            _ = try await env.send(client, id, "m4", "Neljäs")
            env.time.advance(by: 301)
            try await alerts.runOnce()
            try await env.flushMail()
            #expect(try Self.mails(env, to: owner.email).count == 2, "e-mail off: none")
        }
    }

    static func browserKeys() -> (p256dh: String, auth: String) {
        (
            Secrets.base64url(Array(P256.KeyAgreement.PrivateKey().publicKey.x963Representation)),
            Secrets.base64url(Secrets.randomBytes(16))
        )
    }

    @Test func pushSubscriptionsAreValidatedOwnedAndOnePerEndpoint() async throws {
        try await Self.withSpace { env, owner, client, _ in
            let key = try await env.request(.get, "/api/v1/push/key", token: client.token)
            #expect(key.status == .ok)
            let publicKey = try #require(try key.json().string("publicKey"))
            #expect(Secrets.base64urlDecode(publicKey)?.count == 65)
            #expect(try await env.request(.get, "/api/v1/push/key").status == .unauthorized)
            let keyFile = env.config.vapidKeyFile
            #expect(FilePermissions.mode(of: keyFile) == 0o600, "the VAPID private key is the server's own")

            let keys = Self.browserKeys()
            func subscribe(_ who: Person, _ endpoint: String, p256dh: String? = nil, auth: String? = nil) async throws -> TestResponse {
                try await env.request(
                    .post, "/api/v1/me/push-subscriptions", token: who.token,
                    json: ["endpoint": endpoint, "keys": ["p256dh": p256dh ?? keys.p256dh, "auth": auth ?? keys.auth], "label": "Puhelin"])
            }
            for endpoint in [
                "http://push.example.com/x", "https://127.0.0.1/x", "https://10.0.0.5/x", "https://localhost/x", "https://[::1]/x",
                "https://intranet/x", "https://user:pw@push.example.com/x", "ftp://push.example.com/x", "https://printer.local/x",
                "https://169.254.169.254/latest/meta-data", "not a url", "https://localhost./x", "https://127.1/x", "https://2130706433/x",
            ] {
                let r = try await subscribe(client, endpoint)
                #expect(r.status == .unprocessableContent, "\(endpoint) was accepted")
            }
            #expect(try await subscribe(client, "https://push.example.com/a", p256dh: "AAAA").status == .unprocessableContent)
            #expect(try await subscribe(client, "https://push.example.com/a", auth: "c2hvcnQ").status == .unprocessableContent)

            let created = try await subscribe(client, "https://fcm.googleapis.com/fcm/send/abc")
            #expect(created.status == .created)
            let sub = try created.json()
            #expect(sub.string("endpointHost") == "fcm.googleapis.com" && sub.string("label") == "Puhelin")
            let subId = try #require(sub.string("id"))
            #expect(try await env.request(.get, "/api/v1/me/push-subscriptions", token: client.token).items().count == 1)
            #expect(try await env.request(.get, "/api/v1/me/push-subscriptions", token: owner.token).items().isEmpty)
            #expect(try await env.request(.delete, "/api/v1/me/push-subscriptions/\(subId)", token: owner.token).status == .notFound)

            // The same device signs in as another user: the subscription moves with it.
            #expect(try await subscribe(owner, "https://fcm.googleapis.com/fcm/send/abc").status == .created)
            #expect(try await env.request(.get, "/api/v1/me/push-subscriptions", token: client.token).items().isEmpty)
            let ownerSub = try #require(try await env.request(.get, "/api/v1/me/push-subscriptions", token: owner.token).items().first)
            let gone = try await env.request(
                .delete, "/api/v1/me/push-subscriptions/\(ownerSub.string("id") ?? "")", token: owner.token)
            #expect(gone.status == .noContent)

            // The same device subscribing 20 times at once is one row.
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 { group.addTask { try await subscribe(client, "https://fcm.googleapis.com/fcm/send/same").status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .created })
            #expect(try await env.request(.get, "/api/v1/me/push-subscriptions", token: client.token).items().count == 1)
            // Signing out everywhere (a lost phone): no device of the account gets pushes any more.
            #expect(try await env.request(.post, "/api/v1/auth/logout-everywhere", token: client.token).status == .noContent)
            let again = try await env.login(client.email)
            #expect(try await env.request(.get, "/api/v1/me/push-subscriptions", token: again).items().isEmpty)
        }
    }

    @Test func webPushEncryptionIsTheAes128gcmCodingOfRFC8291() throws {
        // Decrypt what we encrypted the way a browser does (RFC 8291 §3.4, RFC 8188 §2), from the
        // browser's keys: the header carries the salt, record size and the server's public key.
        let browser = P256.KeyAgreement.PrivateKey()
        let auth = Secrets.randomBytes(16)
        let p256dh = Array(browser.publicKey.x963Representation)
        let plaintext = Array(#"{"title":"Ohjaustila"}"#.utf8)
        let body = try WebPushCrypto.encrypt(plaintext, p256dh: p256dh, auth: auth)
        let salt = Array(body[0..<16])
        let rs = body[16..<20].reduce(0) { $0 << 8 | UInt32($1) }
        #expect(rs == 4096 && body[20] == 65)
        let serverPublic = try P256.KeyAgreement.PublicKey(x963Representation: body[21..<86])
        let shared = try browser.sharedSecretFromKeyAgreement(with: serverPublic)
        let info = Array("WebPush: info".utf8) + [0] + p256dh + Array(serverPublic.x963Representation)
        let ikm = shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: auth, sharedInfo: info, outputByteCount: 32)
        let cek = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: aes128gcm".utf8) + [0], outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: nonce".utf8) + [0], outputByteCount: 12)
        let record = Array(body[86...])
        let box = try AES.GCM.SealedBox(
            nonce: try AES.GCM.Nonce(data: nonce.withUnsafeBytes { Array($0) }), ciphertext: record.dropLast(16), tag: record.suffix(16))
        let opened = Array(try AES.GCM.open(box, using: cek))
        #expect(opened == plaintext + [2], "one last record: the text and the delimiter 0x02")
        #expect(throws: WebPushCrypto.Failure.self) {
            try WebPushCrypto.encrypt(Array(repeating: 1, count: 5000), p256dh: p256dh, auth: auth)
        }
    }

    @Test func quietHoursEndAtTheirLocalTimeAcrossSummerTime() throws {
        let quiet = QuietHours(start: 21 * 60, end: 8 * 60)
        // 2027-03-28 03:00 EET → 04:00 EEST: the night of the change still ends at 08:00 local (05:00 UTC).
        #expect(quiet.release(after: try #require(isoDate("2027-03-27T23:30:00Z"))) == isoDate("2027-03-28T05:00:00Z"))
        // Daytime: at once.
        #expect(quiet.release(after: try #require(isoDate("2027-03-28T09:00:00Z"))) == isoDate("2027-03-28T09:00:00Z"))
        // Quiet hours within one day (13–14).
        let lunch = QuietHours(start: 13 * 60, end: 14 * 60)
        #expect(lunch.release(after: try #require(isoDate("2027-01-11T11:30:00Z"))) == isoDate("2027-01-11T12:00:00Z"))
        #expect(lunch.release(after: try #require(isoDate("2027-01-11T09:30:00Z"))) == isoDate("2027-01-11T09:30:00Z"))
    }

    @Test func todayGathersTheNextMeetingOpenTasksUnreadSpacesAndPicksWaitingForTheClient() async throws {
        try await PlanTests.withSpace { env, owner, client, id in
            let later = try await MeetingsTests.meet(env, owner, id, "2026-09-28T10:00:00+03:00", participants: [client.id])
            let sooner = try await MeetingsTests.meet(env, owner, id, "2026-09-24T10:00:00+03:00", participants: [client.id])
            _ = try await MeetingsTests.meet(env, owner, id, "2026-12-24T10:00:00+02:00", participants: [client.id])
            _ = try await Self.task(env, owner, id, "Myöhässä", assignee: client.id, extra: ["dueAt": "2026-09-20T12:00:00+03:00"])
            _ = try await Self.task(env, owner, id, "Ilman päivää", assignee: client.id)
            _ = try await Self.task(env, owner, id, "Asiantuntijan oma", assignee: owner.id)
            try await PlanTests.pick(env, owner, id, PlanTests.serviceA, note: "Tämä sopisi")
            _ = try await env.send(owner, id, "t1", "Hei Kalle")

            let anonymous = try await env.request(.get, "/api/v1/today")
            #expect(anonymous.status == .unauthorized)
            let today = try await env.request(.get, "/api/v1/today", token: client.token)
            #expect(today.status == .ok)
            let t = try today.json()
            #expect(t.object("nextMeeting")?.string("id") == (try sooner.json().string("id")))
            #expect(t.objects("meetings").map { $0.string("id") } == [try later.json().string("id")], "within two weeks only")
            #expect(t.objects("tasks").map { $0.string("title") } == ["Myöhässä", "Ilman päivää"])
            #expect(t.int("openTasks") == 2 && t.int("overdueTasks") == 1)
            #expect((t.int("unreadCount") ?? 0) >= 1 && t.objects("unread").first?.string("spaceId") == id, "\(t)")
            let picks = t.objects("picks")
            #expect(
                picks.count == 1 && picks.first?.string("serviceId") == PlanTests.serviceA && picks.first?.string("note") == "Tämä sopisi")

            // Answered picks stop waiting.
            let pickId = try #require(picks.first?.string("id"))
            _ = try await env.request(.patch, "/api/v1/picks/\(pickId)", token: client.token, json: ["status": "interested"])
            #expect(try await env.request(.get, "/api/v1/today", token: client.token).json().objects("picks").isEmpty)
            // The expert's today has their own task and no picks to answer.
            let mine = try await env.request(.get, "/api/v1/today", token: owner.token).json()
            #expect(mine.objects("tasks").map { $0.string("title") } == ["Asiantuntijan oma"] && mine.objects("picks").isEmpty)
        }
    }

    @Test func theAssigneesOpenTabsHearOfAReminderWithoutItsContent() async throws {
        try await TestEnv.run(live: true) { env in
            let owner = try await env.expert("omistaja@a.fi")
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            let other = try await TestSocket.connect(env, token: owner.token)
            _ = try await other.hello()
            _ = try await Self.task(
                env, owner, id, "Salainen tehtävä", assignee: client.id, extra: ["remindAt": "2026-09-21T18:00:00+03:00"])
            env.time.advance(by: 3600)
            try await env.flushMail()
            let frame = try await socket.next(type: "reminder")
            #expect(frame != nil)
            #expect(frame?.text == #"{"type":"reminder"}"#, "the frame carries no content")
            let others = try await other.drain()
            #expect(!others.contains { $0.type == "reminder" }, "only the assignee's tabs")
            socket.close()
            other.close()
        }
    }

    @Test func todayAndRemindersShowAGroupClientOnlyTheirOwnAndNothingOnceTheyAreRemoved() async throws {
        @Sendable func longSessions(_ config: inout AppConfiguration) { config.sessionIdleTimeout = 60 * 86400 }
        try await TestEnv.run(adjust: longSessions) { env in
            let owner = try await env.expert("omistaja@a.fi")
            let a = try await env.client("a@example.fi")
            let b = try await env.client("b@example.fi")
            let outsider = try await env.client("ulkopuolinen@example.fi")
            let id = try #require(try await env.openGroup(owner, clients: [a.email, b.email]).string("id"))
            _ = try await Self.task(
                env, owner, id, "A:n oma tehtävä", assignee: a.id, extra: ["remindAt": "2026-09-21T20:00:00+03:00"])
            let meeting = try await MeetingsTests.meet(env, owner, id, "2026-09-22T10:00:00+03:00", participants: [a.id])
            #expect(meeting.status == .created)
            try Self.move(env, to: "2026-09-21T17:00:30Z")
            try await env.flushMail()

            let mine = try await env.request(.get, "/api/v1/today", token: a.token).json()
            #expect(mine.objects("tasks").count == 1 && mine.object("nextMeeting") != nil)
            #expect(try await Self.reminders(env, a).items.count == 1)
            for who in [b, outsider] {
                let today = try await env.request(.get, "/api/v1/today", token: who.token).json()
                #expect(today.objects("tasks").isEmpty && today.object("nextMeeting") == nil && today.objects("meetings").isEmpty)
                #expect(try await Self.reminders(env, who).items.isEmpty)
            }

            let removed = try await env.request(.delete, "/api/v1/spaces/\(id)/members/\(a.id)", token: owner.token)
            #expect(removed.status == .noContent)
            #expect(try await Self.reminders(env, a).items.isEmpty, "a removed member's reminders of the space are gone")
            let after = try await env.request(.get, "/api/v1/today", token: a.token).json()
            #expect(after.objects("tasks").isEmpty && after.objects("picks").isEmpty && after.objects("unread").isEmpty)
            // The meeting's later reminder finds them no longer a member: nothing is written.
            try Self.move(env, to: "2026-09-22T06:00:30Z")
            try await env.flushMail()
            #expect(try await env.count("SELECT COUNT(*) FROM reminder WHERE user_id = ?", [a.id]) == 1)
        }
    }
}
