import Foundation
import GRDB

/// The SQL of catalogue import and export.
///
/// An import never holds the database's write lock for long:
/// - `current` reads the catalogue as it is (one read transaction); the caller compares and analyses
///   outside any transaction;
/// - `stage` writes the services that change to temporary tables of this connection, which lock
///   nothing in the database file;
/// - `writeAhead` writes new services and their links into the live tables under the import's batch
///   (`beginBatch`), a few hundred per short transaction; readers leave out a batch that has not been
///   switched in (`CatalogueSearchStore.live`);
/// - `stageDocuments` writes their index documents into the word index under new row keys, a few
///   hundred per short transaction; no search key points at them yet, so search does not find them
///   (`CatalogueSnapshot.searchKeys` maps only keys in `service_search_key`);
/// - `switchIn` writes the whole file in one short transaction: the rest of the file, the services
///   still staged and their links with a few set-based statements, the search keys moved to the new
///   documents, and the batch marked switched in;
/// - `removeDocuments` then deletes the documents the switch replaced, again in short transactions.
/// Readers see the old catalogue or the new one, never part of it; a failed import leaves nothing
/// that a reader can see (`abandonBatch`, and its staged documents removed).
struct CatalogueImportStore: Sendable {
    let db: AppDatabase

    /// Services written per staging transaction.
    static let stagingChunk = 500
    /// New services written ahead per transaction (rows and links into the live tables cost more).
    static let aheadChunk = 250

    struct Counts: Sendable, Equatable, CustomStringConvertible {
        var created = 0, updated = 0, unchanged = 0
        var description: String { "\(created) new, \(updated) changed, \(unchanged) unchanged" }
        var changed: Bool { created + updated > 0 }
    }

    struct Summary: Sendable, Equatable {
        var services = Counts()
        var articles = Counts()
        var taxonomy = Counts()
    }

    /// The catalogue changed between `current` and `switchIn` (another import): compare again.
    struct CatalogueMoved: Error {}

    func organizationIds() async throws -> Set<String> {
        try await db.writer.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM organization")) }
    }

    /// The catalogue as an import compares with it, read at one revision.
    struct Current: Sendable {
        var revision: Int64
        var services: [String: (row: ServiceRecord, links: ServiceLinks)]
        /// Organisations with their municipality codes in their order.
        var organizations: [String: (row: OrganizationRecord, codes: [String])]
    }

    func current() async throws -> Current {
        try await db.writer.read { db in
            var links: [String: ServiceLinks] = [:]
            for (table, column, path) in ServiceLinks.tables {
                let rows = try Row.fetchCursor(
                    db, SQLRequest<Row>("SELECT service_id, \(sql: column) AS value FROM \(sql: table) ORDER BY service_id, position"))
                while let row = try rows.next() {
                    links[row["service_id"], default: .empty][keyPath: path].append(row["value"])
                }
            }
            var services: [String: (row: ServiceRecord, links: ServiceLinks)] = [:]
            let rows = try ServiceRecord.fetchCursor(
                db, SQLRequest<ServiceRecord>("SELECT * FROM service WHERE \(CatalogueSearchStore.live)"))
            while let row = try rows.next() { services[row.id] = (row, links[row.id] ?? .empty) }
            var codes: [String: [String]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT organization_id, municipality_code FROM organization_municipality ORDER BY position, municipality_code")
            {
                codes[row["organization_id"], default: []].append(row["municipality_code"])
            }
            var organizations: [String: (row: OrganizationRecord, codes: [String])] = [:]
            for row in try OrganizationRecord.fetchAll(db) { organizations[row.id] = (row, codes[row.id] ?? []) }
            return Current(revision: try Self.revision(db), services: services, organizations: organizations)
        }
    }

    static func revision(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT revision FROM catalogue_state WHERE id = 1") ?? 0
    }

    /// Writes the services that change (row and links) to this connection's temporary tables, in
    /// short transactions that lock nothing but those tables.
    func stage(services: [(row: ServiceRecord, links: ServiceLinks)]) async throws {
        try await inTemporaryTransaction { db in
            try db.execute(
                sql: """
                    DROP TABLE IF EXISTS temp.staged_service;
                    DROP TABLE IF EXISTS temp.staged_service_link;
                    DROP TABLE IF EXISTS temp.staged_search_key;
                    CREATE TEMP TABLE staged_service AS SELECT * FROM service WHERE 1 = 0;
                    CREATE TEMP TABLE staged_search_key (service_id TEXT PRIMARY KEY, search_key INTEGER NOT NULL);
                    CREATE TEMP TABLE staged_service_link (
                        service_id TEXT NOT NULL, link_table TEXT NOT NULL, value TEXT NOT NULL, position INTEGER NOT NULL);
                    CREATE INDEX temp.staged_service_link_service ON staged_service_link (service_id);
                    CREATE UNIQUE INDEX temp.staged_service_id ON staged_service (id);
                    """)
        }
        for start in stride(from: 0, to: services.count, by: Self.stagingChunk) {
            let chunk = services[start..<min(services.count, start + Self.stagingChunk)]
            try await inTemporaryTransaction { db in
                for (row, links) in chunk {
                    let values = try row.databaseDictionary.sorted { $0.key < $1.key }
                    try db.execute(
                        literal: """
                            INSERT INTO temp.staged_service (\(sql: values.map(\.key).joined(separator: ", "))) VALUES \(values.map(\.value))
                            """)
                    for (table, _, path) in ServiceLinks.tables {
                        for (position, value) in links[keyPath: path].enumerated() {
                            try db.execute(
                                literal: """
                                    INSERT INTO temp.staged_service_link (service_id, link_table, value, position)
                                    VALUES (\(row.id), \(table), \(value), \(position))
                                    """)
                        }
                    }
                }
            }
        }
    }

    /// Starts an import's batch of services written ahead; deletes the batches (and their services)
    /// of imports that stopped an hour ago or more without switching in.
    func beginBatch(_ batch: String, now: Date) async throws {
        let stale = now.millis - 3_600_000
        try await db.writer.write { db in
            try db.execute(
                literal: """
                    DELETE FROM service WHERE import_batch IN (
                        SELECT id FROM catalogue_import_batch WHERE switched_in = 0 AND created_at < \(stale))
                    """)
            try db.execute(literal: "DELETE FROM catalogue_import_batch WHERE switched_in = 0 AND created_at < \(stale)")
            try db.execute(
                literal: "INSERT INTO catalogue_import_batch (id, switched_in, created_at) VALUES (\(batch), 0, \(now.millis))")
        }
    }

    /// Writes staged new services (`ids`) and their links into the live tables under `batch`, in one
    /// short transaction: readers do not see them until the batch is switched in. A service whose
    /// organisation or linked terms are not stored yet (new in the same file), or whose id another
    /// import holds, stays staged for the switch. What was written leaves the staging tables.
    func writeAhead(_ ids: [String], batch: String) async throws {
        let columns = try await db.writer.read { db in try db.columns(in: "service").map(\.name) }
        let list = columns.joined(separator: ", ")
        let values: [SQL] = columns.map { $0 == "import_batch" ? "\(batch)" : SQL(sql: "s.\($0)") }
        try await db.writer.write { db in
            try db.execute(
                literal: """
                    INSERT INTO service (\(sql: list))
                    SELECT \(values.joined(separator: ", ")) FROM temp.staged_service s
                    WHERE s.id IN \(ids) AND EXISTS (SELECT 1 FROM organization o WHERE o.id = s.organization_id)
                    AND NOT EXISTS (
                        SELECT 1 FROM temp.staged_service_link l WHERE l.service_id = s.id AND (
                            (l.link_table = 'service_category' AND NOT EXISTS (SELECT 1 FROM category t WHERE t.id = l.value))
                            OR (l.link_table = 'service_municipality' AND NOT EXISTS (SELECT 1 FROM municipality t WHERE t.code = l.value))
                            OR (l.link_table = 'service_life_situation' AND NOT EXISTS (SELECT 1 FROM life_situation t WHERE t.id = l.value))
                            OR (l.link_table = 'service_employment_status'
                                AND NOT EXISTS (SELECT 1 FROM employment_status t WHERE t.id = l.value))))
                    ON CONFLICT (id) DO NOTHING
                    """)
            // Looked up by id (the primary key), not by batch, which grows with every chunk.
            let written = try Row.fetchAll(db, SQLRequest<Row>("SELECT id, import_batch FROM service WHERE id IN \(ids)"))
                .filter { $0["import_batch"] == batch }.map { $0["id"] as String }
            guard !written.isEmpty else { return }
            for (table, column, _) in ServiceLinks.tables {
                try db.execute(
                    literal: """
                        INSERT INTO \(sql: table) (service_id, \(sql: column), position)
                        SELECT service_id, value, position FROM temp.staged_service_link
                        WHERE link_table = \(table) AND service_id IN \(written)
                        """)
            }
            try db.execute(literal: "DELETE FROM temp.staged_service_link WHERE service_id IN \(written)")
            try db.execute(literal: "DELETE FROM temp.staged_service WHERE id IN \(written)")
        }
    }

    /// Deletes what a failed import wrote ahead: its services (their links and search keys go with
    /// them) and its batch.
    func abandonBatch(_ batch: String) async throws {
        try await db.writer.write { db in
            try db.execute(literal: "DELETE FROM service WHERE import_batch = \(batch)")
            try db.execute(literal: "DELETE FROM catalogue_import_batch WHERE id = \(batch) AND switched_in = 0")
        }
    }

    /// Index documents written ahead of a switch: the service and the new row key of its document.
    typealias StagedDocument = (serviceId: String, key: Int64)

    /// Writes index documents under new row keys (above every key in use), in one short transaction,
    /// and notes the keys in a temporary table for the switch.
    func stageDocuments(_ documents: [(id: String, document: CatalogueIndexer.Document)]) async throws -> [StagedDocument] {
        try await db.writer.write { db in
            let top = try Self.topSearchKey(db)
            return try documents.enumerated().map { n, item in
                let (id, d) = item
                let key = top + 1 + Int64(n)
                try Self.insertDocument(d, key: key, db)
                try db.execute(
                    literal: """
                        INSERT INTO temp.staged_search_key (service_id, search_key) VALUES (\(id), \(key))
                        ON CONFLICT (service_id) DO UPDATE SET search_key = excluded.search_key
                        """)
                return (id, key)
            }
        }
    }

    /// The highest row key of the word index's documents and of the search keys.
    static func topSearchKey(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db,
            sql: "SELECT MAX(k) FROM (SELECT MAX(rowid) AS k FROM service_search UNION ALL SELECT MAX(search_key) FROM service_search_key)"
        ) ?? 0
    }

    static func insertDocument(_ d: CatalogueIndexer.Document, key: Int64, _ db: Database) throws {
        try db.execute(
            literal: """
                INSERT INTO service_search (rowid, name, keywords, organization, summary, description)
                VALUES (\(key), \(d.name), \(d.keywords), \(d.organization), \(d.summary), \(d.description))
                """)
    }

    /// Deletes index documents no search key points at any more (replaced by a switch, or staged by
    /// an import that failed), a few hundred per short transaction.
    func removeDocuments(_ keys: [Int64]) async throws {
        for start in stride(from: 0, to: keys.count, by: Self.stagingChunk) {
            let chunk = Array(keys[start..<min(keys.count, start + Self.stagingChunk)])
            try await db.writer.write { db in
                try db.execute(
                    literal: """
                        DELETE FROM service_search WHERE rowid IN \(chunk)
                        AND rowid NOT IN (SELECT search_key FROM service_search_key)
                        """)
            }
            // A pause longer than SQLite's longest busy-wait step (100 ms), so a writer waiting for the
            // lock gets it between two of these transactions.
            try await Task.sleep(for: .milliseconds(120))
        }
    }

    /// Merges the word index's segments (FTS5 `merge`), a bounded amount of work per short
    /// transaction, until there is nothing left to merge: every chunk an import writes is a segment
    /// of its own, and a word spread over many segments costs a read in each.
    func mergeIndexSegments() async throws {
        for _ in 0..<10_000 {
            let worked = try await db.writer.write { db in
                let before = db.totalChangesCount
                try db.execute(sql: "INSERT INTO service_search (service_search, rank) VALUES ('merge', 500)")
                return db.totalChangesCount - before >= 2
            }
            if !worked { return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// A transaction that writes only temporary tables: DEFERRED, so it takes no lock on the
    /// database file (GRDB's `write` begins IMMEDIATE, which would).
    func inTemporaryTransaction(_ body: @escaping @Sendable (Database) throws -> Void) async throws {
        try await db.writer.writeWithoutTransaction { db in
            try db.inTransaction(.deferred) {
                try body(db)
                return .commit
            }
        }
    }

    /// Writes a validated file and the staged services in one transaction: everything or nothing.
    /// Existing rows are updated in place (same ids); a row equal to what is stored is left alone.
    /// Throws `CatalogueMoved` when the catalogue is no longer at `revision`.
    /// Returns the summary and the row keys of the index documents the staged ones replaced.
    func switchIn(
        _ file: CatalogueFile, services: Counts, batch: String, expecting revision: Int64, now: Date
    ) async throws -> (Summary, replaced: [Int64]) {
        let result = try await db.writer.write { db in
            guard try Self.revision(db) == revision else { throw CatalogueMoved() }
            var summary = Summary()
            var organizationsChanged = false
            for (position, m) in file.municipalities.enumerated() {
                summary.taxonomy.add(
                    try Self.upsert(
                        MunicipalityRecord(code: m.code, position: position, nameFi: m.name.fi, nameSv: m.name.sv, nameEn: m.name.en),
                        key: m.code, db))
            }
            // Parents before children.
            let ordered = file.categories.enumerated().sorted { a, b in
                (a.element.parent == nil ? 0 : 1, a.offset) < (b.element.parent == nil ? 0 : 1, b.offset)
            }
            for (i, c) in ordered {
                summary.taxonomy.add(
                    try Self.upsert(
                        CategoryRecord(id: c.id, parentId: c.parent, position: i, nameFi: c.name.fi, nameSv: c.name.sv, nameEn: c.name.en),
                        key: c.id, db))
            }
            for (i, t) in file.lifeSituations.enumerated() {
                summary.taxonomy.add(try Self.upsert(LifeSituationRecord(t, position: i), key: t.id, db))
            }
            for (i, t) in file.employmentStatuses.enumerated() {
                summary.taxonomy.add(try Self.upsert(EmploymentStatusRecord(t, position: i), key: t.id, db))
            }
            for o in file.organizations {
                let existing = try OrganizationRecord.fetchOne(db, key: o.id)
                let row = OrganizationRecord(
                    id: o.id, nameFi: o.name.fi, nameSv: o.name.sv, nameEn: o.name.en, sector: o.sector, kind: o.kind,
                    createdAt: existing?.createdAt ?? now.millis, updatedAt: existing?.updatedAt ?? now.millis)
                let codes = try Self.orderedCodes(o.id, db)
                if existing == nil || existing != row || codes != o.municipalityCodes.uniqued {
                    var changed = row
                    changed.updatedAt = now.millis
                    try OrganizationsStore.save(changed, codes: o.municipalityCodes, upsert: true, db)
                    organizationsChanged = true
                }
            }
            try Self.copyStaged(db)
            let replaced = try Self.moveSearchKeys(db)
            summary.services = services
            for a in file.articles { summary.articles.add(try Self.upsert(a, db)) }
            try db.execute(literal: "UPDATE catalogue_import_batch SET switched_in = 1 WHERE id = \(batch)")
            if organizationsChanged || [summary.services, summary.articles, summary.taxonomy].contains(where: \.changed) {
                try db.execute(sql: "UPDATE catalogue_state SET revision = revision + 1 WHERE id = 1")
            }
            return (summary, replaced)
        }
        try? await inTemporaryTransaction { db in
            try db.execute(
                sql: """
                    DROP TABLE IF EXISTS temp.staged_service; DROP TABLE IF EXISTS temp.staged_service_link;
                    DROP TABLE IF EXISTS temp.staged_search_key;
                    """)
        }
        return result
    }

    /// Points each service of a staged document at its new row key; returns the keys they had.
    static func moveSearchKeys(_ db: Database) throws -> [Int64] {
        let replaced = try Int64.fetchAll(
            db,
            sql: """
                SELECT k.search_key FROM service_search_key k JOIN temp.staged_search_key s ON s.service_id = k.service_id
                WHERE s.search_key <> k.search_key
                """)
        try db.execute(
            sql: """
                INSERT INTO service_search_key (search_key, service_id) SELECT search_key, service_id FROM temp.staged_search_key WHERE 1 = 1
                ON CONFLICT (service_id) DO UPDATE SET search_key = excluded.search_key
                """)
        return replaced
    }

    /// The staged services and their links into the live tables, set-based.
    /// A service is updated in place (`ON CONFLICT … DO UPDATE`, never replaced), so what refers to it
    /// (favourites, its search key) stays.
    static func copyStaged(_ db: Database) throws {
        let columns = try db.columns(in: "service").map(\.name)
        let list = columns.joined(separator: ", ")
        let updates = columns.filter { $0 != "id" }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try db.execute(
            literal: """
                INSERT INTO service (\(sql: list)) SELECT \(sql: list) FROM temp.staged_service WHERE 1 = 1
                ON CONFLICT (id) DO UPDATE SET \(sql: updates)
                """)
        for (table, column, _) in ServiceLinks.tables {
            try db.execute(literal: "DELETE FROM \(sql: table) WHERE service_id IN (SELECT id FROM temp.staged_service)")
            try db.execute(
                literal: """
                    INSERT INTO \(sql: table) (service_id, \(sql: column), position)
                    SELECT service_id, value, position FROM temp.staged_service_link WHERE link_table = \(table)
                    """)
        }
    }

    enum Outcome { case created, updated, unchanged }

    static func upsert<R: AppRecord & Equatable>(_ row: R, key: String, _ db: Database) throws -> Outcome {
        guard let existing = try R.fetchOne(db, key: key) else {
            try row.insert(db)
            return .created
        }
        if existing == row { return .unchanged }
        try row.update(db)
        return .updated
    }

    static func upsert(_ a: CatalogueFile.Article, _ db: Database) throws -> Outcome {
        let row = ArticleRecord(
            id: a.id, titleFi: a.title.fi, titleSv: a.title.sv, titleEn: a.title.en, bodyFi: a.body.fi, bodySv: a.body.sv,
            bodyEn: a.body.en,
            audience: try ArticleAudience(checked: a.audience),
            updatedAt: CatalogueTimestamps.parse(a.updatedAt)?.millis ?? 0)
        let codes = try Self.articleCodes(a.id, db)
        let outcome = try upsert(row, key: a.id, db)
        if outcome == .unchanged && codes == a.municipalityCodes.uniqued { return .unchanged }
        try db.execute(literal: "DELETE FROM article_municipality WHERE article_id = \(a.id)")
        for (position, code) in a.municipalityCodes.uniqued.enumerated() {
            try db.execute(
                literal: """
                    INSERT INTO article_municipality (article_id, municipality_code, position) VALUES (\(a.id), \(code), \(position))
                    """)
        }
        return outcome == .created ? .created : .updated
    }

    // MARK: Export

    func export(generatedAt: Date) async throws -> CatalogueFile {
        try await db.writer.read { db in
            let municipalities = try MunicipalityRecord.fetchAll(db, sql: "SELECT * FROM municipality ORDER BY position, code").map {
                CatalogueFile.Municipality(code: $0.code, name: LocalText(fi: $0.nameFi, sv: $0.nameSv, en: $0.nameEn))
            }
            let categories = try CategoryRecord.fetchAll(db, sql: "SELECT * FROM category ORDER BY position, id").map {
                CatalogueFile.Category(id: $0.id, name: LocalText(fi: $0.nameFi, sv: $0.nameSv, en: $0.nameEn), parent: $0.parentId)
            }
            let life = try CatalogueSearchStore.terms(LifeSituationRecord.self, db).map(\.term)
            let statuses = try CatalogueSearchStore.terms(EmploymentStatusRecord.self, db).map(\.term)
            let organizations = try OrganizationRecord.fetchAll(db, sql: "SELECT * FROM organization ORDER BY id").map { row in
                let dto = try OrganizationsStore.dto(row, db)
                return CatalogueFile.Organization(
                    id: row.id, name: dto.name, sector: row.sector, municipalityCodes: try Self.orderedCodes(row.id, db), kind: row.kind)
            }
            let services = try ServiceRecord.fetchAll(
                db, SQLRequest<ServiceRecord>("SELECT * FROM service WHERE \(CatalogueSearchStore.live) ORDER BY id")
            ).map { row in
                try row.file(CatalogueSearchStore.links(of: row.id, db))
            }
            let articles = try ArticleRecord.fetchAll(db, sql: "SELECT * FROM article WHERE status = 'published' ORDER BY id").map { row in
                CatalogueFile.Article(
                    id: row.id, title: LocalText(fi: row.titleFi, sv: row.titleSv, en: row.titleEn),
                    body: LocalText(fi: row.bodyFi, sv: row.bodySv, en: row.bodyEn),
                    audience: row.audience.rawValue,
                    municipalityCodes: try Self.articleCodes(row.id, db),
                    updatedAt: CatalogueTimestamps.format(Date(millis: row.updatedAt)))
            }
            return CatalogueFile(
                schemaVersion: CatalogueFileUpgrade.current, generatedAt: CatalogueTimestamps.format(generatedAt),
                municipalities: municipalities,
                categories: categories, lifeSituations: life, employmentStatuses: statuses, organizations: organizations,
                services: services, articles: articles)
        }
    }

    static func articleCodes(_ articleId: String, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db, SQLRequest<String>("SELECT municipality_code FROM article_municipality WHERE article_id = \(articleId) ORDER BY position"))
    }

    /// An organisation's municipality codes in the order they were written.
    static func orderedCodes(_ organizationId: String, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            SQLRequest<String>(
                """
                SELECT municipality_code FROM organization_municipality
                WHERE organization_id = \(organizationId) ORDER BY position, municipality_code
                """))
    }
}

extension CatalogueImportStore.Counts {
    mutating func add(_ outcome: CatalogueImportStore.Outcome) {
        switch outcome {
        case .created: created += 1
        case .updated: updated += 1
        case .unchanged: unchanged += 1
        }
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    var uniqued: [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
