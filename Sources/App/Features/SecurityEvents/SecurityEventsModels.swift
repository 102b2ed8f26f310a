import Foundation
import GRDB

/// What a security event records. The raw values are stored and are part of the API.
enum SecurityEventKind: String, Codable, Sendable, CaseIterable {
    case signIn, signInFailed, throttled, signOut, signOutEverywhere, sessionRevoked
    case passwordChanged, passwordReset
    case invitationSent, invitationAccepted, invitationRevoked
    case roleChanged, memberRemoved, userRemoved
    case oneTimeCodeSent, oneTimeCodeFailed
    /// A site was allowed, or no longer allowed, to frame the search widget (detail: its origin).
    case embedSiteAdded, embedSiteRemoved
}

/// One event to record, built by the feature that makes the change and written in its transaction.
/// It names ids only: never a password, token, e-mail address or message text.
struct SecurityEvent: Sendable {
    var kind: SecurityEventKind
    /// Who did it; nil for an anonymous caller.
    var actorId: String?
    /// Whose account it concerns, when that is not the actor.
    var subjectId: String?
    var organizationId: String?
    var sessionId: String?
    /// The invitation or other object the event is about.
    var targetId: String?
    /// The calling address, when the change came through HTTP.
    var address: String?
    /// Short machine-readable detail (roles, a reason code). Never personal data.
    var detail: String?

    init(
        _ kind: SecurityEventKind, actor: String? = nil, subject: String? = nil, organization: String? = nil, session: String? = nil,
        target: String? = nil, address: String? = nil, detail: String? = nil
    ) {
        self.kind = kind
        actorId = actor
        subjectId = subject
        organizationId = organization
        sessionId = session
        targetId = target
        self.address = address
        self.detail = detail
    }
}

struct SecurityEventRecord: AppRecord {
    static let databaseTableName = "security_event"
    var id: String
    var kind: String
    var occurredAt: Int64
    var actorId: String?
    var subjectId: String?
    var organizationId: String?
    var sessionId: String?
    var targetId: String?
    var address: String?
    var detail: String?
}

/// `GET /admin/security-events` filters.
struct SecurityEventFilter: Sendable, Equatable {
    /// Events whose actor or subject is this user.
    var userId: String?
    var kinds: [SecurityEventKind] = []
    var from: Date?
    var to: Date?
}

struct SecurityEventDTO: Codable, Sendable, Equatable {
    let id: String
    let kind: SecurityEventKind
    let occurredAt: Date
    let actorId: String?
    let subjectId: String?
    let organizationId: String?
    let sessionId: String?
    let targetId: String?
    let address: String?
    let detail: String?
}
