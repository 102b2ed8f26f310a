import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

@Suite("HTTP basics")
struct HTTPTests {
    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await TestEnv.run { env in
            for path in ["/healthz", "/api/v1/nothing-here", "/api/v1/me"] {
                let r = try await env.request(.get, path)
                let csp = try #require(r.headers[.contentSecurityPolicy], "\(path)")
                #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"))
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
                #expect(r.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(r.headers[.strictTransportSecurity] == nil)  // plain http base URL
            }
        }
    }

    @Test func httpsBaseURLAddsHSTSAndTheHostCookie() async throws {
        let https: @Sendable (inout AppConfiguration) -> Void = { $0.baseURL = URL(string: "https://ohjaustila.example.fi")! }
        try await TestEnv.run(adjust: https) { env in
            try await env.user("aino@example.fi")
            let r = try await env.request(
                .post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": TestEnv.password],
                origin: "https://ohjaustila.example.fi")
            #expect(r.status == .ok)
            #expect(r.headers[.strictTransportSecurity]?.contains("max-age=") == true)
            let cookie = try #require(r.headers[values: .setCookie].first)
            #expect(cookie.hasPrefix("__Host-session=") && cookie.contains("Secure") && cookie.contains("Path=/"))
        }
    }

    @Test func errorsAreProblemJSONWithStableCodes() async throws {
        try await TestEnv.run { env in
            let missing = try await env.request(.get, "/api/v1/nothing-here")
            #expect(missing.status == .notFound && missing.code == "notFound")
            #expect(missing.headers[.contentType] == "application/problem+json")
            let json = try missing.json()
            #expect(json["status"] as? Int == 404 && json["type"] as? String != nil && json["title"] as? String != nil)
            let wrongType = try await env.request(.post, "/api/v1/auth/login", json: ["email": 5, "password": true])
            #expect(wrongType.status == .badRequest && wrongType.code == "request.invalidJSON")
            let method = try await env.request(.put, "/api/v1/auth/login", json: [:])
            #expect(method.status.code == 405 || method.status.code == 404)
            #expect(method.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        try await TestEnv.run { env in
            let huge = "{\"email\": \"" + String(repeating: "a", count: 2 << 20) + "\", \"password\": \"x\"}"
            let r = try await env.request(.post, "/api/v1/auth/login", body: huge)
            #expect(r.status == .contentTooLarge && r.code == "request.tooLarge")
        }
    }

    @Test func crossSiteBrowserWritesAreRejected() async throws {
        try await TestEnv.run { env in
            try await env.user("aino@example.fi")
            let token = try await env.login("aino@example.fi")
            let body = ["displayName": "Changed"]
            let foreign = try await env.request(.patch, "/api/v1/me", token: token, json: body, origin: "https://evil.example")
            #expect(foreign.status == .forbidden && foreign.code == "request.originRejected")
            let crossSite = try await env.request(
                .patch, "/api/v1/me", token: token, json: body, headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"], origin: nil)
            #expect(crossSite.status == .forbidden)
            let noOrigin = try await env.request(.patch, "/api/v1/me", token: token, json: body, origin: nil)
            #expect(noOrigin.status == .forbidden, "a cookie without Origin is a browser's, and must prove its origin")
            let loginFromElsewhere = try await env.request(
                .post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": TestEnv.password],
                origin: "https://evil.example")
            #expect(loginFromElsewhere.status == .forbidden)
            // Same origin, and API clients with a bearer token, are fine.
            #expect(try await env.request(.patch, "/api/v1/me", token: token, json: body).status == .ok)
            let bearer = try await env.client.execute(
                uri: "/api/v1/me", method: .patch, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: "{\"displayName\": \"API\"}"))
            #expect(bearer.status == .ok)
            // Reads need no Origin.
            #expect(try await env.request(.get, "/api/v1/me", token: token, origin: nil).status == .ok)
        }
    }

    @Test func healthReadinessAndMetrics() async throws {
        let withToken: @Sendable (inout AppConfiguration) -> Void = { $0.metricsToken = "metrics-token" }
        try await TestEnv.run(adjust: withToken) { env in
            #expect(try await env.request(.get, "/healthz").status == .ok)
            #expect(try await env.request(.get, "/readyz").status == .ok)
            _ = try await env.request(.get, "/api/v1/organizations")
            let metrics = try await env.request(.get, "/metrics", headers: [.authorization: "Bearer metrics-token"])
            #expect(metrics.status == .ok)
            let text = String(buffer: metrics.body)
            #expect(text.contains("http_server_request_duration_bucket") && text.contains("http_route=\"/api/v1/organizations\""))
        }
    }

    @Test func theWebShellIsServedForClientRoutesOnly() async throws {
        try await TestEnv.run { env in
            let shell = try await env.request(.get, "/account")
            #expect(shell.status == .ok && String(buffer: shell.body).contains("<html"))
            #expect(shell.headers[.contentType] == "text/html; charset=utf-8")
            let deep = try await env.request(.get, "/organizations/org-a/users")
            #expect(deep.status == .ok && deep.body == shell.body)
            #expect(try await env.request(.get, "/no-such-file.js").status == .notFound)
            #expect(try await env.request(.get, "/api/v1/no-such-route").headers[.contentType] == "application/problem+json")
        }
    }

    @Test func theOpenAPIDocumentListsEveryRoute() async throws {
        try await TestEnv.run { env in
            let response = try await env.request(.get, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            let document = try response.json()
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let routes = env.components.router().routes
            #expect(routes.count > 20)
            for route in routes {
                let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                let key = "/" + path.joined(separator: "/")
                let operation = paths[key]?[route.method.rawValue.lowercased()]
                #expect(operation != nil, "\(route.method) \(key) is missing from openapi.json")
            }
        }
    }
}
