import Hummingbird

/// `/favourite-lists*`, `/shared-lists/{token}` and `/me/recently-viewed`: decode, call
/// `FavouritesService`, encode.
struct FavouritesController: Sendable {
    let favourites: FavouritesService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("favourite-lists", use: lists)
        api.post("favourite-lists", use: create)
        api.get("favourite-lists/:listId", use: list)
        api.patch("favourite-lists/:listId", use: rename)
        api.delete("favourite-lists/:listId", use: delete)
        api.put("favourite-lists/:listId/services/:serviceId", use: add)
        api.delete("favourite-lists/:listId/services/:serviceId", use: remove)
        api.put("favourite-lists/:listId/share", use: share)
        api.delete("favourite-lists/:listId/share", use: unshare)
        api.get("shared-lists/:token", use: shared)
        api.get("me/recently-viewed", use: recentlyViewed)
        api.delete("me/recently-viewed", use: clearRecentlyViewed)
    }

    func lists(_ request: Request, context: AppRequestContext) async throws -> Page<FavouriteListDTO> {
        try await favourites.lists(by: context.session, page: try PageRequest(request))
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<FavouriteListDTO> {
        _ = try favourites.requireStaff(context.session)
        let input = try await request.decode(as: CreateFavouriteListInput.self, context: context)
        let (list, created) = try await favourites.create(input, by: context.session)
        return EditedResponse(status: created ? .created : .ok, response: list)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> FavouriteListDetailDTO {
        try await favourites.list(
            id: try context.parameters.require("listId"), by: context.session, language: CatalogueController.language(request, context))
    }

    func rename(_ request: Request, context: AppRequestContext) async throws -> FavouriteListDTO {
        _ = try favourites.requireStaff(context.session)
        let input = try await request.decode(as: RenameFavouriteListInput.self, context: context)
        return try await favourites.rename(id: try context.parameters.require("listId"), input, by: context.session)
    }

    func delete(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await favourites.delete(id: try context.parameters.require("listId"), by: context.session)
        return .noContent
    }

    func add(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await favourites.add(
            serviceId: try context.parameters.require("serviceId"), to: try context.parameters.require("listId"), by: context.session)
        return .noContent
    }

    func remove(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await favourites.remove(
            serviceId: try context.parameters.require("serviceId"), from: try context.parameters.require("listId"), by: context.session)
        return .noContent
    }

    func share(_ request: Request, context: AppRequestContext) async throws -> FavouriteListDTO {
        try await favourites.share(id: try context.parameters.require("listId"), by: context.session)
    }

    func unshare(_ request: Request, context: AppRequestContext) async throws -> FavouriteListDTO {
        try await favourites.unshare(id: try context.parameters.require("listId"), by: context.session)
    }

    func shared(_ request: Request, context: AppRequestContext) async throws -> Response {
        let list = try await favourites.shared(
            token: try context.parameters.require("token"), viewer: CatalogueViewer(context.session),
            language: CatalogueController.language(request, context))
        var response = try list.response(from: request, context: context)
        response.headers[.cacheControl] = "private, no-cache"
        return response
    }

    func recentlyViewed(_ request: Request, context: AppRequestContext) async throws -> RecentlyViewedListDTO {
        try await favourites.recentlyViewed(by: context.session, language: CatalogueController.language(request, context))
    }

    func clearRecentlyViewed(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await favourites.clearRecentlyViewed(by: context.session)
        return .noContent
    }
}
