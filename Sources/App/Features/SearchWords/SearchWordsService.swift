import Foundation
import Synchronization
import TextAnalysis

/// The limits of a synonym entry.
enum SearchWordsRules {
    /// Words (or short phrases) in one entry.
    static let maxWords = 12
    static let maxWordLength = 60
    /// Index words in one word or phrase ("vuokra-asunto" has two).
    static let maxPhraseWords = 3
}

/// Search words: the region's synonyms and colloquial words (edited by platform admins, seen by
/// content producers) and the anonymous record of searches that found little. No HTTP, no SQL.
struct SearchWordsService: Sendable {
    let store: SearchWordsStore
    let synonyms: SynonymCache
    let indexer: CatalogueIndexer
    let misses: SearchMissRecorder
    let clock: AppClock
    let ids: IDGenerator

    // MARK: Access

    /// Platform admins change the synonyms; the whole region's search uses them.
    func requireEditor(_ caller: SessionUser?) throws -> SessionUser {
        guard let caller else { throw AppError.authRequired }
        guard caller.isPlatformAdmin else { throw AppError.forbidden }
        return caller
    }

    /// Platform admins and content producers (of any organisation) see the synonyms and the searches
    /// that found little.
    func requireReader(_ caller: SessionUser?) throws -> SessionUser {
        guard let caller else { throw AppError.authRequired }
        guard caller.isPlatformAdmin || caller.roles.values.contains(where: { $0.contains(.contentProducer) }) else {
            throw AppError.forbidden
        }
        return caller
    }

    // MARK: Synonyms

    /// The table search applies, at the set's version `version` (read now when not given).
    func table(version: Int64? = nil) async throws -> SynonymTable {
        let (store, indexer) = (store, indexer)
        let current: Int64
        if let version { current = version } else { current = try await store.setVersion() }
        return try await synonyms.table(version: current) {
            let (version, entries) = try await store.entries()
            return SynonymTable(version: version, entries: entries, indexer: indexer)
        }
    }

    func list(language: String?, by caller: SessionUser?) async throws -> SynonymListDTO {
        _ = try requireReader(caller)
        if let language, Language(rawValue: language) == nil { throw AppError.validation([FieldError("language", "field.invalidValue")]) }
        let (version, entries) = try await store.entries(language: language)
        return SynonymListDTO(setVersion: version, items: entries.map(\.dto))
    }

    func create(_ input: SynonymInput, by caller: SessionUser?) async throws -> SynonymDTO {
        let admin = try requireEditor(caller)
        let entry = try Self.validated(input)
        return try await store.create(entry, id: ids.next(), origin: .init(actorId: admin.userId, source: "api"), now: clock.now).dto
    }

    func update(id: String, _ input: SynonymInput, by caller: SessionUser?) async throws -> SynonymDTO {
        let admin = try requireEditor(caller)
        let entry = try Self.validated(input)
        guard let version = input.version else { throw AppError.validation([FieldError("version", "field.required")]) }
        return try await store.update(
            id: id, version: version, to: entry, origin: .init(actorId: admin.userId, source: "api"), now: clock.now
        )
        .dto
    }

    func delete(id: String, by caller: SessionUser?) async throws {
        let admin = try requireEditor(caller)
        try await store.delete(id: id, origin: .init(actorId: admin.userId, source: "api"), now: clock.now)
    }

    func changes(page: PageRequest, by caller: SessionUser?) async throws -> Page<SynonymChangeDTO> {
        _ = try requireReader(caller)
        return Page(try await store.changes(page: page), page)
    }

    /// A synonyms file merged into the set (the command line, and the starter set on first start when
    /// `onlyOnce`). Every problem of the file is reported and nothing is written when there is one.
    func importFile(_ data: Data, source: String, onlyOnce: Bool = false) async throws -> SearchWordsStore.MergeSummary? {
        let entries = try Self.entries(of: data)
        let ids = ids
        return try await store.merge(
            entries, ids: { ids.next() }, origin: .init(actorId: nil, source: source), now: clock.now, onlyOnce: onlyOnce)
    }

    /// The entries of a synonyms file, checked by the same rules as the API's.
    static func entries(of data: Data) throws -> [SearchWordsStore.Entry] {
        let file: SynonymFile
        do {
            file = try JSONDecoder().decode(SynonymFile.self, from: data)
        } catch {
            throw AppError.validation([FieldError("$", "file.invalidJSON")])
        }
        var errors: [FieldError] = []
        if file.schemaVersion != 1 { errors.append(FieldError("$.schemaVersion", "field.invalidValue")) }
        var entries: [SearchWordsStore.Entry] = []
        for (code, set) in file.languages.sorted(by: { $0.key < $1.key }) {
            guard let language = Language(rawValue: code) else {
                errors.append(FieldError("$.languages.\(code)", "field.invalidValue"))
                continue
            }
            for (i, words) in set.groups.enumerated() {
                let input = SynonymInput(language: language, kind: .group, source: nil, words: words, version: nil)
                do { entries.append(try validated(input)) } catch let e as AppError {
                    errors += e.errors.map { FieldError("$.languages.\(code).groups[\(i)].\($0.field)", $0.code) }
                }
            }
            for (i, e) in set.expansions.enumerated() {
                let input = SynonymInput(language: language, kind: .expansion, source: e.from, words: e.to, version: nil)
                do { entries.append(try validated(input)) } catch let e as AppError {
                    errors += e.errors.map { FieldError("$.languages.\(code).expansions[\(i)].\($0.field)", $0.code) }
                }
            }
        }
        if !errors.isEmpty { throw AppError.validation(errors) }
        return entries
    }

    /// An entry with its words in their stored form (trimmed, lower case, single spaces), or every problem.
    static func validated(_ input: SynonymInput) throws -> SearchWordsStore.Entry {
        var errors: [FieldError] = []
        func word(_ raw: String, _ field: String) -> String? {
            let text = raw.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if text.isEmpty {
                errors.append(FieldError(field, "field.required"))
                return nil
            }
            if text.count > SearchWordsRules.maxWordLength {
                errors.append(FieldError(field, "field.tooLong"))
                return nil
            }
            let allowed = text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == " " || $0 == "'" }
            let count = Analyzer.words(text).count
            guard allowed, (1...SearchWordsRules.maxPhraseWords).contains(count) else {
                errors.append(FieldError(field, "field.invalidValue"))
                return nil
            }
            return text
        }
        var source: String?
        switch (input.kind, input.source) {
        case (.expansion, nil): errors.append(FieldError("source", "field.required"))
        case (.expansion, let raw?): source = word(raw, "source")
        case (.group, let raw?) where !raw.trimmed.isEmpty: errors.append(FieldError("source", "field.invalidValue"))
        case (.group, _): break
        }
        var words: [String] = []
        for (i, raw) in input.words.enumerated() {
            guard let w = word(raw, "words[\(i)]") else { continue }
            if words.contains(w) || w == source {
                errors.append(FieldError("words[\(i)]", "field.duplicate"))
            } else {
                words.append(w)
            }
        }
        let fewest = input.kind == .group ? 2 : 1
        if input.words.count < fewest { errors.append(FieldError("words", "field.required")) }
        if input.words.count > SearchWordsRules.maxWords { errors.append(FieldError("words", "field.tooMany")) }
        if !errors.isEmpty { throw AppError.validation(errors) }
        return .init(language: input.language.rawValue, kind: input.kind, source: source, words: words)
    }

    // MARK: Searches that found little

    /// The queries of the last `days` days (30 or 90) that found nothing (`few`: 1–3 services),
    /// searched at least three times.
    func misses(days: Int, few: Bool, by caller: SessionUser?) async throws -> SearchMissesDTO {
        _ = try requireReader(caller)
        guard days == 30 || days == 90 else { throw AppError.validation([FieldError("days", "field.invalidValue")]) }
        try await misses.flush()
        let since = SearchMissRecorder.day(clock.now.addingTimeInterval(-Double(days - 1) * 86_400))
        let items = try await store.misses(
            sinceDay: since, minResults: few ? 1 : 0, maxResults: few ? SearchMissRecorder.fewResults : 0,
            minOccurrences: SearchMissRecorder.minOccurrences, limit: 100)
        return SearchMissesDTO(days: days, minOccurrences: SearchMissRecorder.minOccurrences, items: items)
    }
}

/// Counts the searches that found little in memory and writes them in batches (a search does not
/// wait for a write). Keeps nothing of who searched: the query's words, the UI language, the day and
/// the result count.
final class SearchMissRecorder: Sendable {
    /// A query that found at most this many services is "few".
    static let fewResults = 3
    /// A query searched fewer times in the period is not shown.
    static let minOccurrences = 3
    /// Records are erased after 13 months.
    static let keptMonths = 13
    /// Distinct queries held before they are written.
    static let maxPending = 5_000

    let store: SearchWordsStore
    let clock: AppClock
    private let pending = PendingCounts<SearchWordsStore.Miss>(maxKeys: SearchMissRecorder.maxPending)

    init(store: SearchWordsStore, clock: AppClock) {
        self.store = store
        self.clock = clock
    }

    static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "Europe/Helsinki") ?? .gmt
        return c
    }()

    /// The day of an instant in Europe/Helsinki, yyyy-mm-dd.
    static func day(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// The query as it is recorded: its words, lower case, at most 12, at most 200 characters.
    static func normalized(_ text: String) -> String {
        String(Analyzer.words(text).prefix(12).joined(separator: " ").prefix(200))
    }

    /// Counts a search when it found few services; returns whether it was counted.
    @discardableResult
    func note(query text: String, language: Language, results: Int) -> Bool {
        guard results <= Self.fewResults else { return false }
        let query = Self.normalized(text)
        guard !query.isEmpty else { return false }
        let miss = SearchWordsStore.Miss(query: query, language: language.rawValue, day: Self.day(clock.now), results: results)
        if pending.add(miss) { Task { try? await self.flush() } }
        return true
    }

    /// Writes what is counted.
    func flush() async throws {
        try await pending.flush { try await store.record($0) }
    }

    /// Writes what is counted and erases the records older than 13 months; returns how many went.
    func sweep() async throws -> Int {
        try await flush()
        let cutoff = Self.calendar.date(byAdding: .month, value: -Self.keptMonths, to: clock.now) ?? clock.now
        return try await store.eraseMisses(before: Self.day(cutoff))
    }
}
