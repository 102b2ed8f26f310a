import Foundation

/// Organisations, their members and roles, and invitations. No HTTP, no SQL.
struct OrganizationsService: Sendable {
    let store: OrganizationsStore
    let auth: AuthService
    let clock: AppClock
    let ids: IDGenerator
    let baseURL: String
    let mailWakeup: MailWakeup

    static let invitationValidity: TimeInterval = 7 * 86400

    // MARK: Access

    /// Platform admins manage every organisation; an organisation admin manages their own.
    /// Others get 403; an organisation that does not exist is 404 for everybody.
    func requireAdmin(_ caller: SessionUser?, of organizationId: String) async throws -> SessionUser {
        guard let caller else { throw AppError.authRequired }
        guard try await store.organization(id: organizationId) != nil else { throw AppError.notFound("organization.notFound") }
        guard caller.isPlatformAdmin || caller.has(.orgAdmin, in: organizationId) else { throw AppError.forbidden }
        return caller
    }

    func requirePlatformAdmin(_ caller: SessionUser?) throws -> SessionUser {
        guard let caller else { throw AppError.authRequired }
        guard caller.isPlatformAdmin else { throw AppError.forbidden }
        return caller
    }

    // MARK: Organisations (public information)

    func list(page: PageRequest) async throws -> Page<OrganizationDTO> {
        Page(try await store.list(page: page), page)
    }

    func organization(id: String) async throws -> OrganizationDTO {
        guard let org = try await store.organization(id: id) else { throw AppError.notFound("organization.notFound") }
        return org
    }

    func create(_ input: CreateOrganizationInput, by caller: SessionUser?) async throws -> OrganizationDTO {
        _ = try requirePlatformAdmin(caller)
        var errors = OrganizationRules.errors(name: input.name, kind: input.kind, municipalityCodes: input.municipalityCodes)
        if let id = input.id, !OrganizationRules.isValidId(id) { errors.append(FieldError("id", "field.invalidValue")) }
        try Input.check(errors)
        let now = clock.now.millis
        let row = OrganizationRecord(
            id: input.id ?? ids.next(), nameFi: input.name.fi.trimmed, nameSv: input.name.sv?.trimmed.nilIfEmpty,
            nameEn: input.name.en?.trimmed.nilIfEmpty, sector: input.sector.rawValue, kind: input.kind, createdAt: now, updatedAt: now)
        try await store.create(row, codes: input.municipalityCodes ?? [])
        return try await organization(id: row.id)
    }

    func update(id: String, _ input: UpdateOrganizationInput, by caller: SessionUser?) async throws -> OrganizationDTO {
        _ = try requirePlatformAdmin(caller)
        try Input.check(OrganizationRules.errors(name: input.name, kind: input.kind, municipalityCodes: input.municipalityCodes))
        let now = clock.now.millis
        let updated = try await store.update(id: id) { row, codes in
            if let name = input.name {
                row.nameFi = name.fi.trimmed
                row.nameSv = name.sv?.trimmed.nilIfEmpty
                row.nameEn = name.en?.trimmed.nilIfEmpty
            }
            if let sector = input.sector { row.sector = sector.rawValue }
            if let kind = input.kind { row.kind = kind }
            if let newCodes = input.municipalityCodes { codes = newCodes }
            row.updatedAt = now
        }
        guard let updated else { throw AppError.notFound("organization.notFound") }
        return updated
    }

    // MARK: Members

    func members(of organizationId: String, page: PageRequest, by caller: SessionUser?) async throws -> Page<MemberDTO> {
        _ = try await requireAdmin(caller, of: organizationId)
        return Page(try await store.members(organizationId: organizationId, page: page), page)
    }

    func setRoles(_ input: SetRolesInput, of userId: String, in organizationId: String, by caller: SessionUser?) async throws -> MemberDTO {
        _ = try await requireAdmin(caller, of: organizationId)
        if input.roles.isEmpty { throw AppError.validation([FieldError("roles", "field.required")]) }
        switch try await store.setRoles(input.roles, organizationId: organizationId, userId: userId, now: clock.now) {
        case .done(let member?): return member
        case .done(nil), .notMember: throw AppError.notFound("member.notFound")
        case .lastAdmin: throw AppError(.conflict, "member.lastAdmin")
        }
    }

    func removeMember(_ userId: String, from organizationId: String, by caller: SessionUser?) async throws {
        _ = try await requireAdmin(caller, of: organizationId)
        switch try await store.setRoles([], organizationId: organizationId, userId: userId, now: clock.now) {
        case .done: return
        case .notMember: throw AppError.notFound("member.notFound")
        case .lastAdmin: throw AppError(.conflict, "member.lastAdmin")
        }
    }

    // MARK: Invitations

    func invitations(of organizationId: String, page: PageRequest, by caller: SessionUser?) async throws -> Page<InvitationDTO> {
        _ = try await requireAdmin(caller, of: organizationId)
        let now = clock.now
        let rows = try await store.invitations(kind: "organization", targetId: organizationId, page: page)
        return Page(rows.map { Self.dto($0, now: now) }, page)
    }

    static func dto(_ row: InvitationRecord, now: Date) -> InvitationDTO {
        InvitationDTO(
            id: row.id, email: row.email, roles: row.roleList, status: row.status(now: now), createdAt: Date(millis: row.createdAt),
            expiresAt: Date(millis: row.expiresAt), acceptedAt: row.acceptedAt.map(Date.init(millis:)))
    }

    func invite(_ input: CreateInvitationInput, to organizationId: String, by caller: SessionUser?) async throws -> InvitationDTO {
        let caller = try await requireAdmin(caller, of: organizationId)
        try Input.check(Input.emailErrors(input.email) + (input.roles.isEmpty ? [FieldError("roles", "field.required")] : []))
        let org = try await organization(id: organizationId)
        let language = input.language ?? caller.language
        let now = clock.now
        let token = Secrets.newToken()
        let roles = Array(Set(input.roles)).sorted()
        let email = input.email.trimmed
        let row = InvitationRecord(
            id: ids.next(), tokenHash: Secrets.hash(token), kind: "organization", targetId: organizationId, email: email,
            emailNormalized: Input.normalizeEmail(email), roles: roles.map(\.rawValue).joined(separator: ","), language: language.rawValue,
            invitedBy: caller.userId, createdAt: now.millis, expiresAt: (now + Self.invitationValidity).millis, acceptedAt: nil,
            acceptedBy: nil, revokedAt: nil)
        let text = MailTexts.invitation(
            language, organization: org.name.localized(language), roles: roles, link: "\(baseURL)/invitation#token=\(token)")
        try await store.create(
            row, mail: OutgoingMail(id: ids.next(), recipient: email, subject: text.subject, body: text.body, createdAt: now))
        mailWakeup.signal()
        return Self.dto(row, now: now)
    }

    func revoke(_ invitationId: String, in organizationId: String, by caller: SessionUser?) async throws {
        _ = try await requireAdmin(caller, of: organizationId)
        guard try await store.revoke(id: invitationId, kind: "organization", targetId: organizationId, now: clock.now) else {
            throw AppError.notFound("invitation.notFound")
        }
    }

    /// The pending invitation behind a token, or the reason it cannot be used.
    private func pending(token: String) async throws -> InvitationRecord {
        guard let row = try await store.invitation(tokenHash: Secrets.hash(token)) else { throw AppError(.badRequest, "token.invalid") }
        switch row.status(now: clock.now) {
        case .pending: return row
        case .expired: throw AppError(.gone, "token.expired")
        case .accepted, .revoked: throw AppError(.badRequest, "token.invalid")
        }
    }

    func preview(_ input: InvitationTokenInput) async throws -> InvitationPreviewDTO {
        let row = try await pending(token: input.token)
        let org = try await organization(id: row.targetId)
        let existing = try await auth.store.user(emailNormalized: row.emailNormalized)
        return InvitationPreviewDTO(
            email: row.email, organizationName: org.name, roles: row.roleList, expiresAt: Date(millis: row.expiresAt),
            accountExists: existing?.passwordHash != nil)
    }

    /// Accepts an invitation and signs the person in. An existing account proves itself with its password.
    func accept(_ input: AcceptInvitationInput, userAgent: String?) async throws -> AuthService.SignedIn {
        let row = try await pending(token: input.token)
        let now = clock.now
        let existing = try await auth.store.user(emailNormalized: row.emailNormalized)
        var newUser: UserRecord?
        var setHash: String?
        if let existing, existing.passwordHash != nil {
            try await auth.checkPassword(input.password, of: existing) {
                AppError(.unauthorized, "auth.invalidCredentials", errors: [FieldError("password", "auth.invalidCredentials")])
            }
        } else {
            try Input.check(
                Input.nameErrors(input.displayName ?? "", field: "displayName") + Input.passwordErrors(input.password, field: "password"))
            let hash = try await auth.passwords.hash(input.password)
            if existing != nil {
                setHash = hash
            } else {
                newUser = UserRecord(
                    id: ids.next(), email: row.email, emailNormalized: row.emailNormalized,
                    displayName: (input.displayName ?? "").trimmed,
                    language: (input.language ?? Language(rawValue: row.language) ?? .fi).rawValue,
                    passwordHash: hash, isPlatformAdmin: false, createdAt: now.millis, updatedAt: now.millis)
            }
        }
        guard let userId = newUser?.id ?? existing?.id else { throw AppError(.badRequest, "token.invalid") }
        let (session, token) = auth.newSession(userId: userId, userAgent: userAgent)
        let outcome = try await store.accept(
            invitationId: row.id, newUser: newUser, existingUserId: existing?.id, setPasswordHash: setHash, session: session, now: now)
        switch outcome {
        case .gone: throw AppError(.badRequest, "token.invalid")
        case .accepted: return AuthService.SignedIn(token: token, user: try await auth.profile(userId))
        }
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
