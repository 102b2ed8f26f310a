import Hummingbird

/// Serves the web client's `index.html` for the client's own routes (`/login`, `/account`, …):
/// a GET that matched no route and no file, outside `/api/`, whose last segment has no extension.
struct WebShellMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            Self.declareCharset(&response)
            return response
        } catch let error as HTTPError where error.status == .notFound && isShellRoute(request) {
            var head = request.head
            head.path = "/index.html"
            let shell = Request(head: head, body: .init(buffer: ByteBuffer()))
            var response = try await next(shell, context)
            response.headers[.cacheControl] = "no-cache"
            Self.declareCharset(&response)
            return response
        }
    }

    /// The web client's text files are UTF-8; say so in the header, not only in the page.
    static func declareCharset(_ response: inout Response) {
        guard let type = response.headers[.contentType], !type.contains("charset") else { return }
        if type.hasPrefix("text/") || type == "application/javascript" || type == "application/manifest+json" {
            response.headers[.contentType] = type + "; charset=utf-8"
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
