import Foundation
import GRDB

/// All SQL of organisations, their members and invitations.
struct OrganizationsStore: Sendable {
    let db: AppDatabase

    // MARK: Organisations

    func list(page: PageRequest) async throws -> [OrganizationDTO] {
        try await db.writer.read { db in
            let rows = try OrganizationRecord.fetchAll(
                db,
                SQLRequest<OrganizationRecord>(
                    "SELECT * FROM organization ORDER BY name_fi, id LIMIT \(page.limit + 1) OFFSET \(page.offset)"))
            return try rows.map { try Self.dto($0, db) }
        }
    }

    func organization(id: String) async throws -> OrganizationDTO? {
        try await db.writer.read { db in try OrganizationRecord.fetchOne(db, key: id).map { try Self.dto($0, db) } }
    }

    static func dto(_ row: OrganizationRecord, _ db: Database) throws -> OrganizationDTO {
        let codes = try String.fetchAll(
            db,
            SQLRequest<String>(
                "SELECT municipality_code FROM organization_municipality WHERE organization_id = \(row.id) ORDER BY municipality_code"))
        return OrganizationDTO(
            id: row.id, name: LocalText(fi: row.nameFi, sv: row.nameSv, en: row.nameEn), sector: Sector(rawValue: row.sector) ?? .public,
            kind: row.kind, municipalityCodes: codes)
    }

    /// Inserts an organisation, or updates it in place when `upsert` and it exists.
    static func save(_ row: OrganizationRecord, codes: [String], upsert: Bool, _ db: Database) throws {
        if try OrganizationRecord.exists(db, key: row.id) {
            guard upsert else { throw AppError(.conflict, "organization.exists") }
            try db.execute(
                literal: """
                    UPDATE organization SET name_fi = \(row.nameFi), name_sv = \(row.nameSv), name_en = \(row.nameEn),
                    sector = \(row.sector), kind = \(row.kind), updated_at = \(row.updatedAt) WHERE id = \(row.id)
                    """)
        } else {
            try row.insert(db)
        }
        try db.execute(literal: "DELETE FROM organization_municipality WHERE organization_id = \(row.id)")
        var seen: Set<String> = []
        for (position, code) in codes.enumerated() where seen.insert(code).inserted {
            try db.execute(
                literal: """
                    INSERT INTO organization_municipality (organization_id, municipality_code, position)
                    VALUES (\(row.id), \(code), \(position))
                    """)
        }
    }

    func create(_ row: OrganizationRecord, codes: [String]) async throws {
        try await db.writer.write { db in try Self.save(row, codes: codes, upsert: false, db) }
    }

    func update(id: String, _ change: @escaping @Sendable (inout OrganizationRecord, inout [String]) -> Void) async throws
        -> OrganizationDTO?
    {
        try await db.writer.write { db in
            guard var row = try OrganizationRecord.fetchOne(db, key: id) else { return nil }
            var codes = try Self.dto(row, db).municipalityCodes
            change(&row, &codes)
            try Self.save(row, codes: codes, upsert: true, db)
            return try Self.dto(row, db)
        }
    }

    // MARK: Members

    func members(organizationId: String, page: PageRequest) async throws -> [MemberDTO] {
        try await db.writer.read { db in
            let users = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT u.id, u.email, u.display_name, MIN(m.created_at) AS since
                    FROM membership m JOIN app_user u ON u.id = m.user_id
                    WHERE m.organization_id = \(organizationId)
                    GROUP BY u.id, u.email, u.display_name
                    ORDER BY u.display_name, u.id LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """))
            return try users.map { row in
                let userId: String = row["id"]
                return MemberDTO(
                    userId: userId, email: row["email"], displayName: row["display_name"],
                    roles: try Self.roles(organizationId: organizationId, userId: userId, db), since: Date(millis: row["since"]))
            }
        }
    }

    static func roles(organizationId: String, userId: String, _ db: Database) throws -> [Role] {
        try String.fetchAll(
            db, SQLRequest<String>("SELECT role FROM membership WHERE organization_id = \(organizationId) AND user_id = \(userId)")
        ).compactMap(Role.init(rawValue:)).sorted()
    }

    static func addRoles(_ roles: [Role], organizationId: String, userId: String, now: Date, _ db: Database) throws {
        for role in Set(roles) {
            try db.execute(
                literal: """
                    INSERT INTO membership (organization_id, user_id, role, created_at)
                    VALUES (\(organizationId), \(userId), \(role.rawValue), \(now.millis)) ON CONFLICT DO NOTHING
                    """)
        }
    }

    enum MemberChange {
        case done(MemberDTO?)
        case notMember, lastAdmin
    }

    /// Replaces a member's roles (none = removes the member). Refuses to leave the organisation without an admin.
    func setRoles(
        _ roles: [Role], organizationId: String, userId: String, event: (SecurityEvent, String), now: Date
    ) async throws -> MemberChange {
        try await db.writer.write { db in
            let current = try Self.roles(organizationId: organizationId, userId: userId, db)
            if current.isEmpty { return .notMember }
            if current.contains(.orgAdmin) && !roles.contains(.orgAdmin) {
                let admins =
                    try Int.fetchOne(
                        db,
                        SQLRequest<Int>(
                            "SELECT COUNT(*) FROM membership WHERE organization_id = \(organizationId) AND role = 'orgAdmin'")) ?? 0
                if admins <= 1 { return .lastAdmin }
            }
            try db.execute(literal: "DELETE FROM membership WHERE organization_id = \(organizationId) AND user_id = \(userId)")
            try SecurityEventsStore.record(event.0, id: event.1, at: now, db)
            if roles.isEmpty { return .done(nil) }
            try Self.addRoles(roles, organizationId: organizationId, userId: userId, now: now, db)
            let since: SQLRequest<Row> = "SELECT email, display_name FROM app_user WHERE id = \(userId)"
            guard let user = try since.fetchOne(db) else { return .notMember }
            return .done(
                MemberDTO(
                    userId: userId, email: user["email"], displayName: user["display_name"],
                    roles: try Self.roles(organizationId: organizationId, userId: userId, db), since: now))
        }
    }

    /// The organisation's name, for the invitation page.
    static func name(id: String, _ db: Database) throws -> LocalText? {
        try OrganizationRecord.fetchOne(db, key: id).map { LocalText(fi: $0.nameFi, sv: $0.nameSv, en: $0.nameEn) }
    }
}

struct OrganizationRecord: AppRecord, Equatable {
    static let databaseTableName = "organization"
    var id: String
    var nameFi: String
    var nameSv: String?
    var nameEn: String?
    var sector: String
    var kind: String
    var createdAt: Int64
    var updatedAt: Int64
}
