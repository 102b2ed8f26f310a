import Foundation

/// Organisations, their members and roles, and who may invite to them. No HTTP, no SQL.
struct OrganizationsService: Sendable {
    let store: OrganizationsStore
    let invitations: InvitationsService
    let clock: AppClock
    let ids: IDGenerator

    /// How an accepted organisation invitation grants its roles, inside the accept transaction.
    static let invitationGrant = InvitationGrant(
        targetName: { id, db in try OrganizationsStore.name(id: id, db) },
        grant: { invitation, userId, now, db in
            try OrganizationsStore.addRoles(invitation.roleList, organizationId: invitation.targetId, userId: userId, now: now, db)
        })

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

    func setRoles(
        _ input: SetRolesInput, of userId: String, in organizationId: String, by caller: SessionUser?, address: String?
    ) async throws -> MemberDTO {
        let caller = try await requireAdmin(caller, of: organizationId)
        if input.roles.isEmpty { throw AppError.validation([FieldError("roles", "field.required")]) }
        let roles = Array(Set(input.roles)).sorted()
        let event = SecurityEvent(
            .roleChanged, actor: caller.userId, subject: userId, organization: organizationId, address: address,
            detail: roles.map(\.rawValue).joined(separator: ","))
        switch try await store.setRoles(roles, organizationId: organizationId, userId: userId, event: (event, ids.next()), now: clock.now) {
        case .done(let member?): return member
        case .done(nil), .notMember: throw AppError.notFound("member.notFound")
        case .lastAdmin: throw AppError(.conflict, "member.lastAdmin")
        }
    }

    func removeMember(_ userId: String, from organizationId: String, by caller: SessionUser?, address: String?) async throws {
        let caller = try await requireAdmin(caller, of: organizationId)
        let event = SecurityEvent(.memberRemoved, actor: caller.userId, subject: userId, organization: organizationId, address: address)
        switch try await store.setRoles([], organizationId: organizationId, userId: userId, event: (event, ids.next()), now: clock.now) {
        case .done: return
        case .notMember: throw AppError.notFound("member.notFound")
        case .lastAdmin: throw AppError(.conflict, "member.lastAdmin")
        }
    }

    // MARK: Invitations (through the shared invitations feature)

    func invitations(of organizationId: String, page: PageRequest, by caller: SessionUser?) async throws -> Page<InvitationDTO> {
        _ = try await requireAdmin(caller, of: organizationId)
        return try await invitations.list(kind: .organization, targetId: organizationId, page: page)
    }

    func invite(
        _ input: CreateInvitationInput, to organizationId: String, by caller: SessionUser?, address: String?
    ) async throws -> InvitationDTO {
        let caller = try await requireAdmin(caller, of: organizationId)
        try Input.check(Input.emailErrors(input.email) + (input.roles.isEmpty ? [FieldError("roles", "field.required")] : []))
        let org = try await organization(id: organizationId)
        let language = input.language ?? caller.language
        let roles = Array(Set(input.roles)).sorted()
        let name = org.name.localized(language)
        return try await invitations.create(
            NewInvitation(
                kind: .organization, targetId: organizationId, email: input.email, roles: roles, language: language,
                invitedBy: caller.userId,
                mail: { link in MailTexts.invitation(language, organization: name, roles: roles, link: link) }),
            address: address)
    }

    func revoke(_ invitationId: String, in organizationId: String, by caller: SessionUser?, address: String?) async throws {
        let caller = try await requireAdmin(caller, of: organizationId)
        try await invitations.revoke(invitationId, kind: .organization, targetId: organizationId, by: caller, address: address)
    }
}

extension String {
    /// Without leading and trailing white space and line breaks (Unicode White_Space). Native rather
    /// than Foundation's `trimmingCharacters`, which bridges through NSString: every message body passes here.
    var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
