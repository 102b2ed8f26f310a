import Hummingbird
import Logging

/// One line per request: method, route pattern (never the concrete path, which may hold ids or
/// tokens), status and duration. No query string, no address, no user data.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, start: start)
            return response
        } catch let error as any HTTPResponseError {
            log(request, context, status: error.status.code, start: start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method)",
                "http.route": "\(context.endpointPath ?? (request.uri.path.hasPrefix("/api/") ? "unmatched" : "static"))",
                "http.status": "\(status)",
                "duration_ms": "\(Int(ms.rounded()))",
            ])
    }
}
