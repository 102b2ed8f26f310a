import Foundation
import GRDB

/// All SQL of the catalogue's statistics: the services of a scope, their events and picks, and the
/// page views counted per service and day.
struct CatalogueStatisticsStore: Sendable {
    let db: AppDatabase

    struct ServiceRow: Sendable {
        let id: String
        let name: LocalText
        let organizationId: String
        let status: ServiceStatus
        let reviewedAt: Int64
        let views: Int
        let picks: Int
    }

    struct Figures: Sendable {
        var services: [ServiceRow] = []
        /// Status of each open edit (of a service already published once).
        var openEdits: [String] = []
        /// When each publication (approval or import from the national registry) happened.
        var publications: [Int64] = []
        /// When each pick into a space happened.
        var picks: [Int64] = []
        /// Views by month (yyyy-mm).
        var views: [String: Int] = [:]
    }

    /// What the services of `scope` did since `sinceDay` / `sinceMillis`, read in one transaction.
    func figures(_ scope: StatisticsScope, sinceDay: String, sinceMillis: Int64) async throws -> Figures {
        try await db.writer.read { db in
            let inScope: SQL =
                switch scope {
                case .all: "1"
                case .organization(let id): "s.organization_id = \(id)"
                case .municipality(let code):
                    "s.id IN (SELECT service_id FROM service_municipality WHERE municipality_code = \(code))"
                }
            let services: SQL = "SELECT s.id FROM service s WHERE \(inScope) AND \(CatalogueSearchStore.live)"
            var f = Figures()
            f.services = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: """
                        SELECT s.id, s.name_fi, s.name_sv, s.name_en, s.organization_id, s.status, s.reviewed_at,
                          (SELECT COALESCE(SUM(v.views), 0) FROM service_view_day v WHERE v.service_id = s.id AND v.day >= \(sinceDay)) AS views,
                          (SELECT COUNT(DISTINCT p.space_id) FROM space_pick p WHERE p.service_id = s.id AND p.created_at >= \(sinceMillis)) AS picks
                        FROM service s WHERE \(inScope) AND \(CatalogueSearchStore.live)
                        """)
            ).map {
                ServiceRow(
                    id: $0["id"], name: LocalText(fi: $0["name_fi"], sv: $0["name_sv"], en: $0["name_en"]),
                    organizationId: $0["organization_id"], status: ServiceStatus(rawValue: $0["status"]) ?? .draft,
                    reviewedAt: $0["reviewed_at"], views: $0["views"], picks: $0["picks"])
            }
            f.openEdits = try String.fetchAll(
                db,
                SQLRequest<String>(
                    literal: """
                        SELECT w.state FROM service_work w JOIN service s ON s.id = w.service_id
                        WHERE w.service_id IN (\(services)) AND s.status IN \([ServiceStatus.published, .hidden, .archived])
                        """))
            f.publications = try Int64.fetchAll(
                db,
                SQLRequest<Int64>(
                    literal: """
                        SELECT at FROM service_event WHERE service_id IN (\(services))
                          AND action IN ('approved', 'imported') AND at >= \(sinceMillis)
                        """))
            f.picks = try Int64.fetchAll(
                db,
                SQLRequest<Int64>(
                    literal: "SELECT created_at FROM space_pick WHERE service_id IN (\(services)) AND created_at >= \(sinceMillis)"))
            for row in try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: """
                        SELECT substr(day, 1, 7) AS month, SUM(views) AS views FROM service_view_day
                        WHERE service_id IN (\(services)) AND day >= \(sinceDay) GROUP BY month
                        """))
            {
                f.views[row["month"]] = row["views"]
            }
            return f
        }
    }

    /// The organisations and municipalities a caller may choose: `organizations` by id (all when nil),
    /// and the municipalities that the public-sector ones among `regionOrganizations` serve (all when nil).
    func choices(organizations: Set<String>?, regionOrganizations: Set<String>?) async throws -> StatisticsChoicesDTO {
        try await db.writer.read { db in
            let orgs = try Row.fetchAll(db, sql: "SELECT id, name_fi, name_sv, name_en FROM organization ORDER BY name_fi, id")
                .filter { organizations?.contains($0["id"]) ?? true }
                .map { StatisticsChoiceDTO(id: $0["id"], name: LocalText(fi: $0["name_fi"], sv: $0["name_sv"], en: $0["name_en"])) }
            let served: Set<String>? = try regionOrganizations.map { ids in
                Set(
                    try String.fetchAll(
                        db,
                        SQLRequest<String>(
                            literal: """
                                SELECT om.municipality_code FROM organization_municipality om JOIN organization o ON o.id = om.organization_id
                                WHERE o.sector = 'public' AND o.id IN \(Array(ids))
                                """)))
            }
            let municipalities = try Row.fetchAll(
                db, sql: "SELECT code, name_fi, name_sv, name_en FROM municipality ORDER BY position, code"
            )
            .filter { served?.contains($0["code"]) ?? true }
            .map { StatisticsChoiceDTO(id: $0["code"], name: LocalText(fi: $0["name_fi"], sv: $0["name_sv"], en: $0["name_en"])) }
            return StatisticsChoicesDTO(organizations: orgs, municipalities: municipalities, all: organizations == nil)
        }
    }

    /// Adds counted page views (service, day → views).
    func record(views: [ViewKey: Int]) async throws {
        guard !views.isEmpty else { return }
        try await db.writer.write { db in
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO service_view_day (service_id, day, views) VALUES (?, ?, ?)
                    ON CONFLICT (service_id, day) DO UPDATE SET views = views + excluded.views
                    """)
            for (key, count) in views { try upsert.execute(arguments: [key.serviceId, key.day, count]) }
        }
    }

    /// Erases the view counts of the days before `day`; returns how many rows went.
    func eraseViews(before day: String) async throws -> Int {
        try await db.writer.write { db in
            try db.execute(literal: "DELETE FROM service_view_day WHERE day < \(day)")
            return db.changesCount
        }
    }

    struct ViewKey: Hashable, Sendable {
        let serviceId: String
        let day: String
    }
}
