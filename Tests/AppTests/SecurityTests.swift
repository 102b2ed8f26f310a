import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import App

/// Regression tests of the defects found when the foundation was tried as an attacker would.
@Suite("Security hardening")
struct SecurityTests {
    /// Sends `count` requests at once and returns their statuses.
    func concurrently(_ env: TestEnv, _ count: Int, _ make: @escaping @Sendable (Int) async throws -> TestResponse) async throws
        -> [HTTPResponse.Status]
    {
        try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
            for i in 0..<count { group.addTask { try await make(i).status } }
            var out: [HTTPResponse.Status] = []
            for try await status in group { out.append(status) }
            return out
        }
    }

    @Test func concurrentWrongPasswordsCannotRaceTheThrottle() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let statuses = try await concurrently(env, 20) { _ in
                try await env.request(.post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": "wrong password"])
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 15)
            // Only the five admitted attempts ran Argon2.
            #expect(env.components.auth.passwords.verifications.load() == 5)
        }
    }

    @Test func madeUpResetTokensCostNoArgon2AndAreThrottledPerAddress() async throws {
        try await TestEnv.run { env in
            let before = env.components.auth.passwords.hashes.load()
            let statuses = try await concurrently(env, 64) { i in
                try await env.request(
                    .post, "/api/v1/auth/password-reset/confirm", json: ["token": "made-up-\(i)", "newPassword": "a new long password"])
            }
            #expect(statuses.filter { $0 == .badRequest }.count == AuthService.resetConfirmLimits.free)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 64 - AuthService.resetConfirmLimits.free)
            #expect(env.components.auth.passwords.hashes.load() == before)
        }
    }

    @Test func argon2WorkIsBoundedAndTheOverflowGets503() async throws {
        let limiter = HashingLimiter(threads: 1, maxQueued: 2)
        final class Gate: Sendable {
            let open = Atomic<Bool>(false)
        }
        let gate = Gate()
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        return try await limiter.run {
                            while !gate.open.load(ordering: .acquiring) { usleep(1000) }
                            return "ran"
                        }
                    } catch let error as AppError {
                        return "\(error.status.code) \(error.code) \(error.retryAfter ?? 0)"
                    }
                }
            }
            var out: [String] = []
            // The first refusals come back while the admitted calls still wait for the release.
            while out.count < 7, let next = try await group.next() { out.append(next) }
            gate.open.store(true, ordering: .releasing)
            for try await next in group { out.append(next) }
            return out
        }
        #expect(outcomes.filter { $0 == "ran" }.count == 3)
        #expect(outcomes.filter { $0 == "503 server.busy 2" }.count == 7)
    }

    @Test func metricsNeedALoopbackPeerOrTheToken() async throws {
        #expect(MetricsAccess.isLoopback("127.0.0.1") && MetricsAccess.isLoopback("127.8.9.1") && MetricsAccess.isLoopback("::1"))
        #expect(MetricsAccess.isLoopback("::ffff:127.0.0.1"))
        #expect(!MetricsAccess.isLoopback("192.0.2.2") && !MetricsAccess.isLoopback("::ffff:10.0.0.1"))
        #expect(!MetricsAccess.isLoopback("fd00::2") && !MetricsAccess.isLoopback("1127.0.0.1"))
        let withToken: @Sendable (inout AppConfiguration) -> Void = { $0.metricsToken = "s3cret-metrics-token" }
        try await TestEnv.run(adjust: withToken) { env in
            for path in ["/metrics", "/metrics/", "//metrics", "/metrics?x=1", "///metrics//"] {
                let none = try await env.request(.get, path)
                #expect(none.status == .unauthorized, "\(path)")
                #expect(!String(buffer: none.body).contains("http_server"))
                let wrong = try await env.request(.get, path, headers: [.authorization: "Bearer s3cret-metrics-tokeX"])
                #expect(wrong.status == .unauthorized, "\(path)")
                let right = try await env.request(.get, path, headers: [.authorization: "Bearer s3cret-metrics-token"])
                #expect(right.status == .ok, "\(path)")
            }
        }
    }

    @Test func authenticatedAnswersAreNotCached() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi", org: TestEnv.orgA, role: .expert)
            let token = try await env.login("aino@example.fi")
            for path in ["/api/v1/me", "/api/v1/me/sessions", "/api/v1/favourite-lists", "/api/v1/catalogue/search?q=työ"] {
                let r = try await env.request(.get, path, token: token)
                #expect(r.status == .ok, "\(path)")
                #expect(r.headers[.cacheControl] == "no-store", "\(path)")
            }
        }
    }

    @Test func aPasswordChangeVoidsOpenResetLinks() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            _ = try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": "aino@example.fi"])
            try await env.flushMail()
            let resetToken = try #require(
                try env.link(in: "aino@example.fi", path: "/reset-password#token=")?.components(separatedBy: "#token=").last)
            let session = try await env.login("aino@example.fi")
            let change = try await env.request(
                .post, "/api/v1/me/password", token: session,
                json: ["currentPassword": TestEnv.password, "newPassword": "another long password"])
            #expect(change.status == .noContent)
            let use = try await env.request(
                .post, "/api/v1/auth/password-reset/confirm", json: ["token": resetToken, "newPassword": "attacker long password"])
            #expect(use.status == .badRequest && use.code == "token.invalid")
            #expect(
                try await env.request(.post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": "another long password"])
                    .status == .ok)
        }
    }

    @Test func resetRequestsAnswerAlikeAndDoTheWorkOffTheRequestPath() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let known = try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": "aino@example.fi"])
            let unknown = try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": "nobody@example.fi"])
            #expect(known.status == .accepted && unknown.status == .accepted && known.body == unknown.body)
            // Both answers stored one job and nothing else: the same work for a known and an unknown address.
            let count: @Sendable (String) async throws -> Int = { sql in
                try await env.components.db.writer.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
            }
            #expect(try await count("SELECT count(*) FROM job WHERE kind = 'passwordResetRequest'") == 2)
            #expect(try await count("SELECT count(*) FROM password_reset") == 0)
            try await env.components.runResetRequests()
            #expect(try await count("SELECT count(*) FROM password_reset") == 1)
            #expect(try await count("SELECT count(*) FROM job WHERE kind = 'mail'") == 1)
            // Done jobs keep no address.
            #expect(try await count("SELECT count(*) FROM job WHERE kind = 'passwordResetRequest' AND payload <> '{}'") == 0)
        }
    }

    @Test func aResetRequestJobRunAgainAfterACrashSendsNothingMore() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let request = PasswordResetRequest(email: "aino@example.fi")
            try await env.components.auth.sendResetLink(request, key: "job-key-1", at: env.config.clock.now)
            try await env.components.auth.sendResetLink(request, key: "job-key-1", at: env.config.clock.now)
            try await env.flushMail()
            #expect(try env.mails().count == 1)
        }
    }
}

@Suite("Security events")
struct SecurityEventTests {
    func events(_ env: TestEnv, _ token: String, _ query: String = "") async throws -> [[String: Any]] {
        let r = try await env.request(.get, "/api/v1/admin/security-events?limit=100" + query, token: token)
        #expect(r.status == .ok)
        return try r.items()
    }

    @Test func everySecurityRelevantChangeIsRecordedWithIdsOnly() async throws {
        try await TestEnv.run { env in
            let aino = try await env.user("aino@example.fi", org: TestEnv.orgA, role: .expert)
            try await env.user("admin@example.fi", platformAdmin: true)
            let admin = try await env.login("admin@example.fi")
            _ = try await env.request(.post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": "wrong password"])
            let first = try await env.login("aino@example.fi")
            let second = try await env.login("aino@example.fi")
            let sessions = try await env.request(.get, "/api/v1/me/sessions", token: second).items()
            let firstId = try #require(sessions.first { ($0["current"] as? Bool) == false }?["id"] as? String)
            #expect(try await env.request(.delete, "/api/v1/me/sessions/\(firstId)", token: second).status == .noContent)
            #expect(
                try await env.request(
                    .post, "/api/v1/me/password", token: second,
                    json: ["currentPassword": TestEnv.password, "newPassword": "another long password"]
                ).status == .noContent)
            #expect(try await env.request(.post, "/api/v1/auth/logout-everywhere", token: second).status == .noContent)
            env.time.advance(by: 1)  // the events below are newer than those above
            for attempt in 0..<7 {
                if attempt == 5 { env.time.advance(by: 0.5) }  // still within the back-off, but a newer event
                _ = try await env.request(.post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": "wrong again"])
            }
            _ = first

            let mine = try await events(env, admin, "&userId=\(aino)")
            let kinds = mine.compactMap { $0["kind"] as? String }
            // Newest first; the throttle is recorded once however many attempts it refused.
            #expect(kinds.first == "throttled")
            #expect(kinds.filter { $0 == "throttled" }.count == 1)
            for kind in ["signInFailed", "signIn", "sessionRevoked", "passwordChanged", "signOutEverywhere"] {
                #expect(kinds.contains(kind), "\(kind)")
            }
            #expect(kinds.filter { $0 == "signIn" }.count == 2)
            let revoked = try #require(mine.first { $0["kind"] as? String == "sessionRevoked" })
            #expect(revoked["sessionId"] as? String == firstId && revoked["actorId"] as? String == aino)
            // No password, token or address of mail in any row.
            let raw = try await env.components.db.writer.read { db in
                try String.fetchAll(
                    db, sql: "SELECT coalesce(detail, '') || coalesce(target_id, '') || coalesce(address, '') FROM security_event")
            }
            for text in raw {
                #expect(!text.contains("password") || text == "password")
                #expect(!text.contains("@") && !text.contains(second) && !text.contains("wrong"))
            }
            // Filters: kind and time.
            let onlyFailed = try await events(env, admin, "&kind=signInFailed")
            #expect(!onlyFailed.isEmpty && onlyFailed.allSatisfy { $0["kind"] as? String == "signInFailed" })
            let future = try await events(env, admin, "&from=2099-01-01T00:00:00Z")
            #expect(future.isEmpty)
            let bad = try await env.request(.get, "/api/v1/admin/security-events?kind=nonsense", token: admin)
            #expect(bad.status == .unprocessableContent)
        }
    }

    @Test func onlyPlatformAdminsReadTheLog() async throws {
        try await TestEnv.run { env in
            try await env.user("boss@example.fi", org: TestEnv.orgA, role: .orgAdmin)
            let orgAdmin = try await env.login("boss@example.fi")
            #expect(try await env.request(.get, "/api/v1/admin/security-events").status == .unauthorized)
            #expect(try await env.request(.get, "/api/v1/admin/security-events", token: orgAdmin).status == .forbidden)
        }
    }

    /// The table's CHECK and the code's list of kinds agree: every kind can be written, and read back
    /// through the filter (a kind the schema refuses would turn its change into a 500).
    @Test func everyKindTheCodeKnowsTheDatabaseTakes() async throws {
        try await TestEnv.run { env in
            try await env.user("admin@example.fi", platformAdmin: true)
            let admin = try await env.login("admin@example.fi")
            try await env.components.db.writer.write { db in
                for (i, kind) in SecurityEventKind.allCases.enumerated() {
                    try SecurityEventsStore.record(SecurityEvent(kind, target: "kind-test"), id: "kind-test-\(i)", at: Date(), db)
                }
            }
            for kind in SecurityEventKind.allCases {
                let found = try await events(env, admin, "&kind=\(kind.rawValue)").filter { $0["targetId"] as? String == "kind-test" }
                #expect(found.count == 1, "\(kind)")
            }
        }
    }

    @Test func eventsAreDeletedAfterTheRetention() async throws {
        let oneDay: @Sendable (inout AppConfiguration) -> Void = { $0.securityEventRetention = 86400 }
        try await TestEnv.run(adjust: oneDay) { env in
            try await env.user("aino@example.fi")
            _ = try await env.login("aino@example.fi")
            env.time.advance(by: 3600)
            #expect(try await env.components.securityEvents.sweep() == 0)
            env.time.advance(by: 86400)
            #expect(try await env.components.securityEvents.sweep() == 1)
        }
    }
}

@Suite("Session ended signal")
struct SessionEndedTests {
    /// Runs `action` and returns the session ends published meanwhile.
    func ends(_ env: TestEnv, _ action: () async throws -> Void) async throws -> Set<SessionEvents.Ended> {
        let stream = env.components.sessionEvents.subscribe()
        try await action()
        let collected = Mutex<Set<SessionEvents.Ended>>([])
        let reader = Task {
            for await e in stream { collected.withLock { _ = $0.insert(e) } }
        }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        _ = await reader.value
        return collected.withLock { $0 }
    }

    func sessionIds(_ env: TestEnv, _ userId: String) async throws -> Set<String> {
        Set(
            try await env.components.db.writer.read { db in
                try String.fetchAll(db, sql: "SELECT id FROM session WHERE user_id = ?", arguments: [userId])
            })
    }

    @Test func everyPathThatEndsASessionPublishes() async throws {
        try await TestEnv.run { env in
            let aino = try await env.user("aino@example.fi")
            // Sign-out.
            var token = try await env.login("aino@example.fi")
            var ids = try await sessionIds(env, aino)
            var got = try await ends(env) { _ = try await env.request(.post, "/api/v1/auth/logout", token: token) }
            #expect(got == Set(ids.map { .init(userId: aino, sessionId: $0) }))
            // Revoke.
            token = try await env.login("aino@example.fi")
            let other = try await env.login("aino@example.fi")
            let otherId = try #require(
                try await sessionIds(env, aino).subtracting(
                    try await env.request(.get, "/api/v1/me/sessions", token: token).items().filter { ($0["current"] as? Bool) == true }
                        .compactMap { $0["id"] as? String }
                ).first)
            got = try await ends(env) { _ = try await env.request(.delete, "/api/v1/me/sessions/\(otherId)", token: token) }
            #expect(got == [.init(userId: aino, sessionId: otherId)])
            _ = other
            // Sign-out everywhere.
            _ = try await env.login("aino@example.fi")
            ids = try await sessionIds(env, aino)
            #expect(ids.count == 2)
            got = try await ends(env) { _ = try await env.request(.post, "/api/v1/auth/logout-everywhere", token: token) }
            #expect(got == Set(ids.map { .init(userId: aino, sessionId: $0) }))
            // Password change ends the other sessions.
            token = try await env.login("aino@example.fi")
            _ = try await env.login("aino@example.fi")
            let current = try #require(
                try await env.request(.get, "/api/v1/me/sessions", token: token).items().first { ($0["current"] as? Bool) == true }?["id"]
                    as? String)
            ids = try await sessionIds(env, aino).subtracting([current])
            got = try await ends(env) {
                _ = try await env.request(
                    .post, "/api/v1/me/password", token: token,
                    json: ["currentPassword": TestEnv.password, "newPassword": "another long password"])
            }
            #expect(got == Set(ids.map { .init(userId: aino, sessionId: $0) }) && ids.count == 1)
            // Reset ends every session.
            ids = try await sessionIds(env, aino)
            _ = try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": "aino@example.fi"])
            try await env.flushMail()
            let resetToken = try #require(
                try env.link(in: "aino@example.fi", path: "/reset-password#token=")?.components(separatedBy: "#token=").last)
            got = try await ends(env) {
                _ = try await env.request(
                    .post, "/api/v1/auth/password-reset/confirm", json: ["token": resetToken, "newPassword": "a third long password"])
            }
            #expect(got == Set(ids.map { .init(userId: aino, sessionId: $0) }) && !ids.isEmpty)
            // Expiry: the sweep, and a request that meets an expired session.
            token = try await env.login("aino@example.fi", password: "a third long password")
            let swept = try await sessionIds(env, aino)
            env.time.advance(by: env.config.sessionIdleTimeout + 1)
            got = try await ends(env) { _ = try await env.components.auth.sweepExpiredSessions() }
            #expect(got == Set(swept.map { .init(userId: aino, sessionId: $0) }))
            token = try await env.login("aino@example.fi", password: "a third long password")
            let lazy = try await sessionIds(env, aino)
            env.time.advance(by: env.config.sessionIdleTimeout + 1)
            got = try await ends(env) { _ = try await env.request(.get, "/api/v1/me", token: token) }
            #expect(got == Set(lazy.map { .init(userId: aino, sessionId: $0) }))
            // Removal of the user by a platform admin.
            _ = try await env.login("aino@example.fi", password: "a third long password")
            _ = try await env.login("aino@example.fi", password: "a third long password")
            let last = try await sessionIds(env, aino)
            try await env.user("root@example.fi", platformAdmin: true)
            let root = try await env.login("root@example.fi")
            got = try await ends(env) { _ = try await env.request(.delete, "/api/v1/admin/users/\(aino)", token: root) }
            #expect(got == Set(last.map { .init(userId: aino, sessionId: $0) }) && last.count == 2)
            #expect(try await env.components.auth.store.user(id: aino) == nil)
        }
    }
}

@Suite("Removing an account")
struct RemoveUserTests {
    @Test func onlyPlatformAdminsRemoveOthersAndNeverAnOrganisationsLastAdmin() async throws {
        try await TestEnv.run { env in
            let boss = try await env.user("boss@example.fi", org: TestEnv.orgA, role: .orgAdmin)
            let aino = try await env.user("aino@example.fi", org: TestEnv.orgA, role: .expert)
            let root = try await env.user("root@example.fi", platformAdmin: true)
            let bossToken = try await env.login("boss@example.fi")
            let rootToken = try await env.login("root@example.fi")
            #expect(try await env.request(.delete, "/api/v1/admin/users/\(aino)").status == .unauthorized)
            #expect(try await env.request(.delete, "/api/v1/admin/users/\(aino)", token: bossToken).status == .forbidden)
            let own = try await env.request(.delete, "/api/v1/admin/users/\(root)", token: rootToken)
            #expect(own.status == .conflict && own.code == "user.removeSelf")
            let last = try await env.request(.delete, "/api/v1/admin/users/\(boss)", token: rootToken)
            #expect(last.status == .conflict && last.code == "member.lastAdmin")
            #expect(try await env.request(.delete, "/api/v1/admin/users/\(aino)", token: rootToken).status == .noContent)
            #expect(try await env.request(.delete, "/api/v1/admin/users/\(aino)", token: rootToken).status == .notFound)
            let events = try await env.request(.get, "/api/v1/admin/security-events?kind=userRemoved", token: rootToken).items()
            #expect(events.count == 1 && events.first?["subjectId"] as? String == aino && events.first?["actorId"] as? String == root)
        }
    }
}
