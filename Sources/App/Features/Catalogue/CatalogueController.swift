import Foundation
import Hummingbird

/// `/catalogue/*`: the catalogue's read side, open to everyone; what a caller sees depends on who they are.
struct CatalogueController: Sendable {
    let catalogueSearch: CatalogueSearch
    let serviceDetails: ServiceDetails
    let municipalityPages: MunicipalityPages
    let suggestions: CatalogueSuggestions
    let snapshots: CatalogueSnapshots
    /// Records the services staff open (recently viewed).
    let favourites: FavouritesService
    /// Counts the searches that found little (anonymously).
    let misses: SearchMissRecorder
    /// Counts the opened service pages (anonymously).
    let views: ServiceViewCounter
    /// Today's date, for "starts within N weeks".
    let clock: AppClock
    /// Search answers as sent, at the catalogue's current revision.
    let answers = SearchAnswers()

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("catalogue/search", use: search)
        api.get("catalogue/suggest", use: suggest)
        api.get("catalogue/services/:serviceId", use: service)
        api.get("catalogue/taxonomy", use: taxonomy)
        api.get("catalogue/services", use: services)
        api.get("catalogue/municipalities/:code", use: municipality)
    }

    /// `?ids=a,b,c`: up to 100 services as list rows, in that order.
    func services(_ request: Request, context: AppRequestContext) async throws -> ServiceSummariesDTO {
        let ids = request.uri.queryParameters.getAll("ids").flatMap { $0.split(separator: ",") }.map { String($0).trimmed }
            .filter { !$0.isEmpty }
        if ids.count > 100 || ids.contains(where: { $0.count > 200 }) { throw AppError.validation([FieldError("ids", "field.tooLong")]) }
        return ServiceSummariesDTO(
            items: try await serviceDetails.summaries(
                ids: ids, viewer: CatalogueViewer(context.session), language: Self.language(request, context)))
    }

    func municipality(_ request: Request, context: AppRequestContext) async throws -> MunicipalityPageDTO {
        let code = try context.parameters.require("code")
        guard code.count <= 10 else { throw AppError.notFound("municipality.notFound") }
        return try await municipalityPages.page(
            code: code, viewer: CatalogueViewer(context.session), language: Self.language(request, context))
    }

    /// A search asked before at the catalogue's current revision, by a viewer who sees the same, gets
    /// the answer encoded then: searching and encoding it again would give the same bytes.
    func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let key = SearchAnswers.Key(
            viewer: CatalogueViewer(context.session), query: try Self.query(request, context: context, clock: clock))
        var kept = answers.answer(key, at: try await snapshots.answerRevision())
        if kept == nil {
            let (result, revision) = try await catalogueSearch.answer(key.query, viewer: key.viewer)
            let encoded = SearchAnswers.Answer(body: ByteBuffer(bytes: try context.responseEncoder.encode(result)), total: result.total)
            answers.keep(encoded, for: key, at: revision)
            kept = encoded
        }
        guard let kept else { throw AppError.internalError }
        let body = kept.body
        // What the region's words lack: a first page of words without filters that found little.
        if key.query.page.offset == 0 && key.query.hasOnlyText {
            misses.note(query: key.query.text, language: key.query.uiLanguage, results: kept.total)
        }
        let headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes), .cacheControl: "private, no-cache",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    func suggest(_ request: Request, context: AppRequestContext) async throws -> SuggestionsDTO {
        let q = request.uri.queryParameters["q"].map(String.init) ?? ""
        if q.count > 100 { throw AppError.validation([FieldError("q", "field.tooLong")]) }
        return SuggestionsDTO(
            items: try await suggestions.suggest(q, viewer: CatalogueViewer(context.session), language: Self.language(request, context)))
    }

    func service(_ request: Request, context: AppRequestContext) async throws -> ServiceDetailDTO {
        let service = try await serviceDetails.service(
            id: try context.parameters.require("serviceId"), viewer: CatalogueViewer(context.session))
        try await favourites.viewed(serviceId: service.id, by: context.session)
        views.viewed(service.id)
        return service
    }

    func taxonomy(_ request: Request, context: AppRequestContext) async throws -> TaxonomyDTO {
        try await snapshots.taxonomy()
    }

    /// The UI language: `?lang=`, else the signed-in user's, else Finnish.
    static func language(_ request: Request, _ context: AppRequestContext) -> Language {
        request.uri.queryParameters["lang"].flatMap { Language(rawValue: String($0)) } ?? context.session?.language ?? .fi
    }

    /// Reads every search parameter; a list takes repeated parameters or comma-separated values.
    static func query(_ request: Request, context: AppRequestContext, clock: AppClock) throws -> SearchQuery {
        let params = request.uri.queryParameters
        var errors: [FieldError] = []
        func list(_ name: String, allowed: Set<String>? = nil) -> [String] {
            let values = params.getAll(name).flatMap { $0.split(separator: ",") }.map { String($0).trimmed }.filter { !$0.isEmpty }
            if values.count > 50 || values.contains(where: { $0.count > 100 }) { errors.append(FieldError(name, "field.tooLong")) }
            if let allowed, values.contains(where: { !allowed.contains($0) }) { errors.append(FieldError(name, "field.invalidValue")) }
            return values.uniqued
        }
        func integer(_ name: String) -> Int? {
            guard let raw = params[Substring(name)], !raw.isEmpty else { return nil }
            guard let n = Int(String(raw)), (0...120).contains(n) else {
                errors.append(FieldError(name, "field.invalidValue"))
                return nil
            }
            return n
        }
        var q = SearchQuery()
        q.text = params["q"].map(String.init) ?? ""
        if q.text.count > 200 { errors.append(FieldError("q", "field.tooLong")) }
        q.municipalities = list("municipality")
        q.categories = list("category")
        q.lifeSituations = list("lifeSituation")
        q.employmentStatuses = list("employmentStatus")
        q.age = integer("age")
        q.languages = list("language", allowed: CatalogueValidator.languages)
        q.costs = list("cost", allowed: CatalogueValidator.costs)
        q.modes = list("mode", allowed: CatalogueValidator.modes)
        q.accessibility = list("accessibility", allowed: ["wheelchair", "signLanguage", "easyFinnish"])
        q.organizations = list("organization")
        q.sectors = list("sector", allowed: CatalogueValidator.sectors)
        if let sort = params["sort"], !sort.isEmpty {
            if let s = SearchSort(rawValue: String(sort)) { q.sort = s } else { errors.append(FieldError("sort", "field.invalidValue")) }
        }
        q.profile = FitProfile(
            age: integer("profileAge"), municipality: params["profileMunicipality"].map(String.init),
            lifeSituations: list("profileLifeSituation"), employmentStatus: params["profileEmploymentStatus"].map(String.init),
            languages: list("profileLanguage"))
        q.uiLanguage = language(request, context)
        if let raw = params["startsWithinWeeks"], !raw.isEmpty {
            if let weeks = Int(String(raw)), (1...52).contains(weeks) {
                let now = clock.now
                q.startsFrom = SearchMissRecorder.day(now)
                q.startsUntil = SearchMissRecorder.day(now.addingTimeInterval(Double(weeks) * 7 * 86_400))
            } else {
                errors.append(FieldError("startsWithinWeeks", "field.invalidValue"))
            }
        }
        do { q.page = try PageRequest(request) } catch let error as AppError { errors += error.errors }
        if !errors.isEmpty { throw AppError.validation(errors) }
        return q
    }
}
