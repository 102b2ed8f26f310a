import Foundation
import Hummingbird

/// `/catalogue/ptv/*`: services in and out of the national service registry's shape. Decode, call
/// `PTVExchange`, encode.
struct PTVController: Sendable {
    let exchange: PTVExchange

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.post("catalogue/ptv/import", use: importFile)
        api.get("catalogue/ptv/export", use: export)
    }

    /// `?organization=&dryRun=true|false`; the body is the registry's JSON (an array of services or a
    /// page with `itemList`), up to 16 MiB.
    func importFile(_ request: Request, context: AppRequestContext) async throws -> PTVImportDTO {
        let query = request.uri.queryParameters
        guard let organization = query["organization"].map(String.init) else {
            throw AppError.validation([FieldError("organization", "field.required")])
        }
        let dryRun: Bool
        switch query["dryRun"].map(String.init) {
        case nil, "true": dryRun = true
        case "false": dryRun = false
        default: throw AppError.validation([FieldError("dryRun", "field.invalidValue")])
        }
        // Who may import is checked before the body is read.
        _ = try await exchange.requireImporter(context.session, organizationId: organization)
        let body = try await request.body.collect(upTo: PTVExchange.maxFileBytes)
        return try await exchange.importFile(Data(body.readableBytesView), organizationId: organization, dryRun: dryRun, by: context.session)
    }

    func export(_ request: Request, context: AppRequestContext) async throws -> PTVServicePage {
        guard let organization = request.uri.queryParameters["organization"].map(String.init) else {
            throw AppError.validation([FieldError("organization", "field.required")])
        }
        return try await exchange.export(organizationId: organization, by: context.session)
    }
}
