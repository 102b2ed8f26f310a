import Foundation
import Hummingbird

/// `GET /catalogue/editor/statistics?organization=|municipality=&months=`: the publishing statistics.
struct CatalogueStatisticsController: Sendable {
    let statistics: CatalogueStatisticsService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("catalogue/editor/statistics", use: get)
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> CatalogueStatisticsDTO {
        let params = request.uri.queryParameters
        func text(_ name: String) throws -> String? {
            guard let raw = params[Substring(name)], !raw.isEmpty else { return nil }
            guard raw.count <= 100 else { throw AppError.validation([FieldError(name, "field.tooLong")]) }
            return String(raw)
        }
        var months: Int?
        if let raw = params["months"], !raw.isEmpty {
            guard let n = Int(String(raw)) else { throw AppError.validation([FieldError("months", "field.invalidValue")]) }
            months = n
        }
        return try await statistics.statistics(
            organization: try text("organization"), municipality: try text("municipality"), months: months, by: context.session)
    }
}
