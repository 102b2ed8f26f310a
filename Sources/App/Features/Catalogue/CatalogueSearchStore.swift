import Foundation
import GRDB

/// The SQL of catalogue search: loading the snapshot and matching words in the FTS5 index.
struct CatalogueSearchStore: Sendable {
    let db: AppDatabase

    /// The services that are part of the catalogue: not written ahead by an import that has not
    /// switched in (migration 0008). Every query that reads services for the catalogue has it.
    static let live: SQL = """
        (import_batch IS NULL OR import_batch IN (SELECT id FROM catalogue_import_batch WHERE switched_in = 1))
        """

    func revision() async throws -> Int64 {
        try await db.writer.read { db in try Int64.fetchOne(db, sql: "SELECT revision FROM catalogue_state WHERE id = 1") ?? 0 }
    }

    /// The snapshot, and the text of each service's indexed columns (name, keywords, organisation,
    /// summary, description) as the word index holds it, by service position, for building the
    /// ranking and the word index in memory.
    func snapshot() async throws -> (CatalogueSnapshot, indexedColumns: [[String]]) {
        try await db.writer.read { db in
            let revision = try Int64.fetchOne(db, sql: "SELECT revision FROM catalogue_state WHERE id = 1") ?? 0
            let taxonomy = try Self.taxonomy(db)
            var parents: [String: String] = [:]
            for c in taxonomy.categories { parents[c.id] = c.parent }
            var links: [String: ServiceLinks] = [:]
            for (table, column, path) in ServiceLinks.tables {
                let rows = try Row.fetchAll(
                    db, SQLRequest<Row>("SELECT service_id, \(sql: column) AS value FROM \(sql: table) ORDER BY service_id, position"))
                for row in rows {
                    let id: String = row["service_id"]
                    links[id, default: ServiceLinks.empty][keyPath: path].append(row["value"])
                }
            }
            let outdated = Set(try String.fetchAll(db, sql: "SELECT service_id FROM service_outdated"))
            let organizations = Dictionary(uniqueKeysWithValues: taxonomy.organizations.map { ($0.id, $0) })
            let services = try ServiceRecord.fetchAll(
                db, SQLRequest<ServiceRecord>("SELECT * FROM service WHERE \(Self.live) ORDER BY name_fi, id")
            ).map { s in
                let l = links[s.id] ?? .empty
                var tree = Set(l.categories)
                for c in l.categories {
                    var next = parents[c]
                    while let p = next, tree.insert(p).inserted { next = parents[p] }
                }
                let org = organizations[s.organizationId]
                return ServiceFacts(
                    id: s.id, organizationId: s.organizationId,
                    organizationName: org?.name ?? LocalText(fi: s.organizationId, sv: nil, en: nil),
                    sector: org?.sector ?? .public, status: s.status, name: LocalText(fi: s.nameFi, sv: s.nameSv, en: s.nameEn),
                    summary: LocalText(fi: s.summaryFi, sv: s.summarySv, en: s.summaryEn),
                    keywords: (try? ServiceRecord.decode(LocalWords.self, s.keywords))?.all ?? [], cost: s.cost, ageMin: s.ageMin,
                    ageMax: s.ageMax,
                    wheelchair: s.wheelchair, signLanguage: s.signLanguage, easyFinnish: s.easyFinnish, municipalities: l.municipalities,
                    categories: l.categories, categoryTree: tree, lifeSituations: l.lifeSituations,
                    employmentStatuses: l.employmentStatuses,
                    languages: l.languages, modes: l.modes, updatedAt: s.updatedAt, outdated: outdated.contains(s.id),
                    courseStarts: s.delivery.contains("\"periods\"")
                        ? ((try? ServiceRecord.decode(ServiceRecord.DeliveryText.self, s.delivery))?.periods ?? [])
                            .filter { $0.kind == "course" }.map(\.start) : [])
            }
            var vocabulary: [String] = []
            let terms = try String.fetchCursor(db, sql: "SELECT term FROM service_search_vocab ORDER BY term")
            while let term = try terms.next() { vocabulary.append(term) }
            var deletions: [String: [String]] = [:]
            for term in vocabulary where term.count >= 4 {
                let chars = Array(term)
                for i in chars.indices {
                    var variant = chars
                    variant.remove(at: i)
                    deletions[String(variant), default: []].append(term)
                }
            }
            let index = Dictionary(uniqueKeysWithValues: services.enumerated().map { ($1.id, $0) })
            let maxKey = try Int.fetchOne(db, sql: "SELECT MAX(search_key) FROM service_search_key") ?? 0
            var searchKeys = [Int32](repeating: -1, count: maxKey + 1)
            for row in try Row.fetchAll(db, sql: "SELECT search_key, service_id FROM service_search_key") {
                if let i = index[row["service_id"] as String] { searchKeys[row["search_key"] as Int] = Int32(i) }
            }
            var indexedColumns = Array(repeating: Array(repeating: "", count: ForwardIndex.columns + 1), count: services.count)
            let columns = try Row.fetchCursor(
                db, sql: "SELECT rowid, name, keywords, organization, summary, description FROM service_search")
            while let row = try columns.next() {
                let key: Int = row[0]
                guard key >= 0, key < searchKeys.count, searchKeys[key] >= 0 else { continue }
                indexedColumns[Int(searchKeys[key])] = (1...ForwardIndex.columns + 1).map { row[$0] ?? "" }
            }
            let snapshot = CatalogueSnapshot(
                revision: revision, services: services, index: index, vocabulary: vocabulary,
                deletions: deletions,
                reversedVocabulary: vocabulary.map { String($0.reversed()) }.sorted(), searchKeys: searchKeys, taxonomy: taxonomy)
            return (snapshot, indexedColumns)
        }
    }

    /// The catalogue's revision and the synonyms' version.
    static func versions(_ db: Database) throws -> (revision: Int64, words: Int64) {
        let row = try Row.fetchOne(db, sql: "SELECT revision, search_words_version FROM catalogue_state WHERE id = 1")
        return (row?[0] ?? 0, row?[1] ?? 0)
    }

    /// Both versions, for telling whether a kept search answer is still current.
    func versions() async throws -> (revision: Int64, words: Int64) {
        try await db.writer.read { try Self.versions($0) }
    }

    // MARK: The bench's references

    /// How many index rows match the word as a prefix (every service for no word): the floor of an
    /// indexed search, for `make bench`.
    func referenceMatchCount(prefix word: String) async throws -> Int {
        try await db.writer.read { db in
            guard !word.isEmpty else { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM service") ?? 0 }
            let expression = "\"\(word)\" *"
            return try Int.fetchOne(db, SQLRequest<Int>("SELECT COUNT(*) FROM service_search WHERE service_search MATCH \(expression)"))
                ?? 0
        }
    }

    /// How many services have the word in their Finnish name or description, by a LIKE scan: what
    /// search without an index costs, for `make bench`.
    func referenceScanCount(containing word: String) async throws -> Int {
        let pattern = "%\(word)%"
        return try await db.writer.read { db in
            try Int.fetchOne(
                db,
                SQLRequest<Int>(
                    "SELECT COUNT(*) FROM service WHERE (name_fi LIKE \(pattern) OR description_fi LIKE \(pattern)) AND \(Self.live)")) ?? 0
        }
    }

    /// Every row of a vocabulary table, in its order.
    static func terms<R: TermRecord>(_ type: R.Type, _ db: Database) throws -> [R] {
        try R.fetchAll(db, sql: "SELECT * FROM \(R.databaseTableName) ORDER BY position, id")
    }

    /// A service's rows in the link tables, each list in its order.
    static func links(of serviceId: String, _ db: Database) throws -> ServiceLinks {
        var links = ServiceLinks.empty
        for (table, column, path) in ServiceLinks.tables {
            links[keyPath: path] = try String.fetchAll(
                db, SQLRequest<String>("SELECT \(sql: column) FROM \(sql: table) WHERE service_id = \(serviceId) ORDER BY position"))
        }
        return links
    }

    static func taxonomy(_ db: Database) throws -> TaxonomyDTO {
        let text = { (row: Row) in LocalText(fi: row["name_fi"], sv: row["name_sv"], en: row["name_en"]) }
        return TaxonomyDTO(
            municipalities: try Row.fetchAll(db, sql: "SELECT * FROM municipality ORDER BY position, code").map {
                .init(code: $0["code"], name: text($0))
            },
            categories: try Row.fetchAll(db, sql: "SELECT * FROM category ORDER BY position, id").map {
                .init(id: $0["id"], name: text($0), parent: $0["parent_id"])
            },
            lifeSituations: try Self.terms(LifeSituationRecord.self, db).map { .init(id: $0.id, name: $0.term.name) },
            employmentStatuses: try Self.terms(EmploymentStatusRecord.self, db).map { .init(id: $0.id, name: $0.term.name) },
            organizations: try Row.fetchAll(db, sql: "SELECT * FROM organization ORDER BY name_fi, id").map {
                .init(id: $0["id"], name: text($0), sector: Sector(rawValue: $0["sector"] as String) ?? .public)
            })
    }

    /// One service with all the fields the viewer may see, or nil when there is none they may open.
    /// The visibility rule is part of the query (it is `CatalogueViewer.opens`): published and archived
    /// services for everyone, hidden ones for those who see internal content, unpublished ones for the
    /// owning organisation's content roles. The internal instructions are dropped unless the viewer
    /// sees internal content.
    func service(id: String, viewer: CatalogueViewer) async throws -> (CatalogueFile.Service, OrganizationRecord?)? {
        let organizations = Array(viewer.contentOrganizations)
        return try await db.writer.read { db in
            guard
                let row = try ServiceRecord.fetchOne(
                    db,
                    SQLRequest<ServiceRecord>(
                        """
                        SELECT * FROM service WHERE id = \(id) AND \(Self.live) AND (
                            status IN \([ServiceStatus.published, .archived])
                            OR (status = \(ServiceStatus.hidden) AND \(viewer.seesInternal))
                            OR (status IN \([ServiceStatus.hidden, .draft, .review]) AND organization_id IN \(organizations)))
                        """))
            else { return nil }
            var service = try row.file(Self.links(of: id, db))
            if !viewer.seesInternal { service.internal = .empty }
            return (service, try OrganizationRecord.fetchOne(db, key: row.organizationId))
        }
    }
}

extension ServiceLinks {
    static var empty: ServiceLinks {
        ServiceLinks(categories: [], municipalities: [], lifeSituations: [], employmentStatuses: [], languages: [], modes: [])
    }
}
