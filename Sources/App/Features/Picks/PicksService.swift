import Foundation

/// The service plan of a space: experts pick services from the catalogue for the client, the client
/// says whether they are interested, and the status follows the way to the service. No HTTP, no SQL.
struct PicksService: Sendable {
    let store: PicksStore
    let spaces: SpacesService
    let services: ServiceDetails
    let clock: AppClock

    /// An expert picks a published service into the space.
    func add(_ spaceId: String, _ input: CreatePickInput, by caller: SessionUser?) async throws -> PickDTO {
        let access = try await spaces.requireWriter(spaceId, caller)
        guard access.isExpert, let caller else { throw AppError.forbidden }
        let note = (input.note ?? "").trimmed
        var errors: [FieldError] = []
        if note.count > PickRules.maxNote { errors.append(FieldError("note", "field.tooLong")) }
        if input.serviceId.isEmpty || input.serviceId.count > 100 { errors.append(FieldError("serviceId", "field.invalidValue")) }
        try Input.check(errors)
        let service: ServiceDetailDTO
        do {
            service = try await services.service(id: input.serviceId, viewer: CatalogueViewer(caller))
        } catch let error as AppError where error.status == .notFound {
            throw AppError.validation([FieldError("serviceId", "service.notFound")])
        }
        // Only a service a client can open and take part in goes into a plan.
        guard service.status == .published else { throw AppError.validation([FieldError("serviceId", "pick.notPublished")]) }
        let stored = try await store.add(
            .init(id: service.id, name: service.name, version: service.version), note: note, audience: input.privateTo, by: access,
            now: clock.now)
        return try await dto(stored, access, caller)
    }

    func list(_ spaceId: String, page: PageRequest, by caller: SessionUser?) async throws -> Page<PickDTO> {
        let access = try await spaces.requireMember(spaceId, caller)
        let stored = try await store.list(access, page: page)
        var items: [PickDTO] = []
        for s in stored { items.append(try await dto(s, access, caller)) }
        try await spaces.logRead(.picks, access)
        return Page(items, page)
    }

    func update(_ pickId: String, _ input: UpdatePickInput, by caller: SessionUser?) async throws -> PickDTO {
        let access = try await writerAccess(pickId, caller)
        var change = PicksStore.Change(status: input.status, note: input.note?.trimmed, position: input.position)
        var errors: [FieldError] = []
        if let note = change.note, note.count > PickRules.maxNote { errors.append(FieldError("note", "field.tooLong")) }
        if let position = input.position, !(0..<PickRules.maxPicks).contains(position) {
            errors.append(FieldError("position", "field.invalidValue"))
        }
        try Input.check(errors)
        if input.acknowledgeChange == true {
            guard access.isExpert, let pick = try await store.pick(pickId, access) else { throw AppError.forbidden }
            change.version = try? await services.service(id: pick.pick.serviceId, viewer: CatalogueViewer(caller)).version
        }
        let asked = change
        let stored = try await store.update(pickId, asked, by: access, now: clock.now) { access, pick in
            try Self.authorize(asked, on: pick, by: access)
        }
        return try await dto(stored, access, caller)
    }

    /// Experts change everything; a client marks a pick interested or declined, and nothing else,
    /// while it is still a suggestion they answer (not once they have applied or started).
    static func authorize(_ change: PicksStore.Change, on pick: PickRecord, by access: SpaceAccess) throws {
        if access.isExpert { return }
        guard change.note == nil, change.position == nil, change.version == nil, let status = change.status,
            PickStatus.forClients.contains(status)
        else { throw AppError.forbidden }
        guard let current = PickStatus(rawValue: pick.status), PickStatus.answerable.contains(current) else {
            throw AppError(.conflict, "pick.alreadyUnderway")
        }
    }

    func remove(_ pickId: String, by caller: SessionUser?) async throws {
        let access = try await writerAccess(pickId, caller)
        guard access.isExpert else { throw AppError.forbidden }
        try await store.remove(pickId, by: access, now: clock.now)
    }

    /// The caller's access to the pick's open space; 404 for a pick of a space they are not in.
    /// Picks waiting for the caller's answer as a client (the names as picked: the list is a pointer
    /// into the space, where the pick shows the service as it is now).
    func awaitingAnswer(by caller: SessionUser, limit: Int) async throws -> [TodayPickDTO] {
        try await store.awaitingAnswer(client: caller.userId, limit: limit).map { pick, spaceTitle in
            TodayPickDTO(
                id: pick.id, spaceId: pick.spaceId, spaceTitle: spaceTitle, serviceId: pick.serviceId,
                name: pick.pickedName,
                note: pick.note, createdAt: Date(millis: pick.createdAt))
        }
    }

    private func writerAccess(_ pickId: String, _ caller: SessionUser?) async throws -> SpaceAccess {
        let store = store
        return try await spaces.requireMember(
            ofItemIn: { try await store.space(ofPick: pickId) }, notFound: "pick.notFound", writing: true, caller)
    }

    /// The pick with its service as the viewer may see it now: an expert sees the internal
    /// instructions, a client the public side only; a hidden, archived or removed service is "no
    /// longer available", a newer version "changed".
    private func dto(_ stored: PicksStore.Stored, _ access: SpaceAccess, _ caller: SessionUser?) async throws -> PickDTO {
        let pick = stored.pick
        let viewer = access.isExpert ? CatalogueViewer(caller) : .anonymous
        let service = try? await services.service(id: pick.serviceId, viewer: viewer)
        let picked = pick.pickedName
        var availability = PickAvailability.unavailable
        if let service, service.status == .published {
            availability = service.version > pick.serviceVersion ? .changed : .available
        }
        return PickDTO(
            id: pick.id, spaceId: pick.spaceId, serviceId: pick.serviceId, name: service?.name ?? picked, summary: service?.summary,
            organization: service?.organization, internal: access.isExpert ? service?.internal : nil, availability: availability,
            note: pick.note, position: pick.position, status: PickStatus(rawValue: pick.status) ?? .suggested, audienceId: pick.audienceId,
            pickedBy: pick.pickedBy, createdAt: Date(millis: pick.createdAt), updatedAt: Date(millis: pick.updatedAt),
            history: stored.history)
    }
}
