import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Who is calling. Filled once per request by `SessionMiddleware`.
public struct AppRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<AppRequestContext>
    public let remoteAddress: SocketAddress?
    /// The connection (a WebSocket's handler sets its read-idle timer on it).
    let channel: any Channel
    /// The signed-in user, when the request carried a valid session.
    var session: SessionUser?
    /// True when the session came from a cookie (a browser), so CSRF rules apply.
    var sessionFromCookie = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// Request bodies are small JSON documents; file uploads will get their own limit.
    public var maxUploadSize: Int { 1 << 20 }

    /// The signed-in user, or 401.
    func requireSession() throws -> SessionUser {
        guard let session else { throw AppError.authRequired }
        return session
    }
}

extension AppRequestContext {
    /// JSON with ISO-8601 UTC timestamps (`2026-11-23T14:30:00Z`).
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// The calling address for rate limits: the socket peer, or the first X-Forwarded-For hop when configured.
    func clientAddress(_ request: Request, trustForwardedFor: Bool) -> String {
        if trustForwardedFor, let forwarded = request.headers[.xForwardedFor],
            let first = forwarded.split(separator: ",").first?.trimmingCharacters(in: .whitespaces), !first.isEmpty
        {
            return first
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }
}
