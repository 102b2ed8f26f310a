import Foundation
import Hummingbird
import HummingbirdWebSocket

/// `GET /api/v1/ws`: who may open the realtime WebSocket, and (for now) what it answers.
enum RealtimeEndpoint {
    /// Frames are JSON text of at most 64 KB.
    static let maxFrameSize = 1 << 16

    static var configuration: WebSocketServerConfiguration {
        WebSocketServerConfiguration(maxFrameSize: maxFrameSize, validateUTF8: true)
    }

    /// A signed-in caller from our own origin. A browser always sends `Origin` on a WebSocket handshake, so a
    /// cookie session without it is refused; an API client with a Bearer token need not send one. A refusal
    /// throws, so the caller gets problem+json (403, as docs/api.md says) rather than an upgrade.
    static func shouldUpgrade(origin: String) -> @Sendable (Request, AppRequestContext) async throws -> RouterShouldUpgrade {
        { request, context in
            if let requestOrigin = request.headers[.origin] {
                guard requestOrigin == origin else { throw AppError(.forbidden, "request.originRejected") }
            } else if context.sessionFromCookie {
                throw AppError(.forbidden, "request.originRejected")
            }
            guard context.session != nil else { throw AppError(.forbidden, "auth.required") }
            return .upgrade([:])
        }
    }

    /// Stand-in until the realtime hub takes over: answers `{"type":"ping"}` with `{"type":"pong"}` and
    /// ignores every other frame.
    @Sendable static func placeholder(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, context: WebSocketRouterContext<AppRequestContext>
    ) async throws {
        for try await message in inbound.messages(maxSize: maxFrameSize) {
            guard case .text(let text) = message, isPing(text) else { continue }
            try await outbound.write(.text(#"{"type":"pong"}"#))
        }
    }

    private struct Frame: Decodable {
        let type: String
    }

    static func isPing(_ text: String) -> Bool {
        (try? JSONDecoder().decode(Frame.self, from: Data(text.utf8)))?.type == "ping"
    }
}
