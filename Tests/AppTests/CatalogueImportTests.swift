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
            let original = try CatalogueValidator.decode(Data(contentsOf: Self.demo))
            let exported = try CatalogueValidator.decode(Data(contentsOf: out))
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
            let exported = try CatalogueValidator.decode(Data(contentsOf: out))
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
            let names = try CatalogueValidator.decode(Data(contentsOf: out)).services.map(\.name.fi)
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
            let file = try CatalogueValidator.decode(Data(contentsOf: Self.demo))
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
            #expect(try CatalogueValidator.decode(Data(contentsOf: out)).services.count == 180)

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

    /// Every text of a service and an article in every language (format version 2): a file with
    /// Swedish and English in every text imports, exports and imports again without losing any.
    @Test func aVersion2FileKeepsEveryTextInEveryLanguage() async throws {
        try await withTemporaryDirectory { dir in
            let config = try config(dir)
            _ = try await Commands.importCatalogue(config, file: Self.demo)
            /// Every {"fi": …} of services and articles gets a Swedish and an English text.
            func translated(_ value: Any) -> Any {
                if var object = value as? [String: Any] {
                    if let fi = object["fi"] as? String, object.count <= 3 {
                        object["sv"] = "SV \(fi)"
                        object["en"] = "EN \(fi)"
                        return object
                    }
                    if let fi = object["fi"] as? [String], object.count <= 3 {  // keywords
                        object["sv"] = fi.map { "sv\($0)" }
                        object["en"] = fi.map { "en\($0)" }
                        return object
                    }
                    return object.mapValues(translated)
                }
                if let list = value as? [Any] { return list.map(translated) }
                return value
            }
            let v1 =
                try JSONSerialization.jsonObject(with: CatalogueFileUpgrade.upgraded(Data(contentsOf: Self.demo))) as? [String: Any] ?? [:]
            #expect(v1["schemaVersion"] as? Int == 2)
            var v2 = v1
            v2["services"] = translated(v1["services"] ?? [])
            v2["articles"] = translated(v1["articles"] ?? [])
            let file = dir.appending(path: "v2.json")
            try JSONSerialization.data(withJSONObject: v2).write(to: file)
            let summary = try await Commands.importCatalogue(config, file: file)
            #expect(summary.contains("services 0 new, 180 changed, 0 unchanged") && summary.contains("articles 0 new, 10 changed"))

            let out = dir.appending(path: "export.json")
            try await Commands.exportCatalogue(config, file: out)
            let written = try CatalogueValidator.decode(Data(contentsOf: file))
            let exported = try CatalogueValidator.decode(Data(contentsOf: out))
            #expect(exported.schemaVersion == 2)
            #expect(exported.services == written.services.sorted { $0.id < $1.id })
            #expect(exported.articles == written.articles.sorted { $0.id < $1.id })
            let service = try #require(exported.services.first { $0.id == "uraohjaus-aikuisille" })
            #expect(
                service.participation.howToApply.sv?.hasPrefix("SV ") == true
                    && service.internal.guidanceProcess.en?.hasPrefix("EN ") == true)
            #expect(service.contacts.allSatisfy { $0.role.sv != nil } && service.delivery.locations.allSatisfy { $0.city.en != nil })
            #expect(!service.keywords.fi.isEmpty && service.keywords.sv == service.keywords.fi.map { "sv\($0)" })
            let third = try await Commands.importCatalogue(config, file: out)
            #expect(third.contains("services 0 new, 0 changed, 180 unchanged") && third.contains("articles 0 new, 0 changed, 10 unchanged"))

            // Only versions 1 and 2 are read.
            let future = try variant(dir) { $0["schemaVersion"] = 3 }
            await #expect { try await Commands.importCatalogue(config, file: future) } throws: { error in
                (error as? CatalogueInvalid)?.problems.contains { $0.path == "$.schemaVersion" } == true
            }
        }
    }

    /// A database written before version 2 (migration 0015) keeps its texts: each becomes the Finnish
    /// one, in the columns and inside the JSON of a service, and in an article's body.
    @Test func aDatabaseOfTheFirstFormatIsMigratedWithoutLosingText() async throws {
        try await withTemporaryDirectory { dir in
            let migrations = dir.appending(path: "Migrations")
            try FileManager.default.copyItem(at: repoRoot.appending(path: "Migrations"), to: migrations)
            let later = try FileManager.default.contentsOfDirectory(atPath: migrations.path).filter { $0 >= "0015" }
            let held = dir.appending(path: "held")
            try FileManager.default.createDirectory(at: held, withIntermediateDirectories: true)
            for name in later { try FileManager.default.moveItem(at: migrations.appending(path: name), to: held.appending(path: name)) }
            let path = dir.appending(path: "old.sqlite")
            let old = try AppDatabase.open(path: path, migrationsDir: migrations)
            try await old.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO organization (id, name_fi, sector, kind, created_at, updated_at) VALUES ('kunta', 'Kunta', 'public', 'kunta', 0, 0);
                        INSERT INTO service (id, organization_id, status, name_fi, summary_fi, description_fi, keywords, cost, cost_description,
                            wheelchair, sign_language, easy_finnish, accessibility_notes, target_description, delivery, participation, contacts,
                            links, internal, version, created_at, updated_at, reviewed_at)
                        VALUES ('palvelu', 'kunta', 'published', 'Palvelu', 'Tiivis', 'Kuvaus', '["sana"]', 'paid', 'Maksaa 5 €', 0, 0, 0,
                            'Hissi', 'Nuoret', '{"duration":"2 viikkoa","locations":[{"address":"Katu 1","city":"Espoo","name":"Talo","postalCode":"02100"}],"schedule":"Ma–pe"}',
                            '{"benefitsEffect":"Ei vaikutusta","consents":"Lupa","howToApply":"Soita","prerequisites":"Ei"}',
                            '[{"email":"a@b.fi","name":"Anna","phone":"040","role":"Ohjaaja"}]', '[{"title":"Sivu","url":"https://example.fi/"}]',
                            '{"clientRecordInstructions":"Kirjaa","guidanceProcess":"Ohjaa","internalContacts":"Anna","municipalExceptions":"Ei","obligations":"Velvoite","statementsAndBenefits":"Lausunto","travelCompensation":"Matkat"}',
                            1, 0, 0, 0);
                        INSERT INTO article (id, title_fi, body, audience, updated_at) VALUES ('ohje', 'Ohje', '# Otsikko', 'public', 0);
                        """)
            }
            try old.writer.close()
            for name in later { try FileManager.default.moveItem(at: held.appending(path: name), to: migrations.appending(path: name)) }
            let migrated = try AppDatabase.open(path: path, migrationsDir: migrations)
            let store = CatalogueSearchStore(db: migrated)
            let (service, _) = try #require(
                try await store.service(id: "palvelu", viewer: CatalogueViewer(seesInternal: true, contentOrganizations: [])))
            #expect(service.costDescription == LocalText(fi: "Maksaa 5 €") && service.accessibility.notes == LocalText(fi: "Hissi"))
            #expect(service.targetGroup.description == LocalText(fi: "Nuoret"))
            #expect(service.delivery.duration == LocalText(fi: "2 viikkoa") && service.delivery.schedule == LocalText(fi: "Ma–pe"))
            #expect(
                service.delivery.locations == [
                    .init(name: LocalText(fi: "Talo"), address: LocalText(fi: "Katu 1"), postalCode: "02100", city: LocalText(fi: "Espoo"))
                ])
            #expect(service.participation.howToApply == LocalText(fi: "Soita") && service.participation.consents == LocalText(fi: "Lupa"))
            #expect(service.contacts == [.init(name: "Anna", role: LocalText(fi: "Ohjaaja"), email: "a@b.fi", phone: "040")])
            #expect(service.links == [.init(title: LocalText(fi: "Sivu"), url: "https://example.fi/")])
            #expect(
                service.internal.guidanceProcess == LocalText(fi: "Ohjaa") && service.internal.travelCompensation == LocalText(fi: "Matkat")
            )
            #expect(service.keywords == LocalWords(fi: ["sana"]))
            let body = try await migrated.writer.read { db in try String.fetchOne(db, sql: "SELECT body_fi FROM article WHERE id = 'ohje'")
            }
            #expect(body == "# Otsikko")
        }
    }
}
