import Hummingbird

/// Security headers on every response, static files and errors included.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let https: Bool

    static var contentSecurityPolicy: String { SecurityHeaderValues.contentSecurityPolicy }

    /// The same policy for a page that the given sources may frame (`'self'` or origins).
    static func contentSecurityPolicy(framedBy ancestors: [String]) -> String {
        SecurityHeaderValues.policy(frameAncestors: ancestors.isEmpty ? "'none'" : ancestors.joined(separator: " "))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            apply(&response.headers)
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            apply(&response.headers)
            return response
        }
    }

    func apply(_ headers: inout HTTPFields) {
        // The one page that may be framed (the search widget's) sets its own policy, whose
        // frame-ancestors name the sites allowed; X-Frame-Options cannot name them, so it is left out.
        if headers[.contentSecurityPolicy] == nil {
            headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
            headers[.xFrameOptions] = "DENY"
        }
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        headers[.crossOriginOpenerPolicy] = "same-origin"
        headers[.permissionsPolicy] = "camera=(), microphone=(), geolocation=()"
        if https { headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
    }
}

/// Joined once (it was joined for every response); a generic type cannot hold a stored static.
private enum SecurityHeaderValues {
    static let contentSecurityPolicy = policy(frameAncestors: "'none'")

    static func policy(frameAncestors: String) -> String {
        [
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "connect-src 'self'", "font-src 'self'", "object-src 'none'", "manifest-src 'self'",
            "worker-src 'self'", "frame-ancestors \(frameAncestors)", "base-uri 'none'", "form-action 'self'",
        ].joined(separator: "; ")
    }
}
