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

    /// Sets a new password hash, ends the user's sessions (except `keepSession`) and voids their open
    /// reset links, with the event, in one transaction.
    func setPassword(
        userId: String, hash: String, keepSession: String?, event: (SecurityEvent, String), now: Date
    ) async throws -> [SessionEvents.Ended] {
        try await db.writer.write { db in
            let ended = try Self.setPassword(userId: userId, hash: hash, keepSession: keepSession, now: now, db)
            try SecurityEventsStore.record(event.0, id: event.1, at: now, db)
            return ended
        }
    }

    static func setPassword(userId: String, hash: String, keepSession: String?, now: Date, _ db: Database) throws -> [SessionEvents.Ended] {
        try db.execute(literal: "UPDATE app_user SET password_hash = \(hash), updated_at = \(now.millis) WHERE id = \(userId)")
        try db.execute(literal: "UPDATE password_reset SET used_at = \(now.millis) WHERE user_id = \(userId) AND used_at IS NULL")
        return try deleteSessions(.allOf(userId, except: keepSession), db)
    }

    enum Removal {
        case removed([SessionEvents.Ended])
        case notFound, lastAdmin
    }

    /// Deletes an account with everything that hangs on it (sessions, memberships, lists), unless it
    /// is the last admin of an organisation; the event goes in the same transaction.
    func removeUser(_ userId: String, event: (SecurityEvent, String), now: Date) async throws -> Removal {
        try await db.writer.write { db in
            guard try UserRecord.fetchOne(db, key: userId) != nil else { return .notFound }
            let soleAdmin = try Int.fetchOne(
                db,
                SQLRequest<Int>(
                    """
                    SELECT COUNT(*) FROM membership m
                    WHERE m.user_id = \(userId) AND m.role = 'orgAdmin'
                      AND NOT EXISTS (SELECT 1 FROM membership o WHERE o.organization_id = m.organization_id
                                      AND o.role = 'orgAdmin' AND o.user_id <> \(userId))
                    """))
            if (soleAdmin ?? 0) > 0 { return .lastAdmin }
            let ended = try Self.deleteSessions(.allOf(userId, except: nil), db)
            try db.execute(literal: "DELETE FROM app_user WHERE id = \(userId)")
            try SecurityEventsStore.record(event.0, id: event.1, at: now, db)
            return .removed(ended)
        }
    }

    func userCount() async throws -> Int {
        try await db.writer.read { db in try UserRecord.fetchCount(db) }
    }

    // MARK: Sessions

    static func insert(_ session: SessionRecord, _ db: Database) throws { try session.insert(db) }

    /// Sign-in as one write: a stronger hash of the same password when due, the session and its event.
    /// Returns the profile read in the same transaction (nil when the account vanished meanwhile).
    func signIn(
        _ session: SessionRecord, rehash: String?, event: SecurityEvent, eventId: String, now: Date
    ) async throws -> (UserRecord, [MembershipRow])? {
        try await db.writer.write { db in
            guard let profile = try Self.profile(userId: session.userId, db) else { return nil }
            if let rehash {
                try db.execute(literal: "UPDATE app_user SET password_hash = \(rehash) WHERE id = \(session.userId)")
            }
            try session.insert(db)
            try SecurityEventsStore.record(event, id: eventId, at: now, db)
            return profile
        }
    }

    /// Security events that stand alone.
    func record(_ events: [(SecurityEvent, String)], now: Date) async throws {
        try await db.writer.write { db in
            for (event, id) in events { try SecurityEventsStore.record(event, id: id, at: now, db) }
        }
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

    /// Which sessions to end.
    enum Sessions {
        case one(String, userId: String)
        case allOf(String, except: String?)
        case expired(now: Date, idleBefore: Date)
    }

    /// Deletes sessions, with an optional event in the same transaction (recorded when a session
    /// ended); returns the ended ones.
    func deleteSessions(_ which: Sessions, event: (SecurityEvent, String)?, now: Date) async throws -> [SessionEvents.Ended] {
        try await db.writer.write { db in
            let ended = try Self.deleteSessions(which, db)
            if let (event, id) = event, !ended.isEmpty {
                try SecurityEventsStore.record(event, id: id, at: now, db)
            }
            return ended
        }
    }

    static func deleteSessions(_ which: Sessions, _ db: Database) throws -> [SessionEvents.Ended] {
        let condition: SQL =
            switch which {
            case .one(let id, let userId): "id = \(id) AND user_id = \(userId)"
            case .allOf(let userId, nil): "user_id = \(userId)"
            case .allOf(let userId, let keep?): "user_id = \(userId) AND id <> \(keep)"
            case .expired(let now, let idleBefore): "expires_at <= \(now.millis) OR last_used_at <= \(idleBefore.millis)"
            }
        // Signed out everywhere (or a new password): the other devices get no more pushes either.
        if case .allOf(let userId, let keep) = which { try PushStore.forgetDevices(of: userId, except: keep, db) }
        let rows = try Row.fetchAll(db, SQLRequest<Row>("DELETE FROM session WHERE \(condition) RETURNING id, user_id"))
        return rows.map { SessionEvents.Ended(userId: $0["user_id"], sessionId: $0["id"]) }
    }

    // MARK: Password resets

    /// Stores a reset request as a job, in its own transaction.
    func enqueueResetRequest(_ request: PasswordResetRequest, key: String, now: Date) async throws {
        try await db.writer.write { db in
            try JobStore.enqueue(kind: PasswordResetRequests.kind, key: key, payload: request, due: now, maxAttempts: 5, db)
        }
    }

    /// Stores a reset token and its e-mail in one transaction; false when a reset with this id exists
    /// already (the job that makes it ran before a crash).
    func createReset(_ reset: PasswordResetRecord, mail: OutgoingMail) async throws -> Bool {
        try await db.writer.write { db in
            guard try PasswordResetRecord.fetchOne(db, key: reset.id) == nil else { return false }
            try reset.insert(db)
            try MailStore.enqueue(mail, db)
            return true
        }
    }

    func reset(tokenHash: String) async throws -> PasswordResetRecord? {
        try await db.writer.read { db in try Self.reset(tokenHash: tokenHash, db) }
    }

    static func reset(tokenHash: String, _ db: Database) throws -> PasswordResetRecord? {
        try PasswordResetRecord.fetchOne(
            db, SQLRequest<PasswordResetRecord>("SELECT * FROM password_reset WHERE token_hash = \(tokenHash)"))
    }

    enum ResetOutcome {
        case done([SessionEvents.Ended])
        case invalid, expired
    }

    /// Uses a reset token: sets the password, voids the user's other links and ends every session of the
    /// user, with the event, all in one transaction. The token is checked again inside it.
    func useReset(tokenHash: String, passwordHash: String, event: (SecurityEvent, String), now: Date) async throws -> ResetOutcome {
        try await db.writer.write { db in
            guard let reset = try Self.reset(tokenHash: tokenHash, db), reset.usedAt == nil else { return .invalid }
            if reset.expiresAt <= now.millis { return .expired }
            let ended = try Self.setPassword(userId: reset.userId, hash: passwordHash, keepSession: nil, now: now, db)
            var recorded = event.0
            recorded.actorId = reset.userId
            try SecurityEventsStore.record(recorded, id: event.1, at: now, db)
            return .done(ended)
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
