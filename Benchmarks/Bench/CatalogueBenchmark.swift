import App
import Foundation

/// `make bench`: the demo catalogue multiplied to `services` services with the starter synonyms, and a
/// mix of 266 queries of eight kinds through the same search code the API uses. Prints p50 and p99 per kind, beside two references
/// measured in the same run on the same database: a bare FTS5 lookup of the word (the floor of an
/// indexed search) and a LIKE scan over names and descriptions (what search without an index costs).
enum CatalogueBenchmark {
    /// Returns the figures per kind for `latest.json`: `{kind: {p50, p99, fts5P50, fts5P99, likeP50, likeP99}}`.
    static func run(demoCatalogue: URL, services target: Int, dataDir: URL, output: @Sendable (String) -> Void) async throws
        -> [String: [String: Double]]
    {
        let app = try await CatalogueBenchTarget(dataDir: dataDir)
        let (encoded, count) = try multiplied(demoCatalogue, to: target)
        let importStart = ContinuousClock.now
        let summary = try await app.importFile(encoded)
        output("Imported \(count) services in \(format(ContinuousClock.now - importStart)) (\(summary))")
        let synonyms = demoCatalogue.deletingLastPathComponent().appending(path: "synonyms.json")
        output("Synonyms (\(synonyms.lastPathComponent)): \(try await app.importSynonyms(try Data(contentsOf: synonyms)))")

        // The first search loads the snapshot: services, facets, ranking and the word index in memory.
        let loadStart = ContinuousClock.now
        _ = try await app.search(CatalogueBenchTarget.Query())
        output("Snapshot loaded in \(format(ContinuousClock.now - loadStart)); resident memory \(residentMegabytes()) MB")
        var rows: [(String, [Double], [Double], [Double])] = []
        var slowest: [(Double, String, String)] = []
        for (kind, queries) in mix() {
            var ours: [Double] = []
            var fts: [Double] = []
            var like: [Double] = []
            for _ in 0..<3 {  // three rounds of the kind's queries
                for q in queries {
                    let start = ContinuousClock.now
                    let total = try await app.search(q)
                    ours.append(ms(ContinuousClock.now - start))
                    slowest.append((ours[ours.count - 1], kind, q.text))
                    precondition(total >= 0)
                    let word = q.text.split(separator: " ").first.map(String.init) ?? ""
                    fts.append(try await timed { try await app.bareFTS(word) })
                    like.append(try await timed { try await app.likeScan(word) })
                }
            }
            rows.append((kind, ours, fts, like))
        }
        output("")
        for (kind, _, _, _) in rows {
            let worst = slowest.filter { $0.1 == kind }.sorted { $0.0 > $1.0 }.prefix(3)
            output("slowest \(kind): " + worst.map { String(format: "%.1f ms \"%@\"", $0.0, $0.2) }.joined(separator: ", "))
        }
        output("kind               queries   p50 ms   p99 ms   target p99 < 10 ms   | FTS5 only p50/p99   LIKE scan p50/p99")
        var figures: [String: [String: Double]] = [:]
        for (kind, ours, fts, like) in rows {
            let p99 = percentile(ours, 0.99)
            figures[kind] = [
                "p50": percentile(ours, 0.5), "p99": p99, "fts5P50": percentile(fts, 0.5), "fts5P99": percentile(fts, 0.99),
                "likeP50": percentile(like, 0.5), "likeP99": percentile(like, 0.99),
            ]
            output(
                "\(kind.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(format: "%7d", ours.count / 3))  \(String(format: "%7.2f", percentile(ours, 0.5)))  \(String(format: "%7.2f", p99))   \(p99 < 10 ? "met    " : "MISSED ")              | \(String(format: "%6.2f / %6.2f", percentile(fts, 0.5), percentile(fts, 0.99)))     \(String(format: "%6.2f / %6.2f", percentile(like, 0.5), percentile(like, 0.99)))"
            )
        }
        return figures
    }

    /// The demo file with every service copied under new ids until there are `target` services, and
    /// how many services it has.
    static func multiplied(_ url: URL, to target: Int) throws -> (Data, Int) {
        guard var file = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
            let originals = file["services"] as? [[String: Any]]
        else { throw CocoaError(.fileReadCorruptFile) }
        var services = originals
        var copy = 1
        while services.count < target {
            for var s in originals where services.count < target {
                s["id"] = "\(s["id"] as? String ?? "")-\(copy)"
                if var name = s["name"] as? [String: Any] {
                    name["fi"] = "\(name["fi"] as? String ?? "") \(copy)"
                    s["name"] = name
                }
                services.append(s)
            }
            copy += 1
        }
        file["services"] = services
        return (try JSONSerialization.data(withJSONObject: file), services.count)
    }

    /// 266 queries: eight kinds.
    static func mix() -> [(String, [CatalogueBenchTarget.Query])] {
        typealias Query = CatalogueBenchTarget.Query
        func q(_ text: String, _ edit: (inout Query) -> Void = { _ in }) -> Query {
            var query = Query(text)
            edit(&query)
            return query
        }
        let words = ["uraohjaus", "palkkatuki", "kuntoutus", "kielikurssi", "starttiraha", "työkokeilu", "velkaneuvonta", "oppisopimus"]
        let inflected = [
            "uraohjaukseen", "palkkatukea", "kuntoutukseen", "kielikursseille", "starttirahaa", "työkokeiluun", "velkaneuvontaa",
            "oppisopimuksella",
        ]
        let prefixes = ["ura", "palk", "kunt", "kiel", "digi", "työk", "velk", "oppi"]
        let typos = ["palkatuki", "uraohjas", "kuntoutsu", "kielikurrsi", "starttirha", "työkokeliu", "velkanuvonta", "opisopimus"]
        let municipalities = ["091", "049", "092", "245", "638", "710", "078"]
        var kinds: [(String, [Query])] = []
        kinds.append(("single word", (0..<34).map { q(words[$0 % words.count]) }))
        kinds.append(("inflected word", (0..<33).map { q(inflected[$0 % inflected.count]) }))
        kinds.append(("prefix", (0..<33).map { q(prefixes[$0 % prefixes.count]) }))
        kinds.append(("typo", (0..<33).map { q(typos[$0 % typos.count]) }))
        kinds.append(
            (
                "filters only",
                (0..<33).map { i in
                    q("") {
                        $0.municipalities = [municipalities[i % municipalities.count]]
                        if i % 2 == 0 { $0.costs = ["free"] }
                        if i % 3 == 0 { $0.categories = ["tyonhaku"] }
                        if i % 4 == 0 { $0.age = 25 }
                    }
                }
            ))
        kinds.append(
            (
                "query + filters",
                (0..<34).map { i in
                    q(inflected[i % inflected.count]) {
                        $0.municipalities = [municipalities[i % municipalities.count]]
                        if i % 2 == 1 { $0.modes = ["in-person"] }
                        if i % 3 == 0 { $0.languages = ["fi"] }
                    }
                }
            ))
        // A person's own sentence, 5–8 words, some of which no service has (the partial answer).
        let sentences = [
            "haluan opiskella uuden ammatin aikuisena", "en pysty tekemään vanhaa työtäni enää",
            "tarvitsen apua velkojen kanssa nyt heti", "jag vill lära mig finska och hitta jobb",
            "I need help finding a job in Helsinki", "minulla ei ole töitä ja rahat loppuivat",
            "haluan perustaa oman yrityksen kotoa käsin", "etsin kielikurssia ja työkokeilua samaan aikaan",
        ]
        kinds.append(("sentence", (0..<33).map { q(sentences[$0 % sentences.count]) }))
        // One everyday word that no service has and only a synonym expands.
        let colloquial = ["duuni", "kämppä", "hommia", "sossu", "masis", "saikku", "knega", "lya", "skint", "dole", "kämpän"]
        kinds.append(("colloquial", (0..<33).map { q(colloquial[$0 % colloquial.count]) }))
        return kinds
    }

    static func timed(_ body: () async throws -> Int) async throws -> Double {
        let start = ContinuousClock.now
        _ = try await body()
        return ms(ContinuousClock.now - start)
    }

    /// The process's resident set in MB (Linux), or "?" elsewhere.
    static func residentMegabytes() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return "?" }
        return String(kb / 1024)
    }

    static func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

    static func format(_ d: Duration) -> String { String(format: "%.1f s", ms(d) / 1000) }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded(.up)))]
    }
}
