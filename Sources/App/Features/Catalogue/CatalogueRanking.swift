import TextAnalysis

/// Many short lists of integers in one array, list `k` being `values[starts[k]..<starts[k + 1]]`:
/// the hot loops of search read them without the reference counting of nested arrays.
struct RaggedArray: Sendable {
    private(set) var values: [Int32] = []
    private(set) var starts: [Int32] = [0]

    var count: Int { starts.count - 1 }

    init() {}

    /// Lists laid out already: list `k` is `values[starts[k]..<starts[k + 1]]`.
    init(values: [Int32], starts: [Int32]) {
        self.values = values
        self.starts = starts
    }

    mutating func append(_ list: some Sequence<Int32>) {
        values.append(contentsOf: list)
        starts.append(Int32(values.count))
    }

    /// Runs `body` with unsafe access to every list.
    func withLists<R>(_ body: (Lists) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer { v in try starts.withUnsafeBufferPointer { s in try body(Lists(values: v, starts: s)) } }
    }

    struct Lists {
        let values: UnsafeBufferPointer<Int32>
        let starts: UnsafeBufferPointer<Int32>

        subscript(k: Int) -> UnsafeBufferPointer<Int32> {
            UnsafeBufferPointer(rebasing: values[Int(starts[k])..<Int(starts[k + 1])])
        }
    }
}

/// The index terms of each service's ranked columns (name, keywords, organisation, summary), as
/// positions in the sorted vocabulary. `WordIndex` finds the services that match; this ranks them, at
/// the cost of a few array reads per service rather than FTS5's bm25, which reads every matching
/// row's column sizes from disk.
struct ForwardIndex: Sendable {
    /// Name, keywords, organisation, summary; the description is the fifth indexed column.
    static let columns = 4
    static let weights: [Double] = [10, 5, 3, 2]
    static let descriptionWeight = 1.0

    /// Service `i`'s column `c` is list `i * columns + c`.
    let terms: RaggedArray
    /// The fewest words the service's name has in any of its languages ("Työkokeilu" has one).
    let nameWords: [Int]
    /// Per service: the terms of its name's words as whole words (base forms and stems), so that
    /// "kuntoutus" ranks "Ammatillinen kuntoutus" above "Kuntoutusohjaus", where it is only a part.
    let wholeNameTerms: RaggedArray

    /// `columns[i]` holds service `i`'s indexed columns as FTS5 has them (the ranked ones first);
    /// `termIds` gives a term's vocabulary position; `baseForms` gives a word's base forms in a language.
    init(
        services: [ServiceFacts], termIds: [String: Int32], columns: [[String]], baseForms: (String, Analyzer.Language) -> [String]
    ) {
        var terms = RaggedArray()
        for service in columns {
            for text in service.prefix(Self.columns) { terms.append(Self.termIds(of: text, termIds)) }
        }
        var wholeNameTerms = RaggedArray()
        for s in services {
            let named: [(String?, Analyzer.Language)] = [(s.name.fi, .fi), (s.name.sv, .sv), (s.name.en, .en)]
            wholeNameTerms.append(
                Set(
                    named.flatMap { text, language in
                        Analyzer.words(text ?? "").flatMap { [$0] + baseForms($0, language) }.compactMap { termIds[$0] }
                    }))
        }
        self.terms = terms
        self.wholeNameTerms = wholeNameTerms
        nameWords = services.map { s in
            [s.name.fi, s.name.sv, s.name.en].compactMap { $0 }.map { Analyzer.words($0).count }.filter { $0 > 0 }.min() ?? 0
        }
    }

    /// The vocabulary positions of an indexed column's terms. The column is the indexer's terms joined
    /// by spaces, so it is cut at spaces (a fraction of the cost of cutting at every non-letter); a
    /// piece that is not a term as it stands is cut into words as FTS5's tokenizer cuts it.
    static func termIds(of column: String, _ termIds: [String: Int32]) -> [Int32] {
        var ids: [Int32] = []
        for piece in column.utf8.split(separator: UInt8(ascii: " ")) {
            let term = String(Substring(piece))
            if let id = termIds[term] {
                ids.append(id)
            } else {
                ids.append(contentsOf: Analyzer.words(term).compactMap { termIds[$0] })
            }
        }
        return ids
    }

    /// What one query word matches, over the vocabulary: 2 for its exact terms, 1 for terms under
    /// one of its prefixes, ending with it or of its synonyms, 0 for the rest.
    static func marks(_ match: CatalogueSearch.WordMatch, vocabulary: [String]) -> [UInt8] {
        var marks = [UInt8](repeating: 0, count: vocabulary.count)
        for phrase in match.synonyms {
            for term in phrase.terms.joined() {
                if let i = SortedStrings.position(of: term, in: vocabulary) { marks[i] = 1 }
            }
        }
        for prefix in match.prefixes {
            var i = SortedStrings.lowerBound(vocabulary, prefix)
            while i < vocabulary.count, vocabulary[i].hasPrefix(prefix) {
                marks[i] = 1
                i += 1
            }
        }
        for term in match.heads {
            if let i = SortedStrings.position(of: term, in: vocabulary) { marks[i] = 1 }
        }
        for term in match.exact {
            if let i = SortedStrings.position(of: term, in: vocabulary) { marks[i] = 2 }
        }
        return marks
    }

    /// The text relevance of each service in `services`, which match every query word,
    /// by position. Per word: the weight of the best column it appears in (a prefix match counts 60 %,
    /// a word only in the description counts 1; the name's weight falls with its length and is 70 %
    /// for a compound part), plus half a point for every further ranked column. A name that is the
    /// query itself ("työkokeiluun" → "Työkokeilu") gets 5 more.
    func scores(of services: [Int], words: [[UInt8]], into scores: inout [Double]) {
        let weights = Self.weights
        terms.withLists { terms in
            wholeNameTerms.withLists { wholeNames in
                for i in services {
                    var total = 0.0
                    var wholeWordsInName = 0
                    // A word weighs more in a short name than in a long one, as in bm25.
                    let nameWeight = weights[0] / (1 + 0.2 * Double(max(0, nameWords[i] - 1)))
                    for word in words {
                        var best = Self.descriptionWeight
                        var columnsHit = 0
                        word.withUnsafeBufferPointer { marks in
                            for c in 0..<Self.columns {
                                var hit: UInt8 = 0
                                for t in terms[i * Self.columns + c] {
                                    hit = max(hit, marks[Int(t)])
                                    if hit == 2 { break }
                                }
                                guard hit > 0 else { continue }
                                columnsHit += 1
                                var weight = (c == 0 ? nameWeight : weights[c]) * (hit == 2 ? 1 : 0.6)
                                if c == 0 && hit == 2 {
                                    if wholeNames[i].contains(where: { marks[Int($0)] == 2 }) {
                                        wholeWordsInName += 1
                                    } else {
                                        weight *= 0.7  // only a part of a compound in the name
                                    }
                                }
                                best = max(best, weight)
                            }
                        }
                        total += best + 0.5 * Double(max(0, columnsHit - 1))
                    }
                    if wholeWordsInName == words.count && nameWords[i] <= words.count { total += 5 }
                    scores[i] = total
                }
            }
        }
    }
}
