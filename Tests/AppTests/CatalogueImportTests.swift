import Foundation
import GRDB
import Testing

@testable import App

@Suite("Catalogue import and export")
struct CatalogueImportTests {
    static let demo = repoRoot.appending(path: "DemoData/catalogue.json")

    /// A fresh data directory's configuration.
    func config(_ dir: URL) throws -> AppConfiguration {
        let (clock, _) = AppClock.manual()
        var config = try AppConfiguration.testing(dataDir: dir, clock: clock)
        config.runsBackgroundServices = false
        return config
    }

    func count(_ config: AppConfiguration, _ table: String) async throws -> Int {
        let db = try AppDatabase.open(path: config.databasePath, migrationsDir: config.migrationsDir)
        return try await db.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    /// The demo file as mutable JSON, changed by `edit`, written to `dir`.
    func variant(_ dir: URL, _ edit: (inout [String: Any]) -> Void) throws -> URL {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.demo)) as? [String: Any] ?? [:]
        edit(&json)
        let file = dir.appending(path: "variant-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        return file
    }

    @Test func importIsIdempotentAndExportRoundTripsWithoutLoss() async throws {
        try await withTemporaryDirectory { dir in
            let config = try config(dir)
            let first = try await Commands.importCatalogue(config, file: Self.demo)
            #expect(first.contains("services 180 new, 0 changed, 0 unchanged"))
            let second = try await Commands.importCatalogue(config, file: Self.demo)
            #expect(
                second.contains("services 0 new, 0 changed, 180 unchanged") && second.contains("articles 0 new, 0 changed, 10 unchanged"))

            let out = dir.appending(path: "export.json")
            try await Commands.exportCatalogue(config, file: out)
            let original = try JSONDecoder().decode(CatalogueFile.self, from: Data(contentsOf: Self.demo))
            let exported = try JSONDecoder().decode(CatalogueFile.self, from: Data(contentsOf: out))
            #expect(exported.municipalities == original.municipalities)
            #expect(exported.categories == original.categories)
            #expect(exported.lifeSituations == original.lifeSituations && exported.employmentStatuses == original.employmentStatuses)
            #expect(exported.organizations == original.organizations.sorted { $0.id < $1.id })
            #expect(exported.services == original.services.sorted { $0.id < $1.id })
            #expect(exported.articles == original.articles.sorted { $0.id < $1.id })
            // Explicit nulls survive too (a top-level category's parent, an open age range).
            let text = try String(contentsOf: out, encoding: .utf8)
            #expect(text.contains("\"parent\" : null") && text.contains("\"ageMax\" : null"))

            // The export imports again without a change.
            let third = try await Commands.importCatalogue(config, file: out)
            #expect(third.contains("services 0 new, 0 changed, 180 unchanged"))
        }
    }

    @Test func aChangedFileUpdatesInPlaceKeepingIds() async throws {
        try await withTemporaryDirectory { dir in
            let config = try config(dir)
            _ = try await Commands.importCatalogue(config, file: Self.demo)
            let changed = try variant(dir) { json in
                var services = json["services"] as? [[String: Any]] ?? []
                var name = services[0]["name"] as? [String: Any] ?? [:]
                name["fi"] = "Uusi nimi"
                services[0]["name"] = name
                services[1]["categoryIds"] = ["tyonhaku", "tyokokeilu"]
                json["services"] = services
            }
            let summary = try await Commands.importCatalogue(config, file: changed)
            #expect(summary.contains("services 0 new, 2 changed, 178 unchanged"))
            let out = dir.appending(path: "export.json")
            try await Commands.exportCatalogue(config, file: out)
            let exported = try JSONDecoder().decode(CatalogueFile.self, from: Data(contentsOf: out))
            #expect(exported.services.first { $0.id == "ammatinvalinta-ja-uraohjaus" }?.name.fi == "Uusi nimi")
            #expect(exported.services.count == 180)
            #expect(try await count(config, "service") == 180)
            // The word index follows the change: the new name is found by its base form.
            let db = try AppDatabase.open(path: config.databasePath, migrationsDir: config.migrationsDir)
            let hits = try await db.writer.read { db in
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT k.service_id FROM service_search JOIN service_search_key k ON k.search_key = service_search.rowid
                        WHERE service_search MATCH 'name:nimi'
                        """)
            }
            #expect(hits == ["ammatinvalinta-ja-uraohjaus"])
            #expect(try await count(config, "service_search") == 180)
        }
    }

    /// Two imports at once: each switch checks the revision it compared with, so the later one compares
    /// again and lands whole; the index keeps one document per service (staged and replaced ones removed).
    @Test func concurrentImportsEachLandWholeAndTheIndexStaysConsistent() async throws {
        try await withTemporaryDirectory { dir in
            let config = try config(dir)
            _ = try await Commands.importCatalogue(config, file: Self.demo)
            func renamed(_ prefix: String) throws -> URL {
                try variant(dir) { json in
                    json["services"] = (json["services"] as? [[String: Any]] ?? []).map { service in
                        var s = service
                        var name = s["name"] as? [String: Any] ?? [:]
                        name["fi"] = "\(prefix) \(name["fi"] as? String ?? "")"
                        s["name"] = name
                        return s
                    }
                }
            }
            let (a, b) = (try renamed("Alfa"), try renamed("Beeta"))
            async let first = Commands.importCatalogue(config, file: a)
            async let second = Commands.importCatalogue(config, file: b)
            let summaries = try await [first, second]
            #expect(summaries.allSatisfy { $0.contains("services 0 new, 180 changed, 0 unchanged") }, "\(summaries)")
            let out = dir.appending(path: "export.json")
            try await Commands.exportCatalogue(config, file: out)
            let names = try JSONDecoder().decode(CatalogueFile.self, from: Data(contentsOf: out)).services.map(\.name.fi)
            #expect(names.allSatisfy { $0.hasPrefix("Alfa ") } || names.allSatisfy { $0.hasPrefix("Beeta ") })
            for table in ["service", "service_search", "service_search_key"] {
                #expect(try await count(config, table) == 180, "\(table)")
            }
        }
    }

    /// New services are written ahead of the switch under a batch: until it is switched in, search,
    /// service pages and the export do not see them, and a failed import deletes them with their links.
    @Test func servicesWrittenAheadStayInvisibleAndGoWithAFailedImport() async throws {
        try await withTemporaryDirectory { dir in
            let config = try config(dir)
            _ = try await Commands.importCatalogue(config, file: Self.demo)
            let components = try await AppComponents.make(config)
            let file = try JSONDecoder().decode(CatalogueFile.self, from: Data(contentsOf: Self.demo))
            var extra = file.services[0]
            extra.id = "ennakko"
            let links = try await count(config, "service_category")
            let store = CatalogueImportStore(db: components.db)
            try await store.stage(services: [(try ServiceRecord(extra, createdAt: 0), ServiceLinks(extra))])
            try await store.beginBatch("b1", now: config.clock.now)
            try await store.writeAhead(["ennakko"], batch: "b1")
            #expect(try await count(config, "service") == 181)
            #expect(try await count(config, "service_category") > links)

            let snapshot = try await components.catalogueSnapshots.snapshot()
            #expect(snapshot.index["ennakko"] == nil && snapshot.services.count == 180)
            #expect(try await components.serviceDetails.opens("ennakko", viewer: .anonymous) == false)
            await #expect(throws: AppError.self) { _ = try await components.serviceDetails.service(id: "ennakko", viewer: .anonymous) }
            let out = dir.appending(path: "export.json")
            try await Commands.exportCatalogue(config, file: out)
            #expect(try JSONDecoder().decode(CatalogueFile.self, from: Data(contentsOf: out)).services.count == 180)

            try await store.abandonBatch("b1")
            #expect(try await count(config, "service") == 180)
            #expect(try await count(config, "service_category") == links)
        }
    }

    @Test func badJSONIsRefusedWithItsPath() async throws {
        try await withTemporaryDirectory { dir in
            let config = try config(dir)
            let broken = dir.appending(path: "broken.json")
            try Data("{\"schemaVersion\": 1, \"municipalities\": [".utf8).write(to: broken)
            await #expect(throws: CatalogueInvalid.self) { _ = try await Commands.importCatalogue(config, file: broken) }
            let wrongType = try variant(dir) { json in
                var services = json["services"] as? [[String: Any]] ?? []
                services[4]["version"] = "one"
                json["services"] = services
            }
            do {
                _ = try await Commands.importCatalogue(config, file: wrongType)
                Issue.record("expected a problem")
            } catch let error as CatalogueInvalid {
                #expect(error.problems == [CatalogueProblem(path: "$.services[4].version", message: "should be a whole number")])
            }
            #expect(try await count(config, "service") == 0)
        }
    }

    @Test func everyProblemIsListedAndNothingIsWritten() async throws {
        try await withTemporaryDirectory { dir in
            let config = try config(dir)
            let bad = try variant(dir) { json in
                var services = json["services"] as? [[String: Any]] ?? []
                services[2]["categoryIds"] = ["uraohjaus", "no-such-category"]
                services[7]["id"] = services[6]["id"]
                services[9]["status"] = "lost"
                var target = services[10]["targetGroup"] as? [String: Any] ?? [:]
                target["ageMin"] = 40
                target["ageMax"] = 30
                target["municipalityCodes"] = ["999"]
                services[10]["targetGroup"] = target
                services[11]["organizationId"] = "nobody"
                json["services"] = services
                var categories = json["categories"] as? [[String: Any]] ?? []
                categories[8]["parent"] = "missing-parent"
                json["categories"] = categories
            }
            do {
                _ = try await Commands.importCatalogue(config, file: bad)
                Issue.record("expected problems")
            } catch let error as CatalogueInvalid {
                let paths = Set(error.problems.map(\.path))
                #expect(
                    paths == [
                        "$.services[2].categoryIds[1]", "$.services[7].id", "$.services[9].status", "$.services[10].targetGroup.ageMax",
                        "$.services[10].targetGroup.municipalityCodes[0]", "$.services[11].organizationId", "$.categories[8].parent",
                    ], "\(error.problems)")
                #expect(error.description.contains("unknown category 'no-such-category'"))
                #expect(error.description.contains("nothing was imported"))
            }
            for table in ["service", "category", "municipality", "article", "organization"] {
                #expect(try await count(config, table) == 0, "\(table)")
            }
        }
    }

    @Test func aFailedImportLeavesTheEarlierCatalogueAsItWas() async throws {
        try await withTemporaryDirectory { dir in
            let config = try config(dir)
            _ = try await Commands.importCatalogue(config, file: Self.demo)
            let bad = try variant(dir) { json in
                var services = json["services"] as? [[String: Any]] ?? []
                var name = services[0]["name"] as? [String: Any] ?? [:]
                name["fi"] = "Tätä ei saa tallentaa"
                services[0]["name"] = name
                services[1]["cost"] = "expensive"
                json["services"] = services
            }
            await #expect(throws: CatalogueInvalid.self) { _ = try await Commands.importCatalogue(config, file: bad) }
            let out = dir.appending(path: "export.json")
            try await Commands.exportCatalogue(config, file: out)
            #expect(try !String(contentsOf: out, encoding: .utf8).contains("Tätä ei saa tallentaa"))
        }
    }
}
