import Foundation

/// Invitations of every kind: one table, one accept flow. The feature that owns a target (an
/// organisation now, a guidance space next) checks who may invite and registers an `InvitationGrant`
/// that gives the access inside the accept transaction. No HTTP, no SQL.
struct InvitationsService: Sendable {
    let store: InvitationsStore
    let auth: AuthService
    let grants: [InvitationKind: InvitationGrant]
    let clock: AppClock
    let ids: IDGenerator
    let baseURL: String
    let mailWakeup: MailWakeup

    static let validity: TimeInterval = 7 * 86400
    static let codeValidity: TimeInterval = 600
    static let codeAttempts = 5
    /// Codes sent per invitation, and code requests and tries per address.
    static let codeSendLimits = LoginThrottle.Limits(free: 3, window: 3600)
    static let codeAddressLimits = LoginThrottle.Limits(free: 20, window: 3600)

    // MARK: Inviting (the owning feature has checked the caller's right)

    func list(kind: InvitationKind, targetId: String, page: PageRequest) async throws -> Page<InvitationDTO> {
        let now = clock.now
        return Page(try await store.list(kind: kind, targetId: targetId, page: page).map { Self.dto($0, now: now) }, page)
    }

    static func dto(_ row: InvitationRecord, now: Date) -> InvitationDTO {
        InvitationDTO(
            id: row.id, email: row.email, roles: row.roleList, status: row.status(now: now), createdAt: Date(millis: row.createdAt),
            expiresAt: Date(millis: row.expiresAt), acceptedAt: row.acceptedAt.map(Date.init(millis:)))
    }

    func create(_ new: NewInvitation, address: String?) async throws -> InvitationDTO {
        let prepared = prepare(new, address: address)
        try await store.create(prepared)
        mailWakeup.signal()
        return Self.dto(prepared.row, now: prepared.now)
    }

    /// The rows of a new invitation (the invitation, its e-mail, its security event), for a feature
    /// that stores them in its own transaction with `InvitationsStore.insert`; signal `mailWakeup` after.
    func prepare(_ new: NewInvitation, address: String?) -> PreparedInvitation {
        let now = clock.now
        let token = Secrets.newToken()
        let email = new.email.trimmed
        let roles = Array(Set(new.roles)).sorted()
        let row = InvitationRecord(
            id: ids.next(), tokenHash: Secrets.hash(token), kind: new.kind.rawValue, targetId: new.targetId, email: email,
            emailNormalized: Input.normalizeEmail(email), roles: roles.map(\.rawValue).joined(separator: ","),
            language: new.language.rawValue, invitedBy: new.invitedBy, createdAt: now.millis,
            expiresAt: (now + Self.validity).millis, acceptedAt: nil, acceptedBy: nil, revokedAt: nil)
        let text = new.mail("\(baseURL)/invitation#token=\(token)")
        let mail = OutgoingMail(id: ids.next(), recipient: email, subject: text.subject, body: text.body, createdAt: now)
        let event = SecurityEvent(
            .invitationSent, actor: new.invitedBy, organization: new.kind == .organization ? new.targetId : nil, target: row.id,
            address: address, detail: "\(new.kind.rawValue):\(row.roles)")
        return PreparedInvitation(row: row, mail: mail, event: event, eventId: ids.next(), now: now)
    }

    func revoke(_ id: String, kind: InvitationKind, targetId: String, by caller: SessionUser, address: String?) async throws {
        let event = SecurityEvent(
            .invitationRevoked, actor: caller.userId, organization: kind == .organization ? targetId : nil, target: id, address: address)
        guard try await store.revoke(id: id, kind: kind, targetId: targetId, event: (event, ids.next()), now: clock.now) else {
            throw AppError.notFound("invitation.notFound")
        }
    }

    // MARK: Accepting (anyone holding the link)

    /// The pending invitation behind a token and its kind's grant, or the reason it cannot be used.
    private func pending(token: String) async throws -> (InvitationRecord, InvitationGrant) {
        guard token.count <= 128, let row = try await store.invitation(tokenHash: Secrets.hash(token)) else {
            throw AppError(.badRequest, "token.invalid")
        }
        switch row.status(now: clock.now) {
        case .pending: break
        case .expired: throw AppError(.gone, "token.expired")
        case .accepted, .revoked: throw AppError(.badRequest, "token.invalid")
        }
        guard let kind = row.invitationKind, let grant = grants[kind] else { throw AppError(.badRequest, "token.invalid") }
        return (row, grant)
    }

    func preview(_ input: InvitationTokenInput) async throws -> InvitationPreviewDTO {
        let (row, grant) = try await pending(token: input.token)
        let (name, existing) = try await store.preview(row, grant: grant)
        guard let name, let kind = row.invitationKind else { throw AppError(.badRequest, "token.invalid") }
        return InvitationPreviewDTO(
            kind: kind, email: row.email, targetName: name, organizationName: name, roles: row.roleList,
            expiresAt: Date(millis: row.expiresAt), accountExists: existing?.passwordHash != nil)
    }

    /// E-mails a six-digit code to the invited address, for a person who has no password (or no
    /// account yet) and signs in on a phone. A new code replaces the last one.
    func sendCode(_ input: InvitationTokenInput, address: String) async throws -> InvitationCodeSentDTO {
        let now = clock.now
        let (row, grant) = try await pending(token: input.token)
        do {
            try auth.throttle.take(
                [("invitation-code:" + row.id, Self.codeSendLimits), ("invitation-code-address:" + address, Self.codeAddressLimits)],
                now: now)
        } catch {
            throw error.appError
        }
        let (name, _) = try await store.preview(row, grant: grant)
        let code = Self.newCode()
        let language = Language(rawValue: row.language) ?? .fi
        let text = MailTexts.oneTimeCode(language, code: code, target: name?.localized(language) ?? "")
        let mail = OutgoingMail(id: ids.next(), recipient: row.email, subject: text.subject, body: text.body, createdAt: now)
        let expires = now + Self.codeValidity
        let record = InvitationCodeRecord(
            invitationId: row.id, codeHash: Self.codeHash(code, invitationId: row.id), createdAt: now.millis, expiresAt: expires.millis,
            attempts: 0)
        let event = SecurityEvent(.oneTimeCodeSent, target: row.id, address: address)
        try await store.replaceCode(record, mail: mail, event: (event, ids.next()), now: now)
        mailWakeup.signal()
        return InvitationCodeSentDTO(expiresAt: expires)
    }

    /// Six random digits.
    static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
    }

    /// The code is bound to its invitation, so a hash is worth nothing for another one.
    static func codeHash(_ code: String, invitationId: String) -> String { Secrets.hash("\(invitationId):\(code)") }

    /// Accepts an invitation and signs the person in. An existing account with a password proves
    /// itself with that password or a one-time code; a new account sets a password or uses a code.
    func accept(_ input: AcceptInvitationInput, address: String, userAgent: String?) async throws -> AuthService.SignedIn {
        let (row, grant) = try await pending(token: input.token)
        let now = clock.now
        let existing = try await auth.store.user(emailNormalized: row.emailNormalized)
        let proof: InvitationsStore.Proof
        if let code = input.code {
            let digits = code.filter { !$0.isWhitespace }
            guard digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw AppError.validation([FieldError("code", "field.invalidValue")])
            }
            do {
                try auth.throttle.take([("invitation-code-address:" + address, Self.codeAddressLimits)], now: now)
            } catch {
                throw error.appError
            }
            if existing == nil { try Input.check(Input.nameErrors(input.displayName ?? "", field: "displayName")) }
            proof = .code(hash: Self.codeHash(digits, invitationId: row.id), maxAttempts: Self.codeAttempts)
        } else if let existing, existing.passwordHash != nil {
            try await auth.checkPassword(input.password ?? "", of: existing, address: address) {
                AppError(.unauthorized, "auth.invalidCredentials", errors: [FieldError("password", "auth.invalidCredentials")])
            }
            proof = .password(newHash: nil)
        } else {
            try Input.check(
                (existing == nil ? Input.nameErrors(input.displayName ?? "", field: "displayName") : [])
                    + Input.passwordErrors(input.password ?? "", field: "password"))
            proof = .password(newHash: try await auth.passwords.hash(input.password ?? ""))
        }
        var newUser: UserRecord?
        if existing == nil {
            var hash: String?
            if case .password(let newHash) = proof { hash = newHash }
            newUser = UserRecord(
                id: ids.next(), email: row.email, emailNormalized: row.emailNormalized, displayName: (input.displayName ?? "").trimmed,
                language: (input.language ?? Language(rawValue: row.language) ?? .fi).rawValue, passwordHash: hash,
                isPlatformAdmin: false, createdAt: now.millis, updatedAt: now.millis)
        }
        guard let userId = newUser?.id ?? existing?.id else { throw AppError(.badRequest, "token.invalid") }
        let (session, token) = auth.newSession(userId: userId, userAgent: userAgent)
        let outcome = try await store.accept(
            invitationId: row.id, proof: proof, newUser: newUser, existingUserId: existing?.id, grant: grant, session: session,
            event: (
                SecurityEvent(
                    .invitationAccepted, organization: row.invitationKind == .organization ? row.targetId : nil, target: row.id,
                    address: address, detail: "\(row.kind):\(row.roles)"), ids.next()
            ),
            failure: (SecurityEvent(.oneTimeCodeFailed, subject: existing?.id, target: row.id, address: address), ids.next()),
            now: now)
        switch outcome {
        case .accepted(let userId): return AuthService.SignedIn(token: token, user: try await auth.profile(userId))
        case .gone: throw AppError(.badRequest, "token.invalid")
        case .codeExpired: throw AppError(.gone, "code.expired", errors: [FieldError("code", "code.expired")])
        case .codeWrong(let left):
            throw AppError(.badRequest, left > 0 ? "code.invalid" : "code.expired", errors: [FieldError("code", "code.invalid")])
        }
    }
}
