import Foundation
import GRDB

/// What search needs to know of one service, held in memory: filters, facets and sorting over
/// tens of thousands of services then cost microseconds, not a query each.
struct ServiceFacts: Sendable {
    let id: String
    let organizationId: String
    let organizationName: LocalText
    let sector: String
    let status: String
    let name: LocalText
    let summary: LocalText
    let keywords: [String]
    let cost: String
    let ageMin: Int?
    let ageMax: Int?
    let wheelchair: Bool
    let signLanguage: Bool
    let easyFinnish: Bool
    let municipalities: [String]
    let categories: [String]
    /// The categories and every ancestor of them, for "a parent includes its children".
    let categoryTree: Set<String>
    let lifeSituations: [String]
    let employmentStatuses: [String]
    let languages: [String]
    let modes: [String]
    let updatedAt: Int64
}

/// The catalogue as search sees it, loaded at one revision.
struct CatalogueSnapshot: Sendable {
    let revision: Int64
    let services: [ServiceFacts]
    let index: [String: Int]
    /// Index vocabulary, sorted, and its one-deletion neighbourhoods for typo tolerance.
    let vocabulary: [String]
    let deletions: [String: [String]]
    /// The vocabulary's terms spelled backwards, sorted: the terms that end with a word are a range
    /// here (Swedish compounds end with their head: "karriärvägledning").
    let reversedVocabulary: [String]
    /// The word index's row key → position in `services` (-1 for none); row keys are small integers.
    let searchKeys: [Int32]
    /// Municipalities, categories, life situations, employment statuses and organisations.
    let taxonomy: TaxonomyDTO
}

/// The SQL of catalogue search: loading the snapshot and matching words in the FTS5 index.
struct CatalogueSearchStore: Sendable {
    let db: AppDatabase

    func revision() async throws -> Int64 {
        try await db.writer.read { db in try Int64.fetchOne(db, sql: "SELECT revision FROM catalogue_state WHERE id = 1") ?? 0 }
    }

    /// The snapshot, and the text of each service's ranked columns (name, keywords, organisation,
    /// summary) as the word index holds it, by service position, for building the ranking.
    func snapshot() async throws -> (CatalogueSnapshot, rankedColumns: [[String]]) {
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
            let organizations = Dictionary(uniqueKeysWithValues: taxonomy.organizations.map { ($0.id, $0) })
            let services = try ServiceRecord.fetchAll(db, sql: "SELECT * FROM service ORDER BY name_fi, id").map { s in
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
                    sector: org?.sector ?? "public", status: s.status, name: LocalText(fi: s.nameFi, sv: s.nameSv, en: s.nameEn),
                    summary: LocalText(fi: s.summaryFi, sv: s.summarySv, en: s.summaryEn),
                    keywords: (try? ServiceRecord.decode([String].self, s.keywords)) ?? [], cost: s.cost, ageMin: s.ageMin,
                    ageMax: s.ageMax,
                    wheelchair: s.wheelchair, signLanguage: s.signLanguage, easyFinnish: s.easyFinnish, municipalities: l.municipalities,
                    categories: l.categories, categoryTree: tree, lifeSituations: l.lifeSituations,
                    employmentStatuses: l.employmentStatuses,
                    languages: l.languages, modes: l.modes, updatedAt: s.updatedAt)
            }
            let vocabulary = try String.fetchAll(db, sql: "SELECT term FROM service_search_vocab ORDER BY term")
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
            var rankedColumns = Array(repeating: Array(repeating: "", count: ForwardIndex.columns), count: services.count)
            let columns = try Row.fetchCursor(db, sql: "SELECT rowid, name, keywords, organization, summary FROM service_search")
            while let row = try columns.next() {
                let key: Int = row[0]
                guard key >= 0, key < searchKeys.count, searchKeys[key] >= 0 else { continue }
                rankedColumns[Int(searchKeys[key])] = (1...ForwardIndex.columns).map { row[$0] ?? "" }
            }
            let snapshot = CatalogueSnapshot(
                revision: revision, services: services, index: index, vocabulary: vocabulary, deletions: deletions,
                reversedVocabulary: vocabulary.map { String($0.reversed()) }.sorted(), searchKeys: searchKeys, taxonomy: taxonomy)
            return (snapshot, rankedColumns)
        }
    }

    /// The row keys of the index rows that match an FTS5 expression, and the catalogue revision they
    /// were read at. Ranking is ours (`ForwardIndex`): bm25 would cost a look-up per matching row.
    func match(_ expression: String) async throws -> (revision: Int64, keys: [Int64]) {
        try await db.writer.read { db in
            let revision = try Int64.fetchOne(db, sql: "SELECT revision FROM catalogue_state WHERE id = 1") ?? 0
            var keys: [Int64] = []
            let rows = try Int64.fetchCursor(
                db, SQLRequest<Int64>("SELECT rowid FROM service_search WHERE service_search MATCH \(expression)"))
            while let key = try rows.next() { keys.append(key) }
            return (revision, keys)
        }
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
            lifeSituations: try LifeSituationRecord.all(db).map { .init(id: $0.id, name: $0.term.name) },
            employmentStatuses: try EmploymentStatusRecord.all(db).map { .init(id: $0.id, name: $0.term.name) },
            organizations: try Row.fetchAll(db, sql: "SELECT * FROM organization ORDER BY name_fi, id").map {
                .init(id: $0["id"], name: text($0), sector: $0["sector"])
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
                        SELECT * FROM service WHERE id = \(id) AND (
                            status IN ('published', 'archived')
                            OR (status = 'hidden' AND \(viewer.seesInternal))
                            OR (status IN ('hidden', 'draft', 'review') AND organization_id IN \(organizations)))
                        """))
            else { return nil }
            var service = try row.file(ServiceLinks.fetch(id, db))
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
