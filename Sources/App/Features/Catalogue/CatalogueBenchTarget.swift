import Foundation

/// What the `Bench` executable (`make bench`) drives: the app's own catalogue import and search, and
/// two reference look-ups, behind a small public surface, since Bench sees only what `App` makes public.
public struct CatalogueBenchTarget: Sendable {
    let components: AppComponents

    /// The app on a new data directory, without its background services.
    public init(dataDir: URL) async throws {
        var config = try AppConfiguration.resolve(
            flags: [.dataDir: dataDir.path, .logLevel: "warning"], environment: ProcessInfo.processInfo.environment)
        config.runsBackgroundServices = false
        components = try await AppComponents.make(config)
    }

    /// Imports a catalogue file; returns the services' counts ("20000 new, 0 changed, 0 unchanged").
    public func importFile(_ data: Data) async throws -> String {
        try await components.catalogueExchange.importFile(data).services.description
    }

    /// Merges a synonyms file (DemoData/synonyms.json) and loads the table search applies, as a
    /// server does when it starts; returns what changed.
    public func importSynonyms(_ data: Data) async throws -> String {
        let summary = try await components.searchWords.importFile(data, source: "import")?.description ?? ""
        _ = try await components.searchWords.table()
        return summary
    }

    /// The parts of a search the bench varies.
    public struct Query: Sendable {
        public var text = ""
        public var municipalities: [String] = []
        public var categories: [String] = []
        public var costs: [String] = []
        public var modes: [String] = []
        public var languages: [String] = []
        public var age: Int?

        public init(_ text: String = "") { self.text = text }
    }

    /// One search as an anonymous visitor; returns how many services it found.
    public func search(_ q: Query) async throws -> Int {
        var query = SearchQuery()
        query.text = q.text
        query.municipalities = q.municipalities
        query.categories = q.categories
        query.costs = q.costs
        query.modes = q.modes
        query.languages = q.languages
        query.age = q.age
        return try await components.catalogueSearch.search(query, viewer: .anonymous).total
    }

    /// The floor of an indexed search: a bare FTS5 prefix look-up of the word, counted.
    public func bareFTS(_ word: String) async throws -> Int {
        try await components.catalogueSearch.store.referenceMatchCount(prefix: word)
    }

    /// What search without an index costs: a LIKE scan over names and descriptions, counted.
    public func likeScan(_ word: String) async throws -> Int {
        try await components.catalogueSearch.store.referenceScanCount(containing: word)
    }
}
