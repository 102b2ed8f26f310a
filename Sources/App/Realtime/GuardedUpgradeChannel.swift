import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization

extension HTTPServerBuilder {
    /// HTTP/1.1 with WebSocket upgrades through `webSocketRouter`, guarded (see `GuardedUpgradeChannel`):
    /// a first request that does not parse gets 400 and the connection closes; a connection that has not
    /// sent a whole first request head within `idleTimeout` closes; a keep-alive connection idle for
    /// `idleTimeout` between requests closes; an upgraded WebSocket has no such timeout.
    static func guardedHTTP1WebSocketUpgrade<WSRouter: HTTPResponderBuilder & _HB_SendableMetatype>(
        webSocketRouter: WSRouter,
        configuration: WebSocketServerConfiguration,
        idleTimeout: Duration
    ) -> HTTPServerBuilder where WSRouter.Responder.Context: WebSocketRequestContext {
        let webSocketResponder = webSocketRouter.buildResponder()
        let timeout = TimeAmount(idleTimeout)
        return .init { responder in
            GuardedUpgradeChannel(
                responder: responder, webSocketResponder: webSocketResponder,
                configuration: .init(http1: .init(idleTimeout: timeout), ws: configuration), firstRequestTimeout: timeout)
        }
    }
}

/// hummingbird-websocket's `HTTP1WebSocketUpgradeChannel` with what it lacks before the first request:
/// until a first request head has been read, its pipeline has no idle timer and nothing that answers a
/// parse error, so a silent or malformed connection would stay open for ever. Two handlers cover that
/// time and then leave the pipeline:
///
///     [NIOSSLServerHandler] FirstRequestGuard  HTTPResponseEncoder  HTTPRequestDecoder  FirstRequestWatcher  upgrade handler
///
/// `FirstRequestGuard` sits below the HTTP codec (right after TLS when there is TLS), so the raw 400 it
/// writes goes to the socket as bytes; it closes the connection when no request head came within the
/// timeout, or on graceful shutdown. `FirstRequestWatcher` sits right after the decoder: it reports the
/// first head (then both handlers remove themselves) or a parse error (then the guard answers 400 and
/// closes). After a head, the upgrade channel goes on as usual: a WebSocket, or HTTP with its own
/// idle timeout (`configuration.http1.idleTimeout`).
///
/// An upgrade that the WebSocket router refuses is answered with the router's problem+json (403 …)
/// instead of the library's empty 400: `RefusalRecordingResponder` keeps the refusal for the connection and
/// `RefusalResponseWriter` puts it into the failed-upgrade response.
struct GuardedUpgradeChannel<WSResponder: HTTPResponder>: ServerChildChannel where WSResponder.Context: WebSocketRequestContext {
    struct Value: ServerChildChannelValue {
        let upgrade: HTTP1WebSocketUpgradeChannel
        let upgradeValue: HTTP1WebSocketUpgradeChannel.Value
        /// True once a first request head was read; false when the connection ended before one.
        let firstRequest: EventLoopFuture<Bool>
        var channel: any Channel { upgradeValue.channel }
    }

    let responder: HTTPChannelHandler.Responder
    let webSocketResponder: WSResponder
    let configuration: HTTP1WebSocketUpgradeChannel.Configuration
    let firstRequestTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // One upgrade channel per connection, so that its router's refusal reaches its answer.
        let refusal = UpgradeRefusal()
        let upgrade = HTTP1WebSocketUpgradeChannel(
            responder: responder,
            webSocketResponder: RefusalRecordingResponder(base: webSocketResponder, refusal: refusal),
            configuration: refusal.configuration(configuration))
        let firstRequest = channel.eventLoop.makePromise(of: Bool.self)
        let timeout = firstRequestTimeout
        return channel.eventLoop.makeCompletedFuture {
            do {
                try channel.pipeline.syncOperations.addHandler(
                    FirstRequestGuard(timeout: timeout, firstRequest: firstRequest, logger: logger))
            } catch {
                firstRequest.fail(error)  // once added, the guard completes it
                throw error
            }
        }
        .flatMap { upgrade.setup(channel: channel, logger: logger) }
        .flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let firstRequestGuard = try operations.handler(type: FirstRequestGuard.self)
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(FirstRequestWatcher(firstRequestGuard), position: .after(decoder))
            return Value(upgrade: upgrade, upgradeValue: value, firstRequest: firstRequest.futureResult)
        }
    }

    func handle(value: Value, logger: Logger) async {
        // A connection that ended before its first request (silent, malformed, shut down) is done:
        // the upgrade channel would only log that its negotiation never finished.
        guard (try? await value.firstRequest.get()) == true else {
            value.channel.close(promise: nil)
            return
        }
        await value.upgrade.handle(value: value.upgradeValue, logger: logger)
    }
}

/// Below the HTTP codec until the first request head has been read: closes the connection when that takes
/// longer than the timeout, answers a first request that does not parse with a raw 400, and closes an idle
/// connection on graceful shutdown. Leaves the pipeline once the head is read.
final class FirstRequestGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State { case waiting, headRead, closing }

    private let timeout: TimeAmount
    private let firstRequest: EventLoopPromise<Bool>
    private let logger: Logger
    private var state = State.waiting
    private var settled = false
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var reading = false

    /// What a request that does not parse gets, straight to the socket (the HTTP encoder takes response parts).
    static let badRequest: ByteBuffer = {
        let body = (try? AppError(.badRequest, "request.malformed").problemJSON()) ?? Data()
        var buffer = ByteBuffer(
            string:
                "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
                + "Cache-Control: no-store\r\nContent-Length: \(body.count)\r\n\r\n")
        buffer.writeBytes(body)
        return buffer
    }()

    init(timeout: TimeAmount, firstRequest: EventLoopPromise<Bool>, logger: Logger) {
        self.timeout = timeout
        self.firstRequest = firstRequest
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { startTimer(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
        settle(state == .headRead)
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimer(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .closing else { return }  // what follows a refused or timed-out request is not read
        reading = true
        context.fireChannelRead(data)
        reading = false
        if state == .headRead { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, state == .waiting {
            // Graceful shutdown: no request is under way here, so there is nothing to finish.
            close()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The decoder produced the first request head: the upgrade channel takes over.
    func firstHeadRead() {
        guard state == .waiting else { return }
        state = .headRead
        timer?.cancel()
        timer = nil
        settle(true)
        if !reading, let context { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
    }

    /// The first request did not parse: answer 400 and close once it is written.
    func rejectMalformedRequest() {
        guard state == .waiting, let context else { return }
        state = .closing
        timer?.cancel()
        timer = nil
        logger.debug("first request did not parse: 400 and close")
        let channel = context.channel
        context.writeAndFlush(NIOAny(Self.badRequest)).whenComplete { _ in channel.close(promise: nil) }
    }

    private func startTimer(_ context: ChannelHandlerContext) {
        guard timer == nil, state == .waiting else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            timer = nil
            guard state == .waiting else { return }
            logger.debug("no request head within the idle timeout: close")
            close()
        }
    }

    private func close() {
        state = .closing
        timer?.cancel()
        timer = nil
        context?.close(promise: nil)
    }

    private func settle(_ gotRequest: Bool) {
        guard !settled else { return }
        settled = true
        firstRequest.succeed(gotRequest)
    }
}

@available(*, unavailable)
extension FirstRequestGuard: Sendable {}

/// Right after the HTTP decoder until the first request head: tells the guard about that head or about a
/// parse error before it, then leaves the pipeline.
final class FirstRequestWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let firstRequestGuard: FirstRequestGuard

    init(_ firstRequestGuard: FirstRequestGuard) {
        self.firstRequestGuard = firstRequestGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head = Self.unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        firstRequestGuard.firstHeadRead()
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            firstRequestGuard.rejectMalformedRequest()
            return
        }
        context.fireErrorCaught(error)
    }
}

@available(*, unavailable)
extension FirstRequestWatcher: Sendable {}

/// What the WebSocket router answered when it refused an upgrade: written in place of the upgrade
/// channel's empty 400.
struct Refusal: Sendable {
    let status: HTTPResponse.Status
    let contentType: String
    let body: ByteBuffer

    /// At most this much of the router's answer is kept; a longer one (there is none) is replaced.
    static let maxBody = 16 * 1024

    init(_ error: AppError) {
        status = error.status
        contentType = "application/problem+json"
        body = ByteBuffer(bytes: (try? error.problemJSON()) ?? Data())
    }

    /// The router's answer as it is, or problem+json of its status when it has no body (`.dontUpgrade`
    /// answers 405 with none).
    init(_ response: Response) async {
        let collector = BodyCollector()
        let body = response.body
        do {
            try await body.write(collector)
        } catch {
            collector.buffer = ByteBuffer()
        }
        guard let contentType = response.headers[.contentType], collector.buffer.readableBytes > 0 else {
            self = Refusal(ProblemMiddleware<AppRequestContext>.map(HTTPError(response.status)))
            return
        }
        self.status = response.status
        self.contentType = contentType
        self.body = collector.buffer
    }

    private final class BodyCollector: ResponseBodyWriter {
        var buffer = ByteBuffer()

        func write(_ part: ByteBuffer) async throws {
            guard buffer.readableBytes + part.readableBytes <= Refusal.maxBody else {
                throw NIOTooManyBytesError(maxBytes: Refusal.maxBody)
            }
            buffer.writeImmutableBuffer(part)
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

/// Why the WebSocket router refused one connection's upgrade.
final class UpgradeRefusal: Sendable {
    private let refusal = Mutex<Refusal?>(nil)

    func record(_ refusal: Refusal) { self.refusal.withLock { $0 = refusal } }
    var recorded: Refusal? { refusal.withLock { $0 } }

    /// `base` with a handler that writes the recorded refusal, added to the pipeline of a failed upgrade.
    func configuration(_ base: HTTP1WebSocketUpgradeChannel.Configuration) -> HTTP1WebSocketUpgradeChannel.Configuration {
        var http1 = base.http1
        let additional = http1.additionalChannelHandlers
        http1.additionalChannelHandlers = { [self] in
            // Called when the connection is not upgraded, after the router has answered.
            guard let refusal = recorded else { return additional() }
            return additional() + [RefusalResponseWriter(refusal)]
        }
        return .init(http1: http1, ws: base.ws)
    }
}

/// The WebSocket router, recording why it refused an upgrade: the upgrade channel itself keeps only
/// "refused" and answers an empty 400.
struct RefusalRecordingResponder<Base: HTTPResponder>: HTTPResponder where Base.Context: WebSocketRequestContext {
    typealias Context = Base.Context
    let base: Base
    let refusal: UpgradeRefusal

    func respond(to request: Request, context: Context) async throws -> Response {
        do {
            let response = try await base.respond(to: request, context: context)
            // The router turns an `AppError` into its problem+json answer.
            if response.status != .ok { refusal.record(await Refusal(response)) }
            return response
        } catch let error as AppError {
            refusal.record(Refusal(error))
            throw error
        } catch let error as HTTPError {
            refusal.record(Refusal(ProblemMiddleware<AppRequestContext>.map(error)))
            throw error
        } catch {
            context.logger.error("WebSocket upgrade check failed", metadata: ["error.type": "\(type(of: error))"])
            refusal.record(Refusal(AppError.internalError))
            throw error
        }
    }
}

/// Turns the upgrade channel's empty 400 for a refused upgrade into the router's answer.
final class RefusalResponseWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let refusal: Refusal
    private var replacing = false

    init(_ refusal: Refusal) {
        self.refusal = refusal
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch Self.unwrapOutboundIn(data) {
        case .head(let head) where head.status == .badRequest && !replacing:
            replacing = true
            var fields = HTTPFields()
            fields[.connection] = "close"
            fields[.contentType] = refusal.contentType
            fields[.cacheControl] = "no-store"
            fields[.xContentTypeOptions] = "nosniff"
            fields[.contentLength] = String(refusal.body.readableBytes)
            context.write(Self.wrapOutboundOut(.head(HTTPResponse(status: refusal.status, headerFields: fields))), promise: promise)
        case .end(let trailers) where replacing:
            replacing = false
            if refusal.body.readableBytes > 0 { context.write(Self.wrapOutboundOut(.body(refusal.body)), promise: nil) }
            context.write(Self.wrapOutboundOut(.end(trailers)), promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }
}

@available(*, unavailable)
extension RefusalResponseWriter: Sendable {}
