import Foundation
import Synchronization
import TextAnalysis

/// The catalogue held in memory for reading it: search, list rows, municipality pages and
/// suggestions all work over one snapshot at the database's current revision. No HTTP, no SQL.
struct CatalogueSnapshots: Sendable {
    let store: CatalogueSearchStore
    let indexer: CatalogueIndexer
    let cache: Cache

    /// The loaded table, and the one load under way: requests that meet a new revision at the same
    /// time wait for one load instead of each building its own.
    final class Cache: Sendable {
        struct State {
            var current: FacetTable?
            var loading: (revision: Int64, task: Task<FacetTable, any Error>)?
        }
        let state = Mutex(State())
        /// The revision read that concurrent searches share.
        let revisionRead = SharedRead()
    }

    init(store: CatalogueSearchStore, indexer: CatalogueIndexer, cache: Cache = Cache()) {
        self.store = store
        self.indexer = indexer
        self.cache = cache
    }

    /// What a search answer depends on, in the database now: the catalogue's revision plus the
    /// synonyms' version (both only grow, so their sum grows with either). Read after the call began,
    /// the read shared with the calls that wait with it.
    func answerRevision() async throws -> Int64 {
        let store = store
        return try await cache.revisionRead.value {
            let versions = try await store.versions()
            return versions.revision + versions.words
        }
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
                let (snapshot, indexedColumns) = try await store.snapshot()
                let fresh = FacetTable(snapshot, indexedColumns: indexedColumns, indexer: indexer)
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

    func taxonomy() async throws -> TaxonomyDTO { try await snapshot().taxonomy }
}

/// A filter and facet of search: a kind of value a service has.
enum CatalogueFacet: String, CaseIterable, Sendable {
    case municipality, category, lifeSituation, employmentStatus, language, cost, mode, accessibility, organization, sector

    var index: Int { CatalogueFacet.allCases.firstIndex(of: self) ?? 0 }

    /// The service's values of this facet.
    func values(of s: ServiceFacts) -> [String] {
        switch self {
        case .municipality: s.municipalities
        case .category: Array(s.categoryTree)
        case .lifeSituation: s.lifeSituations
        case .employmentStatus: s.employmentStatuses
        case .language: s.languages
        case .cost: [s.cost]
        case .mode: s.modes
        case .accessibility: s.accessibilityFeatures
        case .organization: [s.organizationId]
        case .sector: [s.sector.rawValue]
        }
    }
}

/// A snapshot with its facet values coded and its name orders and ranking index built.
struct FacetTable: Sendable {
    let snapshot: CatalogueSnapshot
    /// Per facet: value → code, and code → value.
    let codes: [[String: Int32]]
    let values: [[String]]
    /// Per service, per facet: the codes of its values, service `i`'s facet `f` being list
    /// `i * CatalogueFacet.allCases.count + f`.
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

    /// Ranks the services the words matched.
    let ranking: ForwardIndex
    /// Finds the services that have a query's words.
    let words: WordIndex
    /// The names of the life situations and employment statuses as search words: per name (in each
    /// language), its words that say something, each by its analysed keys (`SynonymTable.entryKeys`).
    let vocabularyNames: [(facet: Int, value: String, words: [Set<String>])]
    /// The words of services' names and keywords (four letters or more) with how many services have
    /// them: what "did you mean" offers.
    let suggestionWords: [String: Int]

    /// Per query word (by its keys), the vocabulary values whose name the query has: every word of
    /// the name in some language is one of the query's words.
    func named(by queryKeys: [Set<String>]) -> [[(facet: Int, value: String)]] {
        var named = Array(repeating: [(facet: Int, value: String)](), count: queryKeys.count)
        for v in vocabularyNames where !v.words.isEmpty {
            var covering: Set<Int> = []
            for keys in v.words {
                let hits = queryKeys.indices.filter { !queryKeys[$0].isDisjoint(with: keys) }
                if hits.isEmpty {
                    covering = []
                    break
                }
                covering.formUnion(hits)
            }
            for i in covering.sorted() where !named[i].contains(where: { $0.facet == v.facet && $0.value == v.value }) {
                named[i].append((v.facet, v.value))
            }
        }
        return named
    }

    /// The positions of the services that have a facet value.
    func services(facet: Int, value: String) -> [Int] {
        guard let code = codes[facet][value] else { return [] }
        let facets = CatalogueFacet.allCases.count
        return serviceCodes.withLists { lists in
            snapshot.services.indices.filter { lists[$0 * facets + facet].contains(code) }
        }
    }

    init(_ snapshot: CatalogueSnapshot, indexedColumns: [[String]], indexer: CatalogueIndexer) {
        self.snapshot = snapshot
        let termIds = Dictionary(uniqueKeysWithValues: snapshot.vocabulary.enumerated().map { ($1, Int32($0)) })
        ranking = ForwardIndex(services: snapshot.services, termIds: termIds, columns: indexedColumns) { word, language in
            language == .fi ? Array(indexer.finnish(word).baseForms) : [indexer.analyzer.stem(word, in: language)]
        }
        var descriptions = RaggedArray()
        for columns in indexedColumns {
            descriptions.append(
                columns.count > ForwardIndex.columns ? ForwardIndex.termIds(of: columns[ForwardIndex.columns], termIds) : [])
        }
        words = WordIndex(vocabularyCount: snapshot.vocabulary.count, ranked: ranking.terms, descriptions: descriptions)
        var names: [(facet: Int, value: String, words: [Set<String>])] = []
        let terms: [(CatalogueFacet, [TaxonomyDTO.Term])] = [
            (.lifeSituation, snapshot.taxonomy.lifeSituations), (.employmentStatus, snapshot.taxonomy.employmentStatuses),
        ]
        for (facet, list) in terms {
            for term in list {
                let named: [(String?, Analyzer.Language)] = [(term.name.fi, .fi), (term.name.sv, .sv), (term.name.en, .en)]
                for case (let text?, let language) in named {
                    let words = Analyzer.words(text).filter { $0.count >= 3 && !Analyzer.isStopWord($0) }
                    guard !words.isEmpty else { continue }
                    // A name word is met by the same word or one whose base form it is ("työttömänä" →
                    // "työtön"), not by its own base form: "työ" does not name "Työssä".
                    names.append(
                        (
                            facet.index, term.id,
                            words.map { w in language == .fi ? ["fi:\(w)"] : SynonymTable.entryKeys(w, language, indexer) }
                        ))
                }
            }
        }
        vocabularyNames = names
        var suggestionWords: [String: Int] = [:]
        for s in snapshot.services {
            var own: Set<String> = []
            for text in [s.name.fi, s.name.sv, s.name.en].compactMap({ $0 }) + s.keywords {
                own.formUnion(Analyzer.words(text).filter { $0.count >= 4 && !$0.allSatisfy(\.isNumber) })
            }
            for w in own { suggestionWords[w, default: 0] += 1 }
        }
        self.suggestionWords = suggestionWords
        var codes = Array(repeating: [String: Int32](), count: CatalogueFacet.allCases.count)
        var values = Array(repeating: [String](), count: CatalogueFacet.allCases.count)
        var serviceCodes = RaggedArray()
        for s in snapshot.services {
            for facet in CatalogueFacet.allCases {
                serviceCodes.append(
                    facet.values(of: s).map { value in
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
