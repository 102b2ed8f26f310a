import Testing
import TextAnalysis

@Suite("Finnish, Swedish and English analysis")
struct AnalyzerTests {
    static let analyzer = try? Analyzer(voikkoHandles: 1)

    @Test(arguments: [
        ("uraohjaukseen", ["uraohjaus", "ura", "ohjaus"]),
        ("uraohjausta", ["uraohjaus"]),
        ("kuntoutukseen", ["kuntoutus"]),
        ("ammatinvalinta", ["ammatti", "ammatin", "valinta"]),
        ("mielenterveyskuntoutujille", ["mielenterveyskuntoutuja", "mieli", "terveys", "kuntoutuja"]),
        ("digiosaajaksi", ["digiosaaja", "digi", "osaaja"]),
        ("työkokeiluun", ["työkokeilu", "työ", "kokeilu"]),
        ("palkkatukea", ["palkkatuki", "palkka", "tuki"]),
    ])
    func finnishWordsMeetTheirBaseFormsAndParts(word: String, expected: [String]) throws {
        let analyzer = try #require(Self.analyzer)
        let terms = analyzer.terms(of: word, in: .fi)
        for term in expected { #expect(terms.contains(term), "\(word) → \(terms.sorted())") }
    }

    @Test func aDerivedWordGivesItsStemForPrefixMatching() throws {
        let analyzer = try #require(Self.analyzer)
        #expect(analyzer.finnish("kuntoutus").stems.contains("kuntout"))
        #expect(!analyzer.finnish("qwzrt").known)
    }

    @Test func swedishAndEnglishAreStemmed() throws {
        let analyzer = try #require(Self.analyzer)
        #expect(analyzer.terms(of: "arbetsprövningar", in: .sv).contains("arbetsprövning"))
        #expect(analyzer.terms(of: "counselling", in: .en).contains("counsel"))
        #expect(analyzer.terms(of: "careers", in: .en).contains("career"))
    }

    @Test func wordsAreLettersAndDigits() {
        #expect(
            Analyzer.words("Ammatinvalinta- ja uraohjaus, 16–29-vuotiaille!") == [
                "ammatinvalinta", "ja", "uraohjaus", "16", "29", "vuotiaille",
            ])
    }
}
