import Foundation
import GRDB
import Hummingbird

/// What an invitation grants. Each kind registers how it grants access (inside the accept
/// transaction) and how its target is named on the invitation page.
enum InvitationKind: String, Codable, Sendable, CaseIterable {
    case organization, space
}

enum InvitationStatus: String, Codable, Sendable {
    case pending, accepted, expired, revoked
}

/// How one kind of invitation gives access. `grant` runs inside the accept transaction.
struct InvitationGrant: Sendable {
    /// The name of the invitation's target (an organisation, a space), or nil when it no longer exists.
    let targetName: @Sendable (_ targetId: String, _ db: Database) throws -> LocalText?
    /// Gives the accepting user what the invitation promised.
    let grant: @Sendable (_ invitation: InvitationRecord, _ userId: String, _ now: Date, _ db: Database) throws -> Void
}

struct InvitationRecord: AppRecord {
    static let databaseTableName = "invitation"
    var id: String
    var tokenHash: String
    var kind: String
    var targetId: String
    var email: String
    var emailNormalized: String
    var roles: String
    var language: String
    var invitedBy: String?
    var createdAt: Int64
    var expiresAt: Int64
    var acceptedAt: Int64?
    var acceptedBy: String?
    var revokedAt: Int64?

    var roleList: [Role] { roles.split(separator: ",").compactMap { Role(rawValue: String($0)) }.sorted() }
    var invitationKind: InvitationKind? { InvitationKind(rawValue: kind) }

    func status(now: Date) -> InvitationStatus {
        if acceptedAt != nil { return .accepted }
        if revokedAt != nil { return .revoked }
        return expiresAt <= now.millis ? .expired : .pending
    }
}

struct InvitationCodeRecord: AppRecord {
    static let databaseTableName = "invitation_code"
    var invitationId: String
    var codeHash: String
    var createdAt: Int64
    var expiresAt: Int64
    var attempts: Int
}

/// A new invitation, as the feature that owns the target asks for it.
struct NewInvitation: Sendable {
    let kind: InvitationKind
    let targetId: String
    let email: String
    let roles: [Role]
    let language: Language
    let invitedBy: String
    /// The e-mail's subject and body for the accept link.
    let mail: @Sendable (_ link: String) -> (subject: String, body: String)
}

/// A new invitation's rows, ready to be stored in a transaction.
struct PreparedInvitation: Sendable {
    let row: InvitationRecord
    let mail: OutgoingMail
    let event: SecurityEvent
    let eventId: String
    let now: Date
}

// MARK: - API types

struct InvitationDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let email: String
    let roles: [Role]
    let status: InvitationStatus
    let createdAt: Date
    let expiresAt: Date
    @Nullable var acceptedAt: Date?
}

struct InvitationTokenInput: Decodable, Sendable {
    let token: String
}

/// Accepting proves who the person is in one of three ways: the password of their existing
/// account, a new password for a new account, or a one-time code e-mailed to the invited address.
struct AcceptInvitationInput: Decodable, Sendable {
    let token: String
    let displayName: String?
    let password: String?
    let code: String?
    let language: Language?
}

struct InvitationPreviewDTO: ResponseCodable, Sendable {
    let kind: InvitationKind
    let email: String
    /// The organisation or space the invitation is to.
    let targetName: LocalText
    /// Kept for the organisation page of earlier clients; the same as `targetName`.
    let organizationName: LocalText
    let roles: [Role]
    let expiresAt: Date
    let accountExists: Bool
}

struct InvitationCodeSentDTO: ResponseCodable, Sendable {
    let expiresAt: Date
}
