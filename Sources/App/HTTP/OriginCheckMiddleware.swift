import Hummingbird

/// Rejects state-changing browser requests that come from another site (CSRF).
/// Browsers send `Origin` on every POST/PUT/PATCH/DELETE and `Sec-Fetch-Site` in all current versions;
/// a request carrying neither is not from a browser and needs no CSRF guard, except when it rides on a
/// session cookie: then it is refused too, because only a browser holds that cookie.
struct OriginCheckMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let origin: String

    static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !Self.safeMethods.contains(request.method) && !allowed(request, context: context) {
            throw AppError(.forbidden, "request.originRejected")
        }
        return try await next(request, context)
    }

    func allowed(_ request: Request, context: Context) -> Bool {
        let fetchSite = request.headers[.secFetchSite]
        if let fetchSite, fetchSite != "same-origin" && fetchSite != "none" { return false }
        if let requestOrigin = request.headers[.origin] { return requestOrigin == origin }
        if fetchSite != nil { return true }
        return !context.sessionFromCookie
    }
}
