import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// The catalogue's reach (issue 13, item 11): publishing statistics per organisation and region,
/// counted page views and picks; short links for searches and shared favourite lists; the sites
/// that may frame the search widget. Demo catalogue.
@Suite("Catalogue reach: statistics, short links, embedding")
struct CatalogueReachTests {
    static let org = "hki-tyollisyys", service = "tyonhakuvalmennus"
    static let statistics = "/api/v1/catalogue/editor/statistics"

    static func figures(_ env: TestEnv, _ token: String?, _ query: String = "") async throws -> TestResponse {
        try await env.request(.get, statistics + (query.isEmpty ? "" : "?" + query), token: token)
    }

    static func row(_ stats: [String: Any], _ id: String) -> [String: Any]? {
        (stats["services"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    // MARK: Statistics

    @Test func whoSeesWhichStatistics() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("tuottaja@hki.fi", org: Self.org, role: .contentProducer)
            try await env.user("tuottaja@kompassi.fi", org: "valmennus-kompassi", role: .serviceProvider)
            try await env.user("asiantuntija@hki.fi", org: Self.org, role: .expert)
            try await env.user("pk@alusta.fi", platformAdmin: true)
            let producer = try await env.login("tuottaja@hki.fi")
            let provider = try await env.login("tuottaja@kompassi.fi")
            let expert = try await env.login("asiantuntija@hki.fi")
            let admin = try await env.login("pk@alusta.fi")
            let client = try await env.client("asiakas@example.fi").token

            #expect(try await Self.figures(env, nil).status == .unauthorized)
            #expect(try await Self.figures(env, expert).status == .forbidden)
            #expect(try await Self.figures(env, client).status == .forbidden)

            // Their own organisation by default; another one is refused.
            let own = try await Self.figures(env, producer)
            #expect(own.status == .ok)
            #expect(try own.json()["organization"] as? String == Self.org)
            #expect(try await Self.figures(env, producer, "organization=valmennus-kompassi").status == .forbidden)
            #expect(try await Self.figures(env, provider, "organization=\(Self.org)").status == .forbidden)
            #expect(try await Self.figures(env, provider, "organization=valmennus-kompassi").status == .ok)
            // The region of a municipality its public-sector organisation serves; not another one's,
            // and not for a private provider.
            let choices = try #require(try own.json()["choices"] as? [String: Any])
            let municipalities = (choices["municipalities"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(municipalities == ["091"])
            #expect(choices["all"] as? Bool == false)
            #expect(try await Self.figures(env, producer, "municipality=091").status == .ok)
            #expect(try await Self.figures(env, producer, "municipality=049").status == .forbidden)
            #expect(try await Self.figures(env, provider, "municipality=091").status == .forbidden)

            // A platform admin: the whole catalogue, any organisation or region.
            let all = try await Self.figures(env, admin)
            #expect(all.status == .ok)
            #expect(try all.json()["organization"] is NSNull || (try all.json()["organization"]) == nil)
            #expect(try await Self.figures(env, admin, "municipality=049").status == .ok)
            #expect(try await Self.figures(env, admin, "organization=nobody").status == .notFound)
            for bad in ["months=0", "months=25", "months=x", "organization=\(Self.org)&municipality=091"] {
                #expect(try await Self.figures(env, admin, bad).status == .unprocessableContent, "\(bad)")
            }
        }
    }

    @Test func viewsPicksPublicationsAndStatusesAreCounted() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await CatalogueEditingTests.people(env)
            let owner = try await env.expert("omistaja@a.fi")
            let space = try #require(try await env.openSpace(owner, client: "asiakas@example.fi").string("id"))
            let other = try #require(try await env.openSpace(owner, client: "toinen@example.fi").string("id"))
            let before = try await Self.figures(env, p.producer).json()
            let viewsBefore = try #require(Self.row(before, Self.service)?["views"] as? Int)
            #expect(viewsBefore == 0)

            // Three openings of the page, one by a client, one signed out; an unknown service counts nothing.
            for token in [p.producer, owner.token, nil] {
                #expect(try await env.request(.get, "/api/v1/catalogue/services/\(Self.service)", token: token).status == .ok)
            }
            #expect(try await env.request(.get, "/api/v1/catalogue/services/no-such-service").status == .notFound)
            // Picked into two spaces.
            for s in [space, other] { #expect(try await PlanTests.pick(env, owner, s, Self.service).status == .created) }
            // An edit approved: one publication this month.
            let base = try await Editor.version(env, p.producer, Self.service)
            var content = try await Editor.content(env, p.producer, Self.service)
            CatalogueEditingTests.setFinnish(&content, "summary", "Tuore kuvaus.")
            #expect(try await CatalogueEditingTests.save(env, p.producer, Self.service, base: base, content).status == .ok)
            #expect(try await Editor.step(env, p.producer, Self.service, "submit", ["version": base + 1]).status == .ok)
            let open = try await Self.figures(env, p.producer).json()
            #expect((open["statuses"] as? [String: Any])?["openReviews"] as? Int == 1)
            #expect(try await Editor.step(env, p.approver, Self.service, "approve", ["version": base + 1]).status == .ok)

            let after = try await Self.figures(env, p.producer, "months=3").json()
            let row = try #require(Self.row(after, Self.service))
            #expect(row["views"] as? Int == 3)
            #expect(row["picks"] as? Int == 2)
            #expect(row["daysSinceReview"] as? Int == 0, "approval is a review")
            let services = after["services"] as? [[String: Any]] ?? []
            #expect(services.first?["id"] as? String == Self.service, "the most viewed first")
            let monthly = try #require(after["monthly"] as? [[String: Any]])
            #expect(monthly.count == 3)
            #expect(monthly.last?["views"] as? Int == 3 && monthly.last?["picks"] as? Int == 2)
            #expect(monthly.last?["publications"] as? Int == 1)
            #expect((after["totals"] as? [String: Any])?["publications"] as? Int == 1)
            let statuses = try #require(after["statuses"] as? [String: Any])
            #expect(statuses["openReviews"] as? Int == 0)
            // The status counts are those of the editor's own list of the organisation.
            let listed = try await env.request(.get, "/api/v1/catalogue/editor/services?organization=\(Self.org)", token: p.producer)
            let byStatus = Dictionary(grouping: try listed.items().compactMap { $0["status"] as? String }, by: { $0 }).mapValues(\.count)
            for (status, count) in byStatus { #expect(statuses[status] as? Int == count, "\(status)") }
            #expect(after["servicesTotal"] as? Int == byStatus.values.reduce(0, +))
            // The review ages: every published or hidden service in exactly one bucket.
            let review = try #require(after["review"] as? [String: Any])
            let buckets = (review["buckets"] as? [[String: Any]] ?? []).compactMap { $0["services"] as? Int }
            #expect(buckets.count == 5 && buckets.reduce(0, +) == (byStatus["published"] ?? 0) + (byStatus["hidden"] ?? 0))
            #expect(review["outdated"] as? Int == buckets.last)

            // Another organisation's service is not in this organisation's figures, but is in the region's.
            let region = try await Self.figures(env, p.admin, "municipality=091").json()
            #expect(Self.row(region, Self.service)?["views"] as? Int == 3)

            // Months later the views and picks are in their own month and outside a short period.
            env.time.advance(by: 70 * 86_400)
            let producer = try await env.login("tuottaja@hki.fi")
            let later = try await Self.figures(env, producer, "months=1").json()
            #expect(Self.row(later, Self.service)?["views"] as? Int == 0)
            #expect(Self.row(later, Self.service)?["picks"] as? Int == 0)
            let year = try await Self.figures(env, producer).json()
            #expect(Self.row(year, Self.service)?["views"] as? Int == 3)
            #expect((year["totals"] as? [String: Any])?["views"] as? Int == 3)
        }
    }

    @Test func viewCountsAreWrittenAndOldOnesErased() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let views = env.components.statistics.views
            for _ in 0..<5 { _ = try await env.request(.get, "/api/v1/catalogue/services/\(Self.service)") }
            try await views.sweep()
            #expect(try await env.count("SELECT COALESCE(SUM(views), 0) FROM service_view_day") == 5)
            // Nothing of who looked is kept.
            let columns = try await env.components.db.writer.read { db in try db.columns(in: "service_view_day").map(\.name) }
            #expect(Set(columns) == ["service_id", "day", "views"])
            env.time.advance(by: 26 * 31 * 86_400)
            try await views.sweep()
            #expect(try await env.count("SELECT COUNT(*) FROM service_view_day") == 0)
        }
    }

    // MARK: Short links

    static func link(_ env: TestEnv, _ token: String?, _ body: [String: Any]) async throws -> TestResponse {
        try await env.request(.post, "/api/v1/short-links", token: token, json: body)
    }

    @Test func aSearchGetsOneShortLinkWithoutTheClientsProfile() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let expert = try await env.expert("asiantuntija@a.fi")
            #expect(try await Self.link(env, nil, ["search": "q=cv"]).status == .unauthorized)
            // Who may comes before the body: a broken body without a session is a 401, not a 400.
            #expect(try await env.request(.post, "/api/v1/short-links", body: "{broken").status == .unauthorized)
            let made = try await Self.link(
                env, expert.token,
                ["search": "?q=cv+klinikka&municipality=091&profileAge=45&profileMunicipality=091&page=2&category=a&category=b"])
            #expect(made.status == .ok)
            let json = try made.json()
            let code = try #require(json["code"] as? String)
            #expect(code.count == 10 && code.allSatisfy { ShortLinksService.alphabet.contains($0) })
            let target = try #require(json["target"] as? String)
            #expect(target == "/catalogue?category=a,b&municipality=091&q=cv%20klinikka")
            #expect(!target.contains("profile") && !target.contains("page"))
            #expect(json["path"] as? String == "/s/\(code)")
            // The same search in another order is the same link.
            let again = try await Self.link(env, expert.token, ["search": "category=a,b&q=cv%20klinikka&municipality=091"])
            #expect(try again.json()["code"] as? String == code)
            // Anyone may follow it.
            let followed = try await env.request(.get, "/s/\(code)")
            #expect(followed.status == .seeOther)
            #expect(followed.headers[.location] == target)
            #expect(try await env.request(.get, "/api/v1/short-links/\(code)").json()["target"] as? String == target)
            // A client may make one too: a search is public.
            let client = try await env.client("asiakas@example.fi")
            #expect(try await Self.link(env, client.token, ["search": "q=velka"]).status == .ok)

            for bad: [String: Any] in [
                ["search": "q=cv&evil=1"], ["search": String(repeating: "q=a&", count: 600)], [:], ["search": "q=a", "listId": "x"],
            ] {
                #expect(try await Self.link(env, expert.token, bad).status == .unprocessableContent, "\(bad)")
            }
            for code in ["zzzzzzzzzz", "short", "ab-cd_ef.g", String(repeating: "a", count: 500), "P9J7U7RBYU"] {
                let r = try await env.request(.get, "/api/v1/short-links/\(code)")
                #expect(r.status == .notFound, "\(code)")
                #expect(r.code == "shortLink.notFound", "\(code)")
            }
        }
    }

    @Test func aSharedListsShortLinkLivesAsLongAsTheSharing() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let owner = try await env.expert("omistaja@a.fi")
            let other = try await env.expert("toinen@a.fi")
            let created = try await env.request(.post, "/api/v1/favourite-lists", token: owner.token, json: ["name": "Nuoret"])
            let list = try #require(try created.json()["id"] as? String)
            #expect(try await Self.link(env, owner.token, ["listId": list]).code == "shortLink.listNotShared")
            let shared = try await env.request(.put, "/api/v1/favourite-lists/\(list)/share", token: owner.token)
            let token = try #require(try shared.json()["shareToken"] as? String)
            #expect(try await Self.link(env, other.token, ["listId": list]).status == .notFound, "another's list")
            let made = try await Self.link(env, owner.token, ["listId": list])
            let code = try #require(try made.json()["code"] as? String)
            #expect(try made.json()["target"] as? String == "/catalogue/shared/\(token)")
            #expect(try await env.request(.get, "/s/\(code)").headers[.location] == "/catalogue/shared/\(token)")
            // Sharing stopped: the short link leads nowhere, even when the list is shared again.
            // (The web client's shell answers /s/… then, and shows its "page not found".)
            _ = try await env.request(.delete, "/api/v1/favourite-lists/\(list)/share", token: owner.token)
            #expect(try await env.request(.get, "/s/\(code)").headers[.location] == nil)
            #expect(try await env.request(.get, "/api/v1/short-links/\(code)").status == .notFound)
            _ = try await env.request(.put, "/api/v1/favourite-lists/\(list)/share", token: owner.token)
            #expect(try await env.request(.get, "/s/\(code)").headers[.location] == nil)
            #expect(try await env.request(.get, "/api/v1/short-links/\(code)").status == .notFound)
            let renewed = try await Self.link(env, owner.token, ["listId": list])
            #expect(try renewed.json()["code"] as? String != code)
        }
    }

    @Test func onePersonMakesAtMostTwoHundredLinksADay() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let expert = try await env.expert("asiantuntija@a.fi")
            for i in 0..<ShortLinksService.maxPerDay {
                #expect(try await Self.link(env, expert.token, ["search": "q=sana\(i)"]).status == .ok)
            }
            let refused = try await Self.link(env, expert.token, ["search": "q=yksi-liikaa"])
            #expect(refused.status == .tooManyRequests && refused.code == "shortLink.tooMany")
            // One made before is still given.
            #expect(try await Self.link(env, expert.token, ["search": "q=sana1"]).status == .ok)
            env.time.advance(by: 86_401)
            let again = try await env.login(expert.email)
            #expect(try await Self.link(env, again, ["search": "q=yksi-liikaa"]).status == .ok)
        }
    }

    // MARK: Embedding

    static func policy(_ env: TestEnv, _ path: String) async throws -> (csp: String, frameOptions: String?) {
        let r = try await env.request(.get, path)
        return (r.headers[.contentSecurityPolicy] ?? "", r.headers[.xFrameOptions])
    }

    static func ancestors(_ csp: String) -> String {
        csp.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("frame-ancestors") } ?? ""
    }

    @Test func theWidgetIsFramedOnlyByTheSitesAnAdminAllowed() async throws {
        try await TestEnv.run { env in
            let adminId = try await env.user("pk@alusta.fi", platformAdmin: true)
            try await env.user("paakayttaja@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            let admin = try await env.login("pk@alusta.fi")
            let orgAdmin = try await env.login("paakayttaja@a.fi")
            let sites = "/api/v1/admin/embed-sites"

            var widget = try await Self.policy(env, "/embed/search")
            #expect(Self.ancestors(widget.csp) == "frame-ancestors 'self'")
            #expect(widget.frameOptions == nil)
            let page = try await Self.policy(env, "/catalogue")
            #expect(Self.ancestors(page.csp) == "frame-ancestors 'none'" && page.frameOptions == "DENY")
            // Apart from who may frame it, the widget's page has the app's policy, directive for directive.
            let others = { (csp: String) in
                csp.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("frame-ancestors") }
            }
            #expect(others(widget.csp) == others(page.csp) && others(page.csp).count == 11)

            #expect(try await env.request(.get, sites).status == .unauthorized)
            #expect(try await env.request(.get, sites, token: orgAdmin).status == .forbidden)
            // Who may comes before the body is read.
            #expect(try await env.request(.post, sites, body: "{broken").status == .unauthorized)
            #expect(try await env.request(.post, sites, token: orgAdmin, body: "{broken").status == .forbidden)
            #expect(
                try await env.request(.post, sites, token: orgAdmin, json: ["origin": "https://www.kunta.fi", "label": "x"]).status
                    == .forbidden)

            let added = try await env.request(
                .post, sites, token: admin, json: ["origin": " HTTPS://WWW.Kunta.FI:443/ ", "label": "Kunta"])
            #expect(added.status == .created)
            let id = try #require(try added.json()["id"] as? String)
            #expect(try added.json()["origin"] as? String == "https://www.kunta.fi")
            let again = try await env.request(.post, sites, token: admin, json: ["origin": "https://www.kunta.fi"])
            #expect(again.status == .ok)
            #expect(try again.json()["id"] as? String == id)
            #expect(
                try await env.request(.post, sites, token: admin, json: ["origin": "http://localhost:8081", "label": "Kehitys"]).status
                    == .created)
            widget = try await Self.policy(env, "/embed/search")
            #expect(Self.ancestors(widget.csp) == "frame-ancestors 'self' http://localhost:8081 https://www.kunta.fi")
            #expect(Self.ancestors(try await Self.policy(env, "/catalogue").csp) == "frame-ancestors 'none'")

            for bad in [
                "javascript:alert(1)", "http://www.kunta.fi", "https://www.kunta.fi/sivu", "https://www.kunta.fi:99999",
                "https://user@www.kunta.fi", "https://www.kunta.fi?x=1", "https://www.kunta.fi#x", "https://*.kunta.fi",
                "https://www.kunta.fi; script-src *", "https://www.kunta.fi\r\nX-Evil: 1", "https://kunta", "https://-a.fi", "",
                "data:text/html,x", "https://" + String(repeating: "a", count: 250) + ".fi",
            ] {
                let r = try await env.request(.post, sites, token: admin, json: ["origin": bad, "label": "x"])
                #expect(r.status == .unprocessableContent, "\(bad)")
                #expect((try r.json()["errors"] as? [[String: String]])?.first?["code"] == "embed.invalidOrigin", "\(bad)")
            }
            #expect(try await env.request(.get, sites, token: admin).items().count == 2)

            #expect(try await env.request(.delete, "\(sites)/\(id)", token: orgAdmin).status == .forbidden)
            #expect(try await env.request(.delete, "\(sites)/\(id)", token: admin).status == .noContent)
            #expect(try await env.request(.delete, "\(sites)/\(id)", token: admin).status == .notFound)
            widget = try await Self.policy(env, "/embed/search")
            #expect(Self.ancestors(widget.csp) == "frame-ancestors 'self' http://localhost:8081")

            // Who allowed which site, and who took it away, are security events (the refused and
            // repeated ones are not).
            let events = try await env.request(
                .get, "/api/v1/admin/security-events?kind=embedSiteAdded&kind=embedSiteRemoved", token: admin
            ).items()
            let seen = events.map { "\($0["kind"] as? String ?? "") \($0["detail"] as? String ?? "")" }.sorted()
            #expect(
                seen == [
                    "embedSiteAdded http://localhost:8081", "embedSiteAdded https://www.kunta.fi", "embedSiteRemoved https://www.kunta.fi",
                ])
            #expect(events.allSatisfy { $0["actorId"] as? String == adminId })
            #expect(events.filter { $0["kind"] as? String == "embedSiteRemoved" }.first?["targetId"] as? String == id)
        }
    }
}
