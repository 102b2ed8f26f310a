import Foundation
import GRDB

/// The SQL of catalogue editing: versions, the open edit, events, and writing an approved version
/// into the catalogue (row, links, index document, revision) in one transaction.
struct CatalogueEditingStore: Sendable {
    let db: AppDatabase

    /// A service as editing sees it, read in one transaction.
    struct EditState: Sendable {
        var row: ServiceRecord
        var links: ServiceLinks
        var sector: Sector
        var work: ServiceWorkRecord?
        /// The newest version's number and content.
        var newest: Int
        var content: ServiceContent
        /// The catalogue's text as a version of its own, when no saved version holds it yet (a
        /// service written by an import): written by the first change.
        var baseline: ServiceVersionRecord?
        /// The comment of the last rejection of the open edit.
        var rejection: String?
        /// Open translation requests: fields that need a Swedish or English text.
        var translations: [TranslationRequest] = []
    }

    struct TranslationRequest: Sendable, Equatable {
        let field: String
        let language: Language
        let requestedAt: Int64
    }

    /// What a write found wrong inside its transaction.
    enum Refusal: Error {
        case notFound
        /// The newest version is no longer the one the caller had.
        case moved(EditState)
        /// The service is not in a state that allows the action.
        case state
    }

    func state(_ id: String) async throws -> EditState? {
        try await db.writer.read { db in try Self.state(id, db) }
    }

    static func state(_ id: String, _ db: Database) throws -> EditState? {
        guard
            let row = try ServiceRecord.fetchOne(
                db, SQLRequest<ServiceRecord>("SELECT * FROM service WHERE id = \(id) AND \(CatalogueSearchStore.live)"))
        else { return nil }
        let links = try CatalogueSearchStore.links(of: id, db)
        let sector = try String.fetchOne(db, SQLRequest<String>("SELECT sector FROM organization WHERE id = \(row.organizationId)"))
        let rowContent = ServiceContent(try row.file(links))
        let top = try Int.fetchOne(db, SQLRequest<Int>("SELECT MAX(number) FROM service_version WHERE service_id = \(id)"))
        let work = try ServiceWorkRecord.fetchOne(db, key: id)
        // While an edit is open its versions are what editors work on; otherwise a row that no saved
        // version holds (an import wrote it) is the newest version, saved at the first change.
        var baseline: ServiceVersionRecord?
        if work == nil, try ServiceVersionRecord.fetchOne(db, key: ["service_id": id, "number": row.version])?.content() != rowContent {
            baseline = ServiceVersionRecord(
                serviceId: id, number: max((top ?? 0) + 1, row.version), document: try ServiceRecord.json(rowContent),
                origin: .catalogue, restoredFrom: nil, savedBy: nil, savedAt: row.updatedAt)
        }
        let newest: Int
        let content: ServiceContent
        if let baseline {
            (newest, content) = (baseline.number, rowContent)
        } else {
            newest = work?.version ?? top ?? row.version
            content = try ServiceVersionRecord.fetchOne(db, key: ["service_id": id, "number": newest])?.content() ?? rowContent
        }
        // A service an import wrote as a draft or in review has its open edit in its status.
        let open =
            work
            ?? (row.status.isNeverPublished
                ? ServiceWorkRecord(
                    serviceId: id, version: newest, state: row.status == .review ? .review : .draft, submittedBy: nil, submittedAt: nil,
                    updatedAt: row.updatedAt) : nil)
        let rejection =
            work == nil
            ? nil
            : try ServiceEventRecord.fetchOne(
                db,
                SQLRequest<ServiceEventRecord>(
                    "SELECT * FROM service_event WHERE service_id = \(id) ORDER BY at DESC, rowid DESC LIMIT 1"))
        let translations = try Row.fetchAll(
            db,
            SQLRequest<Row>(
                "SELECT field, language, requested_at FROM service_translation WHERE service_id = \(id) ORDER BY language, rowid")
        ).map {
            TranslationRequest(field: $0["field"], language: Language(rawValue: $0["language"]) ?? .sv, requestedAt: $0["requested_at"])
        }
        return EditState(
            row: row, links: links, sector: sector.flatMap(Sector.init(rawValue:)) ?? .third, work: open, newest: newest, content: content,
            baseline: baseline,
            rejection: rejection?.action == .rejected ? rejection?.comment : nil, translations: translations)
    }

    /// The codes a service may name.
    func vocabulary() async throws -> CatalogueVocabulary {
        try await db.writer.read { db in
            CatalogueVocabulary(
                municipalities: Set(try String.fetchAll(db, sql: "SELECT code FROM municipality")),
                categories: Set(try String.fetchAll(db, sql: "SELECT id FROM category")),
                lifeSituations: Set(try String.fetchAll(db, sql: "SELECT id FROM life_situation")),
                employmentStatuses: Set(try String.fetchAll(db, sql: "SELECT id FROM employment_status")))
        }
    }

    /// The region's municipality codes in their order.
    func municipalityCodes() async throws -> [String] {
        try await db.writer.read { db in try String.fetchAll(db, sql: "SELECT code FROM municipality ORDER BY position, code") }
    }

    func organizations() async throws -> [OrganizationRecord] {
        try await db.writer.read { db in try OrganizationRecord.fetchAll(db, sql: "SELECT * FROM organization ORDER BY name_fi, id") }
    }

    func organization(_ id: String) async throws -> OrganizationRecord? {
        try await db.writer.read { db in try OrganizationRecord.fetchOne(db, key: id) }
    }

    func serviceExists(_ id: String) async throws -> Bool {
        try await db.writer.read { db in try ServiceRecord.exists(db, key: id) }
    }

    // MARK: Writes

    /// A new service: its row (a draft the catalogue shows only to its organisation's editors), its
    /// links and index document, version 1, its open edit and the event, in one transaction.
    func create(
        _ service: CatalogueFile.Service, document: CatalogueIndexer.Document, content: ServiceContent, by actor: String, now: Date
    ) async throws {
        try await db.writer.write { db in
            let row = try ServiceRecord(service, createdAt: now.millis)
            try row.insert(db)
            try Self.writeLinks(ServiceLinks(service), of: row.id, db)
            try Self.writeDocument(document, of: row.id, db)
            try ServiceVersionRecord(
                serviceId: row.id, number: 1, document: try ServiceRecord.json(content), origin: .created, restoredFrom: nil,
                savedBy: actor, savedAt: now.millis
            ).insert(db)
            try ServiceWorkRecord(
                serviceId: row.id, version: 1, state: .draft, submittedBy: nil, submittedAt: nil, updatedAt: now.millis
            ).insert(db)
            try Self.event(row.id, version: 1, .created, actor: actor, comment: nil, now: now, db)
            try Self.bumpRevision(db)
        }
    }

    /// Saves `content` as the next version, when the newest is still `base`. A service the catalogue
    /// does not show yet (draft, review) gets the content in its row too (back to draft); a published
    /// or hidden one keeps its row until an approver approves. `check` sees the newest content
    /// before the write (who may change what) and gives the content to save.
    func save(
        _ id: String, base: Int, origin: VersionOrigin, restoredFrom: Int? = nil, by actor: String, now: Date,
        document: CatalogueIndexer.Document?,
        check: @escaping @Sendable (EditState) throws -> ServiceContent
    ) async throws -> Int? {
        try await db.writer.write { db in
            guard var state = try Self.state(id, db) else { throw Refusal.notFound }
            guard state.row.status != .archived else { throw Refusal.state }
            guard state.newest == base else { throw Refusal.moved(state) }
            let content = try check(state)
            if content == state.content && origin == .edited { return nil }
            try Self.writeBaseline(&state, db)
            let number =
                try (Int.fetchOne(db, SQLRequest<Int>("SELECT MAX(number) FROM service_version WHERE service_id = \(id)")) ?? 0)
                + 1
            try ServiceVersionRecord(
                serviceId: id, number: number, document: try ServiceRecord.json(content), origin: origin, restoredFrom: restoredFrom,
                savedBy: actor, savedAt: now.millis
            ).insert(db)
            try ServiceWorkRecord(serviceId: id, version: number, state: .draft, submittedBy: nil, submittedAt: nil, updatedAt: now.millis)
                .upsert(db)
            if state.row.status.isNeverPublished, let document {
                let file = content.service(
                    id: id, organizationId: state.row.organizationId, status: .draft, version: number, updatedAt: now,
                    reviewedAt: Date(millis: state.row.reviewedAt))
                try Self.writeCatalogue(file, createdAt: state.row.createdAt, document: document, db)
            }
            try Self.event(id, version: number, origin == .restored ? .versionRestored : .saved, actor: actor, comment: nil, now: now, db)
            // A new text in a language resolves the request for it.
            for r in ServiceTranslations.resolved(state.translations.map { ($0.field, $0.language) }, old: state.content, new: content) {
                try db.execute(
                    literal:
                        "DELETE FROM service_translation WHERE service_id = \(id) AND field = \(r.field) AND language = \(r.language.rawValue)"
                )
            }
            return number
        }
    }

    /// The workflow's changes of state.
    enum Transition: Sendable {
        /// The open edit goes to review (a never-published service's status with it).
        case submit(by: String, now: Date)
        /// The version in review becomes what the catalogue shows; the open edit ends.
        case approve(CatalogueFile.Service, document: CatalogueIndexer.Document)
        /// The open edit goes back to draft.
        case reject
        /// Published, hidden or archived; archiving ends the open edit (its versions stay).
        case status(ServiceStatus)
        /// An archived service becomes a draft of its newest version.
        case unarchive(CatalogueFile.Service, document: CatalogueIndexer.Document, now: Date)
        case markReviewed(now: Date)
    }

    /// A workflow step: `check` sees the service as it is inside the transaction and throws to
    /// refuse; then the change and its event are written.
    func act(
        _ id: String, _ transition: Transition, event: ServiceAction, by actor: String, comment: String?, now: Date,
        check: @escaping @Sendable (EditState) throws -> Void
    ) async throws {
        try await db.writer.write { db in
            guard var state = try Self.state(id, db) else { throw Refusal.notFound }
            try check(state)
            // The catalogue's text becomes a version of its own before anything happens to it.
            try Self.writeBaseline(&state, db)
            switch transition {
            case .submit(let by, let now):
                try ServiceWorkRecord(
                    serviceId: id, version: state.newest, state: .review, submittedBy: by, submittedAt: now.millis, updatedAt: now.millis
                ).upsert(db)
                if state.row.status == .draft {
                    try Self.setStatus(id, .review, db)
                    try Self.bumpRevision(db)
                }
            case .approve(let service, let document):
                try Self.writeCatalogue(service, createdAt: state.row.createdAt, document: document, db)
                try db.execute(literal: "DELETE FROM service_work WHERE service_id = \(id)")
                try CatalogueReviewStore.reviewed(id, now: now, db)
            case .reject:
                try ServiceWorkRecord(
                    serviceId: id, version: state.newest, state: .draft, submittedBy: nil, submittedAt: nil, updatedAt: now.millis
                ).upsert(db)
                if state.row.status == .review {
                    try Self.setStatus(id, .draft, db)
                    try Self.bumpRevision(db)
                }
            case .status(let status):
                try Self.setStatus(id, status, db)
                if status == .archived { try db.execute(literal: "DELETE FROM service_work WHERE service_id = \(id)") }
                try Self.bumpRevision(db)
            case .unarchive(let service, let document, let now):
                try Self.writeBaseline(&state, db)
                try Self.writeCatalogue(service, createdAt: state.row.createdAt, document: document, db)
                try ServiceWorkRecord(
                    serviceId: id, version: service.version, state: .draft, submittedBy: nil, submittedAt: nil, updatedAt: now.millis
                ).upsert(db)
            case .markReviewed(let now):
                try db.execute(literal: "UPDATE service SET reviewed_at = \(now.millis) WHERE id = \(id)")
                try CatalogueReviewStore.reviewed(id, now: now, db)
                try Self.bumpRevision(db)
            }
            try Self.event(id, version: state.newest, event, actor: actor, comment: comment, now: now, db)
        }
    }

    /// The fields of the service that need a translation into `language`: exactly `fields` from now on.
    func requestTranslations(_ id: String, language: Language, fields: [String], by actor: String, now: Date) async throws {
        try await db.writer.write { db in
            try db.execute(
                literal: """
                    DELETE FROM service_translation WHERE service_id = \(id) AND language = \(language.rawValue) AND field NOT IN \(fields)
                    """)
            for field in fields {
                try db.execute(
                    literal: """
                        INSERT INTO service_translation (service_id, field, language, requested_by, requested_at)
                        VALUES (\(id), \(field), \(language.rawValue), \(actor), \(now.millis))
                        ON CONFLICT (service_id, language, field) DO NOTHING
                        """)
            }
        }
    }

    struct QueueRow: Sendable {
        let serviceId: String
        let organizationId: String
        let name: LocalText
        let language: Language
        let fields: [String]
        let requestedAt: Int64
    }

    /// Open translation requests of `organizations` (nil: every one), per service and language, the
    /// oldest first.
    func translationQueue(organizations: Set<String>?, language: Language?) async throws -> [QueueRow] {
        try await db.writer.read { db in
            let scope: SQL = organizations.map { "s.organization_id IN \(Array($0))" } ?? "1 = 1"
            let only: SQL = language.map { "t.language = \($0.rawValue)" } ?? "1 = 1"
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT t.service_id, t.field, t.language, t.requested_at, s.organization_id, s.name_fi, s.name_sv, s.name_en
                    FROM service_translation t JOIN service s ON s.id = t.service_id
                    WHERE \(scope) AND \(only) ORDER BY t.requested_at, t.service_id, t.language, t.rowid
                    """))
            var out: [QueueRow] = []
            for row in rows {
                let id: String = row["service_id"]
                let language = Language(rawValue: row["language"]) ?? .sv
                if let i = out.firstIndex(where: { $0.serviceId == id && $0.language == language }) {
                    out[i] = QueueRow(
                        serviceId: id, organizationId: out[i].organizationId, name: out[i].name, language: language,
                        fields: out[i].fields + [row["field"]], requestedAt: out[i].requestedAt)
                } else {
                    out.append(
                        QueueRow(
                            serviceId: id, organizationId: row["organization_id"],
                            name: LocalText(fi: row["name_fi"], sv: row["name_sv"], en: row["name_en"]), language: language,
                            fields: [row["field"]], requestedAt: row["requested_at"]))
                }
            }
            return out
        }
    }

    /// Writes the catalogue's text as a version, when no version holds it yet.
    static func writeBaseline(_ state: inout EditState, _ db: Database) throws {
        guard let baseline = state.baseline else { return }
        try baseline.insert(db)
        if baseline.number != state.row.version {
            try db.execute(literal: "UPDATE service SET version = \(baseline.number) WHERE id = \(state.row.id)")
            state.row.version = baseline.number
        }
        state.baseline = nil
    }

    static func setStatus(_ id: String, _ status: ServiceStatus, _ db: Database) throws {
        try db.execute(literal: "UPDATE service SET status = \(status) WHERE id = \(id)")
    }

    static func event(
        _ id: String, version: Int, _ action: ServiceAction, actor: String, comment: String?, now: Date, _ db: Database
    ) throws {
        try ServiceEventRecord(
            id: IDGenerator().next(), serviceId: id, version: version, action: action, actorId: actor, comment: comment, at: now.millis
        ).insert(db)
    }

    static func bumpRevision(_ db: Database) throws {
        try db.execute(sql: "UPDATE catalogue_state SET revision = revision + 1 WHERE id = 1")
    }

    /// Writes `service` into the catalogue: the row (updated in place, so what refers to it stays),
    /// its links and its index document.
    static func writeCatalogue(_ service: CatalogueFile.Service, createdAt: Int64, document: CatalogueIndexer.Document, _ db: Database)
        throws
    {
        try ServiceRecord(service, createdAt: createdAt).update(db)
        try writeLinks(ServiceLinks(service), of: service.id, db)
        try writeDocument(document, of: service.id, db)
        try bumpRevision(db)
    }

    static func writeLinks(_ links: ServiceLinks, of id: String, _ db: Database) throws {
        for (table, column, path) in ServiceLinks.tables {
            try db.execute(literal: "DELETE FROM \(sql: table) WHERE service_id = \(id)")
            for (position, value) in links[keyPath: path].enumerated() {
                try db.execute(
                    literal: "INSERT INTO \(sql: table) (service_id, \(sql: column), position) VALUES (\(id), \(value), \(position))")
            }
        }
    }

    /// The service's index document under a new row key; the old document is deleted.
    static func writeDocument(_ d: CatalogueIndexer.Document, of id: String, _ db: Database) throws {
        let old = try Int64.fetchOne(db, SQLRequest<Int64>("SELECT search_key FROM service_search_key WHERE service_id = \(id)"))
        let key = try CatalogueImportStore.topSearchKey(db) + 1
        try CatalogueImportStore.insertDocument(d, key: key, db)
        try db.execute(
            literal: """
                INSERT INTO service_search_key (search_key, service_id) VALUES (\(key), \(id))
                ON CONFLICT (service_id) DO UPDATE SET search_key = excluded.search_key
                """)
        if let old { try db.execute(literal: "DELETE FROM service_search WHERE rowid = \(old)") }
    }

    // MARK: Reads

    func version(_ id: String, _ number: Int) async throws -> ServiceVersionRecord? {
        try await db.writer.read { db in try ServiceVersionRecord.fetchOne(db, key: ["service_id": id, "number": number]) }
    }

    struct History: Sendable {
        var versions: [(ServiceVersionRecord, savedBy: String?)]
        var events: [(ServiceEventRecord, actor: String?)]
    }

    func history(_ id: String) async throws -> History {
        try await db.writer.read { db in
            let versions = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT v.*, u.display_name AS saved_by_name FROM service_version v LEFT JOIN app_user u ON u.id = v.saved_by
                    WHERE v.service_id = \(id) ORDER BY v.number DESC
                    """)
            ).map { (try ServiceVersionRecord(row: $0), savedBy: $0["saved_by_name"] as String?) }
            let events = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT e.*, u.display_name AS actor_name FROM service_event e LEFT JOIN app_user u ON u.id = e.actor_id
                    WHERE e.service_id = \(id) ORDER BY e.at DESC, e.rowid DESC LIMIT 200
                    """)
            ).map { (try ServiceEventRecord(row: $0), actor: $0["actor_name"] as String?) }
            return History(versions: versions, events: events)
        }
    }

    /// The editor's list: services of `organizations` (nil: every organisation), with their open edit.
    enum ListFilter: Sendable {
        case all, inReview
        /// Published or hidden services reviewed before this time (milliseconds), the oldest first.
        case reviewedBefore(Int64)
    }

    func list(organizations: Set<String>?, _ filter: ListFilter) async throws -> [(ServiceRecord, ServiceWorkRecord?, outdated: Bool)] {
        try await db.writer.read { db in
            let scope: SQL = organizations.map { "s.organization_id IN \(Array($0))" } ?? "1 = 1"
            let review: SQL
            var order: SQL = "s.name_fi, s.id"
            switch filter {
            case .all: review = "1 = 1"
            case .inReview: review = "w.state = 'review'"
            case .reviewedBefore(let time):
                review = "s.reviewed_at <= \(time) AND s.status IN \([ServiceStatus.published, .hidden])"
                order = "s.reviewed_at, s.name_fi, s.id"
            }
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT s.*, w.service_id AS w_service_id, w.version AS w_version, w.state AS w_state,
                        w.submitted_by AS w_submitted_by, w.submitted_at AS w_submitted_at, w.updated_at AS w_updated_at,
                        EXISTS (SELECT 1 FROM service_outdated o WHERE o.service_id = s.id) AS is_outdated
                    FROM service s LEFT JOIN service_work w ON w.service_id = s.id
                    WHERE \(scope) AND \(review) AND \(CatalogueSearchStore.live)
                    ORDER BY \(order)
                    """))
            return try rows.map { row in
                let work: ServiceWorkRecord? =
                    (row["w_service_id"] as String?) == nil
                    ? nil
                    : ServiceWorkRecord(
                        serviceId: row["w_service_id"], version: row["w_version"], state: row["w_state"],
                        submittedBy: row["w_submitted_by"],
                        submittedAt: row["w_submitted_at"], updatedAt: row["w_updated_at"])
                return (try ServiceRecord(row: row), work, row["is_outdated"])
            }
        }
    }
}

extension ServiceStatus {
    /// Draft and review: the catalogue has never published the service.
    var isNeverPublished: Bool { self == .draft || self == .review }
}
