import Foundation
import Synchronization
import TextAnalysis

/// The region's synonyms as search applies them: per query word, the words it also finds. Built
/// from the stored entries at one version of the set; a word meets an entry by its analysed forms
/// in the entry's language (Finnish base forms, Swedish and English stems), so "kämpässä" meets
/// "kämppä".
struct SynonymTable: Sendable {
    let version: Int64
    /// Analysed key ("fi:asunto") → the phrases it expands to, each phrase a list of words with
    /// their index terms.
    private let expansions: [String: [Phrase]]
    /// Every single word of the entries, for "did you mean".
    let words: Set<String>

    /// A word or short phrase that a query word expands to: every one of its words must match.
    struct Phrase: Sendable, Hashable {
        let text: String
        let terms: [Set<String>]
    }

    static let empty = SynonymTable(version: -1, expansions: [:], words: [])

    private init(version: Int64, expansions: [String: [Phrase]], words: Set<String>) {
        self.version = version
        self.expansions = expansions
        self.words = words
    }

    init(version: Int64, entries: [SynonymRecord], indexer: CatalogueIndexer) {
        var expansions: [String: [Phrase]] = [:]
        var phrases: [String: Phrase] = [:]
        func phrase(_ text: String, _ language: Analyzer.Language) -> Phrase {
            let key = "\(language.rawValue):\(text)"
            if let known = phrases[key] { return known }
            let made = Phrase(text: text, terms: Analyzer.words(text).map { Self.terms(of: $0, language, indexer) })
            phrases[key] = made
            return made
        }
        for entry in entries {
            let language = Analyzer.Language(rawValue: entry.language) ?? .fi
            let words = entry.wordList
            // Who expands to what: a group's single words to every other word; an expansion's source to its words.
            let pairs: [(String, [String])] =
                entry.kind == SynonymKind.expansion.rawValue
                ? [(entry.source ?? "", words)]
                : words.map { w in (w, words.filter { $0 != w }) }
            for (from, to) in pairs {
                for key in Self.entryKeys(from, language, indexer) {
                    for target in to { expansions[key, default: []].append(phrase(target, language)) }
                }
            }
        }
        self.version = version
        words = Set(
            entries.flatMap { e in (e.wordList + [e.source].compactMap { $0 }).filter { Analyzer.words($0).count == 1 && $0.count >= 4 } })
        self.expansions = expansions.mapValues { list in
            var seen: Set<String> = []
            return list.filter { seen.insert($0.text).inserted }
        }
    }

    /// Per query word, the phrases it expands to (not the word itself), in the order the entries give
    /// them. A source of several words ("te-toimisto", "yh-äiti") is met by the query's words in a
    /// row, and each of them gets its expansions.
    func expansions(of words: [String], indexer: CatalogueIndexer) -> [[Phrase]] {
        var found = Array(repeating: [Phrase](), count: words.count)
        guard !expansions.isEmpty else { return found }
        var seen = words.map { Set([$0]) }
        func add(_ phrases: [Phrase], to range: Range<Int>) {
            for i in range {
                for p in phrases where seen[i].insert(p.text).inserted { found[i].append(p) }
            }
        }
        for (i, word) in words.enumerated() {
            for key in Self.queryKeys(word, indexer).sorted() { add(expansions[key] ?? [], to: i..<i + 1) }
            for length in 2...3 where i + length <= words.count {
                let run = Array(words[i..<i + length])
                for key in Self.queryKeys(run, indexer).sorted() { add(expansions[key] ?? [], to: i..<i + length) }
            }
        }
        return found
    }

    /// The keys of an entry's word in its language: the word and its base forms (Finnish) or stem. A
    /// source of several words is keyed by its words, the last one by its forms.
    static func entryKeys(_ text: String, _ language: Analyzer.Language, _ indexer: CatalogueIndexer) -> Set<String> {
        let words = Analyzer.words(text)
        guard let word = words.last else { return [] }
        let head = words.dropLast().map { $0 + " " }.joined()
        let forms: Set<String> =
            switch language {
            case .fi: indexer.finnish(word).baseForms.union([word])
            case .sv, .en: [word, indexer.analyzer.stem(word, in: language)]
            }
        return Set(forms.map { "\(language.rawValue):\(head)\($0)" })
    }

    /// The keys a query word may meet, in every language (the query's language is not known).
    static func queryKeys(_ word: String, _ indexer: CatalogueIndexer) -> Set<String> { queryKeys([word], indexer) }

    /// The keys of query words in a row: the words before the last as they are, the last by its forms.
    static func queryKeys(_ words: [String], _ indexer: CatalogueIndexer) -> Set<String> {
        guard let word = words.last else { return [] }
        let head = words.dropLast().map { $0 + " " }.joined()
        var keys = Set(indexer.finnish(word).baseForms.union([word]).map { "fi:\(head)\($0)" })
        for language in [Analyzer.Language.sv, .en] {
            keys.insert("\(language.rawValue):\(head)\(word)")
            keys.insert("\(language.rawValue):\(head)\(indexer.analyzer.stem(word, in: language))")
        }
        return keys
    }

    /// The index terms an expansion's word matches exactly: as the index has them (a Finnish word's
    /// base forms, a Swedish or English word's stem), no prefixes or typos.
    static func terms(of word: String, _ language: Analyzer.Language, _ indexer: CatalogueIndexer) -> Set<String> {
        let terms: Set<String>
        switch language {
        case .fi:
            let f = indexer.finnish(word)
            terms = f.known ? f.baseForms.union([word]) : [word]
        case .sv, .en: terms = [word, indexer.analyzer.stem(word, in: language)]
        }
        return terms.filter { $0.count >= 2 && !$0.contains("\"") }
    }
}

/// The synonym table at the set's current version, loaded once per version and shared.
final class SynonymCache: Sendable {
    private let held = Mutex(SynonymTable.empty)

    /// The table loaded last (no database read).
    var current: SynonymTable { held.withLock { $0 } }
    private let loading = Mutex<(version: Int64, task: Task<SynonymTable, any Error>)?>(nil)

    /// The table at `version`, loading it with `load` when the one held is of another version.
    func table(version: Int64, load: @escaping @Sendable () async throws -> SynonymTable) async throws -> SynonymTable {
        let table = current
        if table.version == version { return table }
        let task = loading.withLock { state -> Task<SynonymTable, any Error> in
            if let state, state.version == version { return state.task }
            let task = Task { try await load() }
            state = (version, task)
            return task
        }
        do {
            let table = try await task.value
            held.withLock { if $0.version < table.version { $0 = table } }
            loading.withLock { if $0?.version == version { $0 = nil } }
            return table
        } catch {
            loading.withLock { if $0?.version == version { $0 = nil } }
            throw error
        }
    }
}
