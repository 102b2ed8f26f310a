import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import TextAnalysis

@testable import App

/// Search in a person's own words (issue 12, first part): a sentence finds the services that have
/// most of its words, the rare ones weighing more; stop words of fi/sv/en do not count against a
/// service; a query whose words all match is answered as before. Demo catalogue.
@Suite("Search in a person's own words")
struct SearchWordsTests {
    static func search(_ env: TestEnv, _ q: String) async throws -> (ids: [String], total: Int, partial: Bool) {
        let encoded = q.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? q
        let r = try await env.request(.get, "/api/v1/catalogue/search?q=\(encoded)&limit=10")
        #expect(r.status == .ok, "\(q)")
        let json = try r.json()
        return (try r.items().compactMap { $0["id"] as? String }, json["total"] as? Int ?? -1, json["partial"] as? Bool ?? false)
    }

    @Test func aSentenceFindsTheServicesWithMostOfItsRareWordsFirst() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            // No service has both words: those with either, the rarer word's first.
            let both = try await Self.search(env, "starttiraha oppisopimus")
            #expect(both.partial && both.total > 0)
            #expect(both.ids.first == "starttiraha", "\(both.ids)")
            #expect(both.ids.contains { $0.hasPrefix("oppisopimus") }, "the other word's services follow: \(both.ids)")
            // A word nothing has does not empty the list, and the list says it is partial.
            let odd = try await Self.search(env, "palkkatuki kissa")
            #expect(odd.partial && odd.ids.first == "palkkatuki")
            // A whole sentence in everyday Finnish.
            let sentence = try await Self.search(env, "en pysty tekemään vanhaa työtäni")
            #expect(sentence.partial && sentence.total > 0)
            // Where every word matches, nothing changes and nothing is said.
            let exact = try await Self.search(env, "työkokeilu")
            #expect(!exact.partial && exact.ids.first == "tyokokeilu")
            let two = try await Self.search(env, "palkkatuki yrityksille")
            #expect(!two.partial && two.ids.first == "palkkatuki-yrityksille")
            // Nothing at all: not partial.
            let none = try await Self.search(env, "qwxzv kvzzq")
            #expect(none.total == 0 && !none.partial)
        }
    }

    @Test(arguments: [
        ("haluan opiskella uuden ammatin", "oppisopimuksella-uuteen-ammattiin"),
        ("minulla ei ole töitä ja tarvitsen palkkatukea", "palkkatuki"),
        ("jag vill ha arbetsprövning", "tyokokeilu"),
        ("I want a work trial", "tyokokeilu"),
    ])
    func stopWordsOfEachLanguageDoNotCountAgainstAService(query: String, expected: String) async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let r = try await Self.search(env, query)
            #expect(r.ids.first == expected, "\(query): \(r.ids)")
            #expect(!r.partial, "every word that says something matched")
        }
    }

    @Test func theStopWordListsAreDataPerLanguage() {
        for (language, words) in [(Analyzer.Language.fi, ["haluan", "minä", "en"]), (.sv, ["jag", "vill"]), (.en, ["i", "my", "need"])] {
            let list = Analyzer.stopWords[language] ?? []
            #expect(list.count > 30, "\(language)")
            for word in words { #expect(list.contains(word), "\(language): \(word)") }
        }
        #expect(!Analyzer.isStopWord("työkokeilu") && !Analyzer.isStopWord("palkkatuki"))
    }
}

/// The region's synonyms and colloquial words, the vocabularies' names as search words, the record
/// of searches that found little, and "did you mean" (issue 12). Demo catalogue.
@Suite("Synonyms, searches that found little, did you mean", .serialized)
struct SynonymsTests {
    struct Found {
        let ids: [String]
        let total: Int
        let partial: Bool
        let alsoSearched: [String]
        let didYouMean: [String]
    }

    static func search(_ env: TestEnv, _ q: String, token: String? = nil, limit: Int = 50) async throws -> Found {
        let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q
        let r = try await env.request(.get, "/api/v1/catalogue/search?q=\(encoded)&limit=\(limit)", token: token)
        #expect(r.status == .ok, "\(q)")
        let json = try r.json()
        return Found(
            ids: try r.items().compactMap { $0["id"] as? String }, total: json["total"] as? Int ?? -1,
            partial: json["partial"] as? Bool ?? false,
            alsoSearched: json["alsoSearched"] as? [String] ?? [], didYouMean: json["didYouMean"] as? [String] ?? [])
    }

    static func admin(_ env: TestEnv) async throws -> String {
        try await env.user("admin@example.fi", platformAdmin: true)
        return try await env.login("admin@example.fi")
    }

    @discardableResult
    static func add(_ env: TestEnv, _ token: String, _ body: [String: Any], status: HTTPResponse.Status = .created) async throws -> JSON {
        let r = try await env.request(.post, "/api/v1/search-words/synonyms", token: token, json: body)
        #expect(r.status == status, "\(body): \(String(buffer: r.body))")
        return try r.json()
    }

    @Test func aOneWayExpansionFindsWhatItsWordsFindButNotTheOtherWayRound() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let admin = try await Self.admin(env)
            let before = try await Self.search(env, "palkkatuki")
            let starttiraha = try await Self.search(env, "starttiraha")
            #expect(!before.ids.contains("starttiraha") && !starttiraha.ids.contains("palkkatuki"))
            try await Self.add(env, admin, ["language": "fi", "kind": "expansion", "source": "palkkatuki", "words": ["starttiraha"]])
            // The next search uses it (no reindex, no stale kept answer).
            let after = try await Self.search(env, "palkkatukea")
            #expect(after.ids.contains("starttiraha"), "\(after.ids)")
            #expect(after.alsoSearched == ["starttiraha"])
            // Below every service with the user's own word, whose order is as before.
            let ownCount = before.total
            #expect(Array(after.ids.prefix(ownCount)) == before.ids, "own words first, in the same order")
            #expect((after.ids.firstIndex(of: "starttiraha") ?? 0) >= ownCount)
            // One way: "starttiraha" does not find palkkatuki.
            let back = try await Self.search(env, "starttiraha")
            #expect(back.ids == starttiraha.ids && back.alsoSearched.isEmpty)
        }
    }

    @Test func aGroupWorksBothWaysAndAColloquialWordFindsServices() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let admin = try await Self.admin(env)
            let duuni = try await Self.search(env, "duunia")
            #expect(duuni.total == 0)
            try await Self.add(env, admin, ["language": "fi", "kind": "group", "words": ["työttömyys", "työtön"]])
            try await Self.add(env, admin, ["language": "fi", "kind": "expansion", "source": "duuni", "words": ["työnhaku"]])
            // A derived form meets its partner both ways: "työttömyys" finds "työttömyysturva" by itself…
            let benefit = try await Self.search(env, "työttömyys")
            #expect(benefit.ids.contains("tyottomyysturvaneuvonta"))
            // …and "työttömälle" (työtön) finds it through the group.
            let unemployed = try await Self.search(env, "työttömälle")
            #expect(unemployed.ids.contains("tyottomyysturvaneuvonta"), "\(unemployed.ids)")
            #expect(unemployed.alsoSearched.contains("työttömyys"))
            // A colloquial word in an inflected form.
            let job = try await Self.search(env, "duunia")
            #expect(job.total > 0 && job.alsoSearched == ["työnhaku"], "\(job.ids)")
        }
    }

    /// With the starter set loaded, as a new server has it: the client's own words find services,
    /// and a query whose words all match keeps its first result.
    @Test func theStarterSetMeetsAClientsOwnWords() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            _ = try await Commands.importSynonyms(env.config, file: repoRoot.appending(path: "DemoData/synonyms.json"))
            let study = try await Self.search(env, "haluan opiskella uuden ammatin")
            #expect(study.ids.first == "oppisopimuksella-uuteen-ammattiin" && !study.partial, "\(study.ids.prefix(3))")
            let housing = try await Self.search(env, "kämppä")
            #expect(housing.total > 0 && housing.alsoSearched.contains("asunto"), "\(housing.alsoSearched)")
            let work = try await Self.search(env, "hommia")
            #expect(work.total > 0 && work.alsoSearched.contains("työpaikka"), "\(work.alsoSearched)")
            let money = try await Self.search(env, "I need help with money")
            #expect(money.ids.contains("velkaneuvonta"), "\(money.ids)")
            let job = try await Self.search(env, "jobb")
            #expect(job.total > 0)
            // Words all found as they are: the same first services as without synonyms.
            #expect(try await Self.search(env, "työkokeilu").ids.first == "tyokokeilu")
            #expect(try await Self.search(env, "palkkatuki yrityksille").ids.first == "palkkatuki-yrityksille")
        }
    }

    @Test func theVocabulariesNamesAreSearchWords() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            // No service text says "työtön"; 149 published services are for the unemployed.
            let unemployed = try await Self.search(env, "työtön")
            #expect(unemployed.total >= 100, "\(unemployed.total)")
            #expect(unemployed.ids.contains("ammatinvalinta-ja-uraohjaus"))
            // A service with the word itself comes before those that only have the status.
            let laidOff = try await Self.search(env, "lomautettu")
            #expect(laidOff.ids.first == "lomautetun-neuvonta", "\(laidOff.ids.prefix(5))")
            #expect(laidOff.ids.contains("uraohjaus-aikuisille"))
            #expect((laidOff.ids.firstIndex(of: "uraohjaus-aikuisille") ?? 0) > (laidOff.ids.firstIndex(of: "lomautetun-neuvonta") ?? 99))
            // A name of several words is named by all of them, in Swedish too.
            let parental = try await Self.search(env, "perhevapaalta palaava")
            #expect(parental.ids.contains("tyonhakuvalmennus-verkossa"), "\(parental.ids)")
            let permitted = try await Self.search(env, "permitterad")
            #expect(permitted.ids.contains("uraohjaus-aikuisille"), "\(permitted.ids.prefix(5))")
        }
    }

    @Test func onlyPlatformAdminsEditTheSynonymsAndContentProducersReadThem() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let admin = try await Self.admin(env)
            let client = try await env.client("asiakas@example.fi")
            let expert = try await env.expert("asiantuntija@example.fi")
            try await env.user("tuottaja@example.fi", org: TestEnv.orgA, role: .contentProducer)
            let producer = try await env.login("tuottaja@example.fi")
            let body: [String: Any] = ["language": "fi", "kind": "expansion", "source": "kämppä", "words": ["asunto"]]
            #expect(try await env.request(.post, "/api/v1/search-words/synonyms", json: body).status == .unauthorized)
            for token in [client.token, expert.token, producer] {
                #expect(try await env.request(.post, "/api/v1/search-words/synonyms", token: token, json: body).status == .forbidden)
            }
            for token in [client.token, expert.token] {
                #expect(try await env.request(.get, "/api/v1/search-words/synonyms", token: token).status == .forbidden)
                #expect(try await env.request(.get, "/api/v1/search-words/misses", token: token).status == .forbidden)
                #expect(try await env.request(.get, "/api/v1/search-words/changes", token: token).status == .forbidden)
            }
            #expect(try await env.request(.get, "/api/v1/search-words/synonyms").status == .unauthorized)
            let created = try await Self.add(env, admin, body)
            let id = created["id"] as? String ?? ""
            #expect(created["version"] as? Int == 1)
            let listed = try await env.request(.get, "/api/v1/search-words/synonyms?language=fi", token: producer)
            let listedItems = try listed.items()
            #expect(listed.status == .ok && listedItems.count == 1)
            for (method, path) in [(HTTPRequest.Method.put, "/\(id)"), (.delete, "/\(id)")] {
                let r = try await env.request(method, "/api/v1/search-words/synonyms\(path)", token: producer, json: body)
                #expect(r.status == .forbidden, "\(method)")
            }
            // Bad entries: every problem at once, with its field.
            let bad = try await Self.add(
                env, admin,
                [
                    "language": "fi", "kind": "group", "source": "x",
                    "words": ["yksi", "yksi", "a b c d", String(repeating: "a", count: 61)],
                ],
                status: .unprocessableContent)
            let fields = (bad["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(fields) == ["source", "words[1]", "words[2]", "words[3]"], "\(fields)")
            try await Self.add(
                env, admin, ["language": "fi", "kind": "expansion", "source": "kämppä", "words": ["koti"]], status: .conflict)
            // A change names the version it was made on; a stale one is refused.
            var change = body
            change["words"] = ["asunto", "vuokra-asunto"]
            change["version"] = 1
            let changed = try await env.request(.put, "/api/v1/search-words/synonyms/\(id)", token: admin, json: change)
            let changedJSON = try changed.json()
            #expect(changed.status == .ok && changedJSON["version"] as? Int == 2)
            let stale = try await env.request(.put, "/api/v1/search-words/synonyms/\(id)", token: admin, json: change)
            let staleJSON = try stale.json()
            #expect(stale.status == .conflict && staleJSON["code"] as? String == "synonym.stale")
            #expect(try await env.request(.delete, "/api/v1/search-words/synonyms/\(id)", token: admin).status == .noContent)
            #expect(try await env.request(.delete, "/api/v1/search-words/synonyms/\(id)", token: admin).status == .notFound)
            // Every change is logged with who made it and the entry before and after.
            let log = try await env.request(.get, "/api/v1/search-words/changes", token: producer)
            let changes = try log.items()
            #expect(changes.compactMap { $0["action"] as? String } == ["deleted", "updated", "created"])
            #expect(changes.allSatisfy { ($0["actor"] as? [String: Any])?["name"] as? String == "User admin@example.fi" })
            let updated = changes[1]
            #expect((updated["before"] as? [String: Any])?["words"] as? [String] == ["asunto"])
            #expect((updated["after"] as? [String: Any])?["words"] as? [String] == ["asunto", "vuokra-asunto"])
            let versions = changes.compactMap { $0["setVersion"] as? Int }
            #expect(versions == versions.sorted(by: >) && Set(versions).count == 3)
        }
    }

    @Test func theStarterSetLoadsOnceAndImportingTheSameFileTwiceChangesNothing() async throws {
        let starter: @Sendable (inout AppConfiguration) -> Void = {
            $0.starterSynonymsFile = repoRoot.appending(path: "DemoData/synonyms.json")
        }
        try await TestEnv.run(adjust: starter) { env in
            let admin = try await Self.admin(env)
            let lines = Mutex<[String]>([])
            await Commands.loadStarterSynonyms(env.components) { line in lines.withLock { $0.append(line) } }
            await Commands.loadStarterSynonyms(env.components) { line in lines.withLock { $0.append(line) } }
            #expect(lines.withLock { $0 }.count == 1, "loaded once: \(lines.withLock { $0 })")
            let listed = try await env.request(.get, "/api/v1/search-words/synonyms", token: admin)
            let json = try listed.json()
            let count = (json["items"] as? [Any])?.count ?? 0
            var perLanguage: [String: Int] = [:]
            for item in try listed.items() { perLanguage[item["language"] as? String ?? "", default: 0] += 1 }
            #expect(
                count > 300 && perLanguage["fi"] ?? 0 > 100 && perLanguage["sv"] ?? 0 > 50 && perLanguage["en"] ?? 0 > 50, "\(perLanguage)")
            let version = json["setVersion"] as? Int
            // The same file by the command line: nothing changes, not even the set's version.
            let summary = try await Commands.importSynonyms(env.config, file: repoRoot.appending(path: "DemoData/synonyms.json"))
            #expect(summary == "0 new, 0 changed, \(count) unchanged", "\(summary)")
            #expect((try await env.request(.get, "/api/v1/search-words/synonyms", token: admin).json())["setVersion"] as? Int == version)
            // A file that adds a word merges into the stored entry.
            let extra = FileManager.default.temporaryDirectory.appending(path: "synonyms-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: extra) }
            try Data(#"{"schemaVersion":1,"languages":{"fi":{"groups":[],"expansions":[{"from":"kämppä","to":["asumisneuvonta"]}]}}}"#.utf8)
                .write(to: extra)
            #expect(try await Commands.importSynonyms(env.config, file: extra) == "0 new, 1 changed, 0 unchanged")
            // A bad file: every problem, nothing written.
            try Data(
                #"{"schemaVersion":1,"languages":{"fi":{"groups":[["yksi"]],"expansions":[{"from":"a b c d","to":["x"]}]},"xx":{}}}"#.utf8
            )
            .write(to: extra)
            do {
                _ = try await Commands.importSynonyms(env.config, file: extra)
                Issue.record("a bad file was imported")
            } catch {
                let text = "\(error)"
                for path in ["$.languages.fi.groups[0].words", "$.languages.fi.expansions[0].source", "$.languages.xx"] {
                    #expect(text.contains(path), "\(text)")
                }
            }
            #expect(
                ((try await env.request(.get, "/api/v1/search-words/synonyms", token: admin).json())["items"] as? [Any])?.count == count)
        }
    }

    @Test func searchesThatFoundLittleAreRecordedAnonymouslyShownFromThreeAndErasedAfterThirteenMonths() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let admin = try await Self.admin(env)
            let client = try await env.client("asiakas@example.fi")
            try await env.user("tuottaja@example.fi", org: TestEnv.orgA, role: .contentProducer)
            let producer = try await env.login("tuottaja@example.fi")
            for _ in 0..<3 { _ = try await Self.search(env, "Qwxzv  KÄMPPÄ!", token: client.token) }
            for _ in 0..<2 { _ = try await Self.search(env, "harvinainen sanahirviö") }
            for _ in 0..<3 { _ = try await Self.search(env, "palkkatuki") }  // many results: not recorded
            // With a filter: not recorded.
            for _ in 0..<3 { _ = try await env.request(.get, "/api/v1/catalogue/search?q=qwxzv&municipality=091") }
            for _ in 0..<4 { _ = try await Self.search(env, "joukkoirtisanominen") }  // few results
            let misses = try await env.request(.get, "/api/v1/search-words/misses?days=30", token: producer)
            #expect(misses.status == .ok)
            let items = try misses.items()
            #expect(items.count == 1, "a query searched twice is not shown: \(items)")
            #expect(items.first?["query"] as? String == "qwxzv kämppä" && items.first?["occurrences"] as? Int == 3)
            #expect(items.first?["results"] as? Int == 0 && items.first?["language"] as? String == "fi")
            let few = try await env.request(.get, "/api/v1/search-words/misses?days=90&results=few", token: admin).items()
            #expect(few.compactMap { $0["query"] as? String } == ["joukkoirtisanominen"], "\(few)")
            #expect(try await env.request(.get, "/api/v1/search-words/misses?days=7", token: admin).status == .unprocessableContent)
            // What is stored: the query, language, day, result count and a count; nothing of who searched.
            let rows: [GRDB.Row] = try await env.components.db.writer.read { db in
                try GRDB.Row.fetchAll(db, sql: "SELECT * FROM search_miss")
            }
            #expect(Set(rows.first.map { Array($0.columnNames) } ?? []) == ["query", "language", "day", "results", "occurrences"])
            let stored = rows.map { $0.description }.joined(separator: " ")
            for secret in [client.id, client.email, client.token, "asiakas"] { #expect(!stored.contains(secret)) }
            #expect(rows.allSatisfy { ($0["day"] as String) == "2026-09-21" })
            // Thirteen months on, the rows are erased; a row of a later day stays.
            env.time.advance(by: 200 * 86_400)
            for _ in 0..<3 { _ = try await Self.search(env, "qwxzv") }
            env.time.advance(by: 195 * 86_400)  // 2027-10-21: thirteen months to the day
            #expect(try await env.components.searchWords.misses.sweep() == 0)
            env.time.advance(by: 86_400)
            #expect(try await env.components.searchWords.misses.sweep() == rows.count, "13 months and a day after the first searches")
            let left = try await env.components.db.writer.read { db in try String.fetchAll(db, sql: "SELECT query FROM search_miss") }
            #expect(left == ["qwxzv"])
        }
    }

    /// Anyone may search: a flood of made-up queries records at most a bounded number of rows a day,
    /// and the queries recorded already are still counted.
    @Test func aFloodOfMadeUpQueriesCannotFillTheRecord() async throws {
        try await TestEnv.run { env in
            let store = env.components.searchWords.store
            let day = "2026-09-21"
            let miss = { (q: String) in SearchWordsStore.Miss(query: q, language: "fi", day: day, results: 0) }
            try await store.record([miss("eka"): 1, miss("toka"): 1], maxPerDay: 3)
            try await store.record(Dictionary(uniqueKeysWithValues: (0..<50).map { (miss("roska\($0)"), 1) }), maxPerDay: 3)
            try await store.record([miss("eka"): 2], maxPerDay: 3)
            let rows = try await env.components.db.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM search_miss WHERE day = ?", arguments: [day]) ?? 0
            }
            #expect(rows == 3)
            let eka = try await env.components.db.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT occurrences FROM search_miss WHERE query = 'eka'") ?? 0
            }
            #expect(eka == 3)
        }
    }

    @Test func didYouMeanOffersTheClosestWordsOfNamesKeywordsAndSynonyms() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let admin = try await Self.admin(env)
            // Two edits from "starttiraha": no service, even partly, so the closest words are offered.
            let typo = try await Self.search(env, "startiraah")
            #expect(typo.total == 0 && typo.didYouMean.first == "starttiraha", "\(typo.didYouMean)")
            #expect(try await Self.search(env, typo.didYouMean[0]).ids.first == "starttiraha")
            // A query that found something offers nothing.
            #expect(try await Self.search(env, "starttiraha").didYouMean.isEmpty)
            // The synonyms' words count too.
            #expect(!(try await Self.search(env, "kämpä").didYouMean.contains("kämppä")))
            try await Self.add(env, admin, ["language": "fi", "kind": "expansion", "source": "kämppä", "words": ["asumisneuvonta"]])
            let colloquial = try await Self.search(env, "kämpä")
            #expect(colloquial.didYouMean.contains("kämppä"), "\(colloquial.didYouMean)")
            // Nonsense gets no suggestion.
            #expect(try await Self.search(env, "qwxzvqq").didYouMean.isEmpty)
        }
    }

    /// The same change sent twenty times at once on one version: one is made, nineteen are told the
    /// entry changed meanwhile; the set's version moves once and the log has one change.
    @Test func twentyEditsOfOneVersionAtOnceMakeOneChange() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let admin = try await Self.admin(env)
            let created = try await Self.add(env, admin, ["language": "fi", "kind": "expansion", "source": "kämppä", "words": ["asunto"]])
            let id = created["id"] as? String ?? ""
            let before = try #require(
                try await env.request(.get, "/api/v1/search-words/synonyms", token: admin).json()["setVersion"] as? Int)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let change: [String: Any] = [
                            "language": "fi", "kind": "expansion", "source": "kämppä", "words": ["asunto", "vuokra-asunto\(i)"],
                            "version": 1,
                        ]
                        return try await env.request(.put, "/api/v1/search-words/synonyms/\(id)", token: admin, json: change).status
                    }
                }
                var out: [HTTPResponse.Status] = []
                for try await status in group { out.append(status) }
                return out
            }
            #expect(statuses.filter { $0 == .ok }.count == 1 && statuses.filter { $0 == .conflict }.count == 19)
            let after = try await env.request(.get, "/api/v1/search-words/synonyms", token: admin).json()["setVersion"] as? Int
            #expect(after == before + 1)
            let changes = try await env.request(.get, "/api/v1/search-words/changes", token: admin).items()
            #expect(changes.compactMap { $0["action"] as? String } == ["updated", "created"])
        }
    }
}
