import Foundation
import Synchronization
import TextAnalysis

/// Search, suggestions and service pages of the catalogue. No HTTP, no SQL.
struct CatalogueService: Sendable {
    let store: CatalogueSearchStore
    let indexer: CatalogueIndexer
    let cache: SnapshotCache

    /// The loaded table, and the one load under way: requests that meet a new revision at the same
    /// time wait for one load instead of each building its own.
    final class SnapshotCache: Sendable {
        struct State {
            var current: FacetTable?
            var loading: (revision: Int64, task: Task<FacetTable, any Error>)?
        }
        let state = Mutex(State())
    }

    /// The snapshot at the database's current revision (reloaded after an import, also one made by the CLI).
    func snapshot() async throws -> CatalogueSnapshot { try await table().snapshot }

    /// The snapshot with every facet value coded as a small integer, so that filtering and counting
    /// over tens of thousands of services are array look-ups rather than string hashing.
    func table(knownRevision: Int64? = nil) async throws -> FacetTable {
        let revision: Int64
        if let knownRevision { revision = knownRevision } else { revision = try await store.revision() }
        let found: (ready: FacetTable?, task: Task<FacetTable, any Error>?) = cache.state.withLock { state in
            if let t = state.current, t.snapshot.revision == revision { return (t, nil) }
            if let loading = state.loading, loading.revision == revision { return (nil, loading.task) }
            let (store, indexer, cache) = (store, indexer, cache)
            let task = Task {
                let (snapshot, rankedColumns) = try await store.snapshot()
                let fresh = FacetTable(snapshot, rankedColumns: rankedColumns, indexer: indexer)
                cache.state.withLock { state in
                    if (state.current?.snapshot.revision ?? -1) < fresh.snapshot.revision { state.current = fresh }
                    if state.loading?.revision == revision { state.loading = nil }
                }
                return fresh
            }
            state.loading = (revision, task)
            return (nil, task)
        }
        if let ready = found.ready { return ready }
        guard let task = found.task else { throw AppError.internalError }
        do {
            return try await task.value
        } catch {
            cache.state.withLock { state in if state.loading?.revision == revision { state.loading = nil } }
            throw error
        }
    }

    /// The table last loaded, without asking the database for its revision (query words are analysed
    /// against its vocabulary before the match tells the revision); loads one when there is none.
    func cachedTable() async throws -> FacetTable {
        if let t = cache.state.withLock({ $0.current }) { return t }
        return try await table()
    }

    struct FacetTable: Sendable {
        let snapshot: CatalogueSnapshot
        /// Per facet: value → code, and code → value.
        let codes: [[String: Int32]]
        let values: [[String]]
        /// Per service, per facet: the codes of its values, service `i`'s facet `f` being list
        /// `i * Facet.allCases.count + f`.
        let serviceCodes: RaggedArray
        /// Per language (fi, sv, en), per service: its place in name order (Finnish and Swedish alphabet),
        /// so sorting compares integers, not strings.
        private let ranksByLanguage: [[Int]]

        func nameRanks(_ language: Language) -> [Int] { ranksByLanguage[language == .fi ? 0 : language == .sv ? 1 : 2] }

        /// Lower case, with å, ä and ö after z as the Finnish and Swedish alphabets have them.
        static func sortKey(_ name: String) -> String {
            String(
                name.lowercased().unicodeScalars.map { c -> Character in
                    switch c {
                    case "å": "{"
                    case "ä", "æ": "|"
                    case "ö", "ø": "}"
                    default: Character(c)
                    }
                })
        }

        /// Ranks the rows FTS5 matched.
        let ranking: ForwardIndex

        init(_ snapshot: CatalogueSnapshot, rankedColumns: [[String]], indexer: CatalogueIndexer) {
            self.snapshot = snapshot
            ranking = ForwardIndex(services: snapshot.services, vocabulary: snapshot.vocabulary, columns: rankedColumns) { word, language in
                language == .fi ? Array(indexer.finnish(word).baseForms) : [indexer.analyzer.stem(word, in: language)]
            }
            var codes = Array(repeating: [String: Int32](), count: Facet.allCases.count)
            var values = Array(repeating: [String](), count: Facet.allCases.count)
            var serviceCodes = RaggedArray()
            for s in snapshot.services {
                for facet in Facet.allCases {
                    serviceCodes.append(
                        CatalogueService.values(of: facet, s).map { value in
                            let f = facet.index
                            if let code = codes[f][value] { return code }
                            let code = Int32(values[f].count)
                            codes[f][value] = code
                            values[f].append(value)
                            return code
                        })
                }
            }
            self.serviceCodes = serviceCodes
            self.codes = codes
            self.values = values
            ranksByLanguage = [Language.fi, .sv, .en].map { language in
                let keys = snapshot.services.map { Self.sortKey($0.name.localized(language)) + "\u{0}" + $0.id }
                var ranks = Array(repeating: 0, count: keys.count)
                for (rank, i) in keys.indices.sorted(by: { keys[$0] < keys[$1] }).enumerated() { ranks[i] = rank }
                return ranks
            }
        }
    }

    // MARK: Search

    enum Facet: String, CaseIterable, Sendable {
        case municipality, category, lifeSituation, employmentStatus, language, cost, mode, accessibility, organization, sector

        var index: Int { Facet.allCases.firstIndex(of: self) ?? 0 }
    }

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
        let words = Array(Analyzer.words(query.text).prefix(12))
        var table = try await cachedTable()
        // A word with nothing to look up (a single letter) does not narrow the search.
        let matches = words.map { wordMatch($0, table.snapshot) }.filter { !$0.exact.isEmpty || !$0.prefixes.isEmpty || !$0.heads.isEmpty }
        // Text relevance by service position; nil when there are no words (everything matches, equally).
        var scores: [Double]?
        if matches.isEmpty {
            table = try await self.table()
        } else {
            let found = try await store.match(Self.expression(matches))
            table = try await self.table(knownRevision: found.revision)
            let snap = table.snapshot
            let marks = matches.map { ForwardIndex.marks($0, vocabulary: snap.vocabulary) }
            var byIndex = Array(repeating: -Double.infinity, count: snap.services.count)
            let positions = found.keys.compactMap { key in key >= 0 && key < snap.searchKeys.count ? snap.searchKeys[Int(key)] : nil }
            table.ranking.scores(of: positions.filter { $0 >= 0 }.map(Int.init), words: marks, into: &byIndex)
            scores = byIndex
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
        let facetCount = Facet.allCases.count
        let passed = table.serviceCodes.withLists { codes in
            visible.map { i in
                filters.indices.reduce(0) { bits, k in filters[k].passes(codes[i * facetCount + filters[k].facet]) ? bits | (1 << k) : bits
                }
            }
        }
        let hits = visible.indices.filter { passed[$0] == all }.map { visible[$0] }
        var facets: [String: [FacetCount]] = [:]
        for facet in Facet.allCases {
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
            return Self.summary(
                s, language: language, snippet: snippet(s.summary.localized(language), matches, language), fits: Self.fits(s, query.profile)
            )
        }
        let next = page.offset + page.limit < sorted.count ? PageRequest.encode(page.offset + page.limit) : nil
        return SearchResultDTO(total: sorted.count, items: Array(items), facets: facets, nextCursor: next)
    }

    /// A service as a row of a list; without a query its snippet is the summary as it is.
    static func summary(_ s: ServiceFacts, language: Language, snippet: [SnippetPart]? = nil, fits: [String] = []) -> ServiceSummaryDTO {
        ServiceSummaryDTO(
            id: s.id, name: s.name, summary: s.summary,
            organization: OrganizationRefDTO(id: s.organizationId, name: s.organizationName, sector: s.sector), status: s.status,
            cost: s.cost, modes: s.modes, languages: s.languages, ageMin: s.ageMin, ageMax: s.ageMax,
            municipalityCodes: s.municipalities, categoryIds: s.categories,
            accessibility: AccessibilityDTO(wheelchair: s.wheelchair, signLanguage: s.signLanguage, easyFinnish: s.easyFinnish),
            updatedAt: Date(millis: s.updatedAt), snippet: snippet ?? [SnippetPart(text: s.summary.localized(language), match: false)],
            fits: fits)
    }

    /// The services of `ids` that the viewer may open, as list rows in the order asked (archived ones
    /// too, marked by their status: a kept link opens them). Unknown and hidden ids are left out.
    func summaries(ids: [String], viewer: CatalogueViewer, language: Language) async throws -> [ServiceSummaryDTO] {
        let snap = try await snapshot()
        return ids.uniqued.compactMap { id in
            guard let i = snap.index[id], viewer.opens(status: snap.services[i].status, organizationId: snap.services[i].organizationId)
            else { return nil }
            return Self.summary(snap.services[i], language: language)
        }
    }

    /// May the viewer open this service's page (and keep it among favourites)?
    func opens(_ id: String, viewer: CatalogueViewer) async throws -> Bool {
        let snap = try await snapshot()
        guard let i = snap.index[id] else { return false }
        return viewer.opens(status: snap.services[i].status, organizationId: snap.services[i].organizationId)
    }

    /// A municipality's page: the services it offers that the viewer may find, under the category
    /// tree (a service in several categories is under each), in name order. Empty categories are left out.
    func municipality(code: String, viewer: CatalogueViewer, language: Language) async throws -> MunicipalityPageDTO {
        let table = try await table()
        let snap = table.snapshot
        let taxonomy = snap.taxonomy
        guard let municipality = taxonomy.municipalities.first(where: { $0.code == code }) else {
            throw AppError.notFound("municipality.notFound")
        }
        let names = table.nameRanks(language)
        let offered = snap.services.indices.filter { i in
            let s = snap.services[i]
            return s.municipalities.contains(code) && viewer.finds(status: s.status, organizationId: s.organizationId)
        }.sorted { names[$0] < names[$1] }
        var byCategory: [String: [Int]] = [:]
        for i in offered {
            for c in snap.services[i].categories { byCategory[c, default: []].append(i) }
        }
        let children = Dictionary(grouping: taxonomy.categories, by: { $0.parent ?? "" })
        func node(_ c: TaxonomyDTO.Category) -> (node: CategoryNodeDTO, services: Set<Int>)? {
            let subtree = (children[c.id] ?? []).compactMap(node)
            let own = byCategory[c.id] ?? []
            let all = subtree.reduce(into: Set(own)) { $0.formUnion($1.services) }
            guard !all.isEmpty else { return nil }
            let services = own.map { Self.summary(snap.services[$0], language: language) }
            return (CategoryNodeDTO(id: c.id, name: c.name, count: all.count, services: services, children: subtree.map(\.node)), all)
        }
        return MunicipalityPageDTO(
            code: municipality.code, name: municipality.name, total: offered.count,
            categories: (children[""] ?? []).compactMap(node).map(\.node))
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
        let known = exact.contains { Self.contains(snap.vocabulary, $0) } || prefixes.contains { Self.hasPrefix(snap.vocabulary, $0) }
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
        var i = lowerBound(snap.reversedVocabulary, reversedTail)
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
            if contains(snap.vocabulary, v) { found.insert(v) }  // the word has a letter too many
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

    /// The active filters, coded. A selected value that no service has selects nothing.
    static func filters(_ q: SearchQuery, _ table: FacetTable) -> [CodedFilter] {
        let selections: [(Facet, [String])] = [
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

    static func accessibilityValues(_ s: ServiceFacts) -> [String] {
        (s.wheelchair ? ["wheelchair"] : []) + (s.signLanguage ? ["signLanguage"] : []) + (s.easyFinnish ? ["easyFinnish"] : [])
    }

    static func values(of facet: Facet, _ s: ServiceFacts) -> [String] {
        switch facet {
        case .municipality: s.municipalities
        case .category: Array(s.categoryTree)
        case .lifeSituation: s.lifeSituations
        case .employmentStatus: s.employmentStatuses
        case .language: s.languages
        case .cost: [s.cost]
        case .mode: s.modes
        case .accessibility: accessibilityValues(s)
        case .organization: [s.organizationId]
        case .sector: [s.sector]
        }
    }

    /// Which parts of the profile the service fits.
    static func fits(_ s: ServiceFacts, _ p: FitProfile) -> [String] {
        guard !p.isEmpty else { return [] }
        var reasons: [String] = []
        if let age = p.age, (s.ageMin ?? 0) <= age, age <= (s.ageMax ?? 200), s.ageMin != nil || s.ageMax != nil { reasons.append("age") }
        if let m = p.municipality, s.municipalities.contains(m) { reasons.append("municipality") }
        if !Set(p.lifeSituations).isDisjoint(with: s.lifeSituations) { reasons.append("lifeSituation") }
        if let e = p.employmentStatus, s.employmentStatuses.contains(e) { reasons.append("employmentStatus") }
        if !Set(p.languages).isDisjoint(with: s.languages) { reasons.append("language") }
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

    func taxonomy() async throws -> TaxonomyDTO { try await snapshot().taxonomy }

    // MARK: Service pages

    /// A service's page; internal instructions only for those who may see them. Archived services
    /// open by direct link; hidden and unpublished ones are 404 for those who may not see them.
    func service(id: String, viewer: CatalogueViewer) async throws -> ServiceDetailDTO {
        guard let (s, org) = try await store.service(id: id, viewer: viewer) else {
            throw AppError.notFound("service.notFound")
        }
        return ServiceDetailDTO(
            id: s.id,
            organization: OrganizationRefDTO(
                id: s.organizationId, name: LocalText(fi: org?.nameFi ?? s.organizationId, sv: org?.nameSv, en: org?.nameEn),
                sector: org?.sector ?? "public"),
            status: s.status, archived: s.status == "archived", name: s.name, summary: s.summary, description: s.description,
            categoryIds: s.categoryIds, keywords: s.keywords, cost: s.cost, costDescription: s.costDescription,
            accessibility: s.accessibility, targetGroup: s.targetGroup, delivery: s.delivery, participation: s.participation,
            contacts: s.contacts, links: s.links, internal: viewer.seesInternal ? s.internal : nil,
            updatedAt: CatalogueTimestamps.parse(s.updatedAt) ?? Date(timeIntervalSince1970: 0),
            reviewedAt: CatalogueTimestamps.parse(s.reviewedAt) ?? Date(timeIntervalSince1970: 0), version: s.version)
    }

    // MARK: Suggestions

    /// Service names and keywords that start with what was typed, for a search box.
    func suggest(_ text: String, viewer: CatalogueViewer, language: Language, limit: Int = 8) async throws -> [SuggestionDTO] {
        let typed = text.trimmed.lowercased()
        guard typed.count >= 2 else { return [] }
        let snap = try await snapshot()
        var out: [SuggestionDTO] = []
        var keywords: [String: Int] = [:]
        for s in snap.services where viewer.finds(status: s.status, organizationId: s.organizationId) {
            let name = s.name.localized(language)
            if out.count < limit, name.lowercased().hasPrefix(typed) || Analyzer.words(name).contains(where: { $0.hasPrefix(typed) }) {
                out.append(SuggestionDTO(text: name, kind: "service", serviceId: s.id))
            }
            for k in s.keywords where k.lowercased().hasPrefix(typed) { keywords[k, default: 0] += 1 }
        }
        let topKeywords = keywords.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(max(0, limit - out.count))
        return Array(out.prefix(limit)) + topKeywords.map { SuggestionDTO(text: $0.key, kind: "keyword", serviceId: nil) }
    }
}
