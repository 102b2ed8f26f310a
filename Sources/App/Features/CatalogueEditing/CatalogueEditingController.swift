import Foundation
import Hummingbird

/// `/catalogue/editor/*`: the catalogue's editing side. Decode, call `CatalogueEditingService`, encode.
struct CatalogueEditingController: Sendable {
    let editing: CatalogueEditingService

    /// Workflow steps, each its own route: `POST /catalogue/editor/services/{id}/{step}`.
    static let steps = ["submit", "approve", "reject", "hide", "unhide", "archive", "unarchive", "mark-reviewed"]

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("catalogue/editor/services", use: list)
        api.post("catalogue/editor/services", use: create)
        api.get("catalogue/editor/review-queue", use: reviewQueue)
        api.get("catalogue/editor/stale", use: stale)
        api.get("catalogue/editor/organizations", use: organizations)
        api.get("catalogue/editor/translations", use: translationQueue)
        api.put("catalogue/editor/services/:serviceId/translations", use: requestTranslations)
        api.get("catalogue/editor/notices", use: notices)
        api.post("catalogue/editor/notices/:noticeId/read", use: readNotice)
        api.get("catalogue/editor/services/:serviceId", use: get)
        api.put("catalogue/editor/services/:serviceId", use: save)
        api.get("catalogue/editor/services/:serviceId/history", use: history)
        api.get("catalogue/editor/services/:serviceId/diff", use: diff)
        api.get("catalogue/editor/services/:serviceId/versions/:number", use: version)
        api.post("catalogue/editor/services/:serviceId/versions/:number/restore", use: restore)
        for step in Self.steps {
            api.post("catalogue/editor/services/:serviceId/\(step)") { request, context in
                try await self.act(step, request, context)
            }
        }
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> EditorServiceListDTO {
        try await editing.list(organization: request.uri.queryParameters["organization"].map(String.init), by: context.session)
    }

    func reviewQueue(_ request: Request, context: AppRequestContext) async throws -> EditorServiceListDTO {
        try await editing.reviewQueue(by: context.session)
    }

    /// `?organization=&sort=days|name`.
    func stale(_ request: Request, context: AppRequestContext) async throws -> EditorServiceListDTO {
        let query = request.uri.queryParameters
        return try await editing.stale(
            organization: query["organization"].map(String.init), sort: query["sort"].map(String.init), by: context.session)
    }

    /// `?organization=&language=sv|en`.
    func translationQueue(_ request: Request, context: AppRequestContext) async throws -> TranslationQueueDTO {
        let query = request.uri.queryParameters
        return try await editing.translationQueue(
            organization: query["organization"].map(String.init), language: query["language"].map(String.init), by: context.session)
    }

    func requestTranslations(_ request: Request, context: AppRequestContext) async throws -> EditorServiceDTO {
        _ = try CatalogueEditingService.requireSignedIn(context.session)
        let input = try await request.decode(as: TranslationRequestInput.self, context: context)
        return try await editing.requestTranslations(try context.parameters.require("serviceId"), input, by: context.session)
    }

    func organizations(_ request: Request, context: AppRequestContext) async throws -> EditorOrganizationsDTO {
        try await editing.organizations(by: context.session)
    }

    func notices(_ request: Request, context: AppRequestContext) async throws -> CatalogueNoticesDTO {
        try await editing.notices(by: context.session)
    }

    func readNotice(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await editing.readNotice(try context.parameters.require("noticeId"), by: context.session)
        return .noContent
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<EditorServiceDTO> {
        _ = try CatalogueEditingService.requireSignedIn(context.session)
        let input = try await request.decode(as: NewServiceInput.self, context: context)
        return EditedResponse(status: .created, response: try await editing.create(input, by: context.session))
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> EditorServiceDTO {
        try await editing.get(try context.parameters.require("serviceId"), by: context.session)
    }

    func save(_ request: Request, context: AppRequestContext) async throws -> EditorServiceDTO {
        _ = try CatalogueEditingService.requireSignedIn(context.session)
        let input = try await request.decode(as: SaveServiceInput.self, context: context)
        return try await editing.save(try context.parameters.require("serviceId"), input, by: context.session)
    }

    func history(_ request: Request, context: AppRequestContext) async throws -> ServiceHistoryDTO {
        try await editing.history(try context.parameters.require("serviceId"), by: context.session)
    }

    /// `?from=&to=`: version numbers.
    func diff(_ request: Request, context: AppRequestContext) async throws -> ServiceDiffDTO {
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        let from = query["from"].flatMap { Int(String($0)) }
        let to = query["to"].flatMap { Int(String($0)) }
        if from == nil { errors.append(FieldError("from", "field.required")) }
        if to == nil { errors.append(FieldError("to", "field.required")) }
        guard let from, let to else { throw AppError.validation(errors) }
        return try await editing.diff(try context.parameters.require("serviceId"), from: from, to: to, by: context.session)
    }

    func version(_ request: Request, context: AppRequestContext) async throws -> ServiceVersionContentDTO {
        try await editing.version(try context.parameters.require("serviceId"), try number(context), by: context.session)
    }

    func restore(_ request: Request, context: AppRequestContext) async throws -> EditorServiceDTO {
        _ = try CatalogueEditingService.requireSignedIn(context.session)
        let input = try await request.decode(as: RestoreVersionInput.self, context: context)
        return try await editing.restore(
            try context.parameters.require("serviceId"), number: try number(context), input, by: context.session)
    }

    func act(_ step: String, _ request: Request, _ context: AppRequestContext) async throws -> EditorServiceDTO {
        _ = try CatalogueEditingService.requireSignedIn(context.session)
        // The body is optional: `{}` or nothing for steps without a version or a comment.
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let input =
            body.readableBytes == 0
            ? ServiceActionInput() : try JSONDecoder().decode(ServiceActionInput.self, from: Data(body.readableBytesView))
        return try await editing.act(try context.parameters.require("serviceId"), step, input, by: context.session)
    }

    private func number(_ context: AppRequestContext) throws -> Int {
        guard let n = Int(try context.parameters.require("number")), n >= 1 else { throw AppError.notFound("catalogue.versionNotFound") }
        return n
    }
}
