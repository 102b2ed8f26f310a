import Foundation
import TextAnalysis

/// Catalogue search over the in-memory snapshot: words matched in its word index (with the region's
/// synonyms and the vocabularies a query names), then visibility, filters, facet counts, ranking and
/// paging. No HTTP, no SQL.
struct CatalogueSearch: Sendable {
    let snapshots: CatalogueSnapshots
    let searchWords: SearchWordsService

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
    /// (matched exactly, ranked as parts); besides, the words the region's synonyms expand it to and
    /// the vocabulary values (life situations, employment statuses) whose names it is part of.
    struct WordMatch {
        var exact: Set<String>
        var prefixes: Set<String>
        var heads: Set<String> = []
        var synonyms: [SynonymTable.Phrase] = []
        /// (facet index, value id) of the vocabularies the query names.
        var named: [(facet: Int, value: String)] = []

        var hasOwn: Bool { !exact.isEmpty || !prefixes.isEmpty || !heads.isEmpty }
        var hasExtras: Bool { !synonyms.isEmpty || !named.isEmpty }
        /// The word by itself, without synonyms and named vocabularies.
        var own: WordMatch { WordMatch(exact: exact, prefixes: prefixes, heads: heads) }
        /// The synonyms and named vocabularies without the word itself.
        var extrasOnly: WordMatch { WordMatch(exact: [], prefixes: [], synonyms: synonyms, named: named) }
    }

    /// A service matching every word by the user's own words ranks above every service that needs a
    /// synonym or a named vocabulary for some word.
    static let ownWordsTier = 100_000.0
    /// In a partial answer, each tier of how much of the query is covered is worth more than any
    /// relevance.
    static let coverageWeight = 10_000.0

    func search(_ query: SearchQuery, viewer: CatalogueViewer) async throws -> SearchResultDTO {
        try await answer(query, viewer: viewer).result
    }

    /// The search's result and the revision it was made at (the catalogue's revision plus the
    /// synonyms' version: either changing gives a new answer).
    func answer(_ query: SearchQuery, viewer: CatalogueViewer) async throws -> (result: SearchResultDTO, revision: Int64) {
        let words = Array(Analyzer.words(query.text).prefix(12))
        // One read of both versions; the words are then matched in memory, at the snapshot's revision.
        let versions = try await store.versions()
        let table = try await snapshots.table(knownRevision: versions.revision)
        var synonyms = searchWords.synonyms.current
        if synonyms.version != versions.words { synonyms = try await searchWords.table(version: versions.words) }
        var looked = lookUp(words, table, synonyms)
        // Text relevance by service position; nil when there are no words (everything matches, equally).
        var scores: [Double]?
        var partial = false
        if !looked.isEmpty {
            // The user's own words first, all of them: a query whose words all match is answered as
            // it always was, the synonyms' and vocabularies' services below. When the query has stop
            // words, the words without them are matched first: if they find nothing, all the words
            // cannot either.
            let content = looked.filter { !Analyzer.isStopWord($0.0) }
            var matched: Matched
            if !content.isEmpty && content.count < looked.count {
                matched = matchEvery(content.map(\.1), table, extras: false)
                let all = matched.ownFound ? matchEvery(looked.map(\.1), table, extras: false) : matched
                if all.ownFound { matched = all } else { looked = content }
            } else {
                matched = matchEvery(looked.map(\.1), table, extras: false)
            }
            if matched.ownFound {
                if looked.contains(where: { $0.1.hasExtras }) { matched = matchEvery(looked.map(\.1), table) }
            } else if looked.count == 1 {
                // No service has the word: its synonyms and the vocabularies it names.
                matched = matchEvery(looked.map(\.1), table)
            } else if content.count > 1 {
                // Nor every word: the services that have most of them.
                looked = content
                matched = partialScores(looked.map(\.1), table)
                partial = matched.scores != nil && !matched.complete
            }
            scores = matched.scores ?? Array(repeating: -Double.infinity, count: table.snapshot.services.count)
        }
        let matches = looked.map(\.1)
        // What snippets mark: the words, and the synonyms that found something.
        let shown = matches.map { m in
            var m = m
            m.exact.formUnion(m.synonyms.flatMap { $0.terms.flatMap { $0 } })
            return m
        }
        let alsoSearched = Array(Set(matches.flatMap { $0.synonyms.map(\.text) }).sorted().prefix(10))
        let snap = table.snapshot

        // Work on positions, not copies of services. Age has no facet of its own: like visibility and
        // the words, it narrows every count.
        let age = query.age
        let visible = snap.services.indices.filter { i in
            let s = snap.services[i]
            return (scores.map { $0[i] > -Double.infinity } ?? true) && viewer.finds(status: s.status, organizationId: s.organizationId)
                && (age.map { (s.ageMin ?? 0) <= $0 && $0 <= (s.ageMax ?? 200) } ?? true)
                && Self.starts(s, from: query.startsFrom, until: query.startsUntil)
        }
        // Nothing the caller may see has the words, not even partly: the closest known words instead.
        let didYouMean = !words.isEmpty && visible.isEmpty ? suggestions(for: words, table, synonyms) : []
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
        let page = query.page
        // Only the services up to the end of the page are put in order (of thousands, twenty are shown).
        let sorted: [Int]
        switch query.sort {
        case .relevance:
            let ranked = hits.map { i in (i, (scores?[i] ?? 1) * (1 + 0.25 * Double(fitCount(i)))) }
            sorted = Self.first(page.offset + page.limit, of: ranked) { a, b in a.1 != b.1 ? a.1 > b.1 : names[a.0] < names[b.0] }.map(\.0)
        case .name:
            sorted = hits.sorted { names[$0] < names[$1] }
        case .updated:
            sorted = hits.sorted { a, b in
                let (x, y) = (snap.services[a], snap.services[b])
                return x.updatedAt != y.updatedAt ? x.updatedAt > y.updatedAt : x.id < y.id
            }
        }
        let items = sorted.dropFirst(page.offset).prefix(page.limit).map { i in
            let s = snap.services[i]
            return s.summary(
                language: language, viewer: viewer, snippet: snippet(s.summary.localized(language), shown, language),
                fits: Self.fits(s, query.profile))
        }
        let next = page.offset + page.limit < hits.count ? PageRequest.encode(page.offset + page.limit) : nil
        return (
            SearchResultDTO(
                total: hits.count, items: Array(items), facets: facets, nextCursor: next, partial: partial && !hits.isEmpty,
                alsoSearched: hits.isEmpty ? [] : alsoSearched, didYouMean: didYouMean),
            snap.revision + synonyms.version
        )
    }

    /// Whether a course of the service starts within the days asked (no days asked: every service).
    static func starts(_ s: ServiceFacts, from: String?, until: String?) -> Bool {
        guard let from, let until else { return true }
        return s.courseStarts.contains { $0 >= from && $0 <= until }
    }

    /// The first `k` elements in the order of `before`, as `elements.sorted(by: before).prefix(k)` gives
    /// them, without ordering the rest: one comparison for most elements of a long list.
    static func first<T>(_ k: Int, of elements: [T], by before: (T, T) -> Bool) -> [T] {
        guard k > 0 else { return [] }
        guard elements.count > 4 * k else { return Array(elements.sorted(by: before).prefix(k)) }
        var best: [T] = []
        best.reserveCapacity(k + 1)
        for e in elements {
            if best.count == k, let last = best.last, !before(e, last) { continue }
            var lo = 0
            var hi = best.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if before(e, best[mid]) { hi = mid } else { lo = mid + 1 }
            }
            best.insert(e, at: lo)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// The query words with something to look up (a single letter has nothing, and does not narrow
    /// the search), each with its synonyms and the vocabularies the query names.
    func lookUp(_ words: [String], _ table: FacetTable, _ synonyms: SynonymTable) -> [(String, WordMatch)] {
        let expansions = synonyms.expansions(of: words, indexer: indexer)
        let named = table.named(by: words.map { SynonymTable.queryKeys($0, indexer) })
        return words.indices.compactMap { i in
            var m = wordMatch(words[i], table.snapshot)
            m.synonyms = expansions[i]
            m.named = named[i]
            return m.hasOwn || m.hasExtras ? (words[i], m) : nil
        }
    }

    /// What a match found: the scores by service position (nil: nothing matched).
    struct Matched {
        let scores: [Double]?
        /// Some service has every word of the user's own (not only through synonyms).
        var ownFound = false
        /// The services have every word (own or through synonyms): not a partial answer.
        var complete = true
    }

    /// The services that have every word. Those with the user's own words come first, ranked as
    /// without synonyms; then those that need a synonym or a named vocabulary for some word.
    /// Without `extras`, the own words only.
    func matchEvery(_ words: [WordMatch], _ table: FacetTable, extras: Bool = true) -> Matched {
        let snap = table.snapshot
        let own = table.words.services(ofEvery: words.map(\.own), snap.vocabulary).positions
        var scores = Array(repeating: -Double.infinity, count: snap.services.count)
        table.ranking.scores(of: own, words: words.map { ForwardIndex.marks($0.own, vocabulary: snap.vocabulary) }, into: &scores)
        guard extras && words.contains(where: \.hasExtras) else {
            return Matched(scores: own.isEmpty ? nil : scores, ownFound: !own.isEmpty)
        }
        for i in own { scores[i] += Self.ownWordsTier }
        let below = table.words.services(ofEvery: words, snap.vocabulary, named: table).positions.filter { scores[$0] == -Double.infinity }
        table.ranking.scores(of: below, words: words.map { ForwardIndex.marks($0, vocabulary: snap.vocabulary) }, into: &scores)
        return Matched(scores: own.isEmpty && below.isEmpty ? nil : scores, ownFound: !own.isEmpty)
    }

    /// Scores of the services that match some of the words: first by how much of the query they
    /// cover, each word weighing by how rare it is in the catalogue (log N / df), then by the text
    /// relevance of the words they have. A word counts as covered by its synonyms and named
    /// vocabularies too. A word that a third of the catalogue has ("työ") is not looked up when the
    /// query has a rarer one: it would weigh next to nothing, and would make the answer most of the catalogue.
    /// When some services have every word (through synonyms), only they are the answer.
    func partialScores(_ words: [WordMatch], _ table: FacetTable) -> Matched {
        let snap = table.snapshot
        let count = snap.services.count
        let common = words.map { Self.frequency($0, table) * 3 > count }
        let skipped = common.contains(false) ? common : common.map { _ in false }
        // Which words each service has, as bits (at most 12 words).
        var masks = [UInt16](repeating: 0, count: count)
        var frequencies = [Int](repeating: 0, count: words.count)
        for w in words.indices where !skipped[w] {
            for i in table.words.services(of: words[w], snap.vocabulary, named: table).positions {
                masks[i] |= 1 << w
                frequencies[w] += 1
            }
        }
        let every = words.indices.reduce(UInt16(0)) { skipped[$1] ? $0 : $0 | (1 << $1) }
        let complete = !skipped.contains(true) && masks.contains(every)
        let weights = frequencies.map { log(1 + Double(max(count, 1)) / Double(1 + $0)) }
        let marks = words.map { ForwardIndex.marks($0, vocabulary: snap.vocabulary) }
        var scores = Array(repeating: -Double.infinity, count: count)
        var groups: [UInt16: [Int]] = [:]
        for i in masks.indices where masks[i] != 0 && (!complete || masks[i] == every) { groups[masks[i], default: []].append(i) }
        // Coverage first, strictly: the groups in order of the weight of their words, each a tier of
        // its own; within a tier, the services are ranked by the words they have.
        let coverage = groups.keys.map { mask in (mask, words.indices.filter { mask & (1 << $0) != 0 }.reduce(0) { $0 + weights[$1] }) }
        let tiers = coverage.sorted { ($0.1, $0.0) > ($1.1, $1.0) }
        for (tier, (mask, _)) in tiers.enumerated() {
            let services = groups[mask] ?? []
            let chosen = words.indices.filter { mask & (1 << $0) != 0 }
            table.ranking.scores(of: services, words: chosen.map { marks[$0] }, into: &scores)
            let base = Double(tiers.count - tier) * Self.coverageWeight
            for i in services { scores[i] += base }
        }
        return Matched(scores: groups.isEmpty ? nil : scores, complete: complete)
    }

    /// About how many services a word's terms are in (its most frequent term's count, the terms
    /// under a prefix together), from the lengths of the word index's lists.
    static func frequency(_ word: WordMatch, _ table: FacetTable) -> Int {
        let snap = table.snapshot
        func df(_ term: String) -> Int { SortedStrings.position(of: term, in: snap.vocabulary).map(table.words.frequency) ?? 0 }
        var most = word.exact.union(word.heads).map(df).max() ?? 0
        for prefix in word.prefixes {
            var i = SortedStrings.lowerBound(snap.vocabulary, prefix)
            var sum = 0
            while i < snap.vocabulary.count, snap.vocabulary[i].hasPrefix(prefix), sum < snap.services.count {
                sum += table.words.frequency(i)
                i += 1
            }
            most = max(most, sum)
        }
        for phrase in word.synonyms { most = max(most, phrase.terms.joined().map(df).max() ?? 0) }
        return most + word.named.count * snap.services.count / 10
    }

    /// "Did you mean": for a query whose words found nothing, up to three queries with each word
    /// (stop words aside) replaced by the closest words of services' names and keywords and of the
    /// synonyms: at most one edit away for words of up to five letters, two for longer ones; the
    /// more services have a word, the earlier it comes.
    func suggestions(for words: [String], _ table: FacetTable, _ synonyms: SynonymTable) -> [String] {
        let content = Array(words.filter { !Analyzer.isStopWord($0) }.prefix(4))
        guard !content.isEmpty else { return [] }
        let candidates =
            synonyms.words.isEmpty ? table.suggestionWords : table.suggestionWords.merging(synonyms.words.map { ($0, 1) }) { a, _ in a }
        let perWord: [[String]] = content.map { word in
            let chars = Array(word)
            let limit = chars.count <= 5 ? 1 : 2
            var found: [(String, Int, Int)] = []
            for (candidate, count) in candidates where abs(candidate.count - chars.count) <= limit && candidate != word {
                let d = Self.editDistance(chars, Array(candidate), limit: limit)
                if d <= limit { found.append((candidate, d, count)) }
            }
            let best = found.sorted { ($0.1, -$0.2, $0.0) < ($1.1, -$1.2, $1.0) }.prefix(3).map(\.0)
            return best.isEmpty ? [word] : best
        }
        guard perWord.indices.contains(where: { perWord[$0] != [content[$0]] }) else { return [] }
        var out: [String] = []
        for k in 0..<3 {
            let query = perWord.map { $0[min(k, $0.count - 1)] }.joined(separator: " ")
            if !out.contains(query) && query != content.joined(separator: " ") { out.append(query) }
        }
        return out
    }

    /// Optimal string alignment distance (an adjacent swap is one edit), or `limit + 1` once it is sure to pass `limit`.
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var best = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                current[j] = d
                best = min(best, d)
            }
            if best > limit { return limit + 1 }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
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
        let analysis = language.analysis
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
