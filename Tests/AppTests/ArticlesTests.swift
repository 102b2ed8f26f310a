import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

@Suite("Catalogue articles")
struct ArticlesTests {
    @Test func publicArticlesForEveryoneInternalOnesForExperts() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let anonymous = try await env.request(.get, "/api/v1/catalogue/articles?limit=100").items()
            #expect(anonymous.count == 6 && anonymous.allSatisfy { $0["audience"] as? String == "public" })
            #expect(try await env.request(.get, "/api/v1/catalogue/articles/tyollistymissuunnitelman-kirjausohje").status == .notFound)

            try await env.user("expert@example.fi", org: TestEnv.orgA, role: .expert)
            let expert = try await env.login("expert@example.fi")
            #expect(try await env.request(.get, "/api/v1/catalogue/articles?limit=100", token: expert).items().count == 10)
            let forExperts = try await env.request(.get, "/api/v1/catalogue/articles/tyollistymissuunnitelman-kirjausohje", token: expert)
            #expect(forExperts.status == .ok)

            // A municipality's articles: those for it and those for every municipality.
            let hanko = try await env.request(.get, "/api/v1/catalogue/articles?municipality=078&limit=100").items()
            #expect(hanko.contains { $0["id"] as? String == "ruotsinkieliset-palvelut-lansi-uusimaa" })
            let helsinki = try await env.request(.get, "/api/v1/catalogue/articles?municipality=091&limit=100").items()
            #expect(!helsinki.contains { $0["id"] as? String == "ruotsinkieliset-palvelut-lansi-uusimaa" })
            #expect(helsinki.count == 5)

            let page = try await env.request(.get, "/api/v1/catalogue/articles/nain-loydat-sopivan-palvelun").json()
            let html = try #require(page["html"] as? String)
            #expect(html.contains("<h2>Rajaa tuloksia</h2>") && html.contains("<em>uraohjaus</em>"))
        }
    }

    @Test func markdownIsSanitised() async throws {
        try await TestEnv.run { env in
            var json =
                try JSONSerialization.jsonObject(with: Data(contentsOf: repoRoot.appending(path: "DemoData/catalogue.json")))
                as? [String: Any] ?? [:]
            var articles = json["articles"] as? [[String: Any]] ?? []
            articles[0]["body"] = """
                Hei <script>alert(1)</script> ja <img src=x onerror=alert(2)>.

                [paha](javascript:alert(3)) [hyvä](https://example.fi/ohje) [puhelin](tel:+358401234567)

                ![kuva](data:text/html;base64,PHNjcmlwdD4=)
                """
            // The address forms of issue 8: a parenthesis in the address, reference links, entity-encoded schemes.
            let second = try #require(articles[1]["id"] as? String)
            articles[1]["body"] = """
                [sijainti](javascript:location='//e'//(/) [viite][r] [toinen][R2] [koodattu](jav&#x61;script:alert(5))

                ![kuvaviite][r] [hyvä][ok]

                [r]: javascript:alert(6)
                [R2]: JAVASCRIPT:alert(7)
                [ok]: https://example.fi/viite
                """
            json["articles"] = articles
            let file = env.config.dataDir.appending(path: "bad-article.json")
            try JSONSerialization.data(withJSONObject: json).write(to: file)
            _ = try await Commands.importCatalogue(env.config, file: file)
            let html = try #require(
                try await env.request(.get, "/api/v1/catalogue/articles/nain-loydat-sopivan-palvelun").json()["html"] as? String)
            #expect(
                !html.contains("<script") && !html.contains("<img src=x") && !html.contains("javascript:") && !html.contains("data:text"))
            #expect(html.contains("&lt;script&gt;"))
            #expect(html.contains("<a href=\"https://example.fi/ohje\">hyvä</a>") && html.contains("href=\"tel:+358401234567\""))
            #expect(html.contains("paha"))

            let other = try #require(
                try await env.request(.get, "/api/v1/catalogue/articles/\(second)").json()["html"] as? String)
            let addresses = other.matches(of: /(?:href|src)="([^"]*)"/).map { String($0.output.1) }
            #expect(addresses == ["https://example.fi/viite"], "\(other)")
            #expect(other.contains("viite") && other.contains("toinen") && other.contains("koodattu") && other.contains("kuvaviite"))
        }
    }

    /// An article's body is read in the language asked for when it has one, else in Finnish, and the
    /// answer says which; a service's texts come in every language they have.
    @Test func theBodyComesInTheLanguageAskedOrInFinnishSaidSo() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let demo = try Data(contentsOf: repoRoot.appending(path: "DemoData/catalogue.json"))
            var json = try JSONSerialization.jsonObject(with: CatalogueFileUpgrade.upgraded(demo)) as? [String: Any] ?? [:]
            var articles = json["articles"] as? [[String: Any]] ?? []
            let k = try #require(articles.firstIndex { $0["id"] as? String == "nain-loydat-sopivan-palvelun" })
            var body = articles[k]["body"] as? [String: Any] ?? [:]
            body["sv"] = "## Så hittar du rätt tjänst"
            articles[k]["body"] = body
            json["articles"] = articles
            var services = json["services"] as? [[String: Any]] ?? []
            let s = try #require(services.firstIndex { $0["id"] as? String == "uraohjaus-aikuisille" })
            services[s]["costDescription"] = ["fi": "Maksuton", "sv": "Avgiftsfri"]
            json["services"] = services
            let file = env.config.dataDir.appending(path: "swedish.json")
            try JSONSerialization.data(withJSONObject: json).write(to: file)
            _ = try await Commands.importCatalogue(env.config, file: file)

            let path = "/api/v1/catalogue/articles/nain-loydat-sopivan-palvelun"
            let swedish = try await env.request(.get, path + "?lang=sv").json()
            #expect(
                swedish["language"] as? String == "sv"
                    && (swedish["html"] as? String)?.contains("<h2>Så hittar du rätt tjänst</h2>") == true)
            let english = try await env.request(.get, path + "?lang=en").json()
            #expect(english["language"] as? String == "fi" && (english["html"] as? String)?.contains("<h2>Rajaa tuloksia</h2>") == true)
            #expect(try await env.request(.get, path).json()["language"] as? String == "fi")

            let service = try await env.request(.get, "/api/v1/catalogue/services/uraohjaus-aikuisille").json()
            #expect(service["costDescription"] as? [String: String] == ["fi": "Maksuton", "sv": "Avgiftsfri"])
            let part = service["participation"] as? [String: Any]
            #expect((part?["howToApply"] as? [String: Any])?["fi"] is String)
        }
    }
}
