import Hummingbird

/// `/search-words/*`: the region's synonyms (platform admins edit, content producers read) and the
/// searches that found little. Decode, call `SearchWordsService`, encode.
struct SearchWordsController: Sendable {
    let searchWords: SearchWordsService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("search-words/synonyms", use: list)
        api.post("search-words/synonyms", use: create)
        api.put("search-words/synonyms/:synonymId", use: update)
        api.delete("search-words/synonyms/:synonymId", use: delete)
        api.get("search-words/changes", use: changes)
        api.get("search-words/misses", use: misses)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> SynonymListDTO {
        try await searchWords.list(language: request.uri.queryParameters["language"].map(String.init), by: context.session)
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SynonymDTO> {
        _ = try searchWords.requireEditor(context.session)
        let input = try await request.decode(as: SynonymInput.self, context: context)
        return EditedResponse(status: .created, response: try await searchWords.create(input, by: context.session))
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> SynonymDTO {
        _ = try searchWords.requireEditor(context.session)
        let input = try await request.decode(as: SynonymInput.self, context: context)
        return try await searchWords.update(id: try context.parameters.require("synonymId"), input, by: context.session)
    }

    func delete(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await searchWords.delete(id: try context.parameters.require("synonymId"), by: context.session)
        return .noContent
    }

    func changes(_ request: Request, context: AppRequestContext) async throws -> Page<SynonymChangeDTO> {
        try await searchWords.changes(page: try PageRequest(request), by: context.session)
    }

    /// `?days=30|90&results=zero|few`.
    func misses(_ request: Request, context: AppRequestContext) async throws -> SearchMissesDTO {
        let days = request.uri.queryParameters["days"].map { Int(String($0)) ?? -1 } ?? 30
        let results = request.uri.queryParameters["results"].map(String.init) ?? "zero"
        guard results == "zero" || results == "few" else { throw AppError.validation([FieldError("results", "field.invalidValue")]) }
        return try await searchWords.misses(days: days, few: results == "few", by: context.session)
    }
}
