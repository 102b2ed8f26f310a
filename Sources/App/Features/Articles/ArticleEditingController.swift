import Foundation
import Hummingbird

/// `/catalogue/editor/articles*`: editing articles. Decode, call `ArticleEditingService`, encode.
struct ArticleEditingController: Sendable {
    let editing: ArticleEditingService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("catalogue/editor/articles", use: list)
        api.post("catalogue/editor/articles", use: create)
        api.post("catalogue/editor/articles/preview", use: preview)
        api.get("catalogue/editor/articles/:articleId", use: get)
        api.put("catalogue/editor/articles/:articleId", use: save)
        api.post("catalogue/editor/articles/:articleId/publish", use: publish)
        api.post("catalogue/editor/articles/:articleId/unpublish", use: unpublish)
        api.get("catalogue/editor/articles/:articleId/history", use: history)
        api.get("catalogue/editor/articles/:articleId/diff", use: diff)
        api.get("catalogue/editor/articles/:articleId/versions/:number", use: version)
        api.post("catalogue/editor/articles/:articleId/versions/:number/restore", use: restore)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> EditorArticleListDTO {
        try await editing.list(organization: request.uri.queryParameters["organization"].map(String.init), by: context.session)
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<EditorArticleDTO> {
        _ = try CatalogueEditingService.requireSignedIn(context.session)
        let input = try await request.decode(as: NewArticleInput.self, context: context)
        return EditedResponse(status: .created, response: try await editing.create(input, by: context.session))
    }

    func preview(_ request: Request, context: AppRequestContext) async throws -> ArticlePreviewDTO {
        _ = try CatalogueEditingService.requireSignedIn(context.session)
        return try editing.preview(try await request.decode(as: ArticlePreviewInput.self, context: context), by: context.session)
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> EditorArticleDTO {
        try await editing.get(try context.parameters.require("articleId"), by: context.session)
    }

    func save(_ request: Request, context: AppRequestContext) async throws -> EditorArticleDTO {
        _ = try CatalogueEditingService.requireSignedIn(context.session)
        let input = try await request.decode(as: SaveArticleInput.self, context: context)
        return try await editing.save(try context.parameters.require("articleId"), input, by: context.session)
    }

    func publish(_ request: Request, context: AppRequestContext) async throws -> EditorArticleDTO {
        _ = try CatalogueEditingService.requireSignedIn(context.session)
        let input = try await request.decode(as: ServiceActionInput.self, context: context)
        return try await editing.publish(
            try context.parameters.require("articleId"), version: input.version, publish: true, by: context.session)
    }

    func unpublish(_ request: Request, context: AppRequestContext) async throws -> EditorArticleDTO {
        try await editing.publish(try context.parameters.require("articleId"), version: nil, publish: false, by: context.session)
    }

    func history(_ request: Request, context: AppRequestContext) async throws -> ArticleHistoryDTO {
        try await editing.history(try context.parameters.require("articleId"), by: context.session)
    }

    func diff(_ request: Request, context: AppRequestContext) async throws -> ServiceDiffDTO {
        let query = request.uri.queryParameters
        guard let from = query["from"].flatMap({ Int(String($0)) }), let to = query["to"].flatMap({ Int(String($0)) }) else {
            throw AppError.validation([FieldError("from", "field.required"), FieldError("to", "field.required")])
        }
        return try await editing.diff(try context.parameters.require("articleId"), from: from, to: to, by: context.session)
    }

    func version(_ request: Request, context: AppRequestContext) async throws -> ArticleVersionContentDTO {
        try await editing.version(try context.parameters.require("articleId"), try number(context), by: context.session)
    }

    func restore(_ request: Request, context: AppRequestContext) async throws -> EditorArticleDTO {
        _ = try CatalogueEditingService.requireSignedIn(context.session)
        let input = try await request.decode(as: RestoreVersionInput.self, context: context)
        return try await editing.restore(
            try context.parameters.require("articleId"), number: try number(context), base: input.baseVersion, by: context.session)
    }

    private func number(_ context: AppRequestContext) throws -> Int {
        guard let n = Int(try context.parameters.require("number")), n >= 1 else { throw AppError.notFound("catalogue.versionNotFound") }
        return n
    }
}
