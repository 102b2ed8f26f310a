import Foundation
import GRDB

/// All SQL of invitations and their one-time codes.
struct InvitationsStore: Sendable {
    let db: AppDatabase

    func list(kind: InvitationKind, targetId: String, page: PageRequest) async throws -> [InvitationRecord] {
        try await db.writer.read { db in
            try InvitationRecord.fetchAll(
                db,
                SQLRequest<InvitationRecord>(
                    """
                    SELECT * FROM invitation WHERE kind = \(kind.rawValue) AND target_id = \(targetId)
                    ORDER BY created_at DESC, id LIMIT \(page.limit + 1) OFFSET \(page.offset)
                    """))
        }
    }

    /// Stores the invitation, its e-mail and its security event in one transaction.
    func create(_ prepared: PreparedInvitation) async throws {
        try await db.writer.write { db in try Self.insert(prepared, db) }
    }

    /// Stores a prepared invitation inside the caller's transaction.
    static func insert(_ p: PreparedInvitation, _ db: Database) throws {
        try p.row.insert(db)
        try MailStore.enqueue(p.mail, db)
        try SecurityEventsStore.record(p.event, id: p.eventId, at: p.now, db)
    }

    /// Revokes a pending invitation; false when there is no such pending invitation.
    func revoke(id: String, kind: InvitationKind, targetId: String, event: (SecurityEvent, String), now: Date) async throws -> Bool {
        try await db.writer.write { db in
            try db.execute(
                literal: """
                    UPDATE invitation SET revoked_at = \(now.millis)
                    WHERE id = \(id) AND kind = \(kind.rawValue) AND target_id = \(targetId) AND accepted_at IS NULL AND revoked_at IS NULL
                    """)
            guard db.changesCount > 0 else { return false }
            try db.execute(literal: "DELETE FROM invitation_code WHERE invitation_id = \(id)")
            try SecurityEventsStore.record(event.0, id: event.1, at: now, db)
            return true
        }
    }

    func invitation(tokenHash: String) async throws -> InvitationRecord? {
        try await db.writer.read { db in
            try InvitationRecord.fetchOne(db, SQLRequest<InvitationRecord>("SELECT * FROM invitation WHERE token_hash = \(tokenHash)"))
        }
    }

    /// The invitation's target name and the invited person's account, read together.
    func preview(_ invitation: InvitationRecord, grant: InvitationGrant) async throws -> (LocalText?, UserRecord?) {
        try await db.writer.read { db in
            (try grant.targetName(invitation.targetId, db), try AuthStore.user(emailNormalized: invitation.emailNormalized, db))
        }
    }

    /// Replaces the invitation's one-time code and queues its e-mail, with the event, in one transaction.
    func replaceCode(_ code: InvitationCodeRecord, mail: OutgoingMail, event: (SecurityEvent, String), now: Date) async throws {
        try await db.writer.write { db in
            try db.execute(literal: "DELETE FROM invitation_code WHERE invitation_id = \(code.invitationId)")
            try code.insert(db)
            try MailStore.enqueue(mail, db)
            try SecurityEventsStore.record(event.0, id: event.1, at: now, db)
        }
    }

    /// How the person proved who they are, checked inside the accept transaction.
    enum Proof: Sendable {
        /// A password checked before the transaction (existing account) or a new one to set.
        case password(newHash: String?)
        /// A one-time code, checked and counted here so concurrent tries cannot exceed the limit.
        case code(hash: String, maxAttempts: Int)
    }

    enum Acceptance: Sendable {
        case accepted(userId: String)
        case gone
        case codeWrong(attemptsLeft: Int)
        case codeExpired
    }

    /// Accepts an invitation in one transaction: checks the proof, creates the account (or sets its
    /// first password), lets the invitation's kind grant its access, marks the invitation used, opens
    /// a session and records the event. A wrong code is counted even though nothing else is written.
    func accept(
        invitationId: String, proof: Proof, newUser: UserRecord?, existingUserId: String?, grant: InvitationGrant,
        session: SessionRecord, event: (SecurityEvent, String), failure: (SecurityEvent, String), now: Date
    ) async throws -> Acceptance {
        try await db.writer.write { db in
            guard let inv = try InvitationRecord.fetchOne(db, key: invitationId), inv.status(now: now) == .pending else { return .gone }
            var setHash: String?
            switch proof {
            case .password(let newHash): setHash = newHash
            case .code(let hash, let maxAttempts):
                guard let code = try InvitationCodeRecord.fetchOne(db, key: invitationId), code.attempts < maxAttempts else {
                    return .codeExpired
                }
                if code.expiresAt <= now.millis { return .codeExpired }
                guard Secrets.constantTimeEqual(code.codeHash, hash) else {
                    try db.execute(literal: "UPDATE invitation_code SET attempts = attempts + 1 WHERE invitation_id = \(invitationId)")
                    try SecurityEventsStore.record(failure.0, id: failure.1, at: now, db)
                    return .codeWrong(attemptsLeft: max(0, maxAttempts - code.attempts - 1))
                }
            }
            let userId: String
            if let newUser {
                try AuthStore.insert(newUser, db)
                userId = newUser.id
            } else if let existingUserId {
                userId = existingUserId
                if let setHash {
                    try db.execute(
                        literal: """
                            UPDATE app_user SET password_hash = \(setHash), updated_at = \(now.millis)
                            WHERE id = \(userId) AND password_hash IS NULL
                            """)
                }
            } else {
                return .gone
            }
            try grant.grant(inv, userId, now, db)
            try db.execute(literal: "UPDATE invitation SET accepted_at = \(now.millis), accepted_by = \(userId) WHERE id = \(invitationId)")
            try db.execute(literal: "DELETE FROM invitation_code WHERE invitation_id = \(invitationId)")
            try AuthStore.insert(session, db)
            var recorded = event.0
            recorded.actorId = userId
            try SecurityEventsStore.record(recorded, id: event.1, at: now, db)
            return .accepted(userId: userId)
        }
    }
}
