import Hummingbird

/// Serves the web client's `index.html` for the client's own routes (`/login`, `/account`, …):
/// a GET that matched no route and no file, outside `/api/`, whose last segment has no extension.
struct WebShellMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && isShellRoute(request) {
            var head = request.head
            head.path = "/index.html"
            let shell = Request(head: head, body: .init(buffer: ByteBuffer()))
            var response = try await next(shell, context)
            response.headers[.cacheControl] = "no-cache"
            return response
        }
    }

    func isShellRoute(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head else { return false }
        let path = request.uri.path
        if path.hasPrefix("/api/") || path == "/api" { return false }
        let last = path.split(separator: "/").last ?? ""
        return !last.contains(".")
    }
}
