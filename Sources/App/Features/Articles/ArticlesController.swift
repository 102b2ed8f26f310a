import Hummingbird

/// `/catalogue/articles*`: decode, call `ArticlesService`, encode.
struct ArticlesController: Sendable {
    let articles: ArticlesService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("catalogue/articles", use: list)
        api.get("catalogue/articles/:articleId", use: article)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Page<ArticleSummaryDTO> {
        let municipality = request.uri.queryParameters["municipality"].map(String.init)
        if let municipality, municipality.count > 10 { throw AppError.validation([FieldError("municipality", "field.invalidValue")]) }
        return try await articles.list(viewer: CatalogueViewer(context.session), municipality: municipality, page: try PageRequest(request))
    }

    func article(_ request: Request, context: AppRequestContext) async throws -> ArticleDTO {
        try await articles.article(
            id: try context.parameters.require("articleId"), viewer: CatalogueViewer(context.session),
            language: CatalogueController.language(request, context))
    }
}
