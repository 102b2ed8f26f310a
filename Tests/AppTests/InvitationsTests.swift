import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

@Suite("Invitations with a one-time code")
struct InvitationsTests {
    /// An org admin invites `email` to organisation A; returns the invitation token from the mail.
    func invite(_ env: TestEnv, email: String) async throws -> String {
        try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
        let admin = try await env.login("admin@a.fi")
        let r = try await env.request(
            .post, "/api/v1/organizations/\(TestEnv.orgA)/invitations", token: admin, json: ["email": email, "roles": ["expert"]])
        #expect(r.status == .created)
        try await env.flushMail()
        return try #require(try env.link(in: email, path: "/invitation#token=")?.components(separatedBy: "#token=").last)
    }

    /// Asks for a code and returns the six digits from the newest mail to `email`.
    func code(_ env: TestEnv, _ token: String, email: String) async throws -> String {
        try? FileManager.default.removeItem(at: env.config.mailDir)  // so the only mail is the code's
        let r = try await env.request(.post, "/api/v1/invitations/code", json: ["token": token])
        #expect(r.status == .accepted)
        try await env.flushMail()
        let mail = try #require(try env.mails().first { $0.lowercased().contains("to: \(email)") })
        let body = MailParsing.body(mail)
        let digits = body.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }
        return String(try #require(digits))
    }

    @Test func aPersonWithoutAnAccountJoinsWithAMailedCode() async throws {
        try await TestEnv.run { env in
            let token = try await invite(env, email: "asiakas@example.fi")
            let preview = try await env.request(.post, "/api/v1/invitations/inspect", json: ["token": token]).json()
            #expect(preview["kind"] as? String == "organization" && preview["accountExists"] as? Bool == false)
            let code = try await code(env, token, email: "asiakas@example.fi")
            let mail = try #require(try env.mails().last)
            // A phone shows the code in the notification.
            #expect(MailParsing.header("Subject", in: mail) == "Kertakäyttöinen koodi: \(code) – Ohjaustila".asEncodedWord)

            let wrongDigit = code == "000000" ? "111111" : "000000"
            let wrong = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "code": wrongDigit, "displayName": "Asiakas"])
            #expect(wrong.status == .badRequest && wrong.code == "code.invalid")
            let noName = try await env.request(.post, "/api/v1/invitations/accept", json: ["token": token, "code": code])
            #expect(noName.status == .unprocessableContent)

            let ok = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "code": code, "displayName": "Asiakas", "language": "sv"])
            #expect(ok.status == .ok)
            let session = try #require(env.sessionToken(ok))
            let me = try await env.request(.get, "/api/v1/me", token: session).json()["user"] as? [String: Any]
            #expect(me?["language"] as? String == "sv")
            #expect((me?["memberships"] as? [[String: Any]])?.first?["organizationId"] as? String == TestEnv.orgA)
            let hash = try await env.components.db.writer.read { db in
                try String.fetchOne(db, sql: "SELECT password_hash FROM app_user WHERE email_normalized = 'asiakas@example.fi'")
            }
            #expect(hash == nil)
            // The link and the code are used up.
            let again = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "code": code, "displayName": "Asiakas"])
            #expect(again.code == "token.invalid")
        }
    }

    @Test func fiveWrongTriesVoidTheCodeEvenWhenSentAtOnce() async throws {
        try await TestEnv.run { env in
            let token = try await invite(env, email: "asiakas@example.fi")
            let code = try await code(env, token, email: "asiakas@example.fi")
            let wrong = code == "123456" ? "654321" : "123456"
            let statuses = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await env.request(
                            .post, "/api/v1/invitations/accept", json: ["token": token, "code": wrong, "displayName": "X"]
                        ).code
                    }
                }
                var out: [String?] = []
                for try await c in group { out.append(c) }
                return out
            }
            #expect(statuses.filter { $0 == "code.invalid" }.count == 4)
            #expect(statuses.filter { $0 == "code.expired" }.count == 4)
            let right = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "code": code, "displayName": "X"])
            #expect(right.status == .gone && right.code == "code.expired")
            // A new code works.
            let fresh = try await self.code(env, token, email: "asiakas@example.fi")
            let ok = try await env.request(.post, "/api/v1/invitations/accept", json: ["token": token, "code": fresh, "displayName": "X"])
            #expect(ok.status == .ok)
        }
    }

    @Test func aCodeExpiresAfterTenMinutesAndSendingIsThrottled() async throws {
        try await TestEnv.run { env in
            let token = try await invite(env, email: "asiakas@example.fi")
            let first = try await code(env, token, email: "asiakas@example.fi")
            env.time.advance(by: 601)
            let late = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "code": first, "displayName": "X"])
            #expect(late.status == .gone && late.code == "code.expired")
            _ = try await code(env, token, email: "asiakas@example.fi")
            _ = try await code(env, token, email: "asiakas@example.fi")
            let fourth = try await env.request(.post, "/api/v1/invitations/code", json: ["token": token])
            #expect(fourth.status == .tooManyRequests && fourth.headers[.retryAfter] != nil)
            let madeUp = try await env.request(.post, "/api/v1/invitations/code", json: ["token": "made-up"])
            #expect(madeUp.code == "token.invalid")
        }
    }

    @Test func anExistingAccountMayAlsoUseACodeAndKeepsItsPassword() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let token = try await invite(env, email: "aino@example.fi")
            let code = try await code(env, token, email: "aino@example.fi")
            let ok = try await env.request(.post, "/api/v1/invitations/accept", json: ["token": token, "code": code])
            #expect(ok.status == .ok)
            _ = try await env.login("aino@example.fi")
        }
    }

    @Test func invitationsRoleChangesAndRemovalsAreSecurityEvents() async throws {
        try await TestEnv.run { env in
            let token = try await invite(env, email: "uusi@example.fi")
            let accepted = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "displayName": "Uusi", "password": "a long password 1"])
            let newId = try #require((try accepted.json()["user"] as? [String: Any])?["id"] as? String)
            let admin = try await env.login("admin@a.fi")
            #expect(
                try await env.request(
                    .put, "/api/v1/organizations/\(TestEnv.orgA)/members/\(newId)/roles", token: admin, json: ["roles": ["approver"]]
                ).status == .ok)
            #expect(
                try await env.request(.delete, "/api/v1/organizations/\(TestEnv.orgA)/members/\(newId)", token: admin).status == .noContent)
            try await env.user("root@example.fi", platformAdmin: true)
            let root = try await env.login("root@example.fi")
            let kinds = try await env.request(.get, "/api/v1/admin/security-events?userId=\(newId)&limit=100", token: root).items()
                .compactMap { $0["kind"] as? String }
            #expect(kinds.contains("invitationAccepted") && kinds.contains("roleChanged") && kinds.contains("memberRemoved"))
            let sent = try await env.request(.get, "/api/v1/admin/security-events?kind=invitationSent", token: root).items()
            #expect(sent.count == 1 && sent.first?["organizationId"] as? String == TestEnv.orgA)
            #expect((sent.first?["detail"] as? String)?.contains("@") == false)
        }
    }
}
