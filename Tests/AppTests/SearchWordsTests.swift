import Foundation
import Hummingbird
import HummingbirdTesting
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
