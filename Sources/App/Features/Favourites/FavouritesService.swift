import Foundation

/// Experts' favourite lists (named, shareable by a read-only link) and the services staff viewed
/// last. No HTTP, no SQL.
struct FavouritesService: Sendable {
    let store: FavouritesStore
    /// Which services a caller may open, and their list rows.
    let services: ServiceDetails
    let clock: AppClock
    let ids: IDGenerator

    static let maxLists = 100
    static let maxServicesPerList = 500
    static let maxName = 100

    // MARK: Access

    /// Favourites on the server are for the staff of organisations (experts and the other roles)
    /// and platform admins; a client keeps them in the browser like a visitor.
    static func isStaff(_ caller: SessionUser) -> Bool { !caller.isClient }

    func requireStaff(_ caller: SessionUser?) throws -> SessionUser {
        guard let caller else { throw AppError.authRequired }
        guard Self.isStaff(caller) else { throw AppError.forbidden }
        return caller
    }

    /// The caller's own list; someone else's list is as unknown as a missing one.
    func requireOwnList(_ id: String, _ caller: SessionUser?) async throws -> (SessionUser, FavouriteListRecord, [String]) {
        let user = try requireStaff(caller)
        guard let (list, serviceIds) = try await store.list(id: id), list.ownerId == user.userId else {
            throw AppError.notFound("favouriteList.notFound")
        }
        return (user, list, serviceIds)
    }

    // MARK: Lists

    func lists(by caller: SessionUser?, page: PageRequest) async throws -> Page<FavouriteListDTO> {
        let user = try requireStaff(caller)
        return Page(try await store.lists(ownerId: user.userId, page: page).map(Self.dto), page)
    }

    /// A new list; 200 with the first list when `clientId` was already used (a resend), else 201.
    func create(_ input: CreateFavouriteListInput, by caller: SessionUser?) async throws -> (FavouriteListDTO, created: Bool) {
        let user = try requireStaff(caller)
        let name = try Self.validName(input.name)
        if let clientId = input.clientId, clientId.isEmpty || clientId.count > 100 {
            throw AppError.validation([FieldError("clientId", "field.invalidValue")])
        }
        let now = clock.now.millis
        let record = FavouriteListRecord(
            id: ids.next(), ownerId: user.userId, clientId: input.clientId, name: name, shareToken: nil, createdAt: now, updatedAt: now)
        switch try await store.create(record, maxLists: Self.maxLists) {
        case .created(let list): return (Self.dto(list, []), true)
        case .existing(let list): return (Self.dto(list, try await store.list(id: list.id)?.1 ?? []), false)
        case .tooMany: throw AppError(.conflict, "favouriteList.tooMany")
        }
    }

    func list(id: String, by caller: SessionUser?, language: Language) async throws -> FavouriteListDetailDTO {
        let (user, list, serviceIds) = try await requireOwnList(id, caller)
        return FavouriteListDetailDTO(
            id: list.id, name: list.name, shareToken: list.shareToken, createdAt: Date(millis: list.createdAt),
            updatedAt: Date(millis: list.updatedAt),
            services: try await services.summaries(ids: serviceIds, viewer: CatalogueViewer(user), language: language))
    }

    func rename(id: String, _ input: RenameFavouriteListInput, by caller: SessionUser?) async throws -> FavouriteListDTO {
        let (_, _, serviceIds) = try await requireOwnList(id, caller)
        let name = try Self.validName(input.name)
        let now = clock.now.millis
        guard
            let list = try await store.update(
                id: id,
                {
                    $0.name = name
                    $0.updatedAt = now
                })
        else { throw AppError.notFound("favouriteList.notFound") }
        return Self.dto(list, serviceIds)
    }

    func delete(id: String, by caller: SessionUser?) async throws {
        _ = try await requireOwnList(id, caller)
        try await store.delete(id: id)
    }

    /// Adds a service the caller may open; adding it again changes nothing.
    func add(serviceId: String, to listId: String, by caller: SessionUser?) async throws {
        let (user, _, _) = try await requireOwnList(listId, caller)
        guard try await services.opens(serviceId, viewer: CatalogueViewer(user)) else { throw AppError.notFound("service.notFound") }
        if try await store.add(serviceId: serviceId, to: listId, now: clock.now.millis, maxServices: Self.maxServicesPerList) == .full {
            throw AppError(.conflict, "favouriteList.full")
        }
    }

    func remove(serviceId: String, from listId: String, by caller: SessionUser?) async throws {
        _ = try await requireOwnList(listId, caller)
        try await store.remove(serviceId: serviceId, from: listId, now: clock.now.millis)
    }

    // MARK: Sharing

    /// Gives the list a read-only link, or returns the one it has.
    func share(id: String, by caller: SessionUser?) async throws -> FavouriteListDTO {
        let (_, list, serviceIds) = try await requireOwnList(id, caller)
        if list.shareToken != nil { return Self.dto(list, serviceIds) }
        let token = Secrets.newToken()
        guard let shared = try await store.update(id: id, { $0.shareToken = $0.shareToken ?? token }) else {
            throw AppError.notFound("favouriteList.notFound")
        }
        return Self.dto(shared, serviceIds)
    }

    /// Ends the read-only link: its address stops working; sharing again makes a new one.
    func unshare(id: String, by caller: SessionUser?) async throws -> FavouriteListDTO {
        let (_, _, serviceIds) = try await requireOwnList(id, caller)
        guard let list = try await store.update(id: id, { $0.shareToken = nil }) else { throw AppError.notFound("favouriteList.notFound") }
        return Self.dto(list, serviceIds)
    }

    /// Whether a read-only link of this token works.
    func sharedListExists(token: String) async throws -> Bool {
        token.count <= 100 ? try await store.list(shareToken: token) != nil : false
    }

    /// What a read-only link shows to whoever opens it: the services they themselves may open.
    func shared(token: String, viewer: CatalogueViewer, language: Language) async throws -> SharedListDTO {
        guard token.count <= 100, let (list, serviceIds) = try await store.list(shareToken: token) else {
            throw AppError.notFound("favouriteList.notFound")
        }
        return SharedListDTO(
            name: list.name, updatedAt: Date(millis: list.updatedAt),
            services: try await services.summaries(ids: serviceIds, viewer: viewer, language: language))
    }

    // MARK: Recently viewed

    /// Remembers that a staff member opened a service's page; others' views are not recorded.
    func viewed(serviceId: String, by caller: SessionUser?) async throws {
        guard let caller, Self.isStaff(caller) else { return }
        try await store.viewed(serviceId: serviceId, by: caller.userId, now: clock.now.millis)
    }

    func recentlyViewed(by caller: SessionUser?, language: Language) async throws -> RecentlyViewedListDTO {
        let user = try requireStaff(caller)
        let views = try await store.recentlyViewed(by: user.userId)
        let services = try await services.summaries(ids: views.map(\.serviceId), viewer: CatalogueViewer(user), language: language)
        let byId = Dictionary(uniqueKeysWithValues: services.map { ($0.id, $0) })
        return RecentlyViewedListDTO(
            items: views.compactMap { view in
                byId[view.serviceId].map { RecentlyViewedDTO(viewedAt: Date(millis: view.viewedAt), service: $0) }
            })
    }

    func clearRecentlyViewed(by caller: SessionUser?) async throws {
        let user = try requireStaff(caller)
        try await store.clearRecentlyViewed(by: user.userId)
    }

    // MARK: Helpers

    static func validName(_ raw: String) throws -> String {
        let name = raw.trimmed
        if name.isEmpty { throw AppError.validation([FieldError("name", "field.required")]) }
        if name.count > maxName { throw AppError.validation([FieldError("name", "field.tooLong")]) }
        return name
    }

    static func dto(_ list: FavouriteListRecord, _ serviceIds: [String]) -> FavouriteListDTO {
        FavouriteListDTO(
            id: list.id, name: list.name, serviceIds: serviceIds, shareToken: list.shareToken, createdAt: Date(millis: list.createdAt),
            updatedAt: Date(millis: list.updatedAt))
    }
}
