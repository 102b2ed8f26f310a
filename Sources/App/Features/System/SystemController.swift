import Foundation
import Hummingbird
import Prometheus

/// Liveness, readiness, metrics and the OpenAPI document.
struct SystemController: Sendable {
    let db: AppDatabase
    let metrics: PrometheusCollectorRegistry
    let openAPIFile: URL

    struct Status: ResponseCodable { let status: String }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz") { _, _ in Status(status: "ok") }
        router.get("readyz", use: ready)
        router.get("metrics", use: prometheus)
        router.get("api/v1/openapi.json", use: openAPI)
    }

    func ready(_ request: Request, context: AppRequestContext) async throws -> Status {
        guard await db.isReachable() else { throw AppError(.serviceUnavailable, "server.unavailable") }
        return Status(status: "ok")
    }

    func prometheus(_ request: Request, context: AppRequestContext) async throws -> Response {
        var buffer: [UInt8] = []
        metrics.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }

    func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let data = try? Data(contentsOf: openAPIFile) else { throw AppError.notFound() }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
