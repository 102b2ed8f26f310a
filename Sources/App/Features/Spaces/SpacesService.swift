import Foundation

/// Guidance spaces: who may open one, who is in it, what its members see. No HTTP, no SQL.
struct SpacesService: Sendable {
    let store: SpacesStore
    let invitations: InvitationsService
    let clock: AppClock
    let ids: IDGenerator
    let mailWakeup: MailWakeup
    /// Employment statuses of the catalogue, for a closing outcome.
    let outcomes: @Sendable () async -> Set<String>
    /// The upload limit, shown with each space so the browser can say it before sending.
    let maxFileBytes: Int64

    static let maxTitle = 200

    /// How an accepted space invitation makes the person a client member, inside the accept transaction.
    static func invitationGrant(hub: RealtimeHub, ids: IDGenerator) -> InvitationGrant {
        InvitationGrant(
            targetName: { id, db in try SpacesStore.openSpaceTitle(id, db).map { LocalText(fi: $0) } },
            grant: { invitation, userId, now, db in
                var tx = SpaceTransaction(db: db, now: now, ids: ids, hub: hub)
                try SpacesStore.acceptClient(invitation, userId: userId, &tx)
                tx.publishOnCommit()
            })
    }

    // MARK: Access (every route goes through one of these)

    /// The caller's membership; 404 for everybody who is not a member now, so a space's existence
    /// does not leak.
    func requireMember(_ spaceId: String, _ caller: SessionUser?) async throws -> SpaceAccess {
        guard let caller else { throw AppError.authRequired }
        guard spaceId.count <= 64, let access = try await store.access(space: spaceId, user: caller.userId) else {
            throw AppError.notFound("space.notFound")
        }
        return access
    }

    /// A member who may write: the space is open.
    func requireWriter(_ spaceId: String, _ caller: SessionUser?) async throws -> SpaceAccess {
        let access = try await requireMember(spaceId, caller)
        guard access.canWrite else { throw AppError(.conflict, "space.closed") }
        return access
    }

    func requireOwner(_ spaceId: String, _ caller: SessionUser?) async throws -> SpaceAccess {
        let access = try await requireMember(spaceId, caller)
        guard access.isOwner else { throw AppError.forbidden }
        guard access.canWrite else { throw AppError(.conflict, "space.closed") }
        return access
    }

    /// The caller's access to the space that an item (a pick, a task, a meeting) is in: 401 without a
    /// session, and 404 `notFound` both for an unknown item and for one of a space the caller is not in.
    func requireMember(
        ofItemIn space: @Sendable () async throws -> String?, notFound: String, writing: Bool, _ caller: SessionUser?
    ) async throws -> SpaceAccess {
        guard caller != nil else { throw AppError.authRequired }
        guard let spaceId = try await space() else { throw AppError.notFound(notFound) }
        do {
            return writing ? try await requireWriter(spaceId, caller) : try await requireMember(spaceId, caller)
        } catch let error as AppError where error.status == .notFound {
            throw AppError.notFound(notFound)
        }
    }

    /// Records an expert's read of a space that has clients (the client's access log).
    func logRead(_ kind: AccessLogKind, _ access: SpaceAccess) async throws {
        guard access.isExpert, access.kind.hasClients else { return }
        try await store.logRead(kind, by: access, now: clock.now)
    }

    /// Organisations in which the caller is an expert; empty means they cannot open spaces.
    private func expertOrganization(_ caller: SessionUser) throws -> String {
        guard let org = caller.roles.filter({ $0.value.contains(.expert) }).keys.sorted().first else { throw AppError.forbidden }
        return org
    }

    // MARK: Spaces

    func create(_ input: CreateSpaceInput, by caller: SessionUser?, address: String?) async throws -> SpaceDTO {
        guard let caller else { throw AppError.authRequired }
        let organizationId = try expertOrganization(caller)
        let kind = input.kind ?? .oneToOne
        let title = input.title.trimmed
        var errors: [FieldError] = []
        if title.isEmpty { errors.append(FieldError("title", "field.required")) }
        if title.count > Self.maxTitle { errors.append(FieldError("title", "field.tooLong")) }
        var clientInputs: [ClientInput] = []
        var maxClients = 1
        switch kind {
        case .oneToOne:
            errors += Input.emailErrors(input.clientEmail ?? "", field: "clientEmail")
            if input.consent == nil { errors.append(FieldError("consent", "field.required")) }
            clientInputs = [ClientInput(email: input.clientEmail ?? "", consent: input.consent)]
        case .group:
            maxClients = input.maxClients ?? 20
            if !(2...20).contains(maxClients) { errors.append(FieldError("maxClients", "field.invalidValue")) }
            clientInputs = input.clients ?? []
            if clientInputs.count > maxClients { errors.append(FieldError("clients", "field.tooMany")) }
            for (i, c) in clientInputs.enumerated() {
                errors += Input.emailErrors(c.email, field: "clients[\(i)].email")
                if c.consent == nil { errors.append(FieldError("clients[\(i)].consent", "field.required")) }
            }
        case .network:
            maxClients = 0
        }
        let emails = clientInputs.map { Input.normalizeEmail($0.email) }
        if Set(emails).count != emails.count { errors.append(FieldError("clients", "field.duplicate")) }
        try Input.check(errors)

        let now = clock.now
        let language = input.language ?? caller.language
        guard let owner = try await ownerRecord(caller) else { throw AppError.authRequired }
        let space = SpaceRecord(
            id: ids.next(), kind: kind.rawValue, title: title, ownerId: caller.userId, status: SpaceStatus.open.rawValue, outcome: nil,
            maxClients: maxClients, lastSeq: 0, lastActivityAt: now.millis, createdBy: caller.userId, createdAt: now.millis, closedAt: nil)
        var clients: [SpacesStore.NewClient] = []
        var invitations: [PreparedInvitation] = []
        var pendingConsents: [SpaceConsentRecord] = []
        for (i, input) in clientInputs.enumerated() {
            let field = kind == .oneToOne ? "clientEmail" : "clients[\(i)].email"
            let consent = input.consent.map { consentRecord(space: space.id, email: input.email, clientId: nil, $0, language, by: caller) }
            if let person = try await store.person(email: input.email) {
                guard person.isClient else { throw AppError.validation([FieldError(field, "space.clientIsExpert")]) }
                var record = consent
                record?.clientId = person.0.id
                clients.append(.init(user: person.0, consent: record))
            } else {
                invitations.append(clientInvitation(space: space, email: input.email, language: language, by: caller, address: address))
                if let consent { pendingConsents.append(consent) }
            }
        }
        try await store.create(
            space, owner: (owner, organizationId), clients: clients, invitations: invitations, pendingConsents: pendingConsents, now: now)
        if !invitations.isEmpty { mailWakeup.signal() }
        return try await get(space.id, by: caller)
    }

    private func ownerRecord(_ caller: SessionUser) async throws -> UserRecord? {
        guard let name = try await store.displayName(user: caller.userId) else { return nil }
        return UserRecord(
            id: caller.userId, email: "", emailNormalized: "", displayName: name, language: caller.language.rawValue, passwordHash: nil,
            isPlatformAdmin: caller.isPlatformAdmin, createdAt: 0, updatedAt: 0)
    }

    private func consentRecord(
        space: String, email: String, clientId: String?, _ consent: ConsentInput, _ language: Language, by caller: SessionUser
    ) -> SpaceConsentRecord {
        SpaceConsentRecord(
            id: ids.next(), spaceId: space, clientEmail: email.trimmed, clientId: clientId, method: consent.method.rawValue,
            textVersion: ConsentText.version, text: ConsentText.text(language), language: language.rawValue, recordedBy: caller.userId,
            recordedAt: clock.now.millis)
    }

    private func clientInvitation(space: SpaceRecord, email: String, language: Language, by caller: SessionUser, address: String?)
        -> PreparedInvitation
    {
        let title = space.title
        return invitations.prepare(
            NewInvitation(
                kind: .space, targetId: space.id, email: email, roles: [], language: language, invitedBy: caller.userId,
                mail: { link in MailTexts.spaceInvitation(language, space: title, link: link) }),
            address: address)
    }

    func list(status: SpaceStatus?, page: PageRequest, by caller: SessionUser?) async throws -> Page<SpaceSummaryDTO> {
        guard let caller else { throw AppError.authRequired }
        return Page(try await store.list(user: caller.userId, status: status, page: page), page)
    }

    func get(_ spaceId: String, by caller: SessionUser?) async throws -> SpaceDTO {
        let access = try await requireMember(spaceId, caller)
        guard var space = try await store.space(access, now: clock.now) else { throw AppError.notFound("space.notFound") }
        space.maxFileBytes = maxFileBytes
        try await logRead(.members, access)
        return space
    }

    func rename(_ spaceId: String, _ input: RenameSpaceInput, by caller: SessionUser?) async throws -> SpaceDTO {
        let access = try await requireOwner(spaceId, caller)
        let title = input.title.trimmed
        if title.isEmpty || title.count > Self.maxTitle { throw AppError.validation([FieldError("title", "field.invalidValue")]) }
        guard try await store.update(access, title: title, closeWith: nil, now: clock.now) else {
            throw AppError(.conflict, "space.closed")
        }
        return try await get(spaceId, by: caller)
    }

    func close(_ spaceId: String, _ input: CloseSpaceInput, by caller: SessionUser?) async throws -> SpaceDTO {
        let access = try await requireOwner(spaceId, caller)
        let known = await outcomes()
        if access.kind.hasClients, !known.isEmpty, !known.contains(input.outcome) {
            throw AppError.validation([FieldError("outcome", "field.invalidValue")])
        }
        if input.outcome.isEmpty || input.outcome.count > 100 { throw AppError.validation([FieldError("outcome", "field.invalidValue")]) }
        guard try await store.update(access, title: nil, closeWith: input.outcome, now: clock.now) else {
            throw AppError(.conflict, "space.closed")
        }
        return try await get(spaceId, by: caller)
    }

    // MARK: Members

    func members(_ spaceId: String, by caller: SessionUser?) async throws -> Items<MemberDTOSpace> {
        let access = try await requireMember(spaceId, caller)
        let members = try await store.members(access)
        try await logRead(.members, access)
        return Items(items: members)
    }

    /// The owner adds an expert of any organisation.
    func addExpert(_ spaceId: String, _ input: AddMemberInput, by caller: SessionUser?) async throws -> MemberDTOSpace {
        let access = try await requireOwner(spaceId, caller)
        try Input.check(Input.emailErrors(input.email))
        guard let person = try await store.person(email: input.email), let org = person.expertOf.first else {
            throw AppError(.unprocessableContent, "member.notExpert", errors: [FieldError("email", "member.notExpert")])
        }
        return try joined(
            await store.addMember(
                person.0, role: .expert, organizationId: org, history: input.history ?? .all, consent: nil, to: access, now: clock.now))
    }

    /// The owner adds a client to a group space: an existing client account joins at once, anybody
    /// else gets an invitation.
    func addClient(_ spaceId: String, _ input: ClientInput, by caller: SessionUser?, address: String?) async throws -> ClientAdded {
        let access = try await requireOwner(spaceId, caller)
        guard access.kind == .group, let caller else { throw AppError(.conflict, "space.notGroup") }
        var errors = Input.emailErrors(input.email)
        if input.consent == nil { errors.append(FieldError("consent", "field.required")) }
        try Input.check(errors)
        let language = caller.language
        let consent = input.consent.map { consentRecord(space: spaceId, email: input.email, clientId: nil, $0, language, by: caller) }
        if let person = try await store.person(email: input.email) {
            guard person.isClient else { throw AppError.validation([FieldError("email", "space.clientIsExpert")]) }
            var record = consent
            record?.clientId = person.0.id
            return .joined(
                try joined(
                    await store.addMember(
                        person.0, role: .client, organizationId: nil, history: .all, consent: record, to: access, now: clock.now)
                ))
        }
        guard let space = try await store.space(access, now: clock.now) else { throw AppError.notFound("space.notFound") }
        let record = SpaceRecord(
            id: space.id, kind: space.kind.rawValue, title: space.title, ownerId: nil, status: space.status.rawValue, outcome: nil,
            maxClients: space.maxClients, lastSeq: 0, lastActivityAt: 0, createdBy: nil, createdAt: 0, closedAt: nil)
        let invitation = clientInvitation(space: record, email: input.email, language: language, by: caller, address: address)
        if let refused = try await store.inviteClient(invitation, consent: consent, to: access, now: clock.now) {
            _ = try joined(refused)
        }
        mailWakeup.signal()
        return .invited(invitation.row.id)
    }

    enum ClientAdded: Sendable {
        case joined(MemberDTOSpace)
        case invited(String)
    }

    private func joined(_ outcome: SpacesStore.JoinOutcome) throws -> MemberDTOSpace {
        switch outcome {
        case .joined(let member): return member
        case .alreadyMember: throw AppError(.conflict, "member.exists")
        case .full: throw AppError(.conflict, "space.full")
        case .closed: throw AppError(.conflict, "space.closed")
        }
    }

    func remove(_ userId: String, from spaceId: String, by caller: SessionUser?) async throws {
        let access = try await requireOwner(spaceId, caller)
        try removal(await store.remove(user: userId, from: access, leaving: false, now: clock.now))
    }

    func leave(_ spaceId: String, by caller: SessionUser?) async throws {
        let access = try await requireWriter(spaceId, caller)
        if access.isOwner { throw AppError(.conflict, "space.ownerCannotLeave") }
        try removal(await store.remove(user: access.userId, from: access, leaving: true, now: clock.now))
    }

    private func removal(_ outcome: SpacesStore.RemovalOutcome) throws {
        switch outcome {
        case .done: return
        case .notMember: throw AppError.notFound("member.notFound")
        case .isOwner: throw AppError(.conflict, "space.ownerCannotLeave")
        case .closed: throw AppError(.conflict, "space.closed")
        }
    }

    func transferOwner(_ spaceId: String, _ input: TransferOwnerInput, by caller: SessionUser?) async throws -> SpaceDTO {
        let access = try await requireOwner(spaceId, caller)
        switch try await store.transferOwner(to: input.userId, in: access, now: clock.now) {
        case .done: return try await get(spaceId, by: caller)
        case .notExpert: throw AppError(.unprocessableContent, "member.notExpert", errors: [FieldError("userId", "member.notExpert")])
        case .closed: throw AppError(.conflict, "space.closed")
        }
    }

    func consents(_ spaceId: String, by caller: SessionUser?) async throws -> Items<ConsentDTO> {
        let access = try await requireMember(spaceId, caller)
        var consents = try await store.consents(space: spaceId)
        // A client of a group space sees their own consent only.
        if !access.isExpert { consents = consents.filter { $0.clientId == access.userId } }
        try await logRead(.consent, access)
        return Items(items: consents)
    }

    func accessLog(_ spaceId: String, page: PageRequest, by caller: SessionUser?) async throws -> Page<AccessLogEntryDTO> {
        _ = try await requireMember(spaceId, caller)
        return Page(try await store.accessLog(space: spaceId, page: page), page)
    }

    func sweepAccessLog(retention: TimeInterval) async throws -> Int {
        try await store.sweepAccessLog(before: clock.now - retention)
    }
}
