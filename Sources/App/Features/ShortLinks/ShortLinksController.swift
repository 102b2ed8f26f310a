import Foundation
import Hummingbird

/// `POST /short-links`, `GET /short-links/{code}` and the short address itself, `GET /s/{code}`,
/// which sends the browser on to the search or the shared list.
struct ShortLinksController: Sendable {
    let links: ShortLinksService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.post("short-links", use: create)
        api.get("short-links/:code", use: get)
    }

    func addRedirect(to router: Router<AppRequestContext>) {
        router.get("s/:code", use: redirect)
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> ShortLinkDTO {
        let caller = try context.requireSession()  // before the body is read
        let input = try await request.decode(as: CreateShortLinkInput.self, context: context)
        return try await links.create(input, by: caller)
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> ShortLinkDTO {
        guard let link = try await links.resolve(try context.parameters.require("code")) else {
            throw AppError.notFound("shortLink.notFound")
        }
        return link
    }

    /// 303 to where the link leads. An unknown code is a 404 that the web client answers with its
    /// "page not found".
    func redirect(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let link = try await links.resolve(try context.parameters.require("code")) else { throw HTTPError(.notFound) }
        return Response(status: .seeOther, headers: [.location: link.target, .cacheControl: "no-store"])
    }
}
