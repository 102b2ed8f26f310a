import Foundation
import TextAnalysis

/// Catalogue search: words matched through the FTS5 index, then visibility, filters, facet counts,
/// ranking and paging over the in-memory snapshot. No HTTP, no SQL.
struct CatalogueSearch: Sendable {
    let snapshots: CatalogueSnapshots

    var store: CatalogueSearchStore { snapshots.store }
    var indexer: CatalogueIndexer { snapshots.indexer }

    /// One active filter: the selected codes of a facet; a service passes when it has any of them
    /// (all of them for accessibility features).
    struct CodedFilter {
        let facet: Int
        let selected: [Bool]
        let needsAll: Int?

        func passes(_ codes: UnsafeBufferPointer<Int32>) -> Bool {
            if let needsAll {
                return codes.reduce(0) { $0 + (selected[Int($1)] ? 1 : 0) } == needsAll
            }
            return codes.contains { selected[Int($0)] }
        }
    }

    /// What one query word may match: exact terms, prefixes, and longer terms it is the end of
    /// (matched exactly, ranked as parts).
    struct WordMatch {
        var exact: Set<String>
        var prefixes: Set<String>
        var heads: Set<String> = []
    }

    func search(_ query: SearchQuery, viewer: CatalogueViewer) async throws -> SearchResultDTO {
        try await answer(query, viewer: viewer).result
    }

    /// The search's result and the catalogue revision it was made at.
    func answer(_ query: SearchQuery, viewer: CatalogueViewer) async throws -> (result: SearchResultDTO, revision: Int64) {
        let words = Array(Analyzer.words(query.text).prefix(12))
        var table = try await snapshots.cachedTable()
        // A word with nothing to look up (a single letter) does not narrow the search.
        let looked = words.map { ($0, wordMatch($0, table.snapshot)) }.filter {
            !$0.1.exact.isEmpty || !$0.1.prefixes.isEmpty || !$0.1.heads.isEmpty
        }
        var matches = looked.map(\.1)
        // Text relevance by service position; nil when there are no words (everything matches, equally).
        var scores: [Double]?
        var partial = false
        if matches.isEmpty {
            table = try await snapshots.table()
        } else {
            var found = try await store.match(Self.expression(matches))
            // No service has every word: without the words that say nothing of a service ("haluan",
            // "jag", "need"), and then those that have most of the rest.
            let content = looked.filter { !Analyzer.isStopWord($0.0) }.map(\.1)
            if found.keys.isEmpty && !content.isEmpty && content.count < matches.count {
                matches = content
                found = try await store.match(Self.expression(matches))
            }
            if found.keys.isEmpty && content.count > 1 {
                matches = content
                let partly = try await partialScores(content)
                table = partly.table
                scores = partly.scores
                partial = partly.any
            } else {
                table = try await snapshots.table(knownRevision: found.revision)
                let snap = table.snapshot
                let marks = matches.map { ForwardIndex.marks($0, vocabulary: snap.vocabulary) }
                var byIndex = Array(repeating: -Double.infinity, count: snap.services.count)
                table.ranking.scores(of: Self.positions(found.keys, snap), words: marks, into: &byIndex)
                scores = byIndex
            }
        }
        let snap = table.snapshot

        // Work on positions, not copies of services. Age has no facet of its own: like visibility and
        // the words, it narrows every count.
        let age = query.age
        let visible = snap.services.indices.filter { i in
            let s = snap.services[i]
            return (scores.map { $0[i] > -Double.infinity } ?? true) && viewer.finds(status: s.status, organizationId: s.organizationId)
                && (age.map { (s.ageMin ?? 0) <= $0 && $0 <= (s.ageMax ?? 200) } ?? true)
        }
        let filters = Self.filters(query, table)
        // One pass: which filters each visible service passes, as bits. A service counts in a facet
        // when it passes every filter but that facet's own.
        let all = (1 << filters.count) - 1
        let facetCount = CatalogueFacet.allCases.count
        let passed = table.serviceCodes.withLists { codes in
            visible.map { i in
                filters.indices.reduce(0) { bits, k in filters[k].passes(codes[i * facetCount + filters[k].facet]) ? bits | (1 << k) : bits
                }
            }
        }
        let hits = visible.indices.filter { passed[$0] == all }.map { visible[$0] }
        var facets: [String: [FacetCount]] = [:]
        for facet in CatalogueFacet.allCases {
            let f = facet.index
            let own = filters.indices.first { filters[$0].facet == f }.map { 1 << $0 } ?? 0
            var counts = Array(repeating: 0, count: table.values[f].count)
            table.serviceCodes.withLists { codes in
                counts.withUnsafeMutableBufferPointer { counts in
                    for (n, i) in visible.enumerated() where passed[n] | own == all {
                        for code in codes[i * facetCount + f] { counts[Int(code)] += 1 }
                    }
                }
            }
            facets[facet.rawValue] = counts.indices.filter { counts[$0] > 0 }
                .map { FacetCount(id: table.values[f][$0], count: counts[$0]) }
                .sorted { ($0.count, $1.id) > ($1.count, $0.id) }
        }

        let language = query.uiLanguage
        let names = table.nameRanks(language)
        let fitCount = { (i: Int) in query.profile.isEmpty ? 0 : Self.fits(snap.services[i], query.profile).count }
        let sorted: [Int]
        switch query.sort {
        case .relevance:
            let ranked = hits.map { i in (i, (scores?[i] ?? 1) * (1 + 0.25 * Double(fitCount(i)))) }
            sorted = ranked.sorted { a, b in a.1 != b.1 ? a.1 > b.1 : names[a.0] < names[b.0] }.map(\.0)
        case .name:
            sorted = hits.sorted { names[$0] < names[$1] }
        case .updated:
            sorted = hits.sorted { a, b in
                let (x, y) = (snap.services[a], snap.services[b])
                return x.updatedAt != y.updatedAt ? x.updatedAt > y.updatedAt : x.id < y.id
            }
        }
        let page = query.page
        let items = sorted.dropFirst(page.offset).prefix(page.limit).map { i in
            let s = snap.services[i]
            return s.summary(
                language: language, snippet: snippet(s.summary.localized(language), matches, language), fits: Self.fits(s, query.profile))
        }
        let next = page.offset + page.limit < sorted.count ? PageRequest.encode(page.offset + page.limit) : nil
        return (
            SearchResultDTO(
                total: sorted.count, items: Array(items), facets: facets, nextCursor: next, partial: partial && !sorted.isEmpty),
            snap.revision
        )
    }

    /// Service positions of index rows.
    static func positions(_ keys: [Int64], _ snap: CatalogueSnapshot) -> [Int] {
        keys.compactMap { key in key >= 0 && key < snap.searchKeys.count ? snap.searchKeys[Int(key)] : nil }.filter { $0 >= 0 }.map(
            Int.init)
    }

    /// Scores of the services that match some of the words: first by how much of the query they
    /// cover, each word weighing by how rare it is in the catalogue (log N / df), then by the text
    /// relevance of the words they have. `any`: some service matched a word.
    func partialScores(_ words: [WordMatch]) async throws -> (table: FacetTable, scores: [Double], any: Bool) {
        let (revision, perWord) = try await store.matchEach(words.map { Self.expression([$0]) })
        let table = try await snapshots.table(knownRevision: revision)
        let snap = table.snapshot
        let count = Double(max(snap.services.count, 1))
        var masks: [Int: Int] = [:]
        for (w, keys) in perWord.enumerated() {
            for i in Self.positions(keys, snap) { masks[i, default: 0] |= 1 << w }
        }
        var scores = Array(repeating: -Double.infinity, count: snap.services.count)
        let weights = perWord.map { log(1 + count / Double(1 + Set($0).count)) }
        let marks = words.map { ForwardIndex.marks($0, vocabulary: snap.vocabulary) }
        // Services with the same words matched are ranked among themselves by those words only.
        for (mask, services) in Dictionary(grouping: masks.keys, by: { masks[$0] ?? 0 }) {
            let chosen = words.indices.filter { mask & (1 << $0) != 0 }
            var relevance = Array(repeating: 0.0, count: snap.services.count)
            table.ranking.scores(of: services, words: chosen.map { marks[$0] }, into: &relevance)
            let coverage = chosen.reduce(0) { $0 + weights[$1] }
            for i in services { scores[i] = coverage * 1000 + relevance[i] }
        }
        return (table, scores, !masks.isEmpty)
    }

    /// The terms and prefixes one query word may match in the index, in all three languages, with
    /// words one edit away from an unknown word (five letters or more) as a fallback for typos.
    func wordMatch(_ word: String, _ snap: CatalogueSnapshot) -> WordMatch {
        let analyzer = indexer.analyzer
        let fi = indexer.finnish(word)
        // Every indexed word carries its base forms, so a known Finnish word is looked up by those alone
        // (its inflected form would only count the same match twice); an unknown word by itself and as
        // a prefix ("digi" → "digiosaajaksi").
        let swedish = analyzer.stem(word, in: .sv)
        let stems: Set<String> = [swedish, analyzer.stem(word, in: .en)]
        var exact = fi.known ? fi.baseForms.union(stems) : stems.union([word])
        let prefixes: Set<String> = fi.known ? fi.stems.filter { $0.count >= 5 } : (word.count >= 3 ? [word] : [])
        let known =
            exact.contains { SortedStrings.contains(snap.vocabulary, $0) }
            || prefixes.contains { SortedStrings.hasPrefix(snap.vocabulary, $0) }
        if !known && word.count >= 5 {
            exact.formUnion(Self.oneEditAway(word, snap))
        }
        let usable = { (term: String) in term.count >= 2 && !term.contains("\"") }
        // A Swedish compound ends with its head, which Snowball does not split off: "vägledning" also
        // finds "karriärvägledning". Finnish compounds are split by Voikko already.
        let heads = fi.known || swedish.count < 6 ? [] : Self.endingWith(swedish, snap).subtracting(exact)
        return WordMatch(exact: exact.filter(usable), prefixes: prefixes.filter(usable), heads: heads.filter(usable))
    }

    /// Up to 50 terms of the vocabulary, at least three letters longer than `tail`, that end with it.
    static func endingWith(_ tail: String, _ snap: CatalogueSnapshot) -> Set<String> {
        let reversedTail = String(tail.reversed())
        var found: Set<String> = []
        var i = SortedStrings.lowerBound(snap.reversedVocabulary, reversedTail)
        while i < snap.reversedVocabulary.count, found.count < 50, snap.reversedVocabulary[i].hasPrefix(reversedTail) {
            let term = snap.reversedVocabulary[i]
            if term.count >= tail.count + 3 { found.insert(String(term.reversed())) }
            i += 1
        }
        return found
    }

    /// Terms of the vocabulary one insertion, deletion or substitution away from `word`.
    static func oneEditAway(_ word: String, _ snap: CatalogueSnapshot) -> Set<String> {
        var found: Set<String> = Set(snap.deletions[word] ?? [])  // the word lacks a letter
        let chars = Array(word)
        for i in chars.indices {
            var variant = chars
            variant.remove(at: i)
            let v = String(variant)
            if SortedStrings.contains(snap.vocabulary, v) { found.insert(v) }  // the word has a letter too many
            for term in snap.deletions[v] ?? [] where term.count == word.count { found.insert(term) }  // one letter differs
        }
        return found
    }

    /// An FTS5 expression: every word must match one of its alternatives.
    static func expression(_ matches: [WordMatch]) -> String {
        matches.map { m in
            let alternatives = m.exact.union(m.heads).sorted().map { "\"\($0)\"" } + m.prefixes.sorted().map { "\"\($0)\" *" }
            return "(" + alternatives.joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
    }

    /// The active filters, coded. A selected value that no service has selects nothing.
    static func filters(_ q: SearchQuery, _ table: FacetTable) -> [CodedFilter] {
        let selections: [(CatalogueFacet, [String])] = [
            (.municipality, q.municipalities), (.category, q.categories), (.lifeSituation, q.lifeSituations),
            (.employmentStatus, q.employmentStatuses), (.language, q.languages), (.cost, q.costs), (.mode, q.modes),
            (.accessibility, q.accessibility), (.organization, q.organizations), (.sector, q.sectors),
        ]
        return selections.filter { !$0.1.isEmpty }.map { facet, chosen in
            let f = facet.index
            var selected = Array(repeating: false, count: table.values[f].count)
            var known = 0
            for value in Set(chosen) {
                if let code = table.codes[f][value] {
                    selected[Int(code)] = true
                    known += 1
                }
            }
            // Accessibility features are all required; an unknown feature can never be met.
            let needsAll = facet == .accessibility ? (known == Set(chosen).count ? known : Int.max) : nil
            return CodedFilter(facet: f, selected: selected, needsAll: needsAll)
        }
    }

    /// Which parts of the profile the service fits.
    static func fits(_ s: ServiceFacts, _ p: FitProfile) -> [FitReason] {
        guard !p.isEmpty else { return [] }
        var reasons: [FitReason] = []
        if let age = p.age, (s.ageMin ?? 0) <= age, age <= (s.ageMax ?? 200), s.ageMin != nil || s.ageMax != nil { reasons.append(.age) }
        if let m = p.municipality, s.municipalities.contains(m) { reasons.append(.municipality) }
        if !Set(p.lifeSituations).isDisjoint(with: s.lifeSituations) { reasons.append(.lifeSituation) }
        if let e = p.employmentStatus, s.employmentStatuses.contains(e) { reasons.append(.employmentStatus) }
        if !Set(p.languages).isDisjoint(with: s.languages) { reasons.append(.language) }
        return reasons
    }

    /// The text cut into parts, the words that match the query marked.
    func snippet(_ text: String, _ matches: [WordMatch], _ language: Language) -> [SnippetPart] {
        guard !matches.isEmpty else { return [SnippetPart(text: text, match: false)] }
        let exact = matches.reduce(into: Set<String>()) { $0.formUnion($1.exact.union($1.heads)) }
        let prefixes = matches.flatMap(\.prefixes)
        let analysis: Analyzer.Language = language == .sv ? .sv : language == .en ? .en : .fi
        var parts: [SnippetPart] = []
        var plain = ""
        var word = ""
        func flushWord() {
            guard !word.isEmpty else { return }
            let lower = word.lowercased()
            let terms = indexer.terms(of: lower, analysis)
            if terms.contains(where: exact.contains) || prefixes.contains(where: lower.hasPrefix) {
                if !plain.isEmpty { parts.append(SnippetPart(text: plain, match: false)) }
                parts.append(SnippetPart(text: word, match: true))
                plain = ""
            } else {
                plain += word
            }
            word = ""
        }
        for ch in text {
            if ch.isLetter || ch.isNumber {
                word.append(ch)
            } else {
                flushWord()
                plain.append(ch)
            }
        }
        flushWord()
        if !plain.isEmpty { parts.append(SnippetPart(text: plain, match: false)) }
        return parts
    }
}

/// Binary search over a sorted array of strings (the index vocabulary).
enum SortedStrings {
    static func contains(_ sorted: [String], _ term: String) -> Bool { position(of: term, in: sorted) != nil }

    /// Where `term` stands in a sorted array, or nil.
    static func position(of term: String, in sorted: [String]) -> Int? {
        let i = lowerBound(sorted, term)
        return i < sorted.count && sorted[i] == term ? i : nil
    }

    static func hasPrefix(_ sorted: [String], _ prefix: String) -> Bool {
        let i = lowerBound(sorted, prefix)
        return i < sorted.count && sorted[i].hasPrefix(prefix)
    }

    static func lowerBound(_ sorted: [String], _ key: String) -> Int {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
