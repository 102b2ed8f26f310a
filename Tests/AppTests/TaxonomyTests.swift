import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Platform admins keep the municipalities, the category tree, life situations and employment
/// statuses (issue 13, item 1): new and changed items show in the taxonomy everyone reads at once;
/// an item in use is not removed; a category cannot come under itself. Demo catalogue.
@Suite("Catalogue taxonomies kept by platform admins")
struct TaxonomyTests {
    static func put(_ env: TestEnv, _ token: String?, _ kind: String, _ id: String, _ body: [String: Any]) async throws -> TestResponse {
        try await env.request(.put, "/api/v1/admin/taxonomy/\(kind)/\(id)", token: token, json: body)
    }

    static func taxonomy(_ env: TestEnv) async throws -> [String: Any] {
        try await env.request(.get, "/api/v1/catalogue/taxonomy").json()
    }

    static func item(_ taxonomy: [String: Any], _ kind: String, _ id: String) -> [String: Any]? {
        (taxonomy[kind] as? [[String: Any]])?.first { ($0["id"] ?? $0["code"]) as? String == id }
    }

    static func fieldCodes(_ r: TestResponse) throws -> [String] {
        (try r.json()["errors"] as? [[String: String]] ?? []).map { "\($0["field"] ?? ""): \($0["code"] ?? "")" }
    }

    @Test func onlyPlatformAdminsChangeTheLists() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("pk@alusta.fi", platformAdmin: true)
            try await env.user("paakayttaja@hki.fi", org: "hki-tyollisyys", role: .orgAdmin)
            try await env.user("tuottaja@hki.fi", org: "hki-tyollisyys", role: .contentProducer)
            let body: [String: Any] = ["name": ["fi": "Uusi"]]
            #expect(try await Self.put(env, nil, "lifeSituations", "uusi", body).status == .unauthorized)
            for email in ["paakayttaja@hki.fi", "tuottaja@hki.fi"] {
                let token = try await env.login(email)
                #expect(try await Self.put(env, token, "lifeSituations", "uusi", body).status == .forbidden, "\(email)")
                #expect(
                    try await env.request(.delete, "/api/v1/admin/taxonomy/lifeSituations/uusi", token: token).status == .forbidden)
            }
            #expect(Self.item(try await Self.taxonomy(env), "lifeSituations", "uusi") == nil)
            let admin = try await env.login("pk@alusta.fi")
            #expect(try await Self.put(env, admin, "nothing", "uusi", body).status == .notFound)
        }
    }

    @Test func itemsAreAddedChangedAndRemovedAndShowAtOnce() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("pk@alusta.fi", platformAdmin: true)
            let admin = try await env.login("pk@alusta.fi")
            let before = try await Self.taxonomy(env)
            let statuses = (before["employmentStatuses"] as? [[String: Any]] ?? []).count

            let added = try await Self.put(
                env, admin, "employmentStatuses", "kevytyrittaja",
                ["name": ["fi": " Kevytyrittäjä ", "sv": "Lättföretagare", "en": ""]])
            #expect(added.status == .created)
            #expect(try added.json()["position"] as? Int == statuses, "a new one goes last")
            var after = try await Self.taxonomy(env)
            let item = try #require(Self.item(after, "employmentStatuses", "kevytyrittaja"))
            #expect((item["name"] as? [String: Any])?["fi"] as? String == "Kevytyrittäjä")
            #expect((item["name"] as? [String: Any])?["en"] == nil, "an empty translation is no translation")
            #expect((after["employmentStatuses"] as? [[String: Any]])?.last?["id"] as? String == "kevytyrittaja")

            // A new category under a main one; a rename keeps the place.
            let main = try #require((before["categories"] as? [[String: Any]])?.first { $0["parent"] == nil || $0["parent"] is NSNull })
            let mainId = try #require(main["id"] as? String)
            let child = try await Self.put(env, admin, "categories", "uusi-ala", ["name": ["fi": "Uusi ala"], "parent": mainId])
            #expect(child.status == .created)
            var renamed = main["name"] as? [String: Any] ?? [:]
            renamed["sv"] = "Nytt namn"
            let changed = try await Self.put(env, admin, "categories", mainId, ["name": renamed])
            #expect(changed.status == .ok)
            after = try await Self.taxonomy(env)
            #expect(Self.item(after, "categories", "uusi-ala")?["parent"] as? String == mainId)
            #expect((Self.item(after, "categories", mainId)?["name"] as? [String: Any])?["sv"] as? String == "Nytt namn")
            #expect(
                (after["categories"] as? [[String: Any]])?.firstIndex { $0["id"] as? String == mainId }
                    == (before["categories"] as? [[String: Any]])?.firstIndex { $0["id"] as? String == mainId })
            // The search can filter by the new category at once (nothing in it yet).
            let search = try await env.request(.get, "/api/v1/catalogue/search?category=uusi-ala")
            #expect(search.status == .ok)
            #expect(try search.json()["total"] as? Int == 0)

            // Not under itself, nor under its own subcategory, nor under an unknown one.
            #expect(
                try Self.fieldCodes(try await Self.put(env, admin, "categories", mainId, ["name": renamed, "parent": mainId])) == [
                    "parent: taxonomy.cycle"
                ])
            #expect(
                try Self.fieldCodes(try await Self.put(env, admin, "categories", mainId, ["name": renamed, "parent": "uusi-ala"])) == [
                    "parent: taxonomy.cycle"
                ])
            #expect(
                try Self.fieldCodes(try await Self.put(env, admin, "categories", "toinen", ["name": ["fi": "x"], "parent": "ei-ole"])) == [
                    "parent: field.unknownCode"
                ])
            #expect(Self.item(try await Self.taxonomy(env), "categories", mainId)?["parent"] is NSNull)

            // Every problem of a bad item at once, and nothing written.
            let bad = try await Self.put(
                env, admin, "municipalities", "12",
                ["name": ["fi": "", "sv": String(repeating: "x", count: 201)], "parent": "a", "position": -1])
            #expect(bad.status == .unprocessableContent)
            #expect(
                Set(try Self.fieldCodes(bad)) == [
                    "id: taxonomy.invalidId", "name.fi: field.required", "name.sv: field.tooLong", "parent: field.invalidValue",
                    "position: field.invalidValue",
                ])
            #expect(try await Self.put(env, admin, "lifeSituations", "%C3%A4%C3%A4", ["name": ["fi": "x"]]).status == .unprocessableContent)

            // In use: the parent with its new subcategory, a municipality of services, articles and organisations.
            let inUse = try await env.request(.delete, "/api/v1/admin/taxonomy/categories/\(mainId)", token: admin)
            #expect(inUse.status == .conflict && inUse.code == "taxonomy.inUse")
            #expect(((try inUse.json()["details"] as? [String: Any])?["subcategories"] as? Int ?? 0) >= 1)
            let helsinki = try await env.request(.delete, "/api/v1/admin/taxonomy/municipalities/091", token: admin)
            let details = try #require(try helsinki.json()["details"] as? [String: Any])
            #expect(helsinki.status == .conflict)
            #expect((details["services"] as? Int ?? 0) > 0 && (details["organizations"] as? Int ?? 0) > 0)
            #expect(Self.item(try await Self.taxonomy(env), "municipalities", "091") != nil)

            // Unused: removed.
            for (kind, id) in [("categories", "uusi-ala"), ("employmentStatuses", "kevytyrittaja")] {
                #expect(try await env.request(.delete, "/api/v1/admin/taxonomy/\(kind)/\(id)", token: admin).status == .noContent)
                #expect(try await env.request(.delete, "/api/v1/admin/taxonomy/\(kind)/\(id)", token: admin).status == .notFound)
                #expect(Self.item(try await Self.taxonomy(env), kind, id) == nil)
            }

            // The export carries the lists as they are now.
            let exported = try await env.components.catalogueExchange.exportFile()
            let file = try CatalogueValidator.decode(exported)
            #expect(file.categories.first { $0.id == mainId }?.name.sv == "Nytt namn")
        }
    }
}
