import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Editing the catalogue (issue 13, items 2, 3 and 5): the workflow draft → review → published,
/// hidden and archived; a published service's edit stays out of the catalogue until approved;
/// optimistic concurrency with both sides' differences; versions, diffs and restore; validation with
/// every problem at once. Demo catalogue.
@Suite("Catalogue editing: workflow, versions, validation")
struct CatalogueEditingTests {
    static let org = "hki-tyollisyys", service = "tyonhakuvalmennus"

    struct People {
        let producer: String, approver: String, admin: String
    }

    static func people(_ env: TestEnv) async throws -> People {
        try await env.user("tuottaja@hki.fi", org: org, role: .contentProducer)
        try await env.user("hyvaksyja@hki.fi", org: org, role: .approver)
        try await env.user("pk@alusta.fi", platformAdmin: true)
        return People(
            producer: try await env.login("tuottaja@hki.fi"), approver: try await env.login("hyvaksyja@hki.fi"),
            admin: try await env.login("pk@alusta.fi"))
    }

    static func save(_ env: TestEnv, _ token: String, _ id: String, base: Int, _ content: [String: Any]) async throws -> TestResponse {
        let r = try await env.request(
            .put, "/api/v1/catalogue/editor/services/\(id)", token: token, json: ["baseVersion": base, "service": content])
        if r.status == .unprocessableContent { print("save \(id): \(String(buffer: r.body))") }
        return r
    }

    /// Changes the Finnish text of a field, keeping the other languages.
    static func setFinnish(_ content: inout [String: Any], _ field: String, _ text: String) {
        var value = content[field] as? [String: Any] ?? [:]
        value["fi"] = text
        content[field] = value
    }

    static func publicName(_ env: TestEnv, _ id: String) async throws -> String? {
        let r = try await env.request(.get, "/api/v1/catalogue/services/\(id)")
        return ((try r.json())["name"] as? [String: Any])?["fi"] as? String
    }

    static func searchIds(_ env: TestEnv, _ q: String) async throws -> [String] {
        let encoded = q.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? q
        return try await env.request(.get, "/api/v1/catalogue/search?q=\(encoded)").items().compactMap { $0["id"] as? String }
    }

    @Test func anEditOfAPublishedServiceShowsOnlyOnceApproved() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await Self.people(env)
            let before = try await Editor.get(env, p.producer, Self.service)
            #expect(before["status"] as? String == "published")
            #expect(before["edit"] == nil || before["edit"] is NSNull)
            let base = try #require(before["version"] as? Int)
            let oldName = try await Self.publicName(env, Self.service)
            var content = try #require(before["content"] as? [String: Any])
            content["name"] = ["fi": "Zorblax työnhakijoille", "sv": "Zorblax för arbetssökande", "en": "Zorblax for job seekers"]
            var summary = try #require(content["summary"] as? [String: Any])
            (summary["sv"], summary["en"]) = ("Träning i jobbsökning.", "Coaching for job seekers.")
            content["summary"] = summary

            let saved = try await Self.save(env, p.producer, Self.service, base: base, content)
            #expect(saved.status == .ok, "\(String(buffer: saved.body))")
            let draft = try saved.json()
            #expect(draft["version"] as? Int == base + 1)
            #expect(draft["edit"] as? String == "draft")
            #expect(draft["status"] as? String == "published", "the catalogue keeps showing the published version")
            #expect(try await Self.publicName(env, Self.service) == oldName)
            #expect(try await Self.searchIds(env, "zorblax").isEmpty)

            // Submitted, it is in the approver's queue, not yet in the catalogue.
            let submitted = try await Editor.step(env, p.producer, Self.service, "submit", ["version": base + 1])
            #expect(submitted.status == .ok, "\(submitted.code ?? "")")
            let queue = try await env.request(.get, "/api/v1/catalogue/editor/review-queue", token: p.approver)
            #expect(try queue.items().compactMap { $0["id"] as? String } == [Self.service])
            let producerQueue = try await env.request(.get, "/api/v1/catalogue/editor/review-queue", token: p.producer)
            #expect(producerQueue.status == .forbidden, "only approvers have a review queue")

            // The approver sees the difference word by word.
            let diff = try await env.request(
                .get, "/api/v1/catalogue/editor/services/\(Self.service)/diff?from=\(base)&to=\(base + 1)", token: p.approver)
            #expect(diff.status == .ok)
            let changes = try #require(try diff.json()["changes"] as? [[String: Any]])
            let fields = changes.compactMap { $0["field"] as? String }
            #expect(fields.contains("name.fi") && fields.contains("name.sv") && fields.contains("name.en"), "\(fields)")
            #expect(!fields.contains("summary.fi"), "unchanged fields are not listed: \(fields)")
            let nameFi = try #require(changes.first { $0["field"] as? String == "name.fi" })
            let words = try #require(nameFi["words"] as? [[String: Any]])
            #expect(words.contains { $0["kind"] as? String == "added" && ($0["text"] as? String ?? "").contains("Zorblax") })
            #expect(words.contains { $0["kind"] as? String == "removed" })

            // Approving a version other than the one in review is refused.
            let stale = try await Editor.step(env, p.approver, Self.service, "approve", ["version": base])
            #expect(stale.status == .conflict && stale.code == "catalogue.versionMoved")
            let approved = try await Editor.step(env, p.approver, Self.service, "approve", ["version": base + 1])
            #expect(approved.status == .ok, "\(approved.code ?? "")")
            let now = try approved.json()
            #expect(now["status"] as? String == "published" && (now["edit"] == nil || now["edit"] is NSNull))
            #expect(now["publishedVersion"] as? Int == base + 1 && now["daysSinceReview"] as? Int == 0)
            #expect(try await Self.publicName(env, Self.service) == "Zorblax työnhakijoille")
            #expect(try await Self.searchIds(env, "zorblax") == [Self.service], "the change shows in search")

            // The history: the catalogue's text, the edit; who did what.
            let history = try await env.request(.get, "/api/v1/catalogue/editor/services/\(Self.service)/history", token: p.producer).json()
            let versions = try #require(history["versions"] as? [[String: Any]])
            #expect(versions.map { $0["number"] as? Int } == [base + 1, base])
            #expect(versions.map { $0["origin"] as? String } == ["edited", "catalogue"])
            #expect(versions.first?["published"] as? Bool == true && versions.first?["savedBy"] as? String == "User tuottaja@hki.fi")
            let events = try #require(history["events"] as? [[String: Any]]).compactMap { $0["action"] as? String }
            #expect(events == ["approved", "submitted", "saved"])
        }
    }

    @Test func rejectingSendsTheEditBackWithItsComment() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await Self.people(env)
            let before = try await Editor.get(env, p.producer, Self.service)
            var content = try #require(before["content"] as? [String: Any])
            Self.setFinnish(&content, "summary", "Lyhyt ja epätarkka kuvaus.")
            let base = try #require(before["version"] as? Int)
            #expect(try await Self.save(env, p.producer, Self.service, base: base, content).status == .ok)
            #expect(try await Editor.step(env, p.producer, Self.service, "submit").status == .ok)
            let noComment = try await Editor.step(env, p.approver, Self.service, "reject", ["version": base + 1])
            #expect(noComment.status == .unprocessableContent)
            let rejected = try await Editor.step(
                env, p.approver, Self.service, "reject", ["version": base + 1, "comment": "Tiivistelmästä puuttuu kohderyhmä."])
            #expect(rejected.status == .ok)
            let after = try rejected.json()
            #expect(after["edit"] as? String == "draft" && after["rejection"] as? String == "Tiivistelmästä puuttuu kohderyhmä.")
            #expect(after["status"] as? String == "published")
            let actions = after["actions"] as? [String] ?? []
            #expect(!actions.contains("approve"))
            // The producer sees the comment and may submit again.
            let mine = try await Editor.get(env, p.producer, Self.service)
            #expect(mine["rejection"] as? String == "Tiivistelmästä puuttuu kohderyhmä.")
            #expect((mine["actions"] as? [String] ?? []).contains("submit"))
        }
    }

    @Test func refusedTransitions() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await Self.people(env)
            let draft = "tyohonvalmennus-nuorille-aikuisille"
            // A draft that was never submitted cannot be approved, hidden or archived.
            for step in ["approve", "reject", "hide", "unhide", "archive", "unarchive", "mark-reviewed"] {
                let body: [String: Any] = ["version": try await Editor.version(env, p.admin, draft), "comment": "x"]
                let r = try await Editor.step(env, p.admin, draft, step, body)
                #expect(r.status == .conflict && r.code == "catalogue.transitionNotAllowed", "\(step) on a draft: \(r.status)")
            }
            // Submitting twice; unhiding a published service; editing an archived one.
            #expect(try await Editor.step(env, p.producer, draft, "submit").status == .ok)
            let twice = try await Editor.step(env, p.producer, draft, "submit")
            #expect(twice.status == .conflict && twice.code == "catalogue.transitionNotAllowed")
            let unhide = try await Editor.step(env, p.approver, Self.service, "unhide")
            #expect(unhide.status == .conflict)
            let archived = "cv-klinikka-2025"
            let a = try await Editor.get(env, p.producer, archived)
            #expect(a["status"] as? String == "archived")
            #expect(!(a["actions"] as? [String] ?? []).contains("save"))
            let edit = try await Self.save(
                env, p.producer, archived, base: a["version"] as? Int ?? 0, a["content"] as? [String: Any] ?? [:])
            #expect(edit.status == .conflict && edit.code == "catalogue.transitionNotAllowed")
            // An unknown step and an unknown service.
            #expect(try await Editor.step(env, p.admin, Self.service, "publish-now").status == .notFound)
            #expect(try await Editor.step(env, p.admin, "no-such-service", "submit").status == .notFound)
        }
    }

    @Test func hiddenArchivedAndBackAgain() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await Self.people(env)
            let hidden = try await Editor.step(env, p.approver, Self.service, "hide")
            let hiddenStatus = try hidden.json()["status"] as? String
            #expect(hidden.status == .ok && hiddenStatus == "hidden")
            #expect(!(try await Self.searchIds(env, "työnhakuvalmennus").contains(Self.service)), "hidden from the public")
            // An approved edit of a hidden service leaves it hidden.
            let v = try await Editor.version(env, p.producer, Self.service)
            var content = try await Editor.content(env, p.producer, Self.service)
            Self.setFinnish(&content, "summary", "Päivitetty tiivistelmä piilotetulle palvelulle.")
            #expect(try await Self.save(env, p.producer, Self.service, base: v, content).status == .ok)
            #expect(try await Editor.step(env, p.producer, Self.service, "submit").status == .ok)
            let approved = try await Editor.step(env, p.approver, Self.service, "approve", ["version": v + 1]).json()
            #expect(approved["status"] as? String == "hidden")
            #expect(try await Editor.step(env, p.approver, Self.service, "unhide").status == .ok)
            #expect(try await Self.searchIds(env, "työnhakuvalmennus").contains(Self.service))
            // Archived, then back as a draft of its newest version.
            let archived = try await Editor.step(env, p.approver, Self.service, "archive").json()
            #expect(archived["status"] as? String == "archived")
            #expect(!(try await Self.searchIds(env, "työnhakuvalmennus").contains(Self.service)))
            let back = try await Editor.step(env, p.producer, Self.service, "unarchive")
            #expect(back.status == .ok)
            let draft = try back.json()
            #expect(draft["status"] as? String == "draft" && draft["edit"] as? String == "draft")
            #expect(
                (draft["content"] as? [String: Any]).flatMap { ($0["summary"] as? [String: Any])?["fi"] as? String }
                    == "Päivitetty tiivistelmä piilotetulle palvelulle.")
            // A draft is not in the public catalogue.
            #expect(try await env.request(.get, "/api/v1/catalogue/services/\(Self.service)").status == .notFound)
        }
    }

    @Test func aStaleSaveGetsBothSidesDifferencesAndWritesNothing() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await Self.people(env)
            try await env.user("toinen@hki.fi", org: Self.org, role: .contentProducer)
            let other = try await env.login("toinen@hki.fi")
            let first = try await Editor.get(env, p.producer, Self.service)
            let base = try #require(first["version"] as? Int)
            var mine = try #require(first["content"] as? [String: Any])
            var theirs = mine
            Self.setFinnish(&theirs, "summary", "Toisen tuottajan uusi tiivistelmä.")
            Self.setFinnish(&mine, "description", "Oma uusi kuvaus palvelusta.")
            #expect(try await Self.save(env, other, Self.service, base: base, theirs).status == .ok)
            let stale = try await Self.save(env, p.producer, Self.service, base: base, mine)
            #expect(stale.status == .conflict && stale.code == "catalogue.versionConflict")
            let details = try #require(try stale.json()["details"] as? [String: Any])
            #expect(details["baseVersion"] as? Int == base && details["currentVersion"] as? Int == base + 1)
            let theirFields = (details["theirs"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            let yourFields = (details["yours"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(theirFields == ["summary.fi"], "\(theirFields)")
            #expect(yourFields.contains("description.fi") && !yourFields.contains("summary.fi"), "\(yourFields)")
            let now = try await Editor.get(env, p.producer, Self.service)
            #expect(now["version"] as? Int == base + 1, "nothing written")
            #expect(
                ((now["content"] as? [String: Any])?["description"] as? [String: Any])?["fi"] as? String != "Oma uusi kuvaus palvelusta.")
        }
    }

    @Test func twentySavesOfOneVersionAtOnceMakeOneVersion() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await Self.people(env)
            let first = try await Editor.get(env, p.producer, Self.service)
            let base = try #require(first["version"] as? Int)
            let content = try #require(first["content"] as? [String: Any])
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for i in 0..<20 {
                    var c = content
                    Self.setFinnish(&c, "summary", "Samanaikainen muutos numero \(i).")
                    let body = String(
                        decoding: try JSONSerialization.data(withJSONObject: ["baseVersion": base, "service": c]), as: UTF8.self)
                    let token = p.producer
                    group.addTask {
                        try await env.request(.put, "/api/v1/catalogue/editor/services/\(Self.service)", token: token, body: body)
                    }
                }
                var out: [TestResponse] = []
                for try await a in group { out.append(a) }
                return out
            }
            #expect(answers.filter { $0.status == .ok }.count == 1, "\(answers.map(\.status))")
            #expect(answers.filter { $0.status == .conflict && $0.code == "catalogue.versionConflict" }.count == 19)
            let history = try await env.request(.get, "/api/v1/catalogue/editor/services/\(Self.service)/history", token: p.producer).json()
            #expect((history["versions"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func anOldVersionIsRestoredAsANewDraft() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await Self.people(env)
            let first = try await Editor.get(env, p.producer, Self.service)
            let base = try #require(first["version"] as? Int)
            let original = try #require(first["content"] as? [String: Any])
            var content = original
            Self.setFinnish(&content, "summary", "Ensimmäinen muutos.")
            #expect(try await Self.save(env, p.producer, Self.service, base: base, content).status == .ok)
            Self.setFinnish(&content, "summary", "Toinen muutos.")
            #expect(try await Self.save(env, p.producer, Self.service, base: base + 1, content).status == .ok)
            // Saving the same content again makes no version.
            #expect(try await Self.save(env, p.producer, Self.service, base: base + 2, content).status == .ok)
            #expect(try await Editor.version(env, p.producer, Self.service) == base + 2)

            let old = try await env.request(
                .get, "/api/v1/catalogue/editor/services/\(Self.service)/versions/\(base + 1)", token: p.producer)
            #expect(
                ((try old.json()["content"] as? [String: Any])?["summary"] as? [String: Any])?["fi"] as? String == "Ensimmäinen muutos.")
            #expect(
                try await env.request(.get, "/api/v1/catalogue/editor/services/\(Self.service)/versions/999", token: p.producer).status
                    == .notFound)
            let stale = try await env.request(
                .post, "/api/v1/catalogue/editor/services/\(Self.service)/versions/\(base)/restore", token: p.producer,
                json: ["baseVersion": base])
            #expect(stale.status == .conflict && stale.code == "catalogue.versionConflict")
            let restored = try await env.request(
                .post, "/api/v1/catalogue/editor/services/\(Self.service)/versions/\(base)/restore", token: p.producer,
                json: ["baseVersion": base + 2])
            #expect(restored.status == .ok, "\(restored.code ?? "")")
            let now = try restored.json()
            #expect(now["version"] as? Int == base + 3 && now["edit"] as? String == "draft")
            #expect(
                ((now["content"] as? [String: Any])?["summary"] as? [String: Any])?["fi"] as? String
                    == (original["summary"] as? [String: Any])?["fi"] as? String)
            let diff = try await env.request(
                .get, "/api/v1/catalogue/editor/services/\(Self.service)/diff?from=\(base)&to=\(base + 3)", token: p.producer)
            #expect((try diff.json()["changes"] as? [[String: Any]])?.isEmpty == true, "the restored version equals the old one")
            let history = try await env.request(.get, "/api/v1/catalogue/editor/services/\(Self.service)/history", token: p.producer).json()
            let top = try #require((history["versions"] as? [[String: Any]])?.first)
            #expect(top["origin"] as? String == "restored" && top["restoredFrom"] as? Int == base)
        }
    }

    @Test func aNewServiceIsADraftOfItsOrganisationUntilApproved() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await Self.people(env)
            var content = try await Editor.content(env, p.producer, Self.service)
            content["name"] = ["fi": "Äänikirjapaja työnhakijoille"]
            content["summary"] = ["fi": "Äänikirjojen tekemistä ryhmässä."]
            content["keywords"] = ["fi": ["äänikirjapaja"]]
            let created = try await Editor.create(env, p.producer, org: Self.org, content)
            #expect(created.status == .created, "\(created.code ?? "")")
            let json = try created.json()
            let id = try #require(json["id"] as? String)
            #expect(id.hasPrefix("aanikirjapaja-tyonhakijoille-"), "\(id)")
            #expect(json["status"] as? String == "draft" && json["version"] as? Int == 1)
            #expect(try await env.request(.get, "/api/v1/catalogue/services/\(id)").status == .notFound)
            #expect(try await Self.searchIds(env, "äänikirjapaja").isEmpty)
            let list = try await env.request(.get, "/api/v1/catalogue/editor/services?organization=\(Self.org)", token: p.producer)
            #expect(try list.items().contains { $0["id"] as? String == id && $0["status"] as? String == "draft" })
            #expect(try await Editor.step(env, p.producer, id, "submit").status == .ok)
            #expect((try await Editor.get(env, p.producer, id))["status"] as? String == "review")
            #expect(try await Editor.step(env, p.approver, id, "approve", ["version": 1]).status == .ok)
            #expect(try await Self.publicName(env, id) == "Äänikirjapaja työnhakijoille")
            #expect(try await Self.searchIds(env, "äänikirjapajaan") == [id])
            // Another organisation's list is not the producer's to read.
            let other = try await env.request(.get, "/api/v1/catalogue/editor/services?organization=espoo-tyollisyys", token: p.producer)
            #expect(other.status == .forbidden)
        }
    }

    @Test func everyProblemOfAServiceIsReportedAtOnceWithItsField() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await Self.people(env)
            let before = try await Editor.get(env, p.producer, Self.service)
            var c = try #require(before["content"] as? [String: Any])
            c["name"] = ["fi": " ", "sv": "Jobbsökarträning"]
            c["summary"] = ["fi": String(repeating: "a", count: 501)]
            c["categoryIds"] = ["no-such-category"]
            c["cost"] = "expensive"
            var target = c["targetGroup"] as? [String: Any] ?? [:]
            target["ageMin"] = 30
            target["ageMax"] = 20
            target["municipalityCodes"] = [String]()
            c["targetGroup"] = target
            c["contacts"] = [["name": "Liisa", "role": ["fi": "Ohjaaja"], "email": "liisa@", "phone": "abc"]]
            c["links"] = [
                ["title": ["fi": "Lomake"], "url": "http://example.fi/lomake"], ["title": ["fi": ""], "url": "javascript:alert(1)"],
            ]
            var delivery = c["delivery"] as? [String: Any] ?? [:]
            delivery["locations"] = [
                ["name": ["fi": "Toimipiste"], "address": ["fi": "Katu 1"], "postalCode": "123", "city": ["fi": "Helsinki"]]
            ]
            delivery["languages"] = ["fi", "xx"]
            c["delivery"] = delivery
            let r = try await Self.save(env, p.producer, Self.service, base: try #require(before["version"] as? Int), c)
            #expect(r.status == .unprocessableContent && r.code == "request.validation")
            let errors = (try r.json()["errors"] as? [[String: String]] ?? []).map { "\($0["field"] ?? ""): \($0["code"] ?? "")" }
            for expected in [
                "name.fi: field.required", "summary.sv: field.required", "summary.fi: field.tooLong",
                "categoryIds[0]: field.unknownCode", "cost: field.invalidValue", "targetGroup.ageMax: field.ageRange",
                "targetGroup.municipalityCodes: field.atLeastOne", "contacts[0].email: field.invalidEmail",
                "contacts[0].phone: field.invalidPhone", "links[0].url: field.httpsOnly", "links[1].title.fi: field.required",
                "links[1].url: field.invalidUrl", "delivery.locations[0].postalCode: field.invalidPostalCode",
                "delivery.languages[1]: field.unknownCode",
            ] {
                #expect(errors.contains(expected), "\(expected) not in \(errors)")
            }
            #expect(try await Editor.version(env, p.producer, Self.service) == before["version"] as? Int, "nothing written")
            // A body that is not a service at all.
            let junk = try await env.request(
                .put, "/api/v1/catalogue/editor/services/\(Self.service)", token: p.producer, json: ["baseVersion": "x", "service": 5])
            #expect(junk.status == .badRequest && junk.code == "request.invalidJSON")
        }
    }
}

/// Translations (issue 13, item 10): a content producer marks fields as needing Swedish or English;
/// the organisation's queue lists them; a saved text in that language resolves a request; a
/// service page says which languages are complete.
@Suite("Catalogue editing: translations")
struct CatalogueTranslationTests {
    static let service = CatalogueEditingTests.service

    /// Every text of `value` (but keywords and internal instructions) gets a Swedish text.
    static func withSwedish(_ value: Any, key: String = "") -> Any {
        if var dict = value as? [String: Any] {
            if let fi = dict["fi"] as? String, Set(dict.keys).isSubset(of: ["fi", "sv", "en"]) {
                if !fi.isEmpty && (dict["sv"] as? String ?? "").isEmpty { dict["sv"] = "På svenska: \(fi)" }
                return dict
            }
            for (k, v) in dict where k != "keywords" && k != "internal" { dict[k] = withSwedish(v, key: k) }
            return dict
        }
        if let list = value as? [Any] { return list.map { withSwedish($0, key: key) } }
        return value
    }

    @Test func requestsQueueAndResolveAndTheCompleteLanguages() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await CatalogueEditingTests.people(env)
            try await env.user("asiantuntija@hki.fi", org: CatalogueEditingTests.org, role: .expert)
            let expert = try await env.login("asiantuntija@hki.fi")
            let path = "/api/v1/catalogue/editor/services/\(Self.service)/translations"
            let before = try await Editor.get(env, p.producer, Self.service)
            let translatable = before["translatableFields"] as? [String] ?? []
            #expect(translatable.contains("summary") && translatable.contains("contacts[0].role"), "\(translatable)")
            #expect(before["completeLanguages"] as? [String] == ["fi"])

            let marked = try await env.request(
                .put, path, token: p.producer, json: ["language": "sv", "fields": ["summary", "description"]])
            #expect(marked.status == .ok, "\(String(buffer: marked.body))")
            let markedSv = (try marked.json()["translations"] as? [String: [String]])?["sv"]
            #expect(markedSv == ["summary", "description"])
            let bad = try await env.request(.put, path, token: p.producer, json: ["language": "sv", "fields": ["summary", "nonsense"]])
            let badField = (try bad.json()["errors"] as? [[String: String]])?.first?["field"]
            #expect(bad.status == .unprocessableContent && badField == "fields[1]")
            #expect(
                try await env.request(.put, path, token: p.producer, json: ["language": "fi", "fields": ["summary"]]).status
                    == .unprocessableContent)
            #expect(try await env.request(.put, path, token: expert, json: ["language": "sv", "fields": ["summary"]]).status == .forbidden)

            let queue = try await env.request(.get, "/api/v1/catalogue/editor/translations?language=sv", token: p.approver)
            let item = try #require(try queue.items().first { $0["serviceId"] as? String == Self.service })
            #expect(item["fields"] as? [String] == ["summary", "description"] && item["language"] as? String == "sv")
            #expect(try await env.request(.get, "/api/v1/catalogue/editor/translations?language=en", token: p.approver).items().isEmpty)
            #expect(try await env.request(.get, "/api/v1/catalogue/editor/translations", token: expert).status == .forbidden)

            // A new Swedish summary resolves that request; the description still waits.
            var content = try #require(before["content"] as? [String: Any])
            var summary = content["summary"] as? [String: Any] ?? [:]
            summary["sv"] = "Ny svensk sammanfattning av tjänsten."
            content["summary"] = summary
            let saved = try await CatalogueEditingTests.save(env, p.producer, Self.service, base: before["version"] as? Int ?? 0, content)
            let savedSv = (try saved.json()["translations"] as? [String: [String]])?["sv"]
            #expect(savedSv == ["description"])

            // Every public text in Swedish: the page says Swedish is complete once approved.
            let all = try #require(Self.withSwedish(content) as? [String: Any])
            let full = try await CatalogueEditingTests.save(env, p.producer, Self.service, base: (before["version"] as? Int ?? 0) + 1, all)
            #expect(full.status == .ok)
            let fullJSON = try full.json()
            #expect(fullJSON["completeLanguages"] as? [String] == ["fi", "sv"])
            #expect((fullJSON["translations"] as? [String: [String]])?["sv"] == nil, "every request resolved")
            #expect(try await Editor.step(env, p.producer, Self.service, "submit").status == .ok)
            #expect(
                try await Editor.step(env, p.approver, Self.service, "approve", ["version": (before["version"] as? Int ?? 0) + 2]).status
                    == .ok)
            let page = try await env.request(.get, "/api/v1/catalogue/services/\(Self.service)").json()
            #expect(page["completeLanguages"] as? [String] == ["fi", "sv"])
        }
    }
}

/// Structured schedules (issue 13, item 9): weekday slots and dated periods beside the free text;
/// search filters "starts within N weeks"; periods in the past stop showing; a service whose every
/// period has passed is told to its owners once; the exchange file keeps them.
@Suite("Catalogue editing: structured schedules")
struct CatalogueScheduleTests {
    static let service = CatalogueEditingTests.service

    static func withSchedule(_ content: [String: Any], slots: [[String: Any]], periods: [[String: Any]]) -> [String: Any] {
        var c = content
        var delivery = c["delivery"] as? [String: Any] ?? [:]
        delivery["slots"] = slots
        delivery["periods"] = periods
        c["delivery"] = delivery
        return c
    }

    @Test func slotsAndPeriodsAreCheckedShownFilteredAndToldWhenAllHavePassed() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let p = try await CatalogueEditingTests.people(env)
            // The test clock's day is 2026-09-21.
            let before = try await Editor.get(env, p.producer, Self.service)
            let base = try #require(before["version"] as? Int)
            let content = try #require(before["content"] as? [String: Any])
            let bad = Self.withSchedule(
                content, slots: [["weekday": 8, "start": "25:00", "end": "09:00"], ["weekday": 1, "start": "12:00", "end": "09:00"]],
                periods: [["kind": "holiday", "start": "2026-02-30"], ["kind": "course", "start": "2026-10-10", "end": "2026-10-01"]])
            let refused = try await CatalogueEditingTests.save(env, p.producer, Self.service, base: base, bad)
            let errors = (try refused.json()["errors"] as? [[String: String]] ?? []).map { "\($0["field"] ?? ""): \($0["code"] ?? "")" }
            for expected in [
                "delivery.slots[0].weekday: field.invalidValue", "delivery.slots[0].start: field.invalidTime",
                "delivery.slots[1].end: field.dateBeforeStart", "delivery.periods[0].kind: field.invalidValue",
                "delivery.periods[0].start: field.invalidDate", "delivery.periods[1].end: field.dateBeforeStart",
            ] {
                #expect(errors.contains(expected), "\(expected) not in \(errors)")
            }

            let good = Self.withSchedule(
                content, slots: [["weekday": 1, "start": "09:00", "end": "12:00"], ["weekday": 3, "start": "13:00", "end": "15:30"]],
                periods: [
                    ["kind": "application", "start": "2026-09-01", "end": "2026-09-15"],
                    ["kind": "course", "start": "2026-10-01", "end": "2026-10-29"],
                    ["kind": "course", "start": "2026-12-07"],
                ])
            #expect(try await CatalogueEditingTests.save(env, p.producer, Self.service, base: base, good).status == .ok)
            #expect(try await Editor.step(env, p.producer, Self.service, "submit").status == .ok)
            #expect(try await Editor.step(env, p.approver, Self.service, "approve", ["version": base + 1]).status == .ok)

            let page = try await env.request(.get, "/api/v1/catalogue/services/\(Self.service)").json()
            let delivery = try #require(page["delivery"] as? [String: Any])
            #expect((delivery["slots"] as? [[String: Any]])?.count == 2)
            let starts = (delivery["periods"] as? [[String: Any]] ?? []).compactMap { $0["start"] as? String }
            #expect(starts == ["2026-10-01", "2026-12-07"], "the application period has ended: \(starts)")

            // The exchange file keeps them: an export imports back without a change.
            let exported = try await env.components.catalogueExchange.exportFile()
            let file = try CatalogueValidator.decode(exported)
            let mine = try #require(file.services.first { $0.id == Self.service })
            #expect(mine.delivery.slots.count == 2 && mine.delivery.periods.count == 3)
            let back = try await env.components.catalogueExchange.importFile(exported)
            #expect(back.services.updated == 0 && back.services.created == 0, "\(back.services)")

            func startsWithin(_ weeks: Int) async throws -> [String] {
                try await env.request(.get, "/api/v1/catalogue/search?startsWithinWeeks=\(weeks)&limit=50").items().compactMap {
                    $0["id"] as? String
                }
            }
            #expect(try await startsWithin(2) == [Self.service], "a course starts in ten days")
            #expect(try await startsWithin(1).isEmpty)
            #expect(try await env.request(.get, "/api/v1/catalogue/search?startsWithinWeeks=0").status == .unprocessableContent)

            // Once every period has passed, the producers are told, once.
            env.time.advance(by: 80 * 86_400)
            let producer = try await env.login("tuottaja@hki.fi")
            for _ in 0..<2 {
                try await ReviewRemindersTests.sweep(env.components)
                try await env.flushMail()
            }
            #expect(try await ReviewRemindersTests.notices(env, producer).filter { $0 == "periodsEnded" } == ["periodsEnded"])
            let shown = try await env.request(.get, "/api/v1/catalogue/services/\(Self.service)").json()
            #expect(((shown["delivery"] as? [String: Any])?["periods"] as? [Any])?.isEmpty ?? true, "nothing left to show")
        }
    }
}
