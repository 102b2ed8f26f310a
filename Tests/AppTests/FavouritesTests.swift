import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Experts' favourite lists, read-only links to them, recently viewed services, and the list
/// endpoints that browser favourites and municipality pages use.
@Suite("Favourites, recently viewed and municipality pages")
struct FavouritesTests {
    /// A demo-catalogue app with a signed-in expert; returns the expert's token.
    static func withExpert(_ body: @Sendable (TestEnv, String) async throws -> Void) async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("expert@example.fi", org: TestEnv.orgA, role: .expert)
            try await body(env, try await env.login("expert@example.fi"))
        }
    }

    static func hiddenServiceId() throws -> String {
        let file = try CatalogueValidator.decode(Data(contentsOf: repoRoot.appending(path: "DemoData/catalogue.json")))
        return try #require(file.services.first { $0.status == "hidden" }).id
    }

    static func draftServiceId() throws -> String {
        let file = try CatalogueValidator.decode(Data(contentsOf: repoRoot.appending(path: "DemoData/catalogue.json")))
        return try #require(file.services.first { $0.status == "draft" }).id
    }

    @Test func anExpertKeepsNamedListsOnTheServer() async throws {
        try await Self.withExpert { env, expert in
            let created = try await env.request(
                .post, "/api/v1/favourite-lists", token: expert, json: ["name": "  Nuoret  ", "clientId": "c1"])
            #expect(created.status == .created)
            let list = try created.json()
            let id = try #require(list["id"] as? String)
            #expect(list["name"] as? String == "Nuoret")
            #expect(list["shareToken"] is NSNull)
            // A resent create answers with the same list, not a second one.
            let resent = try await env.request(.post, "/api/v1/favourite-lists", token: expert, json: ["name": "Nuoret", "clientId": "c1"])
            #expect(resent.status == .ok)
            #expect(try resent.json()["id"] as? String == id)
            env.time.advance(by: 1)
            _ = try await env.request(.post, "/api/v1/favourite-lists", token: expert, json: ["name": "Kuntoutus"])

            for service in ["palkkatuki", "tyokokeilu", "palkkatuki"] {
                env.time.advance(by: 1)
                let put = try await env.request(.put, "/api/v1/favourite-lists/\(id)/services/\(service)", token: expert)
                #expect(put.status == .noContent)
            }
            let detail = try await env.request(.get, "/api/v1/favourite-lists/\(id)", token: expert)
            #expect(detail.status == .ok)
            let services = try #require(try detail.json()["services"] as? [[String: Any]])
            #expect(services.compactMap { $0["id"] as? String } == ["tyokokeilu", "palkkatuki"])  // newest first, once each

            let lists = try await env.request(.get, "/api/v1/favourite-lists", token: expert)
            #expect(try lists.items().compactMap { $0["name"] as? String } == ["Nuoret", "Kuntoutus"])
            #expect(try lists.items().first?["serviceIds"] as? [String] == ["tyokokeilu", "palkkatuki"])

            let renamed = try await env.request(.patch, "/api/v1/favourite-lists/\(id)", token: expert, json: ["name": "Nuoret aikuiset"])
            #expect(try renamed.json()["name"] as? String == "Nuoret aikuiset")
            #expect(try await env.request(.delete, "/api/v1/favourite-lists/\(id)/services/palkkatuki", token: expert).status == .noContent)
            let after = try await env.request(.get, "/api/v1/favourite-lists/\(id)", token: expert)
            #expect((try after.json()["services"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["tyokokeilu"])

            #expect(try await env.request(.delete, "/api/v1/favourite-lists/\(id)", token: expert).status == .noContent)
            #expect(try await env.request(.get, "/api/v1/favourite-lists/\(id)", token: expert).status == .notFound)
            #expect(try await env.request(.get, "/api/v1/favourite-lists", token: expert).items().count == 1)
        }
    }

    @Test func badInputIsRefusedAndNothingIsWritten() async throws {
        try await Self.withExpert { env, expert in
            let blank = try await env.request(.post, "/api/v1/favourite-lists", token: expert, json: ["name": "   "])
            #expect(blank.status == .unprocessableContent)
            #expect(try blank.json()["code"] as? String == "request.validation")
            let long = try await env.request(
                .post, "/api/v1/favourite-lists", token: expert, json: ["name": String(repeating: "x", count: 101)])
            #expect(long.status == .unprocessableContent)
            #expect(try await env.request(.post, "/api/v1/favourite-lists", token: expert, body: "{").status == .badRequest)
            #expect(try await env.request(.get, "/api/v1/favourite-lists", token: expert).items().isEmpty)

            let id = try #require(
                try await env.request(.post, "/api/v1/favourite-lists", token: expert, json: ["name": "A"]).json()["id"] as? String)
            let unknown = try await env.request(.put, "/api/v1/favourite-lists/\(id)/services/no-such-service", token: expert)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json()["code"] as? String == "service.notFound")
            // An expert may keep a hidden service, but not another organisation's draft.
            #expect(
                try await env.request(.put, "/api/v1/favourite-lists/\(id)/services/\(Self.hiddenServiceId())", token: expert).status
                    == .noContent)
            #expect(
                try await env.request(.put, "/api/v1/favourite-lists/\(id)/services/\(Self.draftServiceId())", token: expert).status
                    == .notFound)
            let ids = try await env.request(.get, "/api/v1/favourite-lists", token: expert).items().first?["serviceIds"] as? [String]
            #expect(ids == [try Self.hiddenServiceId()])
        }
    }

    @Test func listsAreTheirOwnersAlone() async throws {
        try await Self.withExpert { env, expert in
            let id = try #require(
                try await env.request(.post, "/api/v1/favourite-lists", token: expert, json: ["name": "Oma"]).json()["id"] as? String)
            try await env.user("other@example.fi", org: TestEnv.orgB, role: .expert)
            try await env.user("client@example.fi")
            let other = try await env.login("other@example.fi")
            let client = try await env.login("client@example.fi")
            // Another expert: the list does not exist for them.
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/v1/favourite-lists/\(id)"), (.patch, "/api/v1/favourite-lists/\(id)"),
                (.delete, "/api/v1/favourite-lists/\(id)"), (.put, "/api/v1/favourite-lists/\(id)/services/palkkatuki"),
                (.delete, "/api/v1/favourite-lists/\(id)/services/palkkatuki"), (.put, "/api/v1/favourite-lists/\(id)/share"),
                (.delete, "/api/v1/favourite-lists/\(id)/share"),
            ] {
                let r = try await env.request(method, path, token: other, json: method == .patch ? ["name": "Vieras"] : nil)
                #expect(r.status == .notFound, "\(method) \(path)")
                // A client keeps favourites in the browser; anonymous callers must sign in.
                #expect(
                    try await env.request(method, path, token: client, json: method == .patch ? ["name": "x"] : nil).status == .forbidden)
                #expect(try await env.request(method, path, json: method == .patch ? ["name": "x"] : nil).status == .unauthorized)
            }
            #expect(try await env.request(.get, "/api/v1/favourite-lists", token: other).items().isEmpty)
            #expect(try await env.request(.get, "/api/v1/favourite-lists", token: client).status == .forbidden)
            #expect(try await env.request(.post, "/api/v1/favourite-lists", token: client, json: ["name": "x"]).status == .forbidden)
            #expect(try await env.request(.get, "/api/v1/me/recently-viewed", token: client).status == .forbidden)
            // The owner's list is unchanged.
            let mine = try await env.request(.get, "/api/v1/favourite-lists/\(id)", token: expert)
            #expect(try mine.json()["name"] as? String == "Oma")
        }
    }

    @Test func aSharedLinkIsReadOnlyAndShowsOnlyWhatTheReaderMayOpen() async throws {
        try await Self.withExpert { env, expert in
            let id = try #require(
                try await env.request(.post, "/api/v1/favourite-lists", token: expert, json: ["name": "Asiakkaalle"]).json()["id"]
                    as? String)
            for service in ["palkkatuki", try Self.hiddenServiceId()] {
                #expect(
                    try await env.request(.put, "/api/v1/favourite-lists/\(id)/services/\(service)", token: expert).status == .noContent)
            }
            let shared = try await env.request(.put, "/api/v1/favourite-lists/\(id)/share", token: expert)
            let token = try #require(try shared.json()["shareToken"] as? String)
            #expect(token.count >= 40)
            // Sharing again keeps the same link.
            #expect(
                try await env.request(.put, "/api/v1/favourite-lists/\(id)/share", token: expert).json()["shareToken"] as? String == token)

            // Anyone with the link: the name and the services they may open; nothing of the owner.
            let anonymous = try await env.request(.get, "/api/v1/shared-lists/\(token)")
            #expect(anonymous.status == .ok)
            let body = try anonymous.json()
            #expect(body["name"] as? String == "Asiakkaalle")
            #expect((body["services"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["palkkatuki"])
            #expect(Set(body.keys) == ["name", "updatedAt", "services"])
            let asExpert = try await env.request(.get, "/api/v1/shared-lists/\(token)", token: expert)
            #expect((try asExpert.json()["services"] as? [[String: Any]])?.count == 2)
            #expect(try await env.request(.get, "/api/v1/shared-lists/not-a-token").status == .notFound)

            // Ending the link: the old address stops working; sharing again makes a new one.
            let unshared = try await env.request(.delete, "/api/v1/favourite-lists/\(id)/share", token: expert)
            #expect(try unshared.json()["shareToken"] is NSNull)
            #expect(try await env.request(.get, "/api/v1/shared-lists/\(token)").status == .notFound)
            let again = try await env.request(.put, "/api/v1/favourite-lists/\(id)/share", token: expert)
            #expect(try again.json()["shareToken"] as? String != token)
        }
    }

    @Test func anExpertSeesTheLast20ServicesTheyOpened() async throws {
        try await Self.withExpert { env, expert in
            let file = try CatalogueValidator.decode(Data(contentsOf: repoRoot.appending(path: "DemoData/catalogue.json")))
            let ids = file.services.filter { $0.status == "published" }.prefix(22).map(\.id)
            for id in ids {
                env.time.advance(by: 1)
                #expect(try await env.request(.get, "/api/v1/catalogue/services/\(id)", token: expert).status == .ok)
            }
            // Opening one again moves it to the top.
            env.time.advance(by: 1)
            _ = try await env.request(.get, "/api/v1/catalogue/services/\(ids[5])", token: expert)
            let recent = try await env.request(.get, "/api/v1/me/recently-viewed", token: expert)
            let seen = try recent.items().compactMap { ($0["service"] as? [String: Any])?["id"] as? String }
            #expect(seen.count == 20)
            #expect(seen.first == ids[5])
            #expect(Array(seen.dropFirst()) == Array(ids.reversed().filter { $0 != ids[5] }.prefix(19)))
            // Anonymous views are not recorded anywhere, and clearing empties the list.
            _ = try await env.request(.get, "/api/v1/catalogue/services/\(ids[0])")
            #expect(try await env.request(.delete, "/api/v1/me/recently-viewed", token: expert).status == .noContent)
            #expect(try await env.request(.get, "/api/v1/me/recently-viewed", token: expert).items().isEmpty)
        }
    }

    @Test func severalServicesComeAsListRowsInTheOrderAsked() async throws {
        try await Self.withExpert { env, expert in
            let hidden = try Self.hiddenServiceId()
            let anonymous = try await env.request(.get, "/api/v1/catalogue/services?ids=tyokokeilu,nope,\(hidden),palkkatuki")
            #expect(try anonymous.items().compactMap { $0["id"] as? String } == ["tyokokeilu", "palkkatuki"])
            let expertRows = try await env.request(.get, "/api/v1/catalogue/services?ids=tyokokeilu,\(hidden)", token: expert)
            #expect(try expertRows.items().compactMap { $0["id"] as? String } == ["tyokokeilu", hidden])
            let tooMany = (0...100).map { "s\($0)" }.joined(separator: ",")
            #expect(try await env.request(.get, "/api/v1/catalogue/services?ids=\(tooMany)").status == .unprocessableContent)
        }
    }

    @Test func aMunicipalityPageIsItsServicesUnderTheCategoryTree() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let r = try await env.request(.get, "/api/v1/catalogue/municipalities/078")
            #expect(r.status == .ok)
            let page = try r.json()
            let total = try await env.request(.get, "/api/v1/catalogue/search?municipality=078&limit=1").json()["total"] as? Int
            #expect(page["total"] as? Int == total)
            let top = try #require(page["categories"] as? [[String: Any]])
            let facets = try await env.request(.get, "/api/v1/catalogue/search?municipality=078&limit=1").json()["facets"] as? [String: Any]
            let categoryCounts = Dictionary(
                uniqueKeysWithValues: ((facets?["category"] as? [[String: Any]]) ?? []).map {
                    ($0["id"] as? String ?? "", $0["count"] as? Int ?? 0)
                })
            // Every node's count is the search's facet count of that category in the municipality.
            func check(_ nodes: [[String: Any]]) {
                for node in nodes {
                    let id = node["id"] as? String ?? ""
                    #expect(node["count"] as? Int == categoryCounts[id], "\(id)")
                    for s in node["services"] as? [[String: Any]] ?? [] {
                        #expect((s["municipalityCodes"] as? [String])?.contains("078") == true)
                        #expect((s["categoryIds"] as? [String])?.contains(id) == true)
                    }
                    check(node["children"] as? [[String: Any]] ?? [])
                }
            }
            check(top)
            #expect(top.first?["id"] as? String == "tyonhaku")
            let unknown = try await env.request(.get, "/api/v1/catalogue/municipalities/999")
            #expect(unknown.status == .notFound)
            #expect(try unknown.json()["code"] as? String == "municipality.notFound")
        }
    }
}
