import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Editing articles (issue 13, item 7): an organisation's content producer writes, its approver
/// publishes and unpublishes; readers see only the published version; versions, differences,
/// restore and the stale-save conflict as with services; a preview renders Markdown safely.
@Suite("Catalogue editing: articles")
struct ArticleEditingTests {
    static let org = "hki-tyollisyys"

    static func article(title: String, body: String, audience: String = "public", codes: [String] = ["091"]) -> [String: Any] {
        ["title": ["fi": title], "body": ["fi": body], "audience": audience, "municipalityCodes": codes]
    }

    static func readerTitle(_ env: TestEnv, _ id: String, token: String? = nil) async throws -> String? {
        let r = try await env.request(.get, "/api/v1/catalogue/articles/\(id)", token: token)
        guard r.status == .ok else { return nil }
        return ((try r.json())["title"] as? [String: Any])?["fi"] as? String
    }

    @Test func writtenByTheProducerPublishedByTheApproverReadByEveryone() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await CatalogueEditingTests.people(env)
            let created = try await env.request(
                .post, "/api/v1/catalogue/editor/articles", token: p.producer,
                json: [
                    "organizationId": Self.org,
                    "article": Self.article(title: "Kesän työnhakuvinkit", body: "Kesällä **kannattaa** hakea."),
                ])
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let a = try created.json()
            let id = try #require(a["id"] as? String)
            #expect(a["status"] as? String == "draft" && a["version"] as? Int == 1)
            #expect((a["preview"] as? [String: String])?["fi"]?.contains("<strong>kannattaa</strong>") == true)
            #expect(try await Self.readerTitle(env, id) == nil, "a draft is not for readers")
            #expect(!(a["actions"] as? [String] ?? []).contains("publish"), "the producer does not publish")

            let producerPublish = try await env.request(
                .post, "/api/v1/catalogue/editor/articles/\(id)/publish", token: p.producer, json: ["version": 1])
            #expect(producerPublish.status == .forbidden)
            let published = try await env.request(
                .post, "/api/v1/catalogue/editor/articles/\(id)/publish", token: p.approver, json: ["version": 1])
            #expect(published.status == .ok, "\(String(buffer: published.body))")
            #expect(try await Self.readerTitle(env, id) == "Kesän työnhakuvinkit")

            // A new version waits; readers keep the published one until it is published.
            let saved = try await env.request(
                .put, "/api/v1/catalogue/editor/articles/\(id)", token: p.producer,
                json: [
                    "baseVersion": 1, "article": Self.article(title: "Kesän työnhakuvinkit 2027", body: "Kesällä kannattaa hakea ajoissa."),
                ])
            #expect(saved.status == .ok)
            #expect((try saved.json())["hasDraft"] as? Bool == true)
            #expect(try await Self.readerTitle(env, id) == "Kesän työnhakuvinkit")
            let stale = try await env.request(
                .put, "/api/v1/catalogue/editor/articles/\(id)", token: p.producer,
                json: ["baseVersion": 1, "article": Self.article(title: "Toinen otsikko", body: "Eri teksti.")])
            #expect(stale.status == .conflict && stale.code == "catalogue.versionConflict")
            let theirs = ((try stale.json()["details"] as? [String: Any])?["theirs"] as? [[String: Any]] ?? []).compactMap {
                $0["field"] as? String
            }
            #expect(theirs.contains("title.fi") && theirs.contains("body.fi"), "\(theirs)")
            let diff = try await env.request(.get, "/api/v1/catalogue/editor/articles/\(id)/diff?from=1&to=2", token: p.approver)
            #expect((try diff.json()["changes"] as? [[String: Any]])?.first?["field"] as? String == "title.fi")
            #expect(
                try await env.request(.post, "/api/v1/catalogue/editor/articles/\(id)/publish", token: p.approver, json: ["version": 1])
                    .code == "catalogue.versionMoved")
            #expect(
                try await env.request(.post, "/api/v1/catalogue/editor/articles/\(id)/publish", token: p.approver, json: ["version": 2])
                    .status == .ok)
            #expect(try await Self.readerTitle(env, id) == "Kesän työnhakuvinkit 2027")

            // Restore the first version as a new draft; unpublish hides it from readers.
            let restored = try await env.request(
                .post, "/api/v1/catalogue/editor/articles/\(id)/versions/1/restore", token: p.producer, json: ["baseVersion": 2])
            #expect((try restored.json())["version"] as? Int == 3)
            let history = try await env.request(.get, "/api/v1/catalogue/editor/articles/\(id)/history", token: p.producer).json()
            #expect((history["versions"] as? [[String: Any]])?.map { $0["origin"] as? String } == ["restored", "edited", "created"])
            #expect(try await env.request(.post, "/api/v1/catalogue/editor/articles/\(id)/unpublish", token: p.approver).status == .ok)
            #expect(try await Self.readerTitle(env, id) == nil)
            let list = try await env.request(.get, "/api/v1/catalogue/articles?limit=100").items().compactMap { $0["id"] as? String }
            #expect(!list.contains(id))
        }
    }

    @Test func whoMayWriteWhatAndTheRegionsOwnArticles() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await CatalogueEditingTests.people(env)
            try await env.user("tuottaja@kompassi.fi", org: "valmennus-kompassi", role: .contentProducer)
            try await env.user("asiantuntija@hki.fi", org: Self.org, role: .expert)
            let privateProducer = try await env.login("tuottaja@kompassi.fi")
            let expert = try await env.login("asiantuntija@hki.fi")
            let inner = Self.article(title: "Sisäinen ohje", body: "Vain asiantuntijoille.", audience: "internal")
            let refused = try await env.request(
                .post, "/api/v1/catalogue/editor/articles", token: privateProducer,
                json: ["organizationId": "valmennus-kompassi", "article": inner])
            #expect(refused.status == .forbidden && refused.code == "catalogue.internalNotAllowed")
            #expect(
                try await env.request(
                    .post, "/api/v1/catalogue/editor/articles", token: expert, json: ["organizationId": Self.org, "article": inner]
                ).status == .forbidden)
            let made = try await env.request(
                .post, "/api/v1/catalogue/editor/articles", token: p.producer, json: ["organizationId": Self.org, "article": inner])
            let id = try #require(try made.json()["id"] as? String)
            #expect(try await env.request(.get, "/api/v1/catalogue/editor/articles/\(id)", token: privateProducer).status == .forbidden)
            #expect(
                try await env.request(.post, "/api/v1/catalogue/editor/articles/\(id)/publish", token: p.approver, json: ["version": 1])
                    .status == .ok)
            #expect(try await Self.readerTitle(env, id, token: expert) == "Sisäinen ohje")
            #expect(try await Self.readerTitle(env, id) == nil, "an internal article is not for the public")

            // The region's own (imported) articles are the platform admins'.
            let own = "nain-loydat-sopivan-palvelun"
            #expect(try await env.request(.get, "/api/v1/catalogue/editor/articles/\(own)", token: p.producer).status == .forbidden)
            let adminView = try await env.request(.get, "/api/v1/catalogue/editor/articles/\(own)", token: p.admin).json()
            let version = try #require(adminView["version"] as? Int)
            var content = try #require(adminView["content"] as? [String: Any])
            content["title"] = ["fi": "Näin löydät sopivan palvelun nopeasti"]
            let saved = try await env.request(
                .put, "/api/v1/catalogue/editor/articles/\(own)", token: p.admin, json: ["baseVersion": version, "article": content])
            #expect(saved.status == .ok)
            let versions = try await env.request(.get, "/api/v1/catalogue/editor/articles/\(own)/history", token: p.admin).json()
            #expect((versions["versions"] as? [[String: Any]])?.map { $0["origin"] as? String } == ["edited", "catalogue"])

            // Validation, all at once.
            let bad = try await env.request(
                .post, "/api/v1/catalogue/editor/articles", token: p.producer,
                json: [
                    "organizationId": Self.org,
                    "article": [
                        "title": ["fi": "", "sv": "Rubrik"], "body": ["fi": ""], "audience": "public",
                        "municipalityCodes": ["999", "091", "091"],
                    ],
                ])
            let fields = (try bad.json()["errors"] as? [[String: String]] ?? []).map { "\($0["field"] ?? ""): \($0["code"] ?? "")" }
            for expected in [
                "title.fi: field.required", "body.fi: field.required", "municipalityCodes[0]: field.unknownCode",
                "municipalityCodes[2]: field.duplicate",
            ] {
                #expect(fields.contains(expected), "\(expected) not in \(fields)")
            }
        }
    }

    @Test func thePreviewIsAsSafeAsThePage() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await CatalogueEditingTests.people(env)
            let r = try await env.request(
                .post, "/api/v1/catalogue/editor/articles/preview", token: p.producer,
                json: ["markdown": "# Otsikko\n\n<script>alert(1)</script> [linkki](javascript:alert(1)) [oikea](https://example.fi)"])
            let html = try #require(try r.json()["html"] as? String)
            #expect(html.contains("<h1>Otsikko</h1>") && html.contains("&lt;script&gt;") && !html.contains("<script"))
            #expect(!html.contains("javascript:") && html.contains("href=\"https://example.fi\""))
            #expect(
                try await env.request(.post, "/api/v1/catalogue/editor/articles/preview", json: ["markdown": "x"]).status == .unauthorized)
            try await env.user("asiakas@example.fi")
            let client = try await env.login("asiakas@example.fi")
            #expect(
                try await env.request(.post, "/api/v1/catalogue/editor/articles/preview", token: client, json: ["markdown": "x"]).status
                    == .forbidden)
        }
    }
}
