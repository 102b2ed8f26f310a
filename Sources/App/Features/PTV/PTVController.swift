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
        return try await exchange.importFile(
            Data(body.readableBytesView), organizationId: organization, dryRun: dryRun, by: context.session)
    }

    /// A download: `Content-Disposition: attachment; filename="ptv-<organisation>.json"`.
    func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let organization = request.uri.queryParameters["organization"].map(String.init) else {
            throw AppError.validation([FieldError("organization", "field.required")])
        }
        let page = try await exchange.export(organizationId: organization, by: context.session)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(page)
        // The organisation exists (the export checked), and its id is letters, digits, '-' and '_'.
        let name = organization.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        let headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .contentDisposition: "attachment; filename=\"ptv-\(name).json\"",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
