import TextAnalysis

/// The services of the snapshot as a set of positions, one bit each: intersecting and uniting the
/// services of query words is a pass over a few hundred machine words.
struct ServiceSet: Sendable, Equatable {
    private(set) var bits: [UInt64]

    init(count: Int, all: Bool = false) {
        bits = Array(repeating: all ? ~0 : 0, count: (count + 63) / 64)
        if all, count % 64 != 0 { bits[bits.count - 1] = (1 << UInt64(count % 64)) - 1 }
    }

    mutating func insert(_ i: Int) { bits[i >> 6] |= 1 << UInt64(i & 63) }

    mutating func formUnion(_ other: ServiceSet) {
        for k in bits.indices { bits[k] |= other.bits[k] }
    }

    mutating func formIntersection(_ other: ServiceSet) {
        for k in bits.indices { bits[k] &= other.bits[k] }
    }

    var isEmpty: Bool { !bits.contains { $0 != 0 } }

    /// The positions in the set, ascending.
    var positions: [Int] {
        var out: [Int] = []
        for (k, var word) in bits.enumerated() {
            while word != 0 {
                out.append(k << 6 + word.trailingZeroBitCount)
                word &= word - 1
            }
        }
        return out
    }
}

/// The word index in memory: per vocabulary term, the positions of the services whose indexed text
/// (all five columns) has it. Built with the snapshot from the terms FTS5 holds, so search matches
/// words with array reads, at the snapshot's revision by construction, instead of a query per word.
struct WordIndex: Sendable {
    /// List `t`: the services with vocabulary term `t`, ascending.
    let postings: RaggedArray
    let serviceCount: Int

    /// `ranked`: per service its four ranked columns' terms (`ForwardIndex.terms`); `descriptions`:
    /// per service its description's terms.
    init(vocabularyCount: Int, ranked: RaggedArray, descriptions: RaggedArray) {
        let services = descriptions.count
        serviceCount = services
        var counts = [Int32](repeating: 0, count: vocabularyCount + 1)
        var last = [Int32](repeating: -1, count: vocabularyCount)
        func each(_ i: Int, _ ranked: RaggedArray.Lists, _ descriptions: RaggedArray.Lists, _ body: (Int) -> Void) {
            for c in 0..<ForwardIndex.columns { for t in ranked[i * ForwardIndex.columns + c] { body(Int(t)) } }
            for t in descriptions[i] { body(Int(t)) }
        }
        var starts = [Int32](repeating: 0, count: vocabularyCount + 1)
        var values: [Int32] = []
        ranked.withLists { ranked in
            descriptions.withLists { descriptions in
                for i in 0..<services {
                    each(i, ranked, descriptions) { t in
                        if last[t] != Int32(i) {
                            last[t] = Int32(i)
                            counts[t] += 1
                        }
                    }
                }
                for t in 0..<vocabularyCount { starts[t + 1] = starts[t] + counts[t] }
                values = [Int32](repeating: 0, count: Int(starts[vocabularyCount]))
                var next = starts
                for t in last.indices { last[t] = -1 }
                for i in 0..<services {
                    each(i, ranked, descriptions) { t in
                        if last[t] != Int32(i) {
                            last[t] = Int32(i)
                            values[Int(next[t])] = Int32(i)
                            next[t] += 1
                        }
                    }
                }
            }
        }
        postings = RaggedArray(values: values, starts: starts)
    }

    /// How many services have the term at this vocabulary position.
    func frequency(_ term: Int) -> Int { postings.withLists { $0[term].count } }

    /// The services that have any of the terms (vocabulary positions).
    func services(any terms: some Sequence<Int>) -> ServiceSet {
        var set = ServiceSet(count: serviceCount)
        postings.withLists { lists in
            for t in terms { for i in lists[t] { set.insert(Int(i)) } }
        }
        return set
    }

    /// The services that one query word matches, as FTS5 would match its alternatives: its exact
    /// terms, the terms under its prefixes, and each synonym phrase whose every word is there. With
    /// `named`, also the services of the vocabulary values the query names.
    func services(of word: CatalogueSearch.WordMatch, _ vocabulary: [String], named table: FacetTable? = nil) -> ServiceSet {
        var set = services(any: Self.positions(of: word.exact.union(word.heads), vocabulary))
        var underPrefixes: [Int] = []
        for prefix in word.prefixes {
            var i = SortedStrings.lowerBound(vocabulary, prefix)
            while i < vocabulary.count, vocabulary[i].hasPrefix(prefix) {
                underPrefixes.append(i)
                i += 1
            }
        }
        set.formUnion(services(any: underPrefixes))
        for phrase in word.synonyms where !phrase.terms.isEmpty && !phrase.terms.contains(where: \.isEmpty) {
            var every = ServiceSet(count: serviceCount, all: true)
            for alternatives in phrase.terms { every.formIntersection(services(any: Self.positions(of: alternatives, vocabulary))) }
            set.formUnion(every)
        }
        if let table {
            for (facet, value) in word.named { for i in table.services(facet: facet, value: value) { set.insert(i) } }
        }
        return set
    }

    /// The services that match every word.
    func services(ofEvery words: [CatalogueSearch.WordMatch], _ vocabulary: [String], named table: FacetTable? = nil) -> ServiceSet {
        var every = ServiceSet(count: serviceCount, all: true)
        for word in words {
            every.formIntersection(services(of: word, vocabulary, named: table))
            if every.isEmpty { break }
        }
        return every
    }

    /// Vocabulary positions of terms (a term not in the vocabulary has no services).
    static func positions(of terms: Set<String>, _ vocabulary: [String]) -> [Int] {
        terms.compactMap { SortedStrings.position(of: $0, in: vocabulary) }
    }
}
