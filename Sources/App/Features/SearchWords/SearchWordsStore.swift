import Foundation
import GRDB

/// The SQL of search words: the synonyms, their change log and the record of searches that found little.
struct SearchWordsStore: Sendable {
    let db: AppDatabase

    /// At most this many entries in the whole set (every one is held in memory by search).
    static let maxEntries = 20_000

    /// An entry as a change makes it, before it has an id and times.
    struct Entry: Sendable, Equatable {
        var language: String
        var kind: SynonymKind
        var source: String?
        var words: [String]
    }

    /// Who and what made a change, for the change log.
    struct Origin: Sendable {
        let actorId: String?
        /// api, import or starter.
        let source: String
    }

    static func setVersion(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT search_words_version FROM catalogue_state WHERE id = 1") ?? 0
    }

    func setVersion() async throws -> Int64 { try await db.writer.read { try Self.setVersion($0) } }

    /// Every entry and the set's version, read together.
    func entries() async throws -> (version: Int64, entries: [SynonymRecord]) {
        try await db.writer.read { db in
            (try Self.setVersion(db), try SynonymRecord.fetchAll(db, sql: "SELECT * FROM search_synonym ORDER BY language, id"))
        }
    }

    func entries(language: String?) async throws -> (version: Int64, entries: [SynonymRecord]) {
        try await db.writer.read { db in
            let rows = try SynonymRecord.fetchAll(
                db,
                SQLRequest<SynonymRecord>(
                    """
                    SELECT * FROM search_synonym WHERE \(language == nil) OR language = \(language)
                    ORDER BY language, COALESCE(source, json_extract(words, '$[0]')), id
                    """))
            return (try Self.setVersion(db), rows)
        }
    }

    func create(_ entry: Entry, id: String, origin: Origin, now: Date) async throws -> SynonymRecord {
        try await db.writer.write { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM search_synonym") ?? 0
            if count >= Self.maxEntries { throw AppError(.conflict, "synonym.tooMany") }
            try Self.checkSource(entry, except: nil, db)
            let record = SynonymRecord(
                id: id, language: entry.language, kind: entry.kind.rawValue, source: entry.source, words: SynonymRecord.encode(entry.words),
                version: 1, createdAt: now.millis, updatedAt: now.millis)
            try record.insert(db)
            try Self.log(id: id, action: "created", before: nil, after: record, origin: origin, now: now, db)
            return record
        }
    }

    /// Changes an entry made at `version`; a change made on an older version is refused (409), never
    /// silently overwritten.
    func update(id: String, version: Int, to entry: Entry, origin: Origin, now: Date) async throws -> SynonymRecord {
        try await db.writer.write { db in
            guard let old = try SynonymRecord.fetchOne(db, key: id) else { throw AppError.notFound("synonym.notFound") }
            guard old.version == version else { throw AppError(.conflict, "synonym.stale") }
            try Self.checkSource(entry, except: id, db)
            var new = old
            new.language = entry.language
            new.kind = entry.kind.rawValue
            new.source = entry.source
            new.words = SynonymRecord.encode(entry.words)
            new.version += 1
            new.updatedAt = now.millis
            try new.update(db)
            try Self.log(id: id, action: "updated", before: old, after: new, origin: origin, now: now, db)
            return new
        }
    }

    func delete(id: String, origin: Origin, now: Date) async throws {
        try await db.writer.write { db in
            guard let old = try SynonymRecord.fetchOne(db, key: id) else { throw AppError.notFound("synonym.notFound") }
            try old.delete(db)
            try Self.log(id: id, action: "deleted", before: old, after: nil, origin: origin, now: now, db)
        }
    }

    /// Whether the starter set was loaded into this database.
    func seeded() async throws -> Bool {
        try await db.writer.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM search_words_seed)") ?? false }
    }

    /// What a merge did.
    struct MergeSummary: Sendable, Equatable, CustomStringConvertible {
        var created = 0
        var changed = 0
        var unchanged = 0
        var description: String { "\(created) new, \(changed) changed, \(unchanged) unchanged" }
    }

    /// Merges entries into the set in one transaction: an expansion joins the words of the stored
    /// expansion of the same source, a group joins the first stored group of its language that shares
    /// a word; anything else is new. Merging the same entries again changes nothing.
    /// With `onlyOnce`, merges only when the starter set was never loaded, and marks it loaded.
    func merge(_ entries: [Entry], ids: @Sendable () -> String, origin: Origin, now: Date, onlyOnce: Bool = false) async throws
        -> MergeSummary?
    {
        try await db.writer.write { db in
            if onlyOnce {
                if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM search_words_seed)") == true { return nil }
                try db.execute(sql: "INSERT INTO search_words_seed (id, seeded_at) VALUES (1, ?)", arguments: [now.millis])
            }
            var summary = MergeSummary()
            var stored = try SynonymRecord.fetchAll(db, sql: "SELECT * FROM search_synonym ORDER BY created_at, id")
            for entry in entries {
                let index = stored.firstIndex { r in
                    guard r.language == entry.language, r.kind == entry.kind.rawValue else { return false }
                    return entry.kind == .expansion ? r.source == entry.source : !Set(r.wordList).isDisjoint(with: entry.words)
                }
                guard let index else {
                    if stored.count >= Self.maxEntries { throw AppError(.conflict, "synonym.tooMany") }
                    let record = SynonymRecord(
                        id: ids(), language: entry.language, kind: entry.kind.rawValue, source: entry.source,
                        words: SynonymRecord.encode(entry.words), version: 1, createdAt: now.millis, updatedAt: now.millis)
                    try record.insert(db)
                    try Self.log(id: record.id, action: "created", before: nil, after: record, origin: origin, now: now, db)
                    stored.append(record)
                    summary.created += 1
                    continue
                }
                let old = stored[index]
                let known = old.wordList
                let added = entry.words.filter { !known.contains($0) && $0 != old.source }
                guard !added.isEmpty, known.count + added.count <= SearchWordsRules.maxWords else {
                    summary.unchanged += 1
                    continue
                }
                var new = old
                new.words = SynonymRecord.encode(known + added)
                new.version += 1
                new.updatedAt = now.millis
                try new.update(db)
                try Self.log(id: new.id, action: "updated", before: old, after: new, origin: origin, now: now, db)
                stored[index] = new
                summary.changed += 1
            }
            return summary
        }
    }

    /// The change log, newest first.
    func changes(page: PageRequest) async throws -> [SynonymChangeDTO] {
        try await db.writer.read { db in
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT c.*, u.display_name AS actor_name FROM search_synonym_change c
                    LEFT JOIN app_user u ON u.id = c.actor_id
                    ORDER BY c.at DESC, c.id DESC LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """))
            let decode = { (text: String?) in
                text.flatMap { try? JSONDecoder().decode(SynonymRecord.self, from: Data($0.utf8)) }?.dto
            }
            return rows.map { row in
                let actorId: String? = row["actor_id"]
                return SynonymChangeDTO(
                    id: row["id"], setVersion: row["set_version"], synonymId: row["synonym_id"], action: row["action"],
                    before: decode(row["before"]), after: decode(row["after"]),
                    actor: actorId.map { SynonymActorDTO(id: $0, name: row["actor_name"] ?? "") }, source: row["source"],
                    at: Date(millis: row["at"]))
            }
        }
    }

    /// An expansion's source is unique in its language.
    private static func checkSource(_ entry: Entry, except id: String?, _ db: Database) throws {
        guard let source = entry.source else { return }
        let taken =
            try Bool.fetchOne(
                db,
                SQLRequest<Bool>(
                    """
                    SELECT EXISTS (SELECT 1 FROM search_synonym WHERE language = \(entry.language) AND source = \(source)
                        AND id IS NOT \(id))
                    """)) ?? false
        if taken { throw AppError(.conflict, "synonym.sourceExists") }
    }

    /// Bumps the set's version and writes the change, in the caller's transaction.
    private static func log(
        id: String, action: String, before: SynonymRecord?, after: SynonymRecord?, origin: Origin, now: Date, _ db: Database
    ) throws {
        try db.execute(sql: "UPDATE catalogue_state SET search_words_version = search_words_version + 1 WHERE id = 1")
        let encode = { (r: SynonymRecord?) in r.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) } }
        try db.execute(
            sql: """
                INSERT INTO search_synonym_change (set_version, synonym_id, action, before, after, actor_id, source, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [try setVersion(db), id, action, encode(before), encode(after), origin.actorId, origin.source, now.millis])
    }

    // MARK: Searches that found little

    /// One counted search: the normalised query, its language, the day and how many services it found.
    struct Miss: Hashable, Sendable {
        let query: String
        let language: String
        let day: String
        let results: Int
    }

    /// At most this many different queries are recorded a day: anyone may search, and a flood of
    /// made-up queries must not fill the disk. Queries recorded already are still counted.
    static let maxQueriesPerDay = 10_000

    func record(_ misses: [Miss: Int], maxPerDay: Int = Self.maxQueriesPerDay) async throws {
        guard !misses.isEmpty else { return }
        try await db.writer.write { db in
            let update = try db.cachedStatement(
                sql: "UPDATE search_miss SET occurrences = occurrences + ? WHERE query = ? AND language = ? AND day = ? AND results = ?")
            let insert = try db.cachedStatement(
                sql: "INSERT INTO search_miss (query, language, day, results, occurrences) VALUES (?, ?, ?, ?, ?)")
            var room: [String: Int] = [:]
            for (miss, count) in misses.sorted(by: { $0.value > $1.value }) {
                try update.execute(arguments: [count, miss.query, miss.language, miss.day, miss.results])
                if db.changesCount > 0 { continue }
                if room[miss.day] == nil {
                    let used = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM search_miss WHERE day = ?", arguments: [miss.day]) ?? 0
                    room[miss.day] = maxPerDay - used
                }
                guard let left = room[miss.day], left > 0 else { continue }
                try insert.execute(arguments: [miss.query, miss.language, miss.day, miss.results, count])
                room[miss.day] = left - 1
            }
        }
    }

    /// The queries searched at least `minOccurrences` times since `sinceDay` that found at most
    /// `maxResults` services (and at least `minResults`), most searched first.
    func misses(sinceDay: String, minResults: Int, maxResults: Int, minOccurrences: Int, limit: Int) async throws -> [SearchMissDTO] {
        try await db.writer.read { db in
            try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT query, language, SUM(occurrences) AS n, MIN(results) AS fewest, MAX(day) AS last_day FROM search_miss
                    WHERE day >= \(sinceDay) AND results BETWEEN \(minResults) AND \(maxResults)
                    GROUP BY query, language HAVING SUM(occurrences) >= \(minOccurrences)
                    ORDER BY n DESC, query, language LIMIT \(limit)
                    """)
            ).map { row in
                SearchMissDTO(
                    query: row["query"], language: Language(rawValue: row["language"]) ?? .fi, occurrences: row["n"],
                    results: row["fewest"], lastDay: row["last_day"])
            }
        }
    }

    /// Erases the records of days before `day`; returns how many rows went.
    func eraseMisses(before day: String) async throws -> Int {
        try await db.writer.write { db in
            try db.execute(sql: "DELETE FROM search_miss WHERE day < ?", arguments: [day])
            return db.changesCount
        }
    }
}
