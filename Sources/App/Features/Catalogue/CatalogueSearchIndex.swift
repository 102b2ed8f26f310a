import Foundation
import GRDB
import Synchronization
import TextAnalysis

/// Builds the index documents of services: each text field becomes the analysed terms of its words,
/// in every language the service has. Word analyses are cached, since catalogue texts repeat words.
final class CatalogueIndexer: Sendable {
    let analyzer: Analyzer
    private let cache = Mutex<[String: [String]]>([:])
    private let finnishCache = Mutex<[String: Analyzer.Finnish]>([:])

    init(analyzer: Analyzer) { self.analyzer = analyzer }

    /// The indexed columns of one service.
    struct Document: Sendable, Equatable {
        var name: String
        var keywords: String
        var organization: String
        var summary: String
        var description: String
    }

    func document(_ s: ServiceRecord, keywords: [String], organization: LocalText) -> Document {
        Document(
            name: terms([(s.nameFi, .fi), (s.nameSv, .sv), (s.nameEn, .en)]),
            keywords: terms(keywords.map { ($0, .fi) }),
            organization: terms([(organization.fi, .fi), (organization.sv, .sv), (organization.en, .en)]),
            summary: terms([(s.summaryFi, .fi), (s.summarySv, .sv), (s.summaryEn, .en)]),
            description: terms([(s.descriptionFi, .fi), (s.descriptionSv, .sv), (s.descriptionEn, .en)]))
    }

    /// The terms of texts, space-separated, each word's terms once.
    func terms(_ texts: [(String?, Analyzer.Language)]) -> String {
        var out: [String] = []
        for (text, language) in texts {
            guard let text else { continue }
            for word in Analyzer.words(text) { out += terms(of: word, language) }
        }
        return out.joined(separator: " ")
    }

    /// Voikko's analysis of a query word, remembered: searches repeat words.
    func finnish(_ word: String) -> Analyzer.Finnish {
        if let hit = finnishCache.withLock({ $0[word] }) { return hit }
        let result = analyzer.finnish(word)
        finnishCache.withLock { table in
            if table.count > 50_000 { table.removeAll(keepingCapacity: true) }
            table[word] = result
        }
        return result
    }

    func terms(of word: String, _ language: Analyzer.Language) -> [String] {
        let key = "\(language.rawValue):\(word)"
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let terms = analyzer.terms(of: word, in: language).sorted()
        cache.withLock { table in
            if table.count > 200_000 { table.removeAll(keepingCapacity: true) }
            table[key] = terms
        }
        return terms
    }
}

/// The SQL of the word index.
enum CatalogueSearchIndexStore {
    /// Writes (or rewrites) the index row of one service, inside the caller's transaction.
    static func reindex(_ serviceId: String, indexer: CatalogueIndexer, _ db: Database) throws {
        try db.execute(literal: "INSERT INTO service_search_key (service_id) VALUES (\(serviceId)) ON CONFLICT (service_id) DO NOTHING")
        guard
            let key = try Int64.fetchOne(db, SQLRequest<Int64>("SELECT search_key FROM service_search_key WHERE service_id = \(serviceId)"))
        else { return }
        try db.execute(literal: "DELETE FROM service_search WHERE rowid = \(key)")
        guard let service = try ServiceRecord.fetchOne(db, key: serviceId) else { return }
        let organization = try OrganizationRecord.fetchOne(db, key: service.organizationId)
        let keywords = (try? ServiceRecord.decode([String].self, service.keywords)) ?? []
        let doc = indexer.document(
            service, keywords: keywords,
            organization: LocalText(fi: organization?.nameFi ?? "", sv: organization?.nameSv, en: organization?.nameEn))
        try db.execute(
            literal: """
                INSERT INTO service_search (rowid, name, keywords, organization, summary, description)
                VALUES (\(key), \(doc.name), \(doc.keywords), \(doc.organization), \(doc.summary), \(doc.description))
                """)
    }

    /// Reindexes every service of an organisation (its name is indexed with them).
    static func reindex(organization: String, indexer: CatalogueIndexer, _ db: Database) throws {
        for id in try String.fetchAll(db, SQLRequest<String>("SELECT id FROM service WHERE organization_id = \(organization)")) {
            try reindex(id, indexer: indexer, db)
        }
    }
}
