import Foundation

/// What a user may do with one organisation's services (issue 13, item 1).
struct EditorRights: Sendable, Equatable {
    /// Open the editor's view, versions and diffs, drafts included.
    var read = false
    /// Create services, save versions, submit them, restore old versions.
    var edit = false
    /// Write the internal instructions (content producers of public-sector organisations).
    var writeInternal = false
    /// Approve, reject, hide, show again, archive.
    var decide = false
    /// Bring an archived service back as a draft.
    var unarchive = false
    /// Mark a published service reviewed.
    var markReviewed = false

    init(_ caller: SessionUser, organizationId: String, sector: Sector) {
        if caller.isPlatformAdmin {
            (read, edit, writeInternal, decide, unarchive, markReviewed) = (true, true, true, true, true, true)
            return
        }
        let roles = caller.roles[organizationId] ?? []
        let producer = roles.contains(.contentProducer)
        let provider = roles.contains(.serviceProvider)
        let approver = roles.contains(.approver)
        read = producer || provider || approver
        edit = producer || provider
        writeInternal = producer && sector == .public
        decide = approver
        unarchive = approver || producer
        markReviewed = producer || provider || approver
    }
}

/// Editing the catalogue: new services, versions, the approval workflow, history and diffs.
/// Every operation checks the caller's rights on the service's organisation first; the store checks
/// the state again inside its transaction.
struct CatalogueEditingService: Sendable {
    let store: CatalogueEditingStore
    let reviews: CatalogueReviewStore
    let indexer: CatalogueIndexer
    let clock: AppClock

    static let maxComment = 2_000

    // MARK: Reading

    func get(_ id: String, by caller: SessionUser?) async throws -> EditorServiceDTO {
        let caller = try Self.requireSignedIn(caller)
        let (state, rights) = try await readable(id, caller)
        return dto(state, rights, caller)
    }

    func list(organization: String?, by caller: SessionUser?) async throws -> EditorServiceListDTO {
        let caller = try Self.requireSignedIn(caller)
        let scope = try await scope(organization, caller, roles: Self.contentRoles)
        return EditorServiceListDTO(items: try await store.list(organizations: scope, .all).map(row))
    }

    static let contentRoles: Set<Role> = [.contentProducer, .serviceProvider, .approver]

    /// The organisations whose services the caller may work on, with what the caller may do there
    /// (every organisation for a platform admin).
    func organizations(by caller: SessionUser?) async throws -> EditorOrganizationsDTO {
        let caller = try Self.requireSignedIn(caller)
        let all = try await store.organizations()
        let items = all.compactMap { org -> EditorOrganizationDTO? in
            let sector = Sector(rawValue: org.sector) ?? .third
            let r = EditorRights(caller, organizationId: org.id, sector: sector)
            let roles = caller.roles[org.id] ?? []
            guard r.read || roles.contains(.orgAdmin) else { return nil }
            var rights: [String] = []
            if r.read { rights.append("read") }
            if r.edit { rights.append("edit") }
            if r.writeInternal { rights.append("writeInternal") }
            if r.decide { rights.append("decide") }
            if r.unarchive { rights.append("unarchive") }
            if r.markReviewed { rights.append("markReviewed") }
            if caller.isPlatformAdmin || roles.contains(.contentProducer) || roles.contains(.approver) { rights.append("importPTV") }
            if caller.isPlatformAdmin || !roles.isDisjoint(with: Self.contentRoles.union([.orgAdmin])) { rights.append("stale") }
            return EditorOrganizationDTO(
                id: org.id, name: LocalText(fi: org.nameFi, sv: org.nameSv, en: org.nameEn), sector: sector, rights: rights)
        }
        return EditorOrganizationsDTO(items: items)
    }

    /// The organisations a list covers: the one asked for, where the caller has one of `roles`; or
    /// all of the caller's such organisations; or every organisation for a platform admin.
    private func scope(_ organization: String?, _ caller: SessionUser, roles: Set<Role>) async throws -> Set<String>? {
        if let organization {
            guard try await store.organization(organization) != nil else { throw AppError.notFound() }
            guard caller.isPlatformAdmin || !(caller.roles[organization] ?? []).isDisjoint(with: roles) else { throw AppError.forbidden }
            return [organization]
        }
        if caller.isPlatformAdmin { return nil }
        let mine = Set(caller.roles.filter { !$0.value.isDisjoint(with: roles) }.keys)
        guard !mine.isEmpty else { throw AppError.forbidden }
        return mine
    }

    /// Published and hidden services not reviewed for 120 days or more, for their organisation's
    /// editors and admins (every organisation for a platform admin): the longest unreviewed first,
    /// or by name.
    func stale(organization: String?, sort: String?, by caller: SessionUser?) async throws -> EditorServiceListDTO {
        let caller = try Self.requireSignedIn(caller)
        guard sort == nil || sort == "days" || sort == "name" else { throw AppError.validation([FieldError("sort", "field.invalidValue")]) }
        let scope = try await scope(organization, caller, roles: Self.contentRoles.union([.orgAdmin]))
        let before = clock.now.millis - Int64(ReviewStage.first.rawValue) * ReviewStage.day
        var items = try await store.list(organizations: scope, .reviewedBefore(before)).map(row)
        if sort == "name" {
            items.sort { ($0.name.fi.lowercased(), $0.id) < ($1.name.fi.lowercased(), $1.id) }
        }
        return EditorServiceListDTO(items: items)
    }

    /// The caller's review notices, newest first (at most 100), and how many are unread.
    func notices(by caller: SessionUser?) async throws -> CatalogueNoticesDTO {
        let caller = try Self.requireSignedIn(caller)
        let (rows, unread) = try await reviews.notices(of: caller.userId, limit: 100)
        return CatalogueNoticesDTO(
            items: rows.map {
                CatalogueNoticeDTO(
                    id: $0.id, serviceId: $0.serviceId, organizationId: $0.organizationId, serviceName: $0.name, kind: $0.kind.rawValue,
                    reviewedAt: CatalogueTimestamps.format(Date(millis: $0.reviewedAt)),
                    createdAt: CatalogueTimestamps.format(Date(millis: $0.createdAt)),
                    readAt: $0.readAt.map { CatalogueTimestamps.format(Date(millis: $0)) })
            }, unread: unread)
    }

    func readNotice(_ id: String, by caller: SessionUser?) async throws {
        let caller = try Self.requireSignedIn(caller)
        guard try await reviews.read(id, userId: caller.userId, now: clock.now) else { throw AppError.notFound() }
    }

    /// The approver's queue: services waiting for approval in the organisations where the caller
    /// approves (every organisation for a platform admin), the longest waiting first.
    func reviewQueue(by caller: SessionUser?) async throws -> EditorServiceListDTO {
        let caller = try Self.requireSignedIn(caller)
        let scope: Set<String>? = caller.isPlatformAdmin ? nil : Set(caller.roles.filter { $0.value.contains(.approver) }.keys)
        if let scope, scope.isEmpty { throw AppError.forbidden }
        let items = try await store.list(organizations: scope, .inReview)
            .sorted { ($0.1?.submittedAt ?? 0, $0.0.id) < ($1.1?.submittedAt ?? 0, $1.0.id) }.map(row)
        return EditorServiceListDTO(items: items)
    }

    func history(_ id: String, by caller: SessionUser?) async throws -> ServiceHistoryDTO {
        let caller = try Self.requireSignedIn(caller)
        let (state, _) = try await readable(id, caller)
        let history = try await store.history(id)
        var versions = history.versions.map { v, name in
            ServiceVersionDTO(
                number: v.number, origin: v.origin.rawValue, restoredFrom: v.restoredFrom, savedBy: name,
                savedAt: CatalogueTimestamps.format(Date(millis: v.savedAt)),
                published: !state.row.status.isNeverPublished && v.number == state.row.version)
        }
        if let baseline = state.baseline {
            versions.insert(
                ServiceVersionDTO(
                    number: baseline.number, origin: baseline.origin.rawValue, savedBy: nil,
                    savedAt: CatalogueTimestamps.format(Date(millis: baseline.savedAt)), published: !state.row.status.isNeverPublished),
                at: 0)
        }
        let events = history.events.map { e, name in
            ServiceEventDTO(
                action: e.action.rawValue, version: e.version, actor: name, comment: e.comment,
                at: CatalogueTimestamps.format(Date(millis: e.at)))
        }
        return ServiceHistoryDTO(versions: versions, events: events)
    }

    func version(_ id: String, _ number: Int, by caller: SessionUser?) async throws -> ServiceVersionContentDTO {
        let caller = try Self.requireSignedIn(caller)
        let (state, _) = try await readable(id, caller)
        let content = try await content(of: state, number)
        return ServiceVersionContentDTO(number: number, content: content.readable(internal: CatalogueViewer(caller).seesInternal))
    }

    func diff(_ id: String, from: Int, to: Int, by caller: SessionUser?) async throws -> ServiceDiffDTO {
        let caller = try Self.requireSignedIn(caller)
        let (state, _) = try await readable(id, caller)
        let internalToo = CatalogueViewer(caller).seesInternal
        let old = try await content(of: state, from).readable(internal: internalToo)
        let new = try await content(of: state, to).readable(internal: internalToo)
        return ServiceDiffDTO(from: from, to: to, changes: ServiceDiff.changes(from: old, to: new))
    }

    // MARK: Writing

    func create(_ input: NewServiceInput, by caller: SessionUser?) async throws -> EditorServiceDTO {
        let caller = try Self.requireSignedIn(caller)
        guard let org = try await store.organization(input.organizationId) else {
            throw AppError.validation([FieldError("organizationId", "field.unknownCode")])
        }
        let rights = EditorRights(caller, organizationId: org.id, sector: Sector(rawValue: org.sector) ?? .third)
        guard rights.edit else { throw AppError.forbidden }
        var content = input.service
        if !rights.writeInternal {
            guard content.internal == nil || content.internal == .empty else { throw AppError(.forbidden, "catalogue.internalNotAllowed") }
        }
        content.internal = content.internal ?? .empty
        try await validate(content)
        let now = clock.now
        var id = ""
        repeat { id = Self.newId(content.name.fi) } while try await store.serviceExists(id)
        let service = content.service(id: id, organizationId: org.id, status: .draft, version: 1, updatedAt: now, reviewedAt: now)
        try await store.create(service, document: try document(service, org), content: content, by: caller.userId, now: now)
        return try await get(id, by: caller)
    }

    /// Saves the content as the next version. `baseVersion` must be the newest version: otherwise
    /// 409 `catalogue.versionConflict` with what changed since (theirs) and what this save changes
    /// (yours), nothing written.
    func save(_ id: String, _ input: SaveServiceInput, by caller: SessionUser?) async throws -> EditorServiceDTO {
        let caller = try Self.requireSignedIn(caller)
        let (state, rights) = try await readable(id, caller)
        guard rights.edit else { throw AppError.forbidden }
        let submitted = input.service
        var checked = submitted
        checked.internal = checked.internal ?? state.content.internal
        try await validate(checked)
        try await write(id, base: input.baseVersion, origin: .edited, state: state, caller: caller) { newest in
            var content = submitted
            if !rights.writeInternal {
                if let own = content.internal, own != newest.content.internal {
                    throw AppError(.forbidden, "catalogue.internalNotAllowed")
                }
                content.internal = newest.content.internal
            } else {
                content.internal = content.internal ?? newest.content.internal
            }
            return content
        }
        return try await get(id, by: caller)
    }

    /// Saves an old version's content as the next version (a draft).
    func restore(_ id: String, number: Int, _ input: RestoreVersionInput, by caller: SessionUser?) async throws -> EditorServiceDTO {
        let caller = try Self.requireSignedIn(caller)
        let (state, rights) = try await readable(id, caller)
        guard rights.edit else { throw AppError.forbidden }
        let old = try await content(of: state, number)
        try await write(id, base: input.baseVersion, origin: .restored, restoredFrom: number, state: state, caller: caller) { newest in
            var content = old
            // Whoever may not write the internal instructions restores the public side only.
            if !rights.writeInternal { content.internal = newest.content.internal }
            return content
        }
        return try await get(id, by: caller)
    }

    /// A workflow step: submit, approve, reject, hide, unhide, archive, unarchive, markReviewed.
    func act(_ id: String, _ action: String, _ input: ServiceActionInput, by caller: SessionUser?) async throws -> EditorServiceDTO {
        let caller = try Self.requireSignedIn(caller)
        let (state, rights) = try await readable(id, caller)
        let comment = input.comment?.trimmed ?? ""
        if comment.count > Self.maxComment { throw AppError.validation([FieldError("comment", "field.tooLong")]) }
        let now = clock.now
        let version = input.version
        func requireRight(_ allowed: Bool) throws { if !allowed { throw AppError.forbidden } }
        /// The open edit in `state` at the version the caller acted on.
        @Sendable func expect(_ s: CatalogueEditingStore.EditState, _ wanted: WorkState) throws {
            guard let work = s.work, work.state == wanted else { throw AppError(.conflict, "catalogue.transitionNotAllowed") }
            if let version, version != work.version { throw AppError(.conflict, "catalogue.versionMoved") }
        }
        @Sendable func expectStatus(_ s: CatalogueEditingStore.EditState, _ allowed: Set<ServiceStatus>) throws {
            guard allowed.contains(s.row.status) else { throw AppError(.conflict, "catalogue.transitionNotAllowed") }
        }
        let userId = caller.userId
        let stored: ServiceAction
        let transition: CatalogueEditingStore.Transition
        var check: @Sendable (CatalogueEditingStore.EditState) throws -> Void
        switch action {
        case "submit":
            try requireRight(rights.edit)
            (stored, transition) = (.submitted, .submit(by: userId, now: now))
            check = { try expect($0, .draft) }
        case "approve":
            try requireRight(rights.decide)
            guard let number = version else { throw AppError.validation([FieldError("version", "field.required")]) }
            // The version to publish is analysed before the write; a saved version never changes.
            try expect(state, .review)
            let org = try await store.organization(state.row.organizationId)
            let service = try await content(of: state, number).service(
                id: id, organizationId: state.row.organizationId,
                status: state.row.status == .hidden ? .hidden : .published, version: number, updatedAt: now, reviewedAt: now)
            (stored, transition) = (.approved, .approve(service, document: try document(service, org)))
            check = { try expect($0, .review) }
        case "reject":
            try requireRight(rights.decide)
            guard !comment.isEmpty else { throw AppError.validation([FieldError("comment", "field.required")]) }
            (stored, transition) = (.rejected, .reject)
            check = { try expect($0, .review) }
        case "hide", "unhide", "archive":
            try requireRight(rights.decide)
            let (from, to, event): (Set<ServiceStatus>, ServiceStatus, ServiceAction) =
                switch action {
                case "hide": ([.published], .hidden, .hidden)
                case "unhide": ([.hidden], .published, .unhidden)
                default: ([.published, .hidden], .archived, .archived)
                }
            (stored, transition) = (event, .status(to))
            check = { try expectStatus($0, from) }
        case "unarchive":
            try requireRight(rights.unarchive)
            let org = try await store.organization(state.row.organizationId)
            let service = state.content.service(
                id: id, organizationId: state.row.organizationId, status: .draft, version: state.newest, updatedAt: now,
                reviewedAt: Date(millis: state.row.reviewedAt))
            (stored, transition) = (.unarchived, .unarchive(service, document: try document(service, org), now: now))
            let newest = state.newest
            check = { s in
                try expectStatus(s, [.archived])
                guard s.newest == newest else { throw AppError(.conflict, "catalogue.versionMoved") }
            }
        case "mark-reviewed":
            try requireRight(rights.markReviewed)
            (stored, transition) = (.reviewed, .markReviewed(now: now))
            check = { try expectStatus($0, [.published, .hidden]) }
        default:
            throw AppError.notFound()
        }
        do {
            try await store.act(
                id, transition, event: stored, by: userId, comment: comment.isEmpty ? nil : comment, now: now, check: check)
        } catch CatalogueEditingStore.Refusal.notFound {
            throw AppError.notFound()
        }
        return try await get(id, by: caller)
    }

    // MARK: Translations

    /// Marks the fields of a service that need a translation into Swedish or English (exactly these
    /// from now on; an empty list clears the language). A saved text in that language resolves them.
    func requestTranslations(_ id: String, _ input: TranslationRequestInput, by caller: SessionUser?) async throws -> EditorServiceDTO {
        let caller = try Self.requireSignedIn(caller)
        let (state, rights) = try await readable(id, caller)
        guard rights.edit else { throw AppError.forbidden }
        guard input.language != .fi else { throw AppError.validation([FieldError("language", "field.invalidValue")]) }
        let allowed = Set(ServiceTranslations.fields(state.content, includeInternal: rights.writeInternal))
        var errors: [FieldError] = []
        for (i, field) in input.fields.enumerated() where !allowed.contains(field) {
            errors.append(FieldError("fields[\(i)]", "field.invalidValue"))
        }
        if input.fields.count > 200 { errors.append(FieldError("fields", "field.tooMany")) }
        if !errors.isEmpty { throw AppError.validation(errors) }
        try await store.requestTranslations(id, language: input.language, fields: input.fields.uniqued, by: caller.userId, now: clock.now)
        return try await get(id, by: caller)
    }

    /// The open translation requests of the caller's organisations (or of one), optionally of one
    /// language, the oldest first.
    func translationQueue(organization: String?, language: String?, by caller: SessionUser?) async throws -> TranslationQueueDTO {
        let caller = try Self.requireSignedIn(caller)
        var only: Language?
        if let language {
            guard let l = Language(rawValue: language), l != .fi else {
                throw AppError.validation([FieldError("language", "field.invalidValue")])
            }
            only = l
        }
        let scope = try await scope(organization, caller, roles: Self.contentRoles)
        let rows = try await store.translationQueue(organizations: scope, language: only)
        return TranslationQueueDTO(
            items: rows.map {
                TranslationQueueItemDTO(
                    serviceId: $0.serviceId, organizationId: $0.organizationId, name: $0.name, language: $0.language, fields: $0.fields,
                    requestedAt: CatalogueTimestamps.format(Date(millis: $0.requestedAt)))
            })
    }

    // MARK: Pieces

    static func requireSignedIn(_ caller: SessionUser?) throws -> SessionUser {
        guard let caller else { throw AppError.authRequired }
        return caller
    }

    /// The service's editing state and the caller's rights, when the caller may read it.
    private func readable(_ id: String, _ caller: SessionUser) async throws -> (CatalogueEditingStore.EditState, EditorRights) {
        guard let state = try await store.state(id) else { throw AppError.notFound() }
        let rights = EditorRights(caller, organizationId: state.row.organizationId, sector: state.sector)
        guard rights.read else { throw AppError.forbidden }
        return (state, rights)
    }

    private func content(of state: CatalogueEditingStore.EditState, _ number: Int) async throws -> ServiceContent {
        if let baseline = state.baseline, baseline.number == number { return try baseline.content() }
        guard let version = try await store.version(state.row.id, number) else { throw AppError.notFound("catalogue.versionNotFound") }
        return try version.content()
    }

    private func validate(_ content: ServiceContent) async throws {
        let errors = ServiceContentValidator.errors(content, try await store.vocabulary())
        if !errors.isEmpty { throw AppError.validation(errors) }
    }

    private func document(_ service: CatalogueFile.Service, _ org: OrganizationRecord?) throws -> CatalogueIndexer.Document {
        indexer.document(
            try ServiceRecord(service, createdAt: 0), keywords: service.keywords,
            organization: org.map { LocalText(fi: $0.nameFi, sv: $0.nameSv, en: $0.nameEn) } ?? LocalText(fi: ""))
    }

    /// Writes a version made by `make` from the newest one, or answers the conflict.
    private func write(
        _ id: String, base: Int, origin: VersionOrigin, restoredFrom: Int? = nil, state: CatalogueEditingStore.EditState,
        caller: SessionUser, make: @escaping @Sendable (CatalogueEditingStore.EditState) throws -> ServiceContent
    ) async throws {
        let now = clock.now
        let org = try await store.organization(state.row.organizationId)
        // The index document is made for the content as it would be saved now; it is used only for a
        // service the catalogue does not show yet, whose row follows its newest version.
        let draft = try make(state)
        let document = try document(
            draft.service(
                id: id, organizationId: state.row.organizationId, status: .draft, version: 1, updatedAt: now,
                reviewedAt: Date(millis: state.row.reviewedAt)), org)
        do {
            _ = try await store.save(
                id, base: base, origin: origin, restoredFrom: restoredFrom, by: caller.userId, now: now,
                document: document,
                check: { newest in
                    let content = try make(newest)
                    // A document made from other content would index the wrong words.
                    guard content == draft else { throw AppError(.conflict, "catalogue.versionMoved") }
                    return content
                })
        } catch CatalogueEditingStore.Refusal.notFound {
            throw AppError.notFound()
        } catch CatalogueEditingStore.Refusal.state {
            throw AppError(.conflict, "catalogue.transitionNotAllowed")
        } catch CatalogueEditingStore.Refusal.moved(let newest) {
            let viewer = CatalogueViewer(caller).seesInternal
            let baseContent = try? await content(of: newest, base).readable(internal: viewer)
            let mine = draft.readable(internal: viewer)
            let theirs = newest.content.readable(internal: viewer)
            throw AppError(
                .conflict, "catalogue.versionConflict",
                details: VersionConflictDTO(
                    baseVersion: base, currentVersion: newest.newest,
                    theirs: baseContent.map { ServiceDiff.changes(from: $0, to: theirs) } ?? [],
                    yours: ServiceDiff.changes(from: baseContent ?? theirs, to: mine)))
        }
    }

    private func dto(_ s: CatalogueEditingStore.EditState, _ rights: EditorRights, _ caller: SessionUser) -> EditorServiceDTO {
        var actions: [String] = []
        let status = s.row.status
        if rights.edit && status != .archived { actions += ["save", "restoreVersion"] }
        if rights.edit, s.work?.state == .draft { actions.append("submit") }
        if rights.decide, s.work?.state == .review { actions += ["approve", "reject"] }
        if rights.decide, status == .published { actions.append("hide") }
        if rights.decide, status == .hidden { actions.append("unhide") }
        if rights.decide, status == .published || status == .hidden { actions.append("archive") }
        if rights.unarchive, status == .archived { actions.append("unarchive") }
        if rights.markReviewed, status == .published || status == .hidden { actions.append("markReviewed") }
        return EditorServiceDTO(
            id: s.row.id, organizationId: s.row.organizationId, status: status,
            publishedVersion: status.isNeverPublished ? nil : s.row.version, version: s.newest, edit: s.work?.state,
            content: s.content.readable(internal: CatalogueViewer(caller).seesInternal),
            reviewedAt: CatalogueTimestamps.format(Date(millis: s.row.reviewedAt)),
            daysSinceReview: days(since: s.row.reviewedAt), updatedAt: CatalogueTimestamps.format(Date(millis: s.row.updatedAt)),
            actions: actions, writesInternal: rights.writeInternal, rejection: s.rejection,
            translations: Dictionary(grouping: s.translations, by: { $0.language.rawValue }).mapValues { $0.map(\.field) },
            translatableFields: ServiceTranslations.fields(s.content, includeInternal: CatalogueViewer(caller).seesInternal),
            completeLanguages: ServiceTranslations.completeLanguages(s.content))
    }

    private func row(_ item: (ServiceRecord, ServiceWorkRecord?, outdated: Bool)) -> EditorServiceRowDTO {
        let (s, work, outdated) = item
        return EditorServiceRowDTO(
            id: s.id, organizationId: s.organizationId, name: LocalText(fi: s.nameFi, sv: s.nameSv, en: s.nameEn), status: s.status,
            edit: work?.state, version: work?.version ?? s.version, reviewedAt: CatalogueTimestamps.format(Date(millis: s.reviewedAt)),
            daysSinceReview: days(since: s.reviewedAt), updatedAt: CatalogueTimestamps.format(Date(millis: s.updatedAt)),
            submittedAt: work?.submittedAt.map { CatalogueTimestamps.format(Date(millis: $0)) }, outdated: outdated)
    }

    private func days(since millis: Int64) -> Int { max(0, Int((clock.now.millis - millis) / 86_400_000)) }

    /// A new service's id: its Finnish name as a slug and six random letters or digits.
    static func newId(_ name: String) -> String {
        let folded = name.lowercased().folding(options: [.diacriticInsensitive], locale: Locale(identifier: "fi_FI"))
        var slug = ""
        for c in folded {
            if c.isASCII && (c.isLetter || c.isNumber) {
                slug.append(c)
            } else if !slug.isEmpty && slug.last != "-" {
                slug.append("-")
            }
        }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let tail = String((0..<6).map { _ in alphabet.randomElement()! })
        return String(slug.prefix(60)).trimmingCharacters(in: ["-"]) + (slug.isEmpty ? "" : "-") + tail
    }
}
