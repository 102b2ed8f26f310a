import Foundation
import Hummingbird

/// `PUT` and `DELETE /admin/taxonomy/{kind}/{id}` for platform admins; everyone reads the lists from
/// `GET /catalogue/taxonomy`.
struct TaxonomyController: Sendable {
    let taxonomy: TaxonomyService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.put("admin/taxonomy/:kind/:itemId", use: save)
        api.delete("admin/taxonomy/:kind/:itemId", use: remove)
    }

    func save(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<TaxonomyItemDTO> {
        let kind = try context.parameters.require("kind")
        let id = try context.parameters.require("itemId")
        _ = try TaxonomyService.kind(kind, context.session)  // who may, before the body is read
        let input = try await request.decode(as: TaxonomyItemInput.self, context: context)
        let (item, created) = try await taxonomy.save(kind, id: id, input, by: context.session)
        return EditedResponse(status: created ? .created : .ok, response: item)
    }

    func remove(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await taxonomy.remove(try context.parameters.require("kind"), id: try context.parameters.require("itemId"), by: context.session)
        return .noContent
    }
}
