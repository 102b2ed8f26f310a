import Foundation
import HTTPTypes
import Hummingbird
import Prometheus

/// Liveness, readiness, metrics and the OpenAPI document.
struct SystemController: Sendable {
    let db: AppDatabase
    let metrics: PrometheusCollectorRegistry
    let openAPIFile: URL
    let metricsAccess: MetricsAccess

    struct Status: ResponseCodable { let status: String }

    /// `{"status":"ok"}`, encoded once: liveness is polled often and says the same every time.
    static let healthy: Response = {
        let body = ByteBuffer(string: #"{"status":"ok"}"#)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentLength: "\(body.readableBytes)"],
            body: .init(byteBuffer: body))
    }()

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz") { _, _ in Self.healthy }
        router.get("readyz", use: ready)
        router.get("metrics", use: prometheus)
        router.get("api/v1/openapi.json", use: openAPI)
    }

    func ready(_ request: Request, context: AppRequestContext) async throws -> Status {
        guard await db.isReachable() else { throw AppError(.serviceUnavailable, "server.unavailable") }
        return Status(status: "ok")
    }

    /// Every spelling of the path that reaches this handler (`/metrics/`, `//metrics` …) is checked here,
    /// not by a proxy rule in front of it.
    func prometheus(_ request: Request, context: AppRequestContext) async throws -> Response {
        try metricsAccess.check(request, peer: context.remoteAddress?.ipAddress)
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

/// Who may read `/metrics`: with a token, whoever sends it as `Authorization: Bearer`; without one,
/// only a loopback peer whose request was not forwarded by a proxy (a proxy on the same host would
/// otherwise make every outside request look local).
struct MetricsAccess: Sendable {
    let token: String?

    func check(_ request: Request, peer: String?) throws {
        if let token {
            let given = request.headers[.authorization].flatMap { header -> String? in
                header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : nil
            }
            guard let given, Secrets.constantTimeEqual(given, token) else {
                throw AppError.authRequired
            }
            return
        }
        let forwarded = [HTTPField.Name.xForwardedFor, .forwarded, .xRealIP].contains { request.headers[$0] != nil }
        guard !forwarded, let peer, Self.isLoopback(peer) else { throw AppError.forbidden }
    }

    /// 127.0.0.0/8, ::1 and IPv4-mapped loopback.
    static func isLoopback(_ address: String) -> Bool {
        let a = address.lowercased()
        return a.hasPrefix("127.") || a == "::1" || a.hasPrefix("::ffff:127.") || a == "0:0:0:0:0:0:0:1"
    }
}
