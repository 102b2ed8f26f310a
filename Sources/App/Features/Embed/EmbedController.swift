import Foundation
import Hummingbird

/// The search widget's page, `/embed/search`, framed by the allowed sites only, and the platform
/// admins' list of those sites, `/admin/embed-sites`.
struct EmbedController: Sendable {
    let embed: EmbedService
    /// `Public/embed/search.html`.
    let page: URL

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("admin/embed-sites", use: sites)
        api.post("admin/embed-sites", use: add)
        api.delete("admin/embed-sites/:siteId", use: remove)
    }

    func addPage(to router: Router<AppRequestContext>) {
        router.get("embed/search", use: widget)
        router.head("embed/search", use: widget)
    }

    func sites(_ request: Request, context: AppRequestContext) async throws -> Items<EmbedSiteDTO> {
        try await embed.sites(by: context.session)
    }

    func add(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<EmbedSiteDTO> {
        _ = try EmbedService.requireAdmin(context.session)  // who may, before the body is read
        let input = try await request.decode(as: AddEmbedSiteInput.self, context: context)
        let (site, created) = try await embed.add(input, by: context.session)
        return EditedResponse(status: created ? .created : .ok, response: site)
    }

    func remove(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await embed.remove(id: try context.parameters.require("siteId"), by: context.session)
        return .noContent
    }

    /// The widget's page: the same for every site and setting (its script reads them from the
    /// address), with a Content-Security-Policy whose `frame-ancestors` names the allowed sites.
    func widget(_ request: Request, context: AppRequestContext) async throws -> Response {
        let html = try Data(contentsOf: page)
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-cache",
                .contentSecurityPolicy: try await embed.contentSecurityPolicy(),
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: html)))
    }
}
