import Foundation
import GRDB

/// The SQL of catalogue import and export: the whole file is written in one transaction.
struct CatalogueImportStore: Sendable {
    let db: AppDatabase
    let indexer: CatalogueIndexer

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

    func organizationIds() async throws -> Set<String> {
        try await db.writer.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM organization")) }
    }

    /// Writes a validated file: everything or nothing. Existing rows are updated in place (same ids);
    /// a row equal to what is stored is left alone.
    func write(_ file: CatalogueFile, now: Date) async throws -> Summary {
        try await db.writer.write { db in
            var summary = Summary()
            var renamed: Set<String> = []
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
                    if existing != nil { renamed.insert(o.id) }
                    organizationsChanged = true
                }
            }
            for s in file.services {
                let outcome = try Self.upsert(s, now: now, db)
                summary.services.add(outcome)
                if outcome != .unchanged { try CatalogueSearchIndexStore.reindex(s.id, indexer: indexer, db) }
            }
            for organization in renamed { try CatalogueSearchIndexStore.reindex(organization: organization, indexer: indexer, db) }
            for a in file.articles { summary.articles.add(try Self.upsert(a, db)) }
            if organizationsChanged || [summary.services, summary.articles, summary.taxonomy].contains(where: \.changed) {
                try db.execute(sql: "UPDATE catalogue_state SET revision = revision + 1 WHERE id = 1")
            }
            return summary
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

    static func upsert(_ s: CatalogueFile.Service, now: Date, _ db: Database) throws -> Outcome {
        let existing = try ServiceRecord.fetchOne(db, key: s.id)
        let row = try ServiceRecord(s, createdAt: existing?.createdAt ?? now.millis)
        let links = ServiceLinks(s)
        if let existing {
            if existing == row, try ServiceLinks.fetch(s.id, db) == links { return .unchanged }
            try row.update(db)
        } else {
            try row.insert(db)
        }
        try links.replace(s.id, db)
        return existing == nil ? .created : .updated
    }

    static func upsert(_ a: CatalogueFile.Article, _ db: Database) throws -> Outcome {
        let row = ArticleRecord(
            id: a.id, titleFi: a.title.fi, titleSv: a.title.sv, titleEn: a.title.en, body: a.body, audience: a.audience,
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
            let life = try LifeSituationRecord.all(db).map(\.term)
            let statuses = try EmploymentStatusRecord.all(db).map(\.term)
            let organizations = try OrganizationRecord.fetchAll(db, sql: "SELECT * FROM organization ORDER BY id").map { row in
                let dto = try OrganizationsStore.dto(row, db)
                return CatalogueFile.Organization(
                    id: row.id, name: dto.name, sector: row.sector, municipalityCodes: try Self.orderedCodes(row.id, db), kind: row.kind)
            }
            let services = try ServiceRecord.fetchAll(db, sql: "SELECT * FROM service ORDER BY id").map { row in
                try row.file(ServiceLinks.fetch(row.id, db))
            }
            let articles = try ArticleRecord.fetchAll(db, sql: "SELECT * FROM article ORDER BY id").map { row in
                CatalogueFile.Article(
                    id: row.id, title: LocalText(fi: row.titleFi, sv: row.titleSv, en: row.titleEn), body: row.body, audience: row.audience,
                    municipalityCodes: try Self.articleCodes(row.id, db),
                    updatedAt: CatalogueTimestamps.format(Date(millis: row.updatedAt)))
            }
            return CatalogueFile(
                schemaVersion: 1, generatedAt: CatalogueTimestamps.format(generatedAt), municipalities: municipalities,
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
