import Foundation
import GRDB

/// All SQL of accounts, sessions and password resets.
struct AuthStore: Sendable {
    let db: AppDatabase

    // MARK: Users

    func user(id: String) async throws -> UserRecord? {
        try await db.writer.read { db in try UserRecord.fetchOne(db, key: id) }
    }

    func user(emailNormalized: String) async throws -> UserRecord? {
        try await db.writer.read { db in try Self.user(emailNormalized: emailNormalized, db) }
    }

    static func user(emailNormalized: String, _ db: Database) throws -> UserRecord? {
        try UserRecord.fetchOne(db, SQLRequest<UserRecord>("SELECT * FROM app_user WHERE email_normalized = \(emailNormalized)"))
    }

    /// The user with their memberships, for `/me` and sign-in answers.
    func profile(userId: String) async throws -> (UserRecord, [MembershipRow])? {
        try await db.writer.read { db in try Self.profile(userId: userId, db) }
    }

    static func profile(userId: String, _ db: Database) throws -> (UserRecord, [MembershipRow])? {
        guard let user = try UserRecord.fetchOne(db, key: userId) else { return nil }
        let rows = try MembershipRow.fetchAll(
            db,
            SQLRequest<MembershipRow>(
                """
                SELECT m.organization_id, m.role, o.name_fi, o.name_sv, o.name_en
                FROM membership m JOIN organization o ON o.id = m.organization_id
                WHERE m.user_id = \(userId) ORDER BY o.name_fi, m.organization_id
                """))
        return (user, rows)
    }

    static func insert(_ user: UserRecord, _ db: Database) throws {
        do {
            try user.insert(db)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw AppError.validation([FieldError("email", "field.emailTaken")])
        }
    }

    func update(userId: String, displayName: String?, language: Language?, now: Date) async throws {
        try await db.writer.write { db in
            if let displayName {
                try db.execute(
                    literal: "UPDATE app_user SET display_name = \(displayName), updated_at = \(now.millis) WHERE id = \(userId)")
            }
            if let language {
                try db.execute(
                    literal: "UPDATE app_user SET language = \(language.rawValue), updated_at = \(now.millis) WHERE id = \(userId)")
            }
        }
    }

    /// Sets a new password hash and ends the user's sessions, except `keepSession` when given.
    func setPassword(userId: String, hash: String, keepSession: String?, now: Date) async throws {
        try await db.writer.write { db in try Self.setPassword(userId: userId, hash: hash, keepSession: keepSession, now: now, db) }
    }

    /// Stores a stronger hash of the same password; sessions stay.
    func replaceHash(userId: String, hash: String) async throws {
        try await db.writer.write { db in
            try db.execute(literal: "UPDATE app_user SET password_hash = \(hash) WHERE id = \(userId)")
        }
    }

    static func setPassword(userId: String, hash: String, keepSession: String?, now: Date, _ db: Database) throws {
        try db.execute(literal: "UPDATE app_user SET password_hash = \(hash), updated_at = \(now.millis) WHERE id = \(userId)")
        if let keepSession {
            try db.execute(literal: "DELETE FROM session WHERE user_id = \(userId) AND id <> \(keepSession)")
        } else {
            try db.execute(literal: "DELETE FROM session WHERE user_id = \(userId)")
        }
    }

    func userCount() async throws -> Int {
        try await db.writer.read { db in try UserRecord.fetchCount(db) }
    }

    // MARK: Sessions

    static func insert(_ session: SessionRecord, _ db: Database) throws { try session.insert(db) }

    func insert(_ session: SessionRecord) async throws {
        try await db.writer.write { db in try session.insert(db) }
    }

    func session(tokenHash: String) async throws -> SessionRecord? {
        try await db.writer.read { db in
            try SessionRecord.fetchOne(db, SQLRequest<SessionRecord>("SELECT * FROM session WHERE token_hash = \(tokenHash)"))
        }
    }

    func touch(sessionId: String, now: Date) async throws {
        try await db.writer.write { db in
            try db.execute(literal: "UPDATE session SET last_used_at = \(now.millis) WHERE id = \(sessionId)")
        }
    }

    func sessions(userId: String, page: PageRequest) async throws -> [SessionRecord] {
        try await db.writer.read { db in
            try SessionRecord.fetchAll(
                db,
                SQLRequest<SessionRecord>(
                    """
                    SELECT * FROM session WHERE user_id = \(userId)
                    ORDER BY created_at DESC, id LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """))
        }
    }

    /// Deletes one session of the user; false when there was none.
    func deleteSession(id: String, userId: String) async throws -> Bool {
        try await db.writer.write { db in
            try db.execute(literal: "DELETE FROM session WHERE id = \(id) AND user_id = \(userId)")
            return db.changesCount > 0
        }
    }

    func deleteSessions(userId: String) async throws {
        try await db.writer.write { db in try db.execute(literal: "DELETE FROM session WHERE user_id = \(userId)") }
    }

    func deleteExpiredSessions(now: Date, idleBefore: Date) async throws -> Int {
        try await db.writer.write { db in
            try db.execute(literal: "DELETE FROM session WHERE expires_at <= \(now.millis) OR last_used_at <= \(idleBefore.millis)")
            return db.changesCount
        }
    }

    // MARK: Password resets

    /// Stores a reset token and its e-mail in one transaction.
    func createReset(_ reset: PasswordResetRecord, mail: OutgoingMail) async throws {
        try await db.writer.write { db in
            try reset.insert(db)
            try MailStore.enqueue(mail, db)
        }
    }

    enum ResetOutcome {
        case done(userId: String)
        case invalid, expired
    }

    /// Uses a reset token: sets the password and ends every session of the user, all in one transaction.
    func useReset(tokenHash: String, passwordHash: String, now: Date) async throws -> ResetOutcome {
        try await db.writer.write { db in
            guard
                let reset = try PasswordResetRecord.fetchOne(
                    db, SQLRequest<PasswordResetRecord>("SELECT * FROM password_reset WHERE token_hash = \(tokenHash)")),
                reset.usedAt == nil
            else { return .invalid }
            if reset.expiresAt <= now.millis { return .expired }
            try db.execute(literal: "UPDATE password_reset SET used_at = \(now.millis) WHERE user_id = \(reset.userId) AND used_at IS NULL")
            try Self.setPassword(userId: reset.userId, hash: passwordHash, keepSession: nil, now: now, db)
            return .done(userId: reset.userId)
        }
    }
}

struct PasswordResetRecord: AppRecord {
    static let databaseTableName = "password_reset"
    var id: String
    var tokenHash: String
    var userId: String
    var createdAt: Int64
    var expiresAt: Int64
    var usedAt: Int64?
}
// MARK: - Rows

struct UserRecord: AppRecord {
    static let databaseTableName = "app_user"
    var id: String
    var email: String
    var emailNormalized: String
    var displayName: String
    var language: String
    var passwordHash: String?
    var isPlatformAdmin: Bool
    var createdAt: Int64
    var updatedAt: Int64
}

struct SessionRecord: AppRecord {
    static let databaseTableName = "session"
    var id: String
    var tokenHash: String
    var userId: String
    var createdAt: Int64
    var lastUsedAt: Int64
    var expiresAt: Int64
    var userAgent: String?
}

/// One role of one user in one organisation, with the organisation's name.
struct MembershipRow: Decodable, FetchableRecord, Sendable {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    let organizationId: String
    let role: String
    let nameFi: String
    let nameSv: String?
    let nameEn: String?
}
