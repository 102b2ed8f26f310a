import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

@Suite("Organisations, roles and invitations")
struct OrganizationsTests {
    /// Every route that only an organisation's admin (or a platform admin) may use.
    static func adminRoutes(org: String, member: String) -> [(HTTPRequest.Method, String, [String: Any])] {
        [
            (.get, "/api/v1/organizations/\(org)/members", [:]),
            (.put, "/api/v1/organizations/\(org)/members/\(member)/roles", ["roles": ["expert", "approver"]]),
            (.delete, "/api/v1/organizations/\(org)/members/\(member)", [:]),
            (.get, "/api/v1/organizations/\(org)/invitations", [:]),
            (.post, "/api/v1/organizations/\(org)/invitations", ["email": "new@example.fi", "roles": ["expert"]]),
            (.delete, "/api/v1/organizations/\(org)/invitations/some-id", [:]),
        ]
    }

    @Test func adminRoutesRefuseEveryoneButTheOrganisationsAdmins() async throws {
        try await TestEnv.run { env in
            let member = try await env.user("member@a.fi", org: TestEnv.orgA, role: .expert)
            try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            try await env.user("admin@b.fi", org: TestEnv.orgB, role: .orgAdmin)
            try await env.user("producer@a.fi", org: TestEnv.orgA, role: .contentProducer)
            try await env.user("client@example.fi")
            let expert = try await env.login("member@a.fi")
            let otherAdmin = try await env.login("admin@b.fi")
            let producer = try await env.login("producer@a.fi")
            let client = try await env.login("client@example.fi")
            for (method, path, body) in Self.adminRoutes(org: TestEnv.orgA, member: member) {
                for (who, token) in [("expert", expert), ("admin of B", otherAdmin), ("producer", producer), ("client", client)] {
                    let r = try await env.request(method, path, token: token, json: body)
                    #expect(r.status == .forbidden, "\(who): \(method) \(path) gave \(r.status)")
                    #expect(r.code == "access.forbidden")
                }
                let anonymous = try await env.request(method, path, json: body)
                #expect(anonymous.status == .unauthorized, "anonymous: \(method) \(path)")
            }
            // A missing organisation is 404, not 403.
            let missing = try await env.request(.get, "/api/v1/organizations/nope/members", token: otherAdmin)
            #expect(missing.status == .notFound && missing.code == "organization.notFound")
        }
    }

    @Test func organisationAdminAndPlatformAdminManageMembersAndRoles() async throws {
        try await TestEnv.run { env in
            let member = try await env.user("member@a.fi", org: TestEnv.orgA, role: .expert)
            try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            try await env.user("root@example.fi", platformAdmin: true)
            let admin = try await env.login("admin@a.fi")
            let root = try await env.login("root@example.fi")

            let list = try await env.request(.get, "/api/v1/organizations/\(TestEnv.orgA)/members", token: admin)
            #expect(list.status == .ok)
            #expect(Set(try list.items().compactMap { $0["email"] as? String }) == ["member@a.fi", "admin@a.fi"])

            let set = try await env.request(
                .put, "/api/v1/organizations/\(TestEnv.orgA)/members/\(member)/roles", token: admin,
                json: ["roles": ["approver", "expert"]])
            #expect(set.status == .ok)
            #expect(try set.json()["roles"] as? [String] == ["expert", "approver"])

            let empty = try await env.request(
                .put, "/api/v1/organizations/\(TestEnv.orgA)/members/\(member)/roles", token: admin, json: ["roles": [String]()])
            #expect(empty.status == .unprocessableContent)
            let badRole = try await env.request(
                .put, "/api/v1/organizations/\(TestEnv.orgA)/members/\(member)/roles", token: admin, json: ["roles": ["wizard"]])
            #expect(badRole.status == .badRequest)

            // The member's next request sees the new roles.
            let memberToken = try await env.login("member@a.fi")
            let me = try await env.request(.get, "/api/v1/me", token: memberToken)
            let roles = ((try me.json()["user"] as? [String: Any])?["memberships"] as? [[String: Any]])?.first?["roles"] as? [String]
            #expect(roles == ["expert", "approver"])

            let removed = try await env.request(.delete, "/api/v1/organizations/\(TestEnv.orgA)/members/\(member)", token: root)
            #expect(removed.status == .noContent)
            let again = try await env.request(.delete, "/api/v1/organizations/\(TestEnv.orgA)/members/\(member)", token: root)
            #expect(again.status == .notFound && again.code == "member.notFound")
            let meAfter = try await env.request(.get, "/api/v1/me", token: memberToken)
            #expect((try meAfter.json()["user"] as? [String: Any])?["isClient"] as? Bool == true)
        }
    }

    @Test func theLastAdminCannotBeRemoved() async throws {
        try await TestEnv.run { env in
            let admin = try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            let token = try await env.login("admin@a.fi")
            let demote = try await env.request(
                .put, "/api/v1/organizations/\(TestEnv.orgA)/members/\(admin)/roles", token: token, json: ["roles": ["expert"]])
            #expect(demote.status == .conflict && demote.code == "member.lastAdmin")
            let remove = try await env.request(.delete, "/api/v1/organizations/\(TestEnv.orgA)/members/\(admin)", token: token)
            #expect(remove.status == .conflict)
            // With a second admin it works.
            try await env.user("admin2@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            let ok = try await env.request(
                .put, "/api/v1/organizations/\(TestEnv.orgA)/members/\(admin)/roles", token: token, json: ["roles": ["expert"]])
            #expect(ok.status == .ok)
        }
    }

    @Test func organisationsArePublicButOnlyPlatformAdminsChangeThem() async throws {
        try await TestEnv.run { env in
            try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            try await env.user("root@example.fi", platformAdmin: true)
            let admin = try await env.login("admin@a.fi")
            let root = try await env.login("root@example.fi")
            let list = try await env.request(.get, "/api/v1/organizations?limit=1")
            #expect(list.status == .ok)
            #expect(try list.items().count == 1)
            let cursor = try #require(try list.json()["nextCursor"] as? String)
            let next = try await env.request(.get, "/api/v1/organizations?limit=1&cursor=\(cursor)")
            #expect(try next.items().first?["id"] as? String == TestEnv.orgB)
            #expect(try await env.request(.get, "/api/v1/organizations?limit=0").status == .unprocessableContent)
            #expect(try await env.request(.get, "/api/v1/organizations?cursor=%25%25").status == .unprocessableContent)

            let body: [String: Any] = [
                "id": "new-org", "name": ["fi": "Uusi", "sv": "Ny"], "sector": "third", "kind": "yhdistys",
                "municipalityCodes": ["091", "049"],
            ]
            #expect(try await env.request(.post, "/api/v1/organizations", token: admin, json: body).status == .forbidden)
            let created = try await env.request(.post, "/api/v1/organizations", token: root, json: body)
            #expect(created.status == .created)
            #expect(try created.json()["municipalityCodes"] as? [String] == ["049", "091"])
            #expect(try await env.request(.post, "/api/v1/organizations", token: root, json: body).status == .conflict)
            var bad = body
            bad["municipalityCodes"] = ["+12"]
            bad["id"] = "other"
            #expect(try await env.request(.post, "/api/v1/organizations", token: root, json: bad).status == .unprocessableContent)

            #expect(
                try await env.request(.patch, "/api/v1/organizations/new-org", token: admin, json: ["kind": "saatio"]).status == .forbidden)
            let patched = try await env.request(.patch, "/api/v1/organizations/new-org", token: root, json: ["kind": "saatio"])
            #expect(patched.status == .ok)
            #expect(try patched.json()["kind"] as? String == "saatio")
            #expect(try await env.request(.get, "/api/v1/organizations/new-org").status == .ok)
            #expect(try await env.request(.get, "/api/v1/organizations/none").status == .notFound)
        }
    }

    // MARK: Invitations

    func invite(_ env: TestEnv, _ token: String, email: String, roles: [String] = ["expert"], language: String = "fi") async throws
        -> (status: HTTPResponse.Status, link: String?)
    {
        let r = try await env.request(
            .post, "/api/v1/organizations/\(TestEnv.orgA)/invitations", token: token,
            json: ["email": email, "roles": roles, "language": language])
        try await env.flushMail()
        return (r.status, try env.link(in: email, path: "/invitation#token="))
    }

    @Test func anInvitedPersonSetsAPasswordAndIsSignedIn() async throws {
        try await TestEnv.run { env in
            try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            let admin = try await env.login("admin@a.fi")
            let (status, link) = try await invite(
                env, admin, email: "Uusi.Henkilo@example.fi", roles: ["expert", "approver"], language: "sv")
            #expect(status == .created)
            let mail = try #require(try env.mails().last)
            #expect(MailParsing.header("Subject", in: mail) == "Inbjudan till Ohjaustila: Organisaatio A")
            #expect(MailParsing.body(mail).contains("Din roll: sakkunnig, godkännare"))
            let token = try #require(link?.components(separatedBy: "#token=").last)
            #expect(link?.hasPrefix("\(testOrigin)/invitation#token=") == true)

            let preview = try await env.request(.post, "/api/v1/invitations/inspect", json: ["token": token])
            #expect(preview.status == .ok)
            #expect(try preview.json()["accountExists"] as? Bool == false)
            #expect(try preview.json()["roles"] as? [String] == ["expert", "approver"])

            let weak = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "displayName": "Uusi", "password": "short"])
            #expect(weak.status == .unprocessableContent)

            let accept = try await env.request(
                .post, "/api/v1/invitations/accept",
                json: ["token": token, "displayName": "Uusi Henkilö", "password": "uusi salasana 1", "language": "sv"])
            #expect(accept.status == .ok)
            let session = try #require(env.sessionToken(accept))
            let me = try await env.request(.get, "/api/v1/me", token: session)
            let user = try #require(try me.json()["user"] as? [String: Any])
            #expect(user["email"] as? String == "Uusi.Henkilo@example.fi" && user["language"] as? String == "sv")

            // Single use.
            let reuse = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "displayName": "X", "password": "another password"])
            #expect(reuse.status == .badRequest && reuse.code == "token.invalid")
            #expect(try await env.request(.post, "/api/v1/invitations/inspect", json: ["token": token]).code == "token.invalid")

            _ = try await env.login("uusi.henkilo@example.fi", password: "uusi salasana 1")
            let invitations = try await env.request(.get, "/api/v1/organizations/\(TestEnv.orgA)/invitations", token: admin)
            #expect(try invitations.items().first?["status"] as? String == "accepted")
        }
    }

    @Test func invitationsExpireAfterSevenDays() async throws {
        try await TestEnv.run { env in
            try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            let admin = try await env.login("admin@a.fi")
            let (_, link) = try await invite(env, admin, email: "late@example.fi")
            let token = try #require(link?.components(separatedBy: "#token=").last)
            env.time.advance(by: 7 * 86400 + 1)
            let admin2 = try await env.login("admin@a.fi")
            let accept = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "displayName": "Late", "password": "late password 1"])
            #expect(accept.status == .gone && accept.code == "token.expired")
            let list = try await env.request(.get, "/api/v1/organizations/\(TestEnv.orgA)/invitations", token: admin2)
            #expect(try list.items().first?["status"] as? String == "expired")
            #expect(
                try await env.request(.post, "/api/v1/auth/login", json: ["email": "late@example.fi", "password": "late password 1"]).status
                    == .unauthorized)
        }
    }

    @Test func aRevokedInvitationCannotBeUsed() async throws {
        try await TestEnv.run { env in
            try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            let admin = try await env.login("admin@a.fi")
            let (_, link) = try await invite(env, admin, email: "maybe@example.fi")
            let token = try #require(link?.components(separatedBy: "#token=").last)
            let id = try #require(
                try await env.request(.get, "/api/v1/organizations/\(TestEnv.orgA)/invitations", token: admin).items().first?["id"]
                    as? String)
            #expect(
                try await env.request(.delete, "/api/v1/organizations/\(TestEnv.orgA)/invitations/\(id)", token: admin).status == .noContent
            )
            #expect(
                try await env.request(.delete, "/api/v1/organizations/\(TestEnv.orgA)/invitations/\(id)", token: admin).status == .notFound)
            let accept = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "displayName": "Maybe", "password": "maybe password"])
            #expect(accept.code == "token.invalid")
            #expect(try await env.request(.post, "/api/v1/invitations/inspect", json: ["token": "made-up"]).code == "token.invalid")
        }
    }

    @Test func anExistingAccountProvesItselfWithItsOwnPassword() async throws {
        try await TestEnv.run { env in
            try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            try await env.user("known@example.fi", org: TestEnv.orgB, role: .expert)
            let admin = try await env.login("admin@a.fi")
            let (_, link) = try await invite(env, admin, email: "KNOWN@example.fi", roles: ["contentProducer"])
            let token = try #require(link?.components(separatedBy: "#token=").last)
            #expect(
                try await env.request(.post, "/api/v1/invitations/inspect", json: ["token": token]).json()["accountExists"] as? Bool == true
            )
            let wrong = try await env.request(.post, "/api/v1/invitations/accept", json: ["token": token, "password": "not the password"])
            #expect(wrong.status == .unauthorized)
            let ok = try await env.request(.post, "/api/v1/invitations/accept", json: ["token": token, "password": TestEnv.password])
            #expect(ok.status == .ok)
            let memberships = ((try ok.json()["user"] as? [String: Any])?["memberships"] as? [[String: Any]]) ?? []
            #expect(Set(memberships.compactMap { $0["organizationId"] as? String }) == [TestEnv.orgA, TestEnv.orgB])
        }
    }

    @Test func invitationInputIsValidated() async throws {
        try await TestEnv.run { env in
            try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            let admin = try await env.login("admin@a.fi")
            let bad = try await env.request(
                .post, "/api/v1/organizations/\(TestEnv.orgA)/invitations", token: admin,
                json: ["email": "not-an-address", "roles": [String]()])
            #expect(bad.status == .unprocessableContent)
            let fields = Set(((try bad.json()["errors"] as? [[String: String]]) ?? []).compactMap { $0["field"] })
            #expect(fields == ["email", "roles"])
            #expect(try env.mails().isEmpty)
        }
    }
}
