import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// The realtime protocol of `/api/v1/ws` (docs/api.md): one task reads the client's frames, one
/// writes what the hub queues for this socket. Authorisation per frame reads the socket's access in
/// the hub's memory, which committed events keep current; a send is checked once more inside its
/// writing transaction.
struct RealtimeEndpoint: Sendable {
    let hub: RealtimeHub
    let messages: MessagesService
    let spaces: SpacesStore
    let logger: Logger
    let clock: AppClock
    /// Marks the socket's session as in use (its idle timer starts again).
    let keepAlive: @Sendable (_ sessionId: String) async -> Void
    /// Frames a second per connection (`--socket-frame-rate`); twice as many may come in a burst.
    var rate: Double = 20
    var burst: Double { 2 * rate }
    /// A socket that sends nothing for this long is closed (`--socket-idle-timeout`): clients ping every
    /// 25 s, so it is a dead peer or a client that does not follow the protocol. (No server pings: the
    /// library's would be one more task a socket.)
    var idleTimeout: TimeAmount = .seconds(90)

    /// Frames are JSON text of at most 64 KB.
    static let maxFrame = 1 << 16
    static let replayPage = 500

    /// 64 KB frames, UTF-8 checked; no server pings (`idleTimeout` instead).
    static var configuration: WebSocketServerConfiguration {
        WebSocketServerConfiguration(maxFrameSize: maxFrame, autoPing: .disabled, validateUTF8: true)
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

    struct ClientFrame: Decodable {
        let type: String
        let resume: [String: Int64]?
        let spaceId: String?
        let clientMessageId: String?
        let body: String?
        let attachmentIds: [String]?
        let privateTo: String?
        let messageId: String?
        let requestId: String?
        let seq: Int64?
    }

    /// Runs one socket until either side ends it. The socket's task reads; a writer task runs only
    /// while the hub has queued something for it (`Outbox`), so an idle socket has one task.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, session: SessionUser, channel: any Channel) async {
        let timeout = idleTimeout
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandlers(
                    [IdleStateHandler(readTimeout: timeout), CloseWhenReadIdle()], position: .first)
            }.get()
        } catch {
            return  // the connection closed already
        }
        let (id, outbox) = hub.connect(userId: session.userId, sessionId: session.sessionId)
        defer { hub.disconnect(id) }
        let name = (try? await spaces.displayName(user: session.userId)) ?? ""
        let sent = SentPositions()
        outbox.start { outbox in await self.drain(outbox, to: outbound, connection: id, user: session.userId, sent: sent) }
        do {
            try await read(inbound, outbox, connection: id, user: session.userId, name: name, sessionId: session.sessionId)
        } catch {
            logger.debug("socket ended", metadata: ["error.type": "\(type(of: error))"])
        }
    }

    // MARK: Writing

    /// The last seq written to the socket per space, kept between the socket's writer runs (one at a time).
    final class SentPositions: Sendable {
        let value = Mutex<[String: Int64]>([:])
    }

    /// One run of the socket's writer: writes batches until nothing waits. A write that fails or a
    /// close stops the outbox for good.
    private func drain(_ outbox: Outbox, to outbound: WebSocketOutboundWriter, connection: UInt64, user: String, sent: SentPositions)
        async
    {
        var lastSent = sent.value.withLock { $0 }
        while true {
            // Stored before `next()`: a run started after this one ends reads it.
            sent.value.withLock { [lastSent] in $0 = lastSent }
            guard let batch = outbox.next() else { return }
            for item in batch {
                do {
                    guard try await write(item, to: outbound, connection: connection, user: user, &lastSent) else {
                        outbox.stop()
                        return
                    }
                } catch {
                    logger.debug("socket write failed", metadata: ["error.type": "\(type(of: error))"])
                    outbox.stop()
                    return
                }
            }
        }
    }

    /// Writes one item; false when the socket is to end.
    private func write(
        _ item: Outbound, to outbound: WebSocketOutboundWriter, connection: UInt64, user: String, _ lastSent: inout [String: Int64]
    ) async throws -> Bool {
        switch item {
        case .close:
            try? await outbound.close(.normalClosure, reason: nil)
            return false
        case .frame(let text):
            try await outbound.write(.text(text))
        case .event(let space, let seq, let frame):
            if let last = lastSent[space], seq <= last { return true }
            lastSent[space] = seq
            try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: frame)))
        case .hello(let resume):
            // Subscribed already (by the reader); live events of this socket follow this item.
            let known = hub.spaces(of: connection)
            try await outbound.write(.text(Self.json(WelcomeFrame(userId: user, spaces: known.keys.sorted()))))
            for (space, after) in resume.sorted(by: { $0.key < $1.key }) {
                guard let access = known[space] else {
                    try await outbound.write(.text(Self.json(ErrorFrame(code: "space.notFound", spaceId: space))))
                    continue
                }
                var cursor = max(after, lastSent[space] ?? after)
                while true {
                    let page = try await messages.replay(access, after: cursor, limit: Self.replayPage)
                    for event in page { try await outbound.write(.text(EventFrame(event).json)) }
                    if let last = page.last?.seq { cursor = last }
                    if page.count < Self.replayPage { break }
                }
                lastSent[space] = cursor
            }
        }
        return true
    }

    // MARK: Reading

    private func read(
        _ inbound: WebSocketInboundStream, _ outbox: Outbox, connection: UInt64, user: String, name: String, sessionId: String
    ) async throws {
        var bucket = TokenBucket(rate: rate, burst: burst)
        var lastUse = clock.now
        var strikes = 0
        var helloSeen = false
        let decoder = JSONDecoder()
        for try await message in inbound.messages(maxSize: Self.maxFrame) {
            // Closing (session ended, access removed, too slow): nothing more is acted on.
            if outbox.isClosing { return }
            guard case .text(let text) = message else {
                hub.send(.frame(Self.json(ErrorFrame(code: "frame.invalid"))), to: connection)
                continue
            }
            guard bucket.take(now: clock.now) else {
                strikes += 1
                hub.send(.frame(Self.json(ErrorFrame(code: "rate.limited"))), to: connection)
                if strikes > 200 { return }
                continue
            }
            guard let frame = try? decoder.decode(ClientFrame.self, from: Data(text.utf8)) else {
                hub.send(.frame(Self.json(ErrorFrame(code: "frame.invalid"))), to: connection)
                continue
            }
            if frame.type == "hello" {
                guard !helloSeen else { continue }
                helloSeen = true
                // Subscribe before reading the next frame, so a send right after hello finds its space.
                let accesses = try await spaces.accesses(user: user)
                hub.subscribe(connection, spaces: accesses, first: .hello(resume: frame.resume ?? [:]))
                continue
            }
            // What the user does over the socket keeps the session alive; the heartbeat does not.
            if frame.type != "ping", clock.now.timeIntervalSince(lastUse) >= AuthService.touchInterval {
                lastUse = clock.now
                await keepAlive(sessionId)
            }
            if frame.type == "send" {
                send(frame, connection: connection)
            } else {
                await handle(frame, connection: connection, user: user, name: name)
            }
        }
    }

    /// A send is queued for the group commit and the next frame is read at once: the ack (or the
    /// error) goes out when the message's batch is written. Sends of one socket are stored in the order
    /// they came, and the rate limit above bounds how many wait.
    private func send(_ frame: ClientFrame, connection: UInt64) {
        let hub = hub
        let logger = logger
        guard let access = hub.access(connection, space: frame.spaceId ?? "") else {
            return hub.send(.frame(Self.errorFrame(AppError.notFound("space.notFound"), for: frame, logger)), to: connection)
        }
        let input = SendMessageInput(
            clientMessageId: frame.clientMessageId ?? "", body: frame.body ?? "", attachmentIds: frame.attachmentIds,
            privateTo: frame.privateTo)
        do {
            try messages.submit(input, as: access) { result in
                switch result {
                case .success(let (sent, _)):
                    let ack = AckFrame(
                        spaceId: sent.spaceId, clientMessageId: sent.clientMessageId, seq: sent.seq, messageId: sent.messageId)
                    hub.send(.frame(Self.json(ack)), to: connection)
                case .failure(let error):
                    hub.send(.frame(Self.errorFrame(error, for: frame, logger)), to: connection)
                }
            }
        } catch {
            hub.send(.frame(Self.errorFrame(error, for: frame, logger)), to: connection)
        }
    }

    /// The error frame for a frame that failed: the first field's code where it says more than the
    /// general one, `server.internal` (logged by type only) for anything not ours.
    private static func errorFrame(_ error: any Error, for frame: ClientFrame, _ logger: Logger) -> String {
        let code: String
        if let error = error as? AppError {
            code =
                error.errors.first.map { $0.code == "field.required" || $0.code == "field.invalidValue" ? error.code : $0.code }
                ?? error.code
        } else {
            logger.error("realtime frame failed", metadata: ["error.type": "\(type(of: error))"])
            code = "server.internal"
        }
        return json(ErrorFrame(code: code, spaceId: frame.spaceId, clientMessageId: frame.clientMessageId, requestId: frame.requestId))
    }

    private func handle(_ frame: ClientFrame, connection: UInt64, user: String, name: String) async {
        let spaceId = frame.spaceId ?? ""
        func fail(_ code: String) {
            hub.send(.frame(Self.errorFrame(AppError(.badRequest, code), for: frame, logger)), to: connection)
        }
        switch frame.type {
        case "ping":
            hub.send(.frame(#"{"type":"pong"}"#), to: connection)
            return
        case "view":
            hub.setViewing(connection, space: frame.spaceId)
            return
        case "edit", "delete", "read", "typing": break
        default: return fail("frame.invalid")
        }
        guard let access = hub.access(connection, space: spaceId) else { return fail("space.notFound") }
        do {
            switch frame.type {
            case "edit", "delete":
                let event = try await messages.edit(
                    frame.messageId ?? "", body: frame.type == "edit" ? (frame.body ?? "") : nil, as: access)
                hub.send(
                    .frame(
                        Self.json(
                            AckFrame(
                                spaceId: spaceId, clientMessageId: nil, requestId: frame.requestId, seq: event.seq,
                                messageId: frame.messageId))),
                    to: connection)
            case "read":
                try await messages.markRead(frame.seq ?? -1, as: access)
            case "typing":
                guard access.canWrite else { return fail("space.closed") }
                if let to = frame.privateTo, !access.isExpert, to != access.userId { return fail("frame.invalid") }
                hub.broadcast(
                    Self.json(TypingFrame(spaceId: spaceId, userId: user, displayName: name)), space: spaceId, audienceId: frame.privateTo,
                    except: connection)
            default:
                fail("frame.invalid")
            }
        } catch {
            hub.send(.frame(Self.errorFrame(error, for: frame, logger)), to: connection)
        }
    }

    // MARK: Frames

    static func json(_ value: some Encodable) -> String {
        String(
            decoding: (try? SpaceTransaction.encoder.encode(value)) ?? Data(#"{"type":"error","code":"server.internal"}"#.utf8),
            as: UTF8.self)
    }

    struct WelcomeFrame: Encodable {
        var type = "welcome"
        let userId: String
        let spaces: [String]
    }

    struct AckFrame: Encodable {
        var type = "ack"
        let spaceId: String
        var clientMessageId: String?
        var requestId: String?
        let seq: Int64
        var messageId: String?
    }

    struct ErrorFrame: Encodable {
        var type = "error"
        let code: String
        var spaceId: String?
        var clientMessageId: String?
        var requestId: String?
    }

    struct TypingFrame: Encodable {
        var type = "typing"
        let spaceId: String
        let userId: String
        let displayName: String
    }
}

/// A token bucket: `rate` tokens a second, at most `burst` saved up. Time comes from the server's
/// clock (tests set it); a clock set back adds nothing.
struct TokenBucket {
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var last: Date?

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = burst
        tokens = burst
    }

    mutating func take(now: Date) -> Bool {
        if let last { tokens = min(burst, tokens + max(0, now.timeIntervalSince(last)) * rate) }
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Closes the connection when `IdleStateHandler` says nothing was read for its read timeout.
final class CloseWhenReadIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
