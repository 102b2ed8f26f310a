import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

@Suite("Sign-in and sessions")
struct AuthTests {
    @Test func signInSetsAnHttpOnlyCookieAndMeAnswers() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi", org: TestEnv.orgA, role: .expert)
            let response = try await env.request(
                .post, "/api/v1/auth/login", json: ["email": "Aino@Example.fi ", "password": TestEnv.password])
            #expect(response.status == .ok)
            let cookie = try #require(response.headers[values: .setCookie].first)
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))
            let user = try #require(try response.json()["user"] as? [String: Any])
            #expect(user["email"] as? String == "aino@example.fi")
            #expect(user["isClient"] as? Bool == false)
            let token = try #require(env.sessionToken(response))
            #expect(token.count >= 43)  // 256 bits, base64url

            let me = try await env.request(.get, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            let memberships = try #require((try me.json()["user"] as? [String: Any])?["memberships"] as? [[String: Any]])
            #expect(memberships.first?["organizationId"] as? String == TestEnv.orgA)
            #expect(memberships.first?["roles"] as? [String] == ["expert"])

            // Bearer works as well, for API clients.
            let bearer = try await env.client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(bearer.status == .ok)
        }
    }

    @Test func theDatabaseKeepsOnlyTheTokensHash() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let token = try await env.login("aino@example.fi")
            let stored = try await env.components.db.writer.read { db in try String.fetchAll(db, sql: "SELECT token_hash FROM session") }
            #expect(stored == [Secrets.hash(token)])
            #expect(!stored.contains(token))
        }
    }

    @Test func wrongPasswordAndUnknownEmailAnswerAlike() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let wrong = try await env.request(
                .post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": "wrong password"])
            let unknown = try await env.request(
                .post, "/api/v1/auth/login", json: ["email": "nobody@example.fi", "password": "wrong password"])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.code == "auth.invalidCredentials" && unknown.code == "auth.invalidCredentials")
            #expect(wrong.body == unknown.body)
            #expect(wrong.headers[.contentType] == "application/problem+json")
            #expect(env.sessionToken(wrong) == nil && env.sessionToken(unknown) == nil)
        }
    }

    @Test func unknownEmailCostsTheSameArgon2VerificationAsAWrongPassword() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let counter = env.components.auth.passwords.verifications
            let before = counter.load(ordering: .relaxed)
            _ = try await env.request(.post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": "wrong password"])
            let afterWrong = counter.load(ordering: .relaxed)
            _ = try await env.request(.post, "/api/v1/auth/login", json: ["email": "nobody@example.fi", "password": "wrong password"])
            let afterUnknown = counter.load(ordering: .relaxed)
            #expect(afterWrong - before == 1)
            #expect(afterUnknown - afterWrong == 1)
        }
    }

    @Test func missingFieldsAreValidationErrors() async throws {
        try await TestEnv.run { env in
            let response = try await env.request(.post, "/api/v1/auth/login", json: ["email": "", "password": ""])
            #expect(response.status == .unprocessableContent)
            let errors = try #require(try response.json()["errors"] as? [[String: String]])
            #expect(Set(errors.compactMap { $0["field"] }) == ["email", "password"])
            let broken = try await env.request(.post, "/api/v1/auth/login", body: "{\"email\": 3")
            #expect(broken.status == .badRequest && broken.code == "request.invalidJSON")
        }
    }

    @Test func repeatedFailuresAreRateLimitedWithBackOffNotLockedOut() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            for _ in 0..<5 {
                let r = try await env.request(
                    .post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": "wrong password"])
                #expect(r.status == .unauthorized)
            }
            // Even the right password waits now.
            let limited = try await env.request(
                .post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": TestEnv.password])
            #expect(limited.status == .tooManyRequests && limited.code == "auth.rateLimited")
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter >= 1 && retryAfter <= 900)

            env.time.advance(by: Double(retryAfter))
            let again = try await env.request(.post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": "still wrong"])
            #expect(again.status == .unauthorized)
            // The back-off doubles after each further failure.
            let longer = try await env.request(
                .post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": TestEnv.password])
            let secondWait = try #require(longer.headers[.retryAfter].flatMap { Int($0) })
            #expect(longer.status == .tooManyRequests && secondWait > retryAfter)

            env.time.advance(by: Double(secondWait))
            _ = try await env.login("aino@example.fi")
            // A success clears the account's count.
            let fresh = try await env.request(
                .post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": "wrong password"])
            #expect(fresh.status == .unauthorized)
        }
    }

    @Test func logoutEndsTheSessionAndClearsTheCookie() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let token = try await env.login("aino@example.fi")
            let out = try await env.request(.post, "/api/v1/auth/logout", token: token)
            #expect(out.status == .noContent)
            #expect(out.headers[values: .setCookie].contains { $0.hasPrefix("session=;") && $0.contains("Max-Age=0") })
            let me = try await env.request(.get, "/api/v1/me", token: token)
            #expect(me.status == .unauthorized && me.code == "auth.required")
        }
    }

    @Test func sessionsAreListedAndRevocable() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            try await env.user("other@example.fi")
            let phone = try await env.login("aino@example.fi")
            let desk = try await env.login("aino@example.fi")
            let other = try await env.login("other@example.fi")
            let list = try await env.request(.get, "/api/v1/me/sessions", token: desk)
            let items = try list.items()
            #expect(items.count == 2)
            #expect(items.filter { $0["current"] as? Bool == true }.count == 1)
            let phoneId = try #require(items.first { $0["current"] as? Bool == false }?["id"] as? String)

            // Another user cannot revoke it.
            let foreign = try await env.request(.delete, "/api/v1/me/sessions/\(phoneId)", token: other)
            #expect(foreign.status == .notFound)
            #expect(try await env.request(.get, "/api/v1/me", token: phone).status == .ok)

            let revoke = try await env.request(.delete, "/api/v1/me/sessions/\(phoneId)", token: desk)
            #expect(revoke.status == .noContent)
            #expect(try await env.request(.get, "/api/v1/me", token: phone).status == .unauthorized)
            #expect(try await env.request(.get, "/api/v1/me", token: desk).status == .ok)
        }
    }

    @Test func signOutEverywhereEndsEverySession() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let a = try await env.login("aino@example.fi")
            let b = try await env.login("aino@example.fi")
            #expect(try await env.request(.post, "/api/v1/auth/logout-everywhere", token: a).status == .noContent)
            #expect(try await env.request(.get, "/api/v1/me", token: a).status == .unauthorized)
            #expect(try await env.request(.get, "/api/v1/me", token: b).status == .unauthorized)
        }
    }

    @Test func sessionsExpireWhenIdleAndAtTheirLifetime() async throws {
        let shortSessions: @Sendable (inout AppConfiguration) -> Void = {
            $0.sessionIdleTimeout = 3600
            $0.sessionLifetime = 3 * 3600
        }
        try await TestEnv.run(adjust: shortSessions) { env in
            try await env.user("aino@example.fi")
            let idle = try await env.login("aino@example.fi")
            env.time.advance(by: 3599)
            #expect(try await env.request(.get, "/api/v1/me", token: idle).status == .ok)  // use keeps it alive
            env.time.advance(by: 3599)
            #expect(try await env.request(.get, "/api/v1/me", token: idle).status == .ok)
            env.time.advance(by: 3601)
            #expect(try await env.request(.get, "/api/v1/me", token: idle).status == .unauthorized)

            let busy = try await env.login("aino@example.fi")
            for _ in 0..<5 {
                env.time.advance(by: 1800)
                let status = try await env.request(.get, "/api/v1/me", token: busy).status
                #expect(status == .ok)
            }
            env.time.advance(by: 1801)  // 3 h after sign-in, in use all along
            #expect(try await env.request(.get, "/api/v1/me", token: busy).status == .unauthorized)
        }
    }

    @Test func displayNameAndLanguageCanBeChanged() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let token = try await env.login("aino@example.fi")
            let changed = try await env.request(.patch, "/api/v1/me", token: token, json: ["displayName": " Aino A. ", "language": "sv"])
            #expect(changed.status == .ok)
            let user = try #require(try changed.json()["user"] as? [String: Any])
            #expect(user["displayName"] as? String == "Aino A." && user["language"] as? String == "sv")
            let bad = try await env.request(.patch, "/api/v1/me", token: token, json: ["displayName": "", "language": "de"])
            #expect(bad.status == .badRequest || bad.status == .unprocessableContent)
            let empty = try await env.request(.patch, "/api/v1/me", token: token, json: ["displayName": "  "])
            #expect(empty.status == .unprocessableContent)
        }
    }

    @Test func passwordChangeNeedsTheCurrentOneAndEndsOtherSessions() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let here = try await env.login("aino@example.fi")
            let there = try await env.login("aino@example.fi")
            let wrong = try await env.request(
                .post, "/api/v1/me/password", token: here,
                json: ["currentPassword": "nope nope nope", "newPassword": "a new long password"])
            #expect(wrong.status == .forbidden && wrong.code == "auth.wrongPassword")
            let short = try await env.request(
                .post, "/api/v1/me/password", token: here, json: ["currentPassword": TestEnv.password, "newPassword": "short"])
            #expect(short.status == .unprocessableContent)
            let ok = try await env.request(
                .post, "/api/v1/me/password", token: here,
                json: ["currentPassword": TestEnv.password, "newPassword": "a new long password"])
            #expect(ok.status == .noContent)
            #expect(try await env.request(.get, "/api/v1/me", token: here).status == .ok)
            #expect(try await env.request(.get, "/api/v1/me", token: there).status == .unauthorized)
            _ = try await env.login("aino@example.fi", password: "a new long password")
            let old = try await env.request(.post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": TestEnv.password])
            #expect(old.status == .unauthorized)
        }
    }

    @Test func everyAccountRouteNeedsSignIn() async throws {
        try await TestEnv.run { env in
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "/api/v1/me"), (.patch, "/api/v1/me"), (.post, "/api/v1/me/password"), (.get, "/api/v1/me/sessions"),
                (.delete, "/api/v1/me/sessions/x"), (.post, "/api/v1/auth/logout"), (.post, "/api/v1/auth/logout-everywhere"),
            ]
            for (method, path) in routes {
                let r = try await env.request(method, path, json: [:])
                #expect(r.status == .unauthorized, "\(method) \(path)")
                #expect(r.code == "auth.required")
            }
        }
    }
}

@Suite("Password guessing")
struct PasswordGuessingTests {
    @Test func passwordChangeGuessesAreRateLimitedLikeSignIn() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let token = try await env.login("aino@example.fi")
            for _ in 0..<5 {
                let r = try await env.request(
                    .post, "/api/v1/me/password", token: token,
                    json: ["currentPassword": "guess guess", "newPassword": "a new long password"])
                #expect(r.status == .forbidden)
            }
            let limited = try await env.request(
                .post, "/api/v1/me/password", token: token,
                json: ["currentPassword": TestEnv.password, "newPassword": "a new long password"])
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] != nil)
        }
    }
}
