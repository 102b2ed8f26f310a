import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

@Suite("Password reset")
struct PasswordResetTests {
    func requestLink(_ env: TestEnv, _ email: String) async throws -> String? {
        let r = try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": email])
        #expect(r.status == .accepted)
        try await env.flushMail()
        return try env.link(in: email, path: "/reset-password#token=")?.components(separatedBy: "#token=").last
    }

    @Test func aMailedLinkSetsANewPasswordOnceAndEndsEverySession() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi", language: .en)
            let session = try await env.login("aino@example.fi")
            let token = try #require(try await requestLink(env, "AINO@example.fi"))
            let mail = try #require(try env.mails().last)
            #expect(MailParsing.header("Subject", in: mail) == "Reset your password – Ohjaustila".asEncodedWord)
            #expect(MailParsing.header("Message-ID", in: mail)?.hasSuffix("@localhost>") == true)

            let confirm = try await env.request(
                .post, "/api/v1/auth/password-reset/confirm", json: ["token": token, "newPassword": "brand new password"])
            #expect(confirm.status == .noContent)
            #expect(try await env.request(.get, "/api/v1/me", token: session).status == .unauthorized)
            _ = try await env.login("aino@example.fi", password: "brand new password")
            #expect(
                try await env.request(.post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": TestEnv.password]).status
                    == .unauthorized)

            let reuse = try await env.request(
                .post, "/api/v1/auth/password-reset/confirm", json: ["token": token, "newPassword": "yet another password"])
            #expect(reuse.status == .badRequest && reuse.code == "token.invalid")
        }
    }

    @Test func theLinkExpiresAfterOneHour() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let token = try #require(try await requestLink(env, "aino@example.fi"))
            env.time.advance(by: 3601)
            let late = try await env.request(
                .post, "/api/v1/auth/password-reset/confirm", json: ["token": token, "newPassword": "brand new password"])
            #expect(late.status == .gone && late.code == "token.expired")
            _ = try await env.login("aino@example.fi")
        }
    }

    @Test func anUnknownAddressGetsTheSameAnswerAndNoMail() async throws {
        try await TestEnv.run { env in
            let r = try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": "nobody@example.fi"])
            #expect(r.status == .accepted)
            try await env.flushMail()
            #expect(try env.mails().isEmpty)
            let invalid = try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": "not an address"])
            #expect(invalid.status == .unprocessableContent)
            let made = try await env.request(
                .post, "/api/v1/auth/password-reset/confirm", json: ["token": "made-up-token", "newPassword": "brand new password"])
            #expect(made.code == "token.invalid")
        }
    }

    @Test func resetRequestsAreRateLimited() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            for _ in 0..<3 { _ = try await requestLink(env, "aino@example.fi") }
            let limited = try await env.request(.post, "/api/v1/auth/password-reset", json: ["email": "aino@example.fi"])
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] != nil)
            #expect(try env.mails().count == 3)
        }
    }
}

extension String {
    /// How our mails write a non-ASCII header (RFC 2047).
    var asEncodedWord: String { "=?utf-8?B?\(Data(utf8).base64EncodedString())?=" }
}
