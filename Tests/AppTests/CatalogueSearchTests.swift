import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Search through `GET /api/v1/catalogue/search` over the demo catalogue.
@Suite("Catalogue search")
struct CatalogueSearchTests {
    /// One query (with filters) and ids that must be among the first five results.
    struct Case: Sendable, CustomTestStringConvertible {
        let query: String
        let expected: [String]
        var testDescription: String { query }
    }

    static let cases: [Case] = [
        // Inflected forms, plurals and consonant gradation.
        Case(query: "q=uraohjaukseen", expected: ["uraohjaus-aikuisille", "ammatinvalinta-ja-uraohjaus"]),
        Case(query: "q=uraohjausta", expected: ["uraohjaus-aikuisille"]),
        Case(query: "q=kuntoutukseen", expected: ["ammatillinen-kuntoutus", "tyokykya-tukeva-kuntoutus"]),
        Case(query: "q=työkokeilua", expected: ["tyokokeilu", "tyokokeilu-mielenterveyskuntoutujille"]),
        Case(query: "q=työkokeiluun", expected: ["tyokokeilu", "tyokokeilu-jarjestoissa"]),
        Case(query: "q=työkokeilusta", expected: ["tyokokeilu"]),
        Case(query: "q=työkokeilulla", expected: ["tyokokeilu-raaseporissa"]),
        Case(query: "q=kielikursseille", expected: ["ruotsin-kielen-kielikurssi", "suomen-kielen-alkeiskurssi"]),
        Case(query: "q=starttirahaa", expected: ["starttiraha", "starttirahainfo"]),
        Case(query: "q=yrittäjäksi", expected: ["yrittajyyskurssi-yrityksen-perustaminen"]),
        // Compound parts and prefixes.
        Case(query: "q=uraohjaus&organization=hki-tyollisyys", expected: ["ajanvaraus-ammatinvalinta-ja-uraohjaukseen"]),
        Case(query: "q=digi", expected: ["digiosaajaksi-digitaitojen-perusteet", "polku-digiosaajaksi"]),
        Case(query: "q=kuntoutus&category=tyokokeilu", expected: ["tyokokeilu-mielenterveyskuntoutujille"]),
        Case(query: "q=kuntoutus%20mielenterveys", expected: ["tyopajatoiminta-mielenterveyskuntoutujille"]),
        Case(query: "q=talousneuvontaa", expected: ["talous-ja-velkaneuvonta"]),
        // One typo in a longer word.
        Case(query: "q=palkatuki", expected: ["palkkatuki-yrityksille"]),
        Case(query: "q=starttiraah", expected: ["starttiraha"]),
        // Swedish and English.
        Case(query: "q=arbetsprövning", expected: ["tyokokeilu"]),
        Case(query: "q=career%20guidance", expected: ["uraohjaus-aikuisille"]),
        Case(query: "q=sommarjobb", expected: ["kesatyot-nuorille-hangossa"]),
        // A Swedish compound ends with its head: "vägledning" finds "karriärvägledning".
        Case(query: "q=vägledning", expected: ["uraohjausta-ruotsiksi", "uraohjaus-aikuisille"]),
        // Organisation names count.
        Case(query: "q=Kela", expected: ["kuntoutuspsykoterapian-hakeminen"]),
        Case(query: "q=verstas", expected: ["nuorten-tyopaja"]),
        // Filters with and without words.
        Case(query: "q=palkkatuki&municipality=078", expected: ["palkkatuki-hankolaisille-tyonantajille"]),
        Case(query: "q=uraohjaus&language=sv", expected: ["uraohjausta-ruotsiksi"]),
        Case(query: "q=digi&mode=remote", expected: ["digiosaajaksi-digitaitojen-perusteet"]),
        Case(query: "q=uraohjaus&accessibility=signLanguage", expected: ["uraohjausta-alanvaihtajille"]),
        Case(query: "q=nuorten&age=17", expected: ["nuorten-tyopaja"]),
        Case(query: "q=ohjaus&category=tyonhaku", expected: ["tyonhakijan-henkilokohtainen-ohjaus"]),
        Case(query: "q=vertaistuki&sector=third", expected: ["vertaistuki-osatyokykyisille"]),
        Case(query: "cost=paid", expected: ["suomen-kielen-alkeiskurssi"]),
        Case(query: "q=oppisopimus&organization=etelarannikon-ammattiopisto", expected: ["oppisopimuskoulutus"]),
    ]

    static func withCatalogue(_ body: @Sendable (TestEnv) async throws -> Void) async throws {
        try await TestEnv.run { env in
            _ = try await Commands.importCatalogue(env.config, file: repoRoot.appending(path: "DemoData/catalogue.json"))
            try await body(env)
        }
    }

    @Test func everyCaseFindsItsServicesInTheFirstFive() async throws {
        try await Self.withCatalogue { env in
            for c in Self.cases {
                let r = try await env.request(.get, "/api/v1/catalogue/search?\(c.query)&limit=5")
                #expect(r.status == .ok, "\(c.query)")
                let ids = try r.items().compactMap { $0["id"] as? String }
                for id in c.expected { #expect(ids.contains(id), "\(c.query): \(id) not in \(ids)") }
            }
        }
    }

    /// The service a query names comes first, whatever the case of the word; a whole word in a name
    /// ranks above the same word as a part of a compound.
    @Test(arguments: [
        ("työkokeilua", "tyokokeilu"), ("työkokeiluun", "tyokokeilu"), ("työkokeilusta", "tyokokeilu"), ("työkokeilulla", "tyokokeilu"),
        ("palkkatukea", "palkkatuki"), ("palkkatuen", "palkkatuki"), ("starttirahaa", "starttiraha"),
        ("kuntoutukseen", "ammatillinen-kuntoutus"),
        ("ohjaus&category=tyonhaku", "tyonhakijan-henkilokohtainen-ohjaus"), ("arbetsprövning", "tyokokeilu"),
    ])
    func theNamedServiceComesFirst(query: String, first: String) async throws {
        try await Self.withCatalogue { env in
            let r = try await env.request(
                .get, "/api/v1/catalogue/search?q=\(query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")&limit=3")
            #expect(try r.items().first?["id"] as? String == first, "\(query)")
        }
    }

    @Test func anEmptyQueryBrowsesWhatTheCallerMaySee() async throws {
        try await Self.withCatalogue { env in
            let anonymous = try await env.request(.get, "/api/v1/catalogue/search?limit=100")
            #expect(try anonymous.json()["total"] as? Int == 153)
            let second = try #require(try anonymous.json()["nextCursor"] as? String)
            let rest = try await env.request(.get, "/api/v1/catalogue/search?limit=100&cursor=\(second)")
            let restItems = try rest.items()
            let restCursor = try rest.json()["nextCursor"]
            #expect(restItems.count == 53 && restCursor is NSNull)
            try await env.user("expert@example.fi", org: TestEnv.orgA, role: .expert)
            let expert = try await env.login("expert@example.fi")
            let seen = try await env.request(.get, "/api/v1/catalogue/search?limit=1", token: expert)
            #expect(try seen.json()["total"] as? Int == 162)  // published and hidden
        }
    }

    @Test func visibilityDependsOnTheRole() async throws {
        try await Self.withCatalogue { env in
            let file = try CatalogueValidator.decode(Data(contentsOf: repoRoot.appending(path: "DemoData/catalogue.json")))
            let hidden = try #require(file.services.first { $0.status == "hidden" })
            let draft = try #require(file.services.first { $0.status == "draft" })
            let archived = try #require(file.services.first { $0.status == "archived" })
            try await env.user("expert@example.fi", org: TestEnv.orgA, role: .expert)
            try await env.user("producer@example.fi", org: draft.organizationId, role: .contentProducer)
            try await env.user("provider@example.fi", org: "kela", role: .serviceProvider)
            try await env.user("client@example.fi")
            let expert = try await env.login("expert@example.fi")
            let producer = try await env.login("producer@example.fi")
            let provider = try await env.login("provider@example.fi")
            let client = try await env.login("client@example.fi")

            func page(_ id: String, _ token: String?) async throws -> TestResponse {
                try await env.request(.get, "/api/v1/catalogue/services/\(id)", token: token)
            }
            func listed(_ id: String, _ token: String?) async throws -> Bool {
                let org = file.services.first { $0.id == id }?.organizationId ?? ""
                let r = try await env.request(.get, "/api/v1/catalogue/search?limit=100&organization=\(org)", token: token)
                return try r.items().contains { $0["id"] as? String == id }
            }
            // Anonymous visitors and clients: published only, no internal instructions.
            for token in [nil, client, provider] as [String?] {
                #expect(try await page(hidden.id, token).status == .notFound)
                #expect(try await page(draft.id, token).status == .notFound)
                #expect(try await !listed(hidden.id, token))
                let published = try await page("ammatinvalinta-ja-uraohjaus", token)
                let instructions = try published.json()["internal"]
                #expect(published.status == .ok && instructions is NSNull)
            }
            // Experts: hidden services and internal fields.
            #expect(try await page(hidden.id, expert).status == .ok)
            #expect(try await listed(hidden.id, expert))
            let instructions = try await page("ammatinvalinta-ja-uraohjaus", expert).json()["internal"] as? [String: Any]
            #expect(
                (instructions?["guidanceProcess"] as? [String: Any])?["fi"] as? String
                    == file.services.first { $0.id == "ammatinvalinta-ja-uraohjaus" }?.internal.guidanceProcess.fi)
            #expect(try await page(draft.id, expert).status == .notFound)
            // Content roles: their own organisation's drafts.
            #expect(try await page(draft.id, producer).status == .ok)
            #expect(try await listed(draft.id, producer))
            // Archived: by direct link, marked, never listed.
            let old = try await page(archived.id, nil)
            let marked = try old.json()["archived"] as? Bool
            #expect(old.status == .ok && marked == true)
            #expect(try await !listed(archived.id, expert))
        }
    }

    @Test func facetsCountUnderTheOtherFilters() async throws {
        try await Self.withCatalogue { env in
            let all = try await env.request(.get, "/api/v1/catalogue/search?limit=1").json()
            let facets = try #require(all["facets"] as? [String: [[String: Any]]])
            let hanko = try #require(facets["municipality"]?.first { $0["id"] as? String == "078" }?["count"] as? Int)
            let narrowed = try await env.request(.get, "/api/v1/catalogue/search?limit=1&municipality=078").json()
            #expect(narrowed["total"] as? Int == hanko)
            // The municipality facet ignores its own filter; the others follow it.
            let narrowedFacets = try #require(narrowed["facets"] as? [String: [[String: Any]]])
            #expect(narrowedFacets["municipality"]?.count == facets["municipality"]?.count)
            let costs = Dictionary(
                uniqueKeysWithValues: (narrowedFacets["cost"] ?? []).map { ($0["id"] as? String ?? "", $0["count"] as? Int ?? 0) })
            #expect(costs.values.reduce(0, +) == hanko)
            // A parent category includes its children.
            let parent = try await env.request(.get, "/api/v1/catalogue/search?limit=1&category=tyonhaku").json()["total"] as? Int ?? 0
            let child = try await env.request(.get, "/api/v1/catalogue/search?limit=1&category=uraohjaus").json()["total"] as? Int ?? 0
            #expect(parent > child && child > 0)
        }
    }

    @Test func resultsCarrySnippetsAndFitReasons() async throws {
        try await Self.withCatalogue { env in
            let r = try await env.request(
                .get, "/api/v1/catalogue/search?q=uraohjaus&profileAge=30&profileMunicipality=091&profileLanguage=fi&limit=20"
            ).json()
            let items = try #require(r["items"] as? [[String: Any]])
            let first = try #require(items.first)
            #expect((first["fits"] as? [String])?.contains("municipality") == true)
            let withMatch = items.contains { item in
                (item["snippet"] as? [[String: Any]])?.contains { $0["match"] as? Bool == true } == true
            }
            #expect(withMatch)
            let sorted = try await env.request(.get, "/api/v1/catalogue/search?sort=name&limit=3").items().compactMap {
                $0["id"] as? String
            }
            #expect(sorted.count == 3)
        }
    }

    @Test func theTaxonomyListsEveryVocabularyInItsOrder() async throws {
        try await Self.withCatalogue { env in
            let t = try await env.request(.get, "/api/v1/catalogue/taxonomy").json()
            let municipalities = try #require(t["municipalities"] as? [[String: Any]])
            #expect(municipalities.compactMap { $0["code"] as? String } == ["091", "049", "092", "245", "638", "710", "078"])
            let categories = try #require(t["categories"] as? [[String: Any]])
            #expect(categories.count == 23)
            #expect(categories.filter { $0["parent"] is NSNull }.count == 6)
            #expect((t["lifeSituations"] as? [Any])?.count == 13 && (t["employmentStatuses"] as? [Any])?.count == 7)
            #expect((t["organizations"] as? [Any])?.count == 31)  // the demo's 29 and the test's two
        }
    }

    @Test func badParametersAreNamed() async throws {
        try await Self.withCatalogue { env in
            let r = try await env.request(.get, "/api/v1/catalogue/search?sort=best&age=300&cost=cheap&limit=0")
            #expect(r.status == .unprocessableContent)
            let fields = Set(((try r.json()["errors"] as? [[String: String]]) ?? []).compactMap { $0["field"] })
            #expect(fields == ["sort", "age", "cost", "limit"])
            let suggestions = try await env.request(.get, "/api/v1/catalogue/suggest?q=ura").json()["items"] as? [[String: Any]]
            #expect(suggestions?.contains { ($0["text"] as? String)?.lowercased().hasPrefix("ura") == true } == true)
            #expect(try await env.request(.get, "/api/v1/catalogue/services/no-such-service").status == .notFound)
            // Words with nothing to look up (single letters, control characters) do not break the query.
            let odd = try await env.request(.get, "/api/v1/catalogue/search?q=i%C3%A0%C3%B7%0E%C2%8A%13%F4%8F%BD%8A0%C2%83%22*%20a%20(")
            #expect(odd.status == .ok)
        }
    }

    /// Answers are kept per catalogue revision: the same search after an import (here by the CLI path)
    /// shows the imported catalogue, never the answer kept from before it.
    @Test func aSearchAskedAgainAfterAnImportShowsTheImportedCatalogue() async throws {
        try await Self.withCatalogue { env in
            let path = "/api/v1/catalogue/search?q=uraohjaus&organization=valtion-tyovoimatoimisto&limit=100"
            func name(_ id: String) async throws -> String? {
                let r = try await env.request(.get, path)
                #expect(r.status == .ok)
                let item = try r.items().first { $0["id"] as? String == id }
                return (item?["name"] as? [String: Any])?["fi"] as? String
            }
            let before = try await name("ammatinvalinta-ja-uraohjaus")
            #expect(before == "Ammatinvalinta- ja uraohjaus")
            #expect(try await name("ammatinvalinta-ja-uraohjaus") == before)  // asked again, kept

            let demo = try Data(contentsOf: repoRoot.appending(path: "DemoData/catalogue.json"))
            var json = try JSONSerialization.jsonObject(with: demo) as? [String: Any] ?? [:]
            var services = json["services"] as? [[String: Any]] ?? []
            var renamed = services[0]["name"] as? [String: Any] ?? [:]
            renamed["fi"] = "Uraohjaus, uusi nimi"
            services[0]["name"] = renamed
            json["services"] = services
            let file = env.config.dataDir.appending(path: "changed-catalogue.json")
            try JSONSerialization.data(withJSONObject: json).write(to: file)
            let summary = try await Commands.importCatalogue(env.config, file: file)
            #expect(summary.contains("services 0 new, 1 changed, 179 unchanged"))

            #expect(try await name("ammatinvalinta-ja-uraohjaus") == "Uraohjaus, uusi nimi")
        }
    }

    /// Words are matched in memory over every indexed column, the description too, at the revision the
    /// search reads: a word that only one service's description has finds that service and no other,
    /// as soon as the import that wrote it is in; a word no service has finds nothing. Swedish
    /// keywords are analysed as Swedish.
    @Test func aWordOnlyInADescriptionIsFoundRightAfterTheImportThatAddedIt() async throws {
        try await Self.withCatalogue { env in
            func found(_ q: String) async throws -> (total: Int?, ids: [String]) {
                let r = try await env.request(.get, "/api/v1/catalogue/search?q=\(q)&limit=10")
                #expect(r.status == .ok)
                return (try r.json()["total"] as? Int, try r.items().compactMap { $0["id"] as? String })
            }
            #expect(try await found("kvartsisauna").total == 0)
            #expect(try await found("glimmerbastu").total == 0)
            #expect(try await found("kvastbindningen").total == 0)

            let demo = try Data(contentsOf: repoRoot.appending(path: "DemoData/catalogue.json"))
            var json = try JSONSerialization.jsonObject(with: demo) as? [String: Any] ?? [:]
            var services = json["services"] as? [[String: Any]] ?? []
            let id = services[3]["id"] as? String ?? ""
            var description = services[3]["description"] as? [String: Any] ?? [:]
            description["fi"] = "\(description["fi"] as? String ?? "") Tapaamme kvartsisaunassa."
            description["sv"] = "Vi träffas i glimmerbastun."
            services[3]["description"] = description
            // Swedish keywords are analysed as Swedish: "kvastbindningar" meets "kvastbindningen".
            services[3]["keywords"] = ["fi": services[3]["keywords"] ?? [], "sv": ["kvastbindningar"]]
            json["services"] = services
            let file = env.config.dataDir.appending(path: "description-catalogue.json")
            try JSONSerialization.data(withJSONObject: json).write(to: file)
            _ = try await Commands.importCatalogue(env.config, file: file)

            let finnish = try await found("kvartsisauna")
            #expect(finnish.total == 1 && finnish.ids == [id])
            let swedish = try await found("glimmerbastu")
            #expect(swedish.total == 1 && swedish.ids == [id])
            let keyword = try await found("kvastbindningen")
            #expect(keyword.total == 1 && keyword.ids == [id])
            // With a word of its name too: every word must be in the service, in whichever column.
            let name = (services[3]["name"] as? [String: Any])?["fi"] as? String ?? ""
            let first = name.split(separator: " ").first.map(String.init) ?? ""
            let both = try await found("kvartsisaunassa%20\(first.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            #expect(both.ids.first == id)
        }
    }
}
