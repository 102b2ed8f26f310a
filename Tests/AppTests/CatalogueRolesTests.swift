import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Who may do what to a service (issue 13, item 1): every role of the service's own organisation,
/// the same roles of another organisation, a platform admin, a client and no one signed in, each
/// against every action, on a public-sector organisation's service and on a private one's. An
/// allowed action must succeed; a refused one must be refused and change nothing.
@Suite("Catalogue editing: roles × actions")
struct CatalogueRolesTests {
    static let publicOrg = "hki-tyollisyys", privateOrg = "valmennus-kompassi"

    enum Action: String, CaseIterable {
        case read, history, create, save, saveInternal, submit, approve, reject, hide, unhide, archive, unarchive, markReviewed, restore
    }

    struct Caller: Sendable {
        let name: String
        let email: String?
        let org: String?
        let role: Role?
        var admin = false
    }

    static let callers: [Caller] = [
        Caller(name: "producer@public", email: "tuottaja@hki.fi", org: publicOrg, role: .contentProducer),
        Caller(name: "provider@public", email: "palvelu@hki.fi", org: publicOrg, role: .serviceProvider),
        Caller(name: "approver@public", email: "hyvaksyja@hki.fi", org: publicOrg, role: .approver),
        Caller(name: "orgAdmin@public", email: "admin@hki.fi", org: publicOrg, role: .orgAdmin),
        Caller(name: "expert@public", email: "asiantuntija@hki.fi", org: publicOrg, role: .expert),
        Caller(name: "producer@private", email: "tuottaja@kompassi.fi", org: privateOrg, role: .contentProducer),
        Caller(name: "provider@private", email: "palvelu@kompassi.fi", org: privateOrg, role: .serviceProvider),
        Caller(name: "approver@private", email: "hyvaksyja@kompassi.fi", org: privateOrg, role: .approver),
        Caller(name: "platformAdmin", email: "paakayttaja@alusta.fi", org: nil, role: nil, admin: true),
        Caller(name: "client", email: "asiakas@example.fi", org: nil, role: nil),
        Caller(name: "anonymous", email: nil, org: nil, role: nil),
    ]

    /// The rule, written out independently of the server's `EditorRights`.
    static func allowed(_ c: Caller, _ action: Action, on org: String) -> Bool {
        if c.admin { return true }
        guard c.org == org, let role = c.role else { return false }
        switch action {
        case .read, .history, .markReviewed: return [.contentProducer, .serviceProvider, .approver].contains(role)
        case .create, .save, .submit, .restore: return [.contentProducer, .serviceProvider].contains(role)
        case .saveInternal: return role == .contentProducer && org == publicOrg
        case .approve, .reject, .hide, .unhide, .archive: return role == .approver
        case .unarchive: return [.contentProducer, .approver].contains(role)
        }
    }

    @Test func everyRoleAgainstEveryActionOnBothKindsOfOrganisation() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            var tokens: [String: String] = [:]
            for c in Self.callers {
                guard let email = c.email else { continue }
                try await env.user(email, org: c.org, role: c.role, platformAdmin: c.admin)
                tokens[c.name] = try await env.login(email)
            }
            let admin = try #require(tokens["platformAdmin"])
            let template = try await Editor.content(env, admin, "tyonhakuvalmennus")
            var cases = 0
            for org in [Self.publicOrg, Self.privateOrg] {
                for action in Action.allCases {
                    // Refused callers change nothing, so they share one prepared service; each allowed
                    // caller gets one of its own.
                    var shared: String?
                    for c in Self.callers {
                        cases += 1
                        let token = c.email == nil ? nil : tokens[c.name]
                        let allowed = Self.allowed(c, action, on: org)
                        let id: String
                        if !allowed, let shared {
                            id = shared
                        } else {
                            id = try await Editor.prepare(env, admin, org: org, template: template, for: action)
                            if !allowed { shared = id }
                        }
                        let before = try await Editor.get(env, admin, id)
                        let answer = try await Editor.perform(env, token, action, id: id, org: org, template: template, before: before)
                        let label = "\(c.name) \(action) on \(org)"
                        if allowed {
                            #expect([.ok, .created].contains(answer.status), "\(label): \(answer.status) \(answer.code ?? "")")
                        } else {
                            let expected: HTTPResponse.Status = c.email == nil ? .unauthorized : .forbidden
                            #expect(answer.status == expected, "\(label): \(answer.status) \(answer.code ?? "")")
                            let after = try await Editor.get(env, admin, id)
                            #expect(after["version"] as? Int == before["version"] as? Int, "\(label) changed the version")
                            #expect(after["status"] as? String == before["status"] as? String, "\(label) changed the status")
                            #expect(after["edit"] as? String == before["edit"] as? String, "\(label) changed the open edit")
                        }
                    }
                }
            }
            #expect(cases == 2 * Action.allCases.count * Self.callers.count)
        }
    }

    enum ArticleAction: String, CaseIterable {
        case read, history, create, createInternal, save, restore, publish, unpublish
    }

    static func allowed(_ c: Caller, _ action: ArticleAction, on org: String) -> Bool {
        if c.admin { return true }
        guard c.org == org, let role = c.role else { return false }
        switch action {
        case .read, .history: return [.contentProducer, .approver].contains(role)
        case .create, .save, .restore: return role == .contentProducer
        case .createInternal: return role == .contentProducer && org == publicOrg
        case .publish, .unpublish: return role == .approver
        }
    }

    @Test func everyRoleAgainstEveryArticleAction() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            var tokens: [String: String] = [:]
            for c in Self.callers {
                guard let email = c.email else { continue }
                try await env.user(email, org: c.org, role: c.role, platformAdmin: c.admin)
                tokens[c.name] = try await env.login(email)
            }
            let admin = try #require(tokens["platformAdmin"])
            func article(_ audience: String = "public") -> [String: Any] {
                ["title": ["fi": "Ohje"], "body": ["fi": "Teksti."], "audience": audience, "municipalityCodes": [String]()]
            }
            var cases = 0
            for org in [Self.publicOrg, Self.privateOrg] {
                for action in ArticleAction.allCases {
                    var shared: String?
                    for c in Self.callers {
                        cases += 1
                        let token = c.email == nil ? nil : tokens[c.name]
                        let allowed = Self.allowed(c, action, on: org)
                        let id: String
                        if !allowed, let shared {
                            id = shared
                        } else {
                            let made = try await env.request(
                                .post, "/api/v1/catalogue/editor/articles", token: admin,
                                json: ["organizationId": org, "article": article()])
                            id = try #require(try made.json()["id"] as? String)
                            if action == .unpublish {
                                let r = try await env.request(
                                    .post, "/api/v1/catalogue/editor/articles/\(id)/publish", token: admin, json: ["version": 1])
                                #expect(r.status == .ok)
                            }
                            if !allowed { shared = id }
                        }
                        let path = "/api/v1/catalogue/editor/articles/\(id)"
                        let answer: TestResponse
                        switch action {
                        case .read: answer = try await env.request(.get, path, token: token)
                        case .history: answer = try await env.request(.get, path + "/history", token: token)
                        case .create, .createInternal:
                            answer = try await env.request(
                                .post, "/api/v1/catalogue/editor/articles", token: token,
                                json: ["organizationId": org, "article": article(action == .create ? "public" : "internal")])
                        case .save:
                            var a = article()
                            a["title"] = ["fi": "Muutettu ohje"]
                            answer = try await env.request(.put, path, token: token, json: ["baseVersion": 1, "article": a])
                        case .restore:
                            answer = try await env.request(.post, path + "/versions/1/restore", token: token, json: ["baseVersion": 1])
                        case .publish: answer = try await env.request(.post, path + "/publish", token: token, json: ["version": 1])
                        case .unpublish: answer = try await env.request(.post, path + "/unpublish", token: token)
                        }
                        let label = "\(c.name) \(action) article on \(org)"
                        if allowed {
                            #expect([.ok, .created].contains(answer.status), "\(label): \(answer.status) \(answer.code ?? "")")
                        } else {
                            let expected: HTTPResponse.Status = c.email == nil ? .unauthorized : .forbidden
                            #expect(answer.status == expected, "\(label): \(answer.status) \(answer.code ?? "")")
                            let after = try await env.request(.get, path, token: admin).json()
                            #expect(
                                after["version"] as? Int == 1
                                    && after["status"] as? String == (action == .unpublish ? "published" : "draft"), "\(label)")
                        }
                    }
                }
            }
            #expect(cases == 2 * ArticleAction.allCases.count * Self.callers.count)
        }
    }

    /// What the editor's pages are built from: each organisation with the caller's rights there.
    @Test func theCallersOrganisationsComeWithTheirRights() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("tuottaja@hki.fi", org: Self.publicOrg, role: .contentProducer)
            try await env.user("tuottaja@kompassi.fi", org: Self.privateOrg, role: .contentProducer)
            try await env.user("asiakas@example.fi")
            try await env.user("pk@alusta.fi", platformAdmin: true)
            func rights(_ email: String) async throws -> [String: [String]] {
                let r = try await env.request(.get, "/api/v1/catalogue/editor/organizations", token: try await env.login(email))
                #expect(r.status == .ok)
                return Dictionary(uniqueKeysWithValues: try r.items().map { ($0["id"] as? String ?? "", $0["rights"] as? [String] ?? []) })
            }
            let publicProducer = try await rights("tuottaja@hki.fi")
            #expect(Array(publicProducer.keys) == [Self.publicOrg])
            #expect(
                Set(publicProducer[Self.publicOrg] ?? []) == [
                    "read", "edit", "writeInternal", "unarchive", "markReviewed", "importPTV", "stale",
                ])
            let privateProducer = try await rights("tuottaja@kompassi.fi")
            #expect(!(privateProducer[Self.privateOrg] ?? []).contains("writeInternal"))
            #expect(try await rights("asiakas@example.fi").isEmpty)
            #expect(try await rights("pk@alusta.fi").count > 20)
        }
    }

    /// The organisation admin manages users, and a service provider sees no internal instructions in
    /// the editor; what a provider saves keeps them as they were.
    @Test func aServiceProviderNeitherSeesNorLosesTheInternalInstructions() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("palvelu@kompassi.fi", org: Self.privateOrg, role: .serviceProvider)
            try await env.user("pk@alusta.fi", platformAdmin: true)
            let provider = try await env.login("palvelu@kompassi.fi")
            let admin = try await env.login("pk@alusta.fi")
            let id = "linkedin-ja-verkkonakyvyys-tyonhaussa"
            var content = try await Editor.content(env, admin, id)
            var inner = content["internal"] as? [String: Any] ?? [:]
            inner["guidanceProcess"] = ["fi": "Sisäinen ohje, jota palveluntuottaja ei näe."]
            content["internal"] = inner
            let saved = try await env.request(
                .put, "/api/v1/catalogue/editor/services/\(id)", token: admin,
                json: ["baseVersion": try await Editor.version(env, admin, id), "service": content])
            #expect(saved.status == .ok, "\(saved.code ?? "")")

            let seen = try await Editor.get(env, provider, id)
            let seenContent = try #require(seen["content"] as? [String: Any])
            #expect(seenContent["internal"] == nil || seenContent["internal"] is NSNull, "a provider reads no internal instructions")
            #expect(seen["writesInternal"] as? Bool == false)
            var edit = seenContent
            var summary = edit["summary"] as? [String: Any] ?? [:]
            summary["fi"] = "Uusi tiivistelmä palveluntuottajalta."
            edit["summary"] = summary
            let put = try await env.request(
                .put, "/api/v1/catalogue/editor/services/\(id)", token: provider,
                json: ["baseVersion": seen["version"] as Any, "service": edit])
            #expect(put.status == .ok, "\(put.code ?? "")")
            let after = try await Editor.content(env, admin, id)
            #expect(
                ((after["internal"] as? [String: Any])?["guidanceProcess"] as? [String: Any])?["fi"] as? String
                    == "Sisäinen ohje, jota palveluntuottaja ei näe.")
            #expect((after["summary"] as? [String: Any])?["fi"] as? String == "Uusi tiivistelmä palveluntuottajalta.")
        }
    }
}

/// Requests of the editor's API that several suites make.
enum Editor {
    static func get(_ env: TestEnv, _ token: String, _ id: String) async throws -> [String: Any] {
        let r = try await env.request(.get, "/api/v1/catalogue/editor/services/\(id)", token: token)
        #expect(r.status == .ok, "\(id): \(r.status) \(r.code ?? "")")
        return try r.json()
    }

    static func content(_ env: TestEnv, _ token: String, _ id: String) async throws -> [String: Any] {
        try await get(env, token, id)["content"] as? [String: Any] ?? [:]
    }

    static func version(_ env: TestEnv, _ token: String, _ id: String) async throws -> Int {
        try await get(env, token, id)["version"] as? Int ?? -1
    }

    static func step(_ env: TestEnv, _ token: String?, _ id: String, _ step: String, _ body: [String: Any] = [:]) async throws
        -> TestResponse
    {
        try await env.request(.post, "/api/v1/catalogue/editor/services/\(id)/\(step)", token: token, json: body)
    }

    static func create(_ env: TestEnv, _ token: String?, org: String, _ content: [String: Any]) async throws -> TestResponse {
        try await env.request(.post, "/api/v1/catalogue/editor/services", token: token, json: ["organizationId": org, "service": content])
    }

    /// A new service of `org` made by the platform admin and brought to where `action` can be taken.
    static func prepare(_ env: TestEnv, _ admin: String, org: String, template: [String: Any], for action: CatalogueRolesTests.Action)
        async throws -> String
    {
        let created = try await create(env, admin, org: org, template)
        #expect(created.status == .created, "\(created.code ?? "")")
        let id = try #require(try created.json()["id"] as? String)
        func go(_ name: String) async throws {
            let v = try await version(env, admin, id)
            let r = try await step(env, admin, id, name, ["version": v])
            #expect(r.status == .ok, "\(name): \(r.code ?? "")")
        }
        switch action {
        case .approve, .reject: try await go("submit")
        case .hide, .archive, .markReviewed:
            try await go("submit")
            try await go("approve")
        case .unhide:
            for s in ["submit", "approve", "hide"] { try await go(s) }
        case .unarchive:
            for s in ["submit", "approve", "archive"] { try await go(s) }
        default: break
        }
        return id
    }

    /// `action` on service `id` as the holder of `token`.
    static func perform(
        _ env: TestEnv, _ token: String?, _ action: CatalogueRolesTests.Action, id: String, org: String, template: [String: Any],
        before: [String: Any]
    ) async throws -> TestResponse {
        let version = before["version"] as? Int ?? 0
        var content = template
        switch action {
        case .read: return try await env.request(.get, "/api/v1/catalogue/editor/services/\(id)", token: token)
        case .history: return try await env.request(.get, "/api/v1/catalogue/editor/services/\(id)/history", token: token)
        case .create:
            content.removeValue(forKey: "internal")
            return try await create(env, token, org: org, content)
        case .save:
            content.removeValue(forKey: "internal")
            var summary = content["summary"] as? [String: Any] ?? [:]
            summary["fi"] = "Muutettu tiivistelmä."
            content["summary"] = summary
            return try await env.request(
                .put, "/api/v1/catalogue/editor/services/\(id)", token: token, json: ["baseVersion": version, "service": content])
        case .saveInternal:
            content["internal"] = [
                "guidanceProcess": ["fi": "Uusi sisäinen ohje."], "obligations": ["fi": ""], "statementsAndBenefits": ["fi": ""],
                "travelCompensation": ["fi": ""], "clientRecordInstructions": ["fi": ""], "municipalExceptions": ["fi": ""],
                "internalContacts": ["fi": ""],
            ]
            return try await env.request(
                .put, "/api/v1/catalogue/editor/services/\(id)", token: token, json: ["baseVersion": version, "service": content])
        case .restore:
            return try await env.request(
                .post, "/api/v1/catalogue/editor/services/\(id)/versions/1/restore", token: token, json: ["baseVersion": version])
        case .reject: return try await step(env, token, id, "reject", ["version": version, "comment": "Korjaa yhteystiedot."])
        case .markReviewed: return try await step(env, token, id, "mark-reviewed")
        default: return try await step(env, token, id, action.rawValue, ["version": version])
        }
    }
}
