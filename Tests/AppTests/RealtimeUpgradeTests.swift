import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import App

@Suite("Realtime: the WebSocket upgrade of /api/v1/ws")
struct RealtimeUpgradeTests {
    /// WSClient always sends `Origin: ws://localhost` (any `Origin` we add comes second), so these tests
    /// make that the server's own origin.
    static let clientOrigin = "ws://localhost"

    /// A live server whose origin is the client's, and a signed-in user's session token.
    static func run(_ body: @Sendable (TestEnv, _ token: String) async throws -> Void) async throws {
        let clientIsOwnOrigin: @Sendable (inout AppConfiguration) -> Void = { $0.baseURL = URL(string: clientOrigin)! }
        try await TestEnv.run(.live, adjust: clientIsOwnOrigin) { env in
            try await env.user("aino@example.fi")
            let login = try await env.request(
                .post, "/api/v1/auth/login", json: ["email": "aino@example.fi", "password": TestEnv.password], origin: clientOrigin)
            let token = try #require(env.sessionToken(login))
            try await body(env, token)
        }
    }

    /// A WebSocket handshake of `path` with `headers` on a new connection (a handshake must be a
    /// connection's first request), read as HTTP: for refusals.
    static func handshake(_ env: TestEnv, _ headers: HTTPFields, path: String = "/api/v1/ws") async throws -> TestClient.Response {
        let port = try #require(env.client.port)
        var all: HTTPFields = [
            .connection: "Upgrade", .upgrade: "websocket", .secWebSocketVersion: "13", .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==",
        ]
        all.append(contentsOf: headers)
        let request = all
        // A loaded test machine may take long to answer; the default 15 s was not always enough.
        return try await TestClient.withClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(60))) {
            try await $0.get(path, headers: request)
        }
    }

    static func code(_ response: TestClient.Response) -> String? {
        guard let body = response.body, let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) else { return nil }
        return (json as? [String: Any])?["code"] as? String
    }

    /// Sends `{"type":"ping"}` after a `hello`, and returns the first answer that is not the `welcome`.
    static func pingPong(_ client: any TestClientProtocol, headers: HTTPFields) async throws -> String? {
        let answer = Answer()
        try await client.ws("/api/v1/ws", configuration: .init(additionalHeaders: headers)) { inbound, outbound, _ in
            try await outbound.write(.text(#"{"type":"hello"}"#))
            try await outbound.write(.text(#"{"type":"ping"}"#))
            var messages = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
            while case .text(let text) = try await messages.next() {
                if text.contains(#""type":"welcome""#) { continue }
                answer.text.withLock { $0 = text }
                break
            }
        }
        return answer.text.withLock { $0 }
    }

    final class Answer: Sendable {
        let text = Mutex<String?>(nil)
    }

    @Test func aSignedInBrowserFromOurOriginGetsPongForPing() async throws {
        try await Self.run { env, token in
            let browser = try await Self.pingPong(env.client, headers: [.cookie: "session=\(token)"])
            #expect(browser == #"{"type":"pong"}"#)
            let apiClient = try await Self.pingPong(env.client, headers: [.authorization: "Bearer \(token)"])
            #expect(apiClient == #"{"type":"pong"}"#)
        }
    }

    @Test func withoutASessionTheUpgradeIsRefused() async throws {
        try await Self.run { env, _ in
            let none = try await Self.handshake(env, [.origin: Self.clientOrigin])
            #expect(none.status == .forbidden && Self.code(none) == "auth.required")
            #expect(none.headers[.contentType] == "application/problem+json" && none.headers[.connection] == "close")
            let unknown = try await Self.handshake(env, [.origin: Self.clientOrigin, .cookie: "session=not-a-session"])
            #expect(unknown.status == .forbidden && Self.code(unknown) == "auth.required")
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                try await env.client.ws("/api/v1/ws") { _, _, _ in }
            }
        }
    }

    @Test func fromAnotherOriginTheUpgradeIsRefused() async throws {
        try await Self.run { env, token in
            let foreign = try await Self.handshake(env, [.cookie: "session=\(token)", .origin: "https://evil.example"])
            #expect(foreign.status == .forbidden && Self.code(foreign) == "request.originRejected")
            #expect(foreign.headers[.contentType] == "application/problem+json")
            let noOrigin = try await Self.handshake(env, [.cookie: "session=\(token)"])
            #expect(noOrigin.status == .forbidden, "a cookie without Origin is a browser's, and must prove its origin")
            // A second Origin makes the header a list, which is no origin of ours.
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                try await env.client.ws(
                    "/api/v1/ws", configuration: .init(additionalHeaders: [.cookie: "session=\(token)", .origin: "https://evil.example"])
                ) { _, _, _ in }
            }
        }
    }

    @Test func otherPathsAndPlainRequestsGetProblemJSON() async throws {
        try await Self.run { env, token in
            // An upgrade of another path: the WebSocket router's 404, not the library's empty 400.
            let elsewhere = try await Self.handshake(
                env, [.cookie: "session=\(token)", .origin: Self.clientOrigin], path: "/api/v1/elsewhere")
            #expect(elsewhere.status == .notFound && Self.code(elsewhere) == "notFound")
            // A GET without the upgrade goes to the HTTP router: a problem, not the web shell.
            let plain = try await env.request(.get, "/api/v1/ws", token: token)
            #expect(plain.status == .notFound && plain.headers[.contentType] == "application/problem+json")
            #expect(try await env.request(.get, "/healthz").status == .ok)
        }
    }
}

/// The connection guard on a test channel: no socket, and a clock the test moves.
@Suite("Realtime: the guard before the first request")
struct RealtimeGuardTests {
    static let timeout = TimeAmount.seconds(2)

    /// A connected test channel set up as the server sets up each connection.
    static func connection() async throws -> (NIOAsyncTestingChannel, EventLoopFuture<Bool>) {
        let router = Router(context: AppRequestContext.self)
        router.ws("api/v1/ws") { _, _, _ in }
        let channel = GuardedUpgradeChannel(
            responder: { _, _, _ in }, webSocketResponder: router.buildResponder(),
            configuration: .init(http1: .init(idleTimeout: timeout), ws: RealtimeEndpoint.configuration), firstRequestTimeout: timeout)
        let testChannel = NIOAsyncTestingChannel()
        try await testChannel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 8080)).get()
        let value = try await testChannel.eventLoop.flatSubmit {
            channel.setup(channel: testChannel, logger: Logger(label: "test"))
        }.get()
        return (testChannel, value.firstRequest)
    }

    @Test(arguments: ["GARBAGE\r\n\r\n", "GET /healthz?q=työ HTTP/1.1\r\nHost: x\r\n\r\n", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n"])
    func aFirstRequestThatDoesNotParseGets400AndTheConnectionCloses(raw: String) async throws {
        let (channel, firstRequest) = try await Self.connection()
        try await channel.writeInbound(ByteBuffer(string: raw))
        var answer = try #require(try await channel.readOutbound(as: ByteBuffer.self))
        let text = answer.readString(length: answer.readableBytes) ?? ""
        #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n") && text.contains("Connection: close\r\n"))
        #expect(text.contains("\"code\":\"request.malformed\""))
        try await channel.closeFuture.get()
        #expect(try await firstRequest.get() == false)
    }

    @Test(arguments: ["", "GET /healthz HTTP/1.1\r\nHost: "])
    func aConnectionWithoutARequestHeadClosesAfterTheIdleTimeout(sent: String) async throws {
        let (channel, firstRequest) = try await Self.connection()
        if !sent.isEmpty { try await channel.writeInbound(ByteBuffer(string: sent)) }
        await channel.testingEventLoop.advanceTime(by: Self.timeout - .milliseconds(100))
        #expect(channel.isActive)
        await channel.testingEventLoop.advanceTime(by: .milliseconds(200))
        try await channel.closeFuture.get()
        #expect(try await firstRequest.get() == false)
    }

    @Test func afterTheFirstRequestHeadTheGuardLeaves() async throws {
        let (channel, firstRequest) = try await Self.connection()
        try await channel.writeInbound(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(try await firstRequest.get() == true)
        let left = try await channel.testingEventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            return (try? pipeline.handler(type: FirstRequestGuard.self)) == nil
                && (try? pipeline.handler(type: FirstRequestWatcher.self)) == nil
        }.get()
        #expect(left)
        // The request is being answered (no handler runs here): the guard's timeout no longer applies.
        await channel.testingEventLoop.advanceTime(by: .seconds(6))
        #expect(channel.isActive)
        _ = try? await channel.finish()
    }

    @Test func gracefulShutdownClosesAConnectionThatHasNoRequestYet() async throws {
        let (channel, firstRequest) = try await Self.connection()
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        try await channel.closeFuture.get()
        #expect(try await firstRequest.get() == false)
    }
}
