import Foundation

/// What a user may do with one organisation's articles. The region's own articles (no
/// organisation) are the platform admins'.
struct ArticleRights: Sendable, Equatable {
    var read = false, edit = false, writeInternal = false, decide = false

    init(_ caller: SessionUser, organizationId: String?, sector: Sector?) {
        if caller.isPlatformAdmin {
            (read, edit, writeInternal, decide) = (true, true, true, true)
            return
        }
        guard let organizationId else { return }
        let roles = caller.roles[organizationId] ?? []
        let producer = roles.contains(.contentProducer)
        let approver = roles.contains(.approver)
        read = producer || approver
        edit = producer
        writeInternal = producer && sector == .public
        decide = approver
    }
}

/// Editing articles (issue 13, item 7): create, save versions with a preview, publish and
/// unpublish, history, differences and restore; a stale save is answered 409 with both sides.
struct ArticleEditingService: Sendable {
    let store: ArticleEditingStore
    let catalogue: CatalogueEditingStore
    let clock: AppClock

    static let maxTitle = 200, maxBody = 50_000

    func list(organization: String?, by caller: SessionUser?) async throws -> EditorArticleListDTO {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        let scope: Set<String>?
        if let organization {
            guard caller.isPlatformAdmin || !(caller.roles[organization] ?? []).isDisjoint(with: [.contentProducer, .approver]) else {
                throw AppError.forbidden
            }
            scope = [organization]
        } else if caller.isPlatformAdmin {
            scope = nil
        } else {
            scope = Set(caller.roles.filter { !$0.value.isDisjoint(with: [.contentProducer, .approver]) }.keys)
            if scope?.isEmpty == true { throw AppError.forbidden }
        }
        return EditorArticleListDTO(
            items: try await store.list(organizations: scope).map { row, hasDraft in
                EditorArticleRowDTO(
                    id: row.id, organizationId: row.organizationId, title: row.content.title, audience: row.audience, status: row.status,
                    version: row.version, hasDraft: hasDraft, updatedAt: CatalogueTimestamps.format(Date(millis: row.updatedAt)))
            })
    }

    func get(_ id: String, by caller: SessionUser?) async throws -> EditorArticleDTO {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        let (state, rights) = try await readable(id, caller)
        var actions: [String] = []
        if rights.edit { actions += ["save", "restoreVersion"] }
        if rights.decide && (state.row.status != .published || state.hasDraft) { actions.append("publish") }
        if rights.decide && state.row.status == .published { actions.append("unpublish") }
        var preview: [String: String] = [:]
        for language in Language.allCases where state.content.body.has(language) {
            preview[language.rawValue] = SafeMarkdown.html(state.content.body.text(language) ?? "")
        }
        return EditorArticleDTO(
            id: state.row.id, organizationId: state.row.organizationId, status: state.row.status,
            publishedVersion: state.row.status == .draft ? nil : state.row.version, version: state.newest, hasDraft: state.hasDraft,
            content: state.content, preview: preview, updatedAt: CatalogueTimestamps.format(Date(millis: state.row.updatedAt)),
            actions: actions)
    }

    func create(_ input: NewArticleInput, by caller: SessionUser?) async throws -> EditorArticleDTO {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        var sector: Sector?
        if let organizationId = input.organizationId {
            guard let org = try await catalogue.organization(organizationId) else {
                throw AppError.validation([FieldError("organizationId", "field.unknownCode")])
            }
            sector = Sector(rawValue: org.sector)
        }
        let rights = ArticleRights(caller, organizationId: input.organizationId, sector: sector)
        guard rights.edit else { throw AppError.forbidden }
        try await validate(input.article, rights)
        var id = ""
        repeat { id = CatalogueEditingService.newId(input.article.title.fi) } while try await store.exists(id)
        try await store.create(id, organizationId: input.organizationId, input.article, by: caller.userId, now: clock.now)
        return try await get(id, by: caller)
    }

    func save(_ id: String, _ input: SaveArticleInput, by caller: SessionUser?) async throws -> EditorArticleDTO {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        let (_, rights) = try await readable(id, caller)
        guard rights.edit else { throw AppError.forbidden }
        try await validate(input.article, rights)
        try await write(id, base: input.baseVersion, input.article, origin: .edited, restoredFrom: nil, caller: caller)
        return try await get(id, by: caller)
    }

    func restore(_ id: String, number: Int, base: Int, by caller: SessionUser?) async throws -> EditorArticleDTO {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        let (state, rights) = try await readable(id, caller)
        guard rights.edit else { throw AppError.forbidden }
        let old = try await content(of: state, number)
        if old.audience == .internal && !rights.writeInternal { throw AppError(.forbidden, "catalogue.internalNotAllowed") }
        try await write(id, base: base, old, origin: .restored, restoredFrom: number, caller: caller)
        return try await get(id, by: caller)
    }

    /// Publishes the newest version (`version` must be it), or unpublishes.
    func publish(_ id: String, version: Int?, publish: Bool, by caller: SessionUser?) async throws -> EditorArticleDTO {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        let (state, rights) = try await readable(id, caller)
        guard rights.decide else { throw AppError.forbidden }
        if publish {
            guard let version else { throw AppError.validation([FieldError("version", "field.required")]) }
            do {
                try await store.publish(id, number: version, now: clock.now)
            } catch ArticleEditingStore.Refusal.moved {
                throw AppError(.conflict, "catalogue.versionMoved")
            }
        } else {
            guard state.row.status == .published else { throw AppError(.conflict, "catalogue.transitionNotAllowed") }
            try await store.publish(id, number: nil, now: clock.now)
        }
        return try await get(id, by: caller)
    }

    func history(_ id: String, by caller: SessionUser?) async throws -> ArticleHistoryDTO {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        let (state, _) = try await readable(id, caller)
        var versions = try await store.history(id).map { v, name in
            ServiceVersionDTO(
                number: v.number, origin: v.origin.rawValue, restoredFrom: v.restoredFrom, savedBy: name,
                savedAt: CatalogueTimestamps.format(Date(millis: v.savedAt)),
                published: state.row.status == .published && v.number == state.row.version)
        }
        if let b = state.baseline {
            versions.insert(
                ServiceVersionDTO(
                    number: b.number, origin: b.origin.rawValue, savedBy: nil, savedAt: CatalogueTimestamps.format(Date(millis: b.savedAt)),
                    published: state.row.status == .published),
                at: 0)
        }
        return ArticleHistoryDTO(versions: versions)
    }

    func version(_ id: String, _ number: Int, by caller: SessionUser?) async throws -> ArticleVersionContentDTO {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        let (state, _) = try await readable(id, caller)
        return ArticleVersionContentDTO(number: number, content: try await content(of: state, number))
    }

    func diff(_ id: String, from: Int, to: Int, by caller: SessionUser?) async throws -> ServiceDiffDTO {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        let (state, _) = try await readable(id, caller)
        let old = try await content(of: state, from)
        let new = try await content(of: state, to)
        return ServiceDiffDTO(from: from, to: to, changes: ServiceDiff.changes(from: old, to: new, order: ArticleContent.order))
    }

    /// Markdown as readers will see it (sanitised), for whoever may edit some article.
    func preview(_ input: ArticlePreviewInput, by caller: SessionUser?) throws -> ArticlePreviewDTO {
        let caller = try CatalogueEditingService.requireSignedIn(caller)
        guard caller.isPlatformAdmin || caller.roles.values.contains(where: { $0.contains(.contentProducer) || $0.contains(.approver) })
        else { throw AppError.forbidden }
        guard input.markdown.count <= Self.maxBody else { throw AppError.validation([FieldError("markdown", "field.tooLong")]) }
        return ArticlePreviewDTO(html: SafeMarkdown.html(input.markdown))
    }

    // MARK: Pieces

    private func readable(_ id: String, _ caller: SessionUser) async throws -> (ArticleEditingStore.State, ArticleRights) {
        guard let state = try await store.state(id) else { throw AppError.notFound("article.notFound") }
        var sector: Sector?
        if let org = state.row.organizationId { sector = try await catalogue.organization(org).flatMap { Sector(rawValue: $0.sector) } }
        let rights = ArticleRights(caller, organizationId: state.row.organizationId, sector: sector)
        guard rights.read else { throw AppError.forbidden }
        return (state, rights)
    }

    private func content(of state: ArticleEditingStore.State, _ number: Int) async throws -> ArticleContent {
        if let b = state.baseline, b.number == number { return try b.content() }
        guard let v = try await store.version(state.row.id, number) else { throw AppError.notFound("catalogue.versionNotFound") }
        return try v.content()
    }

    private func validate(_ a: ArticleContent, _ rights: ArticleRights) async throws {
        var errors: [FieldError] = []
        if !a.title.has(.fi) { errors.append(FieldError("title.fi", "field.required")) }
        if !a.body.has(.fi) { errors.append(FieldError("body.fi", "field.required")) }
        for language in Language.allCases {
            if let t = a.title.text(language), t.count > Self.maxTitle || t.contains(where: \.isNewline) {
                errors.append(FieldError("title.\(language.rawValue)", "field.tooLong"))
            }
            if let b = a.body.text(language), b.count > Self.maxBody {
                errors.append(FieldError("body.\(language.rawValue)", "field.tooLong"))
            }
            if a.body.has(language) && !a.title.has(language) && language != .fi {
                errors.append(FieldError("title.\(language.rawValue)", "field.required"))
            }
        }
        let known = try await catalogue.vocabulary().municipalities
        var seen: Set<String> = []
        for (i, code) in a.municipalityCodes.enumerated() {
            if !known.contains(code) { errors.append(FieldError("municipalityCodes[\(i)]", "field.unknownCode")) }
            if !seen.insert(code).inserted { errors.append(FieldError("municipalityCodes[\(i)]", "field.duplicate")) }
        }
        if !errors.isEmpty { throw AppError.validation(errors) }
        if a.audience == .internal && !rights.writeInternal { throw AppError(.forbidden, "catalogue.internalNotAllowed") }
    }

    private func write(
        _ id: String, base: Int, _ content: ArticleContent, origin: VersionOrigin, restoredFrom: Int?, caller: SessionUser
    ) async throws {
        do {
            try await store.save(id, base: base, content, origin: origin, restoredFrom: restoredFrom, by: caller.userId, now: clock.now)
        } catch ArticleEditingStore.Refusal.notFound {
            throw AppError.notFound("article.notFound")
        } catch ArticleEditingStore.Refusal.moved(let newest) {
            let baseContent = try? await self.content(of: newest, base)
            let order = ArticleContent.order
            throw AppError(
                .conflict, "catalogue.versionConflict",
                details: VersionConflictDTO(
                    baseVersion: base, currentVersion: newest.newest,
                    theirs: baseContent.map { ServiceDiff.changes(from: $0, to: newest.content, order: order) } ?? [],
                    yours: ServiceDiff.changes(from: baseContent ?? newest.content, to: content, order: order)))
        }
    }
}
