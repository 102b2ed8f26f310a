import Foundation
import GRDB

/// The demo data's writes, in one transaction, through the features' own store functions.
struct DemoStore: Sendable {
    let db: AppDatabase

    func isEmpty() async throws -> Bool {
        try await db.writer.read { db in try UserRecord.fetchCount(db) == 0 }
    }

    func seed(organizations: [(OrganizationRecord, [String])], users: [(UserRecord, String?, Role?)], now: Date) async throws {
        try await db.writer.write { db in
            for (org, codes) in organizations { try OrganizationsStore.save(org, codes: codes, upsert: true, db) }
            for (user, orgId, role) in users {
                try AuthStore.insert(user, db)
                if let orgId, let role { try OrganizationsStore.addRoles([role], organizationId: orgId, userId: user.id, now: now, db) }
            }
        }
    }
}
