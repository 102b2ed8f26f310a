import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Services in and out of the national service registry's shape (issue 13, item 8): a dry run
/// shows what would change and what did not map and writes nothing; a real run writes every service
/// or none, and running it again changes nothing; a bad file reports every problem; an export
/// imports back without a change. Fixtures: Tests/Fixtures/ptv (written for these tests).
@Suite("PTV exchange")
struct PTVExchangeTests {
    static let org = "hki-tyollisyys"

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: repoRoot.appending(path: "Tests/Fixtures/ptv/\(name)"), encoding: .utf8)
    }

    static func importFile(_ env: TestEnv, _ token: String?, _ body: String, dryRun: Bool, org: String = org) async throws -> TestResponse {
        try await env.request(.post, "/api/v1/catalogue/ptv/import?organization=\(org)&dryRun=\(dryRun)", token: token, body: body)
    }

    static func report(_ r: TestResponse) throws -> [[String: Any]] { (try r.json())["services"] as? [[String: Any]] ?? [] }

    static func notMapped(_ service: [String: Any]) -> [String] {
        (service["notMapped"] as? [[String: Any]] ?? []).map { "\($0["field"] as? String ?? ""): \($0["code"] as? String ?? "")" }
    }

    @Test func aDryRunShowsTheChangesAndWritesNothingThenTheRealRunIsIdempotent() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("tuottaja@hki.fi", org: Self.org, role: .contentProducer)
            let producer = try await env.login("tuottaja@hki.fi")
            let file = try Self.fixture("services.json")
            let summaryBefore = try await Editor.content(env, producer, "tyonhakuvalmennus")["summary"] as? [String: Any]

            let dry = try await Self.importFile(env, producer, file, dryRun: true)
            #expect(dry.status == .ok, "\(String(buffer: dry.body))")
            let plan = try dry.json()
            #expect(plan["dryRun"] as? Bool == true && plan["problemCount"] as? Int == 0)
            let counts = try #require(plan["counts"] as? [String: Int])
            #expect(counts == ["create": 1, "update": 1, "unchanged": 0, "archive": 0, "skip": 1], "\(counts)")
            let services = try Self.report(dry)
            let new = try #require(services.first { $0["action"] as? String == "create" })
            let newId = try #require(new["serviceId"] as? String)
            #expect(newId.hasPrefix("tyonhaun-kesaklinikka-"), "\(newId)")
            let notes = Self.notMapped(new)
            for expected in [
                "areas[0].municipalities[2]: ptv.notMapped", "areas[1]: ptv.notMapped", "languages[2]: ptv.notMapped",
                "targetGroups[0]: ptv.notMapped", "lifeEvents[1]: ptv.notMapped", "serviceClasses[1]: ptv.notMapped",
                "serviceDescriptions[5]: ptv.notImported", "contacts: ptv.notInServiceData", "delivery.modes: ptv.defaulted",
            ] {
                #expect(notes.contains(expected), "\(expected) not in \(notes)")
            }
            let update = try #require(services.first { $0["action"] as? String == "update" })
            #expect(update["serviceId"] as? String == "tyonhakuvalmennus", "matched by its sourceId")
            let fields = (update["changes"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields.contains("summary.fi") && fields.contains("description.fi"), "\(fields)")
            #expect(!fields.contains { $0.hasPrefix("contacts") || $0.hasPrefix("internal") }, "what the registry does not carry stays")
            #expect(services.first { $0["index"] as? Int == 2 }?["action"] as? String == "skip")
            // Nothing written.
            #expect(try await env.request(.get, "/api/v1/catalogue/services/\(newId)").status == .notFound)
            #expect(
                try await Editor.content(env, producer, "tyonhakuvalmennus")["summary"] as? [String: Any] as NSDictionary? == summaryBefore
                    as NSDictionary?)

            // The real run writes it all; the new service is in search.
            let real = try await Self.importFile(env, producer, file, dryRun: false)
            #expect(real.status == .ok, "\(String(buffer: real.body))")
            #expect((try real.json())["dryRun"] as? Bool == false)
            let page = try await env.request(.get, "/api/v1/catalogue/services/\(newId)").json()
            #expect((page["name"] as? [String: Any])?["sv"] as? String == "Sommarklinik för arbetssökande")
            #expect(page["categoryIds"] as? [String] == ["tyonhakuvalmennus"])
            #expect((page["targetGroup"] as? [String: Any])?["municipalityCodes"] as? [String] == ["091", "049"])
            #expect((page["keywords"] as? [String: Any])?["fi"] as? [String] == ["Kesäklinikka", "työnhaku"])
            let found = try await env.request(.get, "/api/v1/catalogue/search?q=kes%C3%A4klinikka").items().compactMap {
                $0["id"] as? String
            }
            #expect(found.contains(newId))
            let updated = try await Editor.get(env, producer, "tyonhakuvalmennus")
            #expect(
                ((updated["content"] as? [String: Any])?["summary"] as? [String: Any])?["fi"] as? String
                    == "Neljän viikon valmennus, jossa päivität ansioluettelosi ja harjoittelet työhaastattelua ryhmässä.")
            let versions = try #require(updated["version"] as? Int)

            // Again: nothing changes.
            for dryRun in [true, false] {
                let again = try await Self.importFile(env, producer, file, dryRun: dryRun)
                #expect(again.status == .ok)
                let c = try #require(try again.json()["counts"] as? [String: Int])
                #expect(c == ["create": 0, "update": 0, "unchanged": 2, "archive": 0, "skip": 1], "\(c)")
            }
            #expect(try await Editor.version(env, producer, "tyonhakuvalmennus") == versions)
        }
    }

    @Test func aBadFileReportsEveryProblemAndWritesNothing() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("tuottaja@hki.fi", org: Self.org, role: .contentProducer)
            let producer = try await env.login("tuottaja@hki.fi")
            let r = try await Self.importFile(env, producer, try Self.fixture("bad.json"), dryRun: false)
            #expect(r.status == .unprocessableContent && r.code == "ptv.importInvalid", "\(String(buffer: r.body))")
            let details = try #require(try r.json()["details"] as? [String: Any])
            let services = details["services"] as? [[String: Any]] ?? []
            func problems(_ index: Int) -> [String] {
                (services.first { $0["index"] as? Int == index }?["problems"] as? [[String: String]] ?? []).map {
                    "\($0["field"] ?? ""): \($0["code"] ?? "")"
                }
            }
            #expect(problems(0).contains("id: field.required"), "\(problems(0))")
            #expect(problems(1).contains("serviceChargeType: field.invalidValue"), "\(problems(1))")
            #expect(problems(1).contains("modified: field.invalidDate"), "\(problems(1))")
            #expect(problems(1).contains("name.fi: field.required"), "\(problems(1))")
            #expect(problems(1).contains("categoryIds: field.atLeastOne"), "\(problems(1))")
            #expect(!problems(2).isEmpty, "an element that is not a service is reported at its place")
            #expect(problems(3).isEmpty, "the good service has no problem of its own")
            #expect(details["problemCount"] as? Int ?? 0 >= 6)
            // Not even the good service was written.
            let list = try await env.request(.get, "/api/v1/catalogue/editor/services?organization=\(Self.org)", token: producer)
            #expect(
                !(try list.items()).contains {
                    ($0["name"] as? [String: Any])?["fi"] as? String == "Kelvollinen palvelu samassa tiedostossa"
                })
            // Not a list of services at all.
            let junk = try await Self.importFile(env, producer, #"{"hello": 1}"#, dryRun: true)
            #expect(junk.status == .unprocessableContent && junk.code == "request.validation")
            let notJSON = try await Self.importFile(env, producer, "<xml/>", dryRun: true)
            #expect(notJSON.status == .unprocessableContent)
        }
    }

    @Test func anExportImportsBackWithoutAChange() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("hyvaksyja@hki.fi", org: Self.org, role: .approver)
            let approver = try await env.login("hyvaksyja@hki.fi")
            let export = try await env.request(.get, "/api/v1/catalogue/ptv/export?organization=\(Self.org)", token: approver)
            #expect(export.status == .ok)
            let items = try #require(try export.json()["itemList"] as? [[String: Any]])
            #expect(items.count > 10)
            let first = try #require(items.first)
            #expect(first["publishingStatus"] as? String == "Published" && (first["serviceNames"] as? [Any])?.isEmpty == false)
            let body = String(buffer: export.body)
            let back = try await Self.importFile(env, approver, body, dryRun: false)
            #expect(back.status == .ok, "\(String(buffer: back.body))")
            let counts = try #require(try back.json()["counts"] as? [String: Int])
            #expect(counts["unchanged"] == items.count && counts["update"] == 0 && counts["create"] == 0, "\(counts)")
            // The registry ids are remembered: a second export names the same ids.
            let again = try await env.request(.get, "/api/v1/catalogue/ptv/export?organization=\(Self.org)", token: approver)
            let ids = try (again.json()["itemList"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == items.compactMap { $0["id"] as? String })
        }
    }

    @Test func onlyTheOrganisationsProducersAndApproversImport() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("asiantuntija@hki.fi", org: Self.org, role: .expert)
            try await env.user("palvelu@hki.fi", org: Self.org, role: .serviceProvider)
            try await env.user("tuottaja@espoo.fi", org: "espoo-tyollisyys", role: .contentProducer)
            let file = try Self.fixture("services.json")
            for email in ["asiantuntija@hki.fi", "palvelu@hki.fi", "tuottaja@espoo.fi"] {
                let token = try await env.login(email)
                #expect(try await Self.importFile(env, token, file, dryRun: true).status == .forbidden, "\(email)")
            }
            #expect(try await Self.importFile(env, nil, file, dryRun: true).status == .unauthorized)
            #expect(try await env.request(.get, "/api/v1/catalogue/ptv/export?organization=\(Self.org)").status == .unauthorized)
            let expert = try await env.login("asiantuntija@hki.fi")
            #expect(
                try await env.request(.get, "/api/v1/catalogue/ptv/export?organization=\(Self.org)", token: expert).status == .forbidden)
            // A service of another organisation is not the importer's to update.
            let espoo = try await env.login("tuottaja@espoo.fi")
            let r = try await Self.importFile(env, espoo, file, dryRun: true, org: "espoo-tyollisyys")
            let services = try Self.report(r)
            let matched = services.first { $0["index"] as? Int == 1 }
            #expect(matched?["action"] as? String == "create", "tyonhakuvalmennus is Helsinki's: Espoo's import makes its own")
        }
    }
}

extension PTVExchangeTests {
    /// Twenty real runs of the same file at once: the new service is created once, every run ends
    /// in success or a conflict, and nothing is half-written.
    @Test func twentyImportsOfOneFileAtOnceCreateEachServiceOnce() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("tuottaja@hki.fi", org: Self.org, role: .contentProducer)
            let producer = try await env.login("tuottaja@hki.fi")
            let file = try Self.fixture("services.json")
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<20 { group.addTask { try await Self.importFile(env, producer, file, dryRun: false) } }
                var out: [TestResponse] = []
                for try await a in group { out.append(a) }
                return out
            }
            #expect(answers.allSatisfy { $0.status == .ok || ($0.status == .conflict && $0.code == "catalogue.importConflict") })
            #expect(answers.contains { $0.status == .ok })
            let list = try await env.request(.get, "/api/v1/catalogue/editor/services?organization=\(Self.org)", token: producer)
            let made = try list.items().filter { ($0["name"] as? [String: Any])?["fi"] as? String == "Työnhaun kesäklinikka" }
            #expect(made.count == 1, "\(made.count) copies")
            let again = try await Self.importFile(env, producer, file, dryRun: true)
            #expect((try again.json()["counts"] as? [String: Int])?["create"] == 0)
        }
    }
}
