import Foundation
import Hummingbird

/// `/admin/security-events`: platform admins list security events with filters.
struct SecurityEventsController: Sendable {
    let events: SecurityEventsService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("admin/security-events", use: list)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Page<SecurityEventDTO> {
        guard context.session != nil else { throw AppError.authRequired }
        let query = request.uri.queryParameters
        var filter = SecurityEventFilter()
        var errors: [FieldError] = []
        if let user = query["userId"], !user.isEmpty { filter.userId = String(user) }
        for raw in query.getAll("kind") where !raw.isEmpty {
            for part in raw.split(separator: ",") {
                if let kind = SecurityEventKind(rawValue: String(part)) {
                    filter.kinds.append(kind)
                } else {
                    errors.append(FieldError("kind", "field.invalidValue"))
                }
            }
        }
        func date(_ name: String, _ raw: Substring?) -> Date? {
            guard let raw, !raw.isEmpty else { return nil }
            guard let date = try? Date(String(raw), strategy: .iso8601) else {
                errors.append(FieldError(name, "field.invalidValue"))
                return nil
            }
            return date
        }
        filter.from = date("from", query["from"])
        filter.to = date("to", query["to"])
        if !errors.isEmpty { throw AppError.validation(errors) }
        return try await events.list(filter, page: try PageRequest(request), by: context.session)
    }
}
