import Foundation
import Synchronization
import TextAnalysis

extension Language {
    /// How texts in this language are analysed.
    var analysis: Analyzer.Language {
        switch self {
        case .fi: .fi
        case .sv: .sv
        case .en: .en
        }
    }
}

/// Builds the index documents of services: each text field becomes the analysed terms of its words,
/// in every language the service has. Word analyses are cached, since catalogue texts repeat words.
final class CatalogueIndexer: Sendable {
    let analyzer: Analyzer
    private let cache = Mutex<[String: [String]]>([:])
    private let finnishCache = Mutex<[String: Analyzer.Finnish]>([:])

    init(analyzer: Analyzer) { self.analyzer = analyzer }

    /// The indexed columns of one service.
    struct Document: Sendable, Equatable {
        var name: String
        var keywords: String
        var organization: String
        var summary: String
        var description: String
    }

    /// Each language's keywords are analysed in that language.
    func document(_ s: ServiceRecord, keywords: LocalWords, organization: LocalText) -> Document {
        Document(
            name: terms([(s.nameFi, .fi), (s.nameSv, .sv), (s.nameEn, .en)]),
            keywords: terms(
                keywords.languages.flatMap { language, words in
                    words.map { ($0, language.analysis) }
                }),
            organization: terms([(organization.fi, .fi), (organization.sv, .sv), (organization.en, .en)]),
            summary: terms([(s.summaryFi, .fi), (s.summarySv, .sv), (s.summaryEn, .en)]),
            description: terms([(s.descriptionFi, .fi), (s.descriptionSv, .sv), (s.descriptionEn, .en)]))
    }

    /// The terms of texts, space-separated, each word's terms once.
    func terms(_ texts: [(String?, Analyzer.Language)]) -> String {
        var out: [String] = []
        for (text, language) in texts {
            guard let text else { continue }
            for word in Analyzer.words(text) { out += terms(of: word, language) }
        }
        return out.joined(separator: " ")
    }

    /// Voikko's analysis of a query word, remembered: searches repeat words.
    func finnish(_ word: String) -> Analyzer.Finnish {
        if let hit = finnishCache.withLock({ $0[word] }) { return hit }
        let result = analyzer.finnish(word)
        finnishCache.withLock { table in
            if table.count > 50_000 { table.removeAll(keepingCapacity: true) }
            table[word] = result
        }
        return result
    }

    func terms(of word: String, _ language: Analyzer.Language) -> [String] {
        let key = "\(language.rawValue):\(word)"
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let terms = analyzer.terms(of: word, in: language).sorted()
        cache.withLock { table in
            if table.count > 200_000 { table.removeAll(keepingCapacity: true) }
            table[key] = terms
        }
        return terms
    }
}
