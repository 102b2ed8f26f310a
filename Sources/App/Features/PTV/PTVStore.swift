import Foundation
import GRDB

/// The SQL of the registry exchange: the catalogue as an import compares with it, and the whole
/// import written in one transaction.
struct PTVStore: Sendable {
    let db: AppDatabase

    /// A catalogue service as an import sees it.
    struct Existing: Sendable {
        let id: String
        let organizationId: String
        let status: ServiceStatus
        let version: Int
        let updatedAt: Int64
        let reviewedAt: Int64
        let createdAt: Int64
        let content: ServiceContent
        let ptvId: String?
    }

    /// Every live service (by id) and the registry ids already matched (registry id → service id).
    func existing() async throws -> (services: [String: Existing], matched: [String: String]) {
        try await db.writer.read { db in
            var matched: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT ptv_id, service_id FROM service_ptv") {
                matched[row["ptv_id"]] = row["service_id"]
            }
            let byService = Dictionary(matched.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
            var services: [String: Existing] = [:]
            let rows = try ServiceRecord.fetchAll(db, SQLRequest<ServiceRecord>("SELECT * FROM service WHERE \(CatalogueSearchStore.live)"))
            for row in rows {
                let content = ServiceContent(try row.file(try CatalogueSearchStore.links(of: row.id, db)))
                services[row.id] = Existing(
                    id: row.id, organizationId: row.organizationId, status: row.status, version: row.version, updatedAt: row.updatedAt,
                    reviewedAt: row.reviewedAt, createdAt: row.createdAt, content: content, ptvId: byService[row.id])
            }
            return (services, matched)
        }
    }

    /// The published services of an organisation with their registry ids, for an export.
    func published(organizationId: String) async throws -> [(CatalogueFile.Service, ptvId: String?)] {
        try await db.writer.read { db in
            try ServiceRecord.fetchAll(
                db,
                SQLRequest<ServiceRecord>(
                    """
                    SELECT * FROM service WHERE organization_id = \(organizationId) AND status = \(ServiceStatus.published)
                    AND \(CatalogueSearchStore.live) ORDER BY id
                    """)
            ).map { row in
                (
                    try row.file(try CatalogueSearchStore.links(of: row.id, db)),
                    try String.fetchOne(db, SQLRequest<String>("SELECT ptv_id FROM service_ptv WHERE service_id = \(row.id)"))
                )
            }
        }
    }

    /// One service's part of an import.
    struct Write: Sendable {
        enum Action: Sendable { case create, update, unchanged, archive }
        var action: Action
        let serviceId: String
        let ptvId: String
        /// For create and update: the service as the catalogue will hold it, and its index document.
        var service: CatalogueFile.Service?
        var content: ServiceContent?
        var document: CatalogueIndexer.Document?
        /// For an existing service: the version and time it had when the plan was made.
        var expected: (version: Int, updatedAt: Int64)?
    }

    /// The catalogue changed between the plan and the write: plan again.
    struct Moved: Error {}

    /// Writes a whole import in one transaction: every service or none.
    func apply(_ writes: [Write], by actor: String, now: Date) async throws {
        try await db.writer.write { db in
            for w in writes {
                if let expected = w.expected {
                    let row = try Row.fetchOne(db, SQLRequest<Row>("SELECT version, updated_at FROM service WHERE id = \(w.serviceId)"))
                    guard let row, row["version"] == expected.version, row["updated_at"] == expected.updatedAt else { throw Moved() }
                }
                switch w.action {
                case .create:
                    guard let service = w.service, let content = w.content, let document = w.document else { continue }
                    guard try !ServiceRecord.exists(db, key: w.serviceId) else { throw Moved() }
                    try ServiceRecord(service, createdAt: now.millis).insert(db)
                    try CatalogueEditingStore.writeLinks(ServiceLinks(service), of: w.serviceId, db)
                    try CatalogueEditingStore.writeDocument(document, of: w.serviceId, db)
                    try ServiceVersionRecord(
                        serviceId: w.serviceId, number: service.version, document: try ServiceRecord.json(content), origin: .catalogue,
                        restoredFrom: nil, savedBy: actor, savedAt: now.millis
                    ).insert(db)
                    try CatalogueEditingStore.event(
                        w.serviceId, version: service.version, .imported, actor: actor, comment: nil, now: now, db)
                case .update:
                    guard var service = w.service, let content = w.content, let document = w.document,
                        var state = try CatalogueEditingStore.state(w.serviceId, db)
                    else { throw Moved() }
                    // The catalogue's text becomes a version of its own first, then the registry's.
                    try CatalogueEditingStore.writeBaseline(&state, db)
                    let number =
                        (try Int.fetchOne(db, SQLRequest<Int>("SELECT MAX(number) FROM service_version WHERE service_id = \(w.serviceId)"))
                            ?? state.row.version) + 1
                    service.version = number
                    try ServiceVersionRecord(
                        serviceId: w.serviceId, number: number, document: try ServiceRecord.json(content), origin: .catalogue,
                        restoredFrom: nil, savedBy: actor, savedAt: now.millis
                    ).insert(db)
                    try CatalogueEditingStore.writeCatalogue(service, createdAt: state.row.createdAt, document: document, db)
                    try CatalogueReviewStore.reviewed(w.serviceId, now: now, db)
                    try CatalogueEditingStore.event(w.serviceId, version: number, .imported, actor: actor, comment: nil, now: now, db)
                case .archive:
                    try CatalogueEditingStore.setStatus(w.serviceId, .archived, db)
                    try db.execute(literal: "DELETE FROM service_work WHERE service_id = \(w.serviceId)")
                    try CatalogueEditingStore.event(
                        w.serviceId, version: w.expected?.version ?? 1, .archived, actor: actor, comment: nil, now: now, db)
                case .unchanged:
                    break
                }
                try db.execute(literal: "DELETE FROM service_ptv WHERE service_id = \(w.serviceId) AND ptv_id <> \(w.ptvId)")
                try db.execute(
                    literal: """
                        INSERT INTO service_ptv (ptv_id, service_id, imported_at) VALUES (\(w.ptvId), \(w.serviceId), \(now.millis))
                        ON CONFLICT (ptv_id) DO UPDATE SET service_id = excluded.service_id, imported_at = excluded.imported_at
                        """)
            }
            try CatalogueEditingStore.bumpRevision(db)
        }
    }
}
