import Foundation
import Hummingbird

/// Where the session token travels: a cookie for browsers, `Authorization: Bearer` for API clients.
struct SessionCookie: Sendable {
    let https: Bool
    let lifetime: TimeInterval

    /// `__Host-` binds the cookie to this exact origin over https; plain-http development uses `session`.
    var name: String { https ? "__Host-session" : "session" }

    func set(_ token: String, on response: inout Response) {
        response.setCookie(
            Cookie(name: name, value: token, maxAge: Int(lifetime), path: "/", secure: https, httpOnly: true, sameSite: .lax))
    }

    func clear(on response: inout Response) {
        response.setCookie(Cookie(name: name, value: "", maxAge: 0, path: "/", secure: https, httpOnly: true, sameSite: .lax))
    }

    /// The token of a request and whether it came in a cookie.
    func token(in request: Request) -> (String, fromCookie: Bool)? {
        if let auth = request.headers[.authorization], auth.lowercased().hasPrefix("bearer ") {
            return (String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces), false)
        }
        if let value = request.cookies[name]?.value, !value.isEmpty { return (value, true) }
        return nil
    }
}

/// Resolves the caller's session once per request and puts it in the context; marks the answers of
/// authenticated API requests `Cache-Control: no-store`.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let auth: AuthService
    let cookie: SessionCookie

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let (token, fromCookie) = cookie.token(in: request) {
            context.session = try await auth.authenticate(token: token)
            context.sessionFromCookie = fromCookie
        }
        var response = try await next(request, context)
        // What a signed-in caller gets may be personal: no shared or private cache keeps it.
        if context.session != nil, request.uri.path.hasPrefix("/api/") {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}
