// The "ceiling" of the group fan-out benchmark: a bare SwiftNIO WebSocket broadcaster speaking the
// JSON subset of the realtime protocol the load generator uses (hello/welcome, send/ack/event, ping/pong).
// Usage: Broadcaster --port N (0 picks a free port); prints "listening on <port>"; runs until SIGTERM/SIGINT.
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

private let wsPath = "/api/v1/ws"
private let decoder = JSONDecoder()
private let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    return encoder
}()
private let pongFrame = ByteBuffer(string: #"{"type":"pong"}"#)
private let invalidFrame = ByteBuffer(string: #"{"type":"error","code":"frame.invalid"}"#)

private struct Incoming: Decodable {
    let type: String
    let user: String?
    let spaces: [String]?
    let spaceId: String?
    let clientMessageId: String?
    let body: String?
}

private struct Welcome: Encodable {
    var type = "welcome"
    let userId: String
    let spaces: [String]
}

private struct Ack: Encodable {
    var type = "ack"
    let spaceId: String
    let clientMessageId: String
    let seq: Int
}

private struct Event: Encodable {
    struct Message: Encodable {
        let senderId: String
        let clientMessageId: String
        let body: String
    }
    var type = "event"
    let spaceId: String
    let seq: Int
    var kind = "message"
    let data: Message
}

private func textFrame(_ value: some Encodable) -> WebSocketFrame {
    // Plain strings, string arrays and integers always encode.
    let json = try! encoder.encode(value)
    return WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: json))
}

/// One space: its sequence counter and its subscribers, grouped by event loop so that a message costs
/// one task per loop (not per subscriber). Tasks are queued under the lock, so every subscriber gets
/// the events of a space in seq order.
private final class Space: Sendable {
    private struct Members {
        let loop: any EventLoop
        var channels: [ObjectIdentifier: any Channel] = [:]
    }
    private struct State {
        var seq = 0
        var byLoop: [ObjectIdentifier: Members] = [:]
    }
    private let state = Mutex(State())

    func join(_ channel: any Channel) {
        let loop = channel.eventLoop
        state.withLock { state in
            state.byLoop[ObjectIdentifier(loop), default: Members(loop: loop)].channels[ObjectIdentifier(channel)] = channel
        }
    }

    func leave(_ channel: any Channel) {
        state.withLock { state in
            state.byLoop[ObjectIdentifier(channel.eventLoop)]?.channels[ObjectIdentifier(channel)] = nil
        }
    }

    /// Takes the next seq, encodes the event once (`makeFrame`) and queues it to every subscriber.
    func publish(_ makeFrame: (Int) -> WebSocketFrame) -> Int {
        state.withLock { state in
            state.seq += 1
            let frame = makeFrame(state.seq)
            for members in state.byLoop.values where !members.channels.isEmpty {
                let channels = members.channels  // copy-on-write: no copy unless membership changes meanwhile
                members.loop.execute {
                    for channel in channels.values {
                        channel.writeAndFlush(frame, promise: nil)
                    }
                }
            }
            return state.seq
        }
    }
}

/// The registry: space id → space (never removed, so a space's seq keeps counting).
private final class Hub: Sendable {
    private let spaces = Mutex<[String: Space]>([:])

    func space(_ id: String) -> Space {
        spaces.withLock { spaces in
            if let space = spaces[id] { return space }
            let space = Space()
            spaces[id] = space
            return space
        }
    }
}

/// One upgraded WebSocket connection.
private final class Connection: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let hub: Hub
    private var user = ""
    private var joined: [String: Space] = [:]
    private var closing = false

    init(hub: Hub) { self.hub = hub }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard !closing else { return }
        switch frame.opcode {
        case .text:
            handle(frame.unmaskedData, context: context)
        case .binary:
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: invalidFrame)), promise: nil)
        case .ping:
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            closing = true
            var data = frame.unmaskedData
            let code = data.readSlice(length: 2) ?? ByteBuffer()
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: code)))
                .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        default:
            break
        }
    }

    private func handle(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        let message = try? buffer.withUnsafeReadableBytes { try decoder.decode(Incoming.self, from: Data($0)) }
        context.write(wrapOutboundOut(reply(to: message, channel: context.channel)), promise: nil)
    }

    private func reply(to message: Incoming?, channel: any Channel) -> WebSocketFrame {
        switch message?.type {
        case "hello":
            user = message?.user ?? ""
            let ids = message?.spaces ?? []
            for id in ids where joined[id] == nil {
                let space = hub.space(id)
                space.join(channel)
                joined[id] = space
            }
            return textFrame(Welcome(userId: user, spaces: ids))
        case "send":
            guard let spaceId = message?.spaceId, let clientMessageId = message?.clientMessageId, let body = message?.body else {
                break
            }
            let senderId = user
            let seq = (joined[spaceId] ?? hub.space(spaceId)).publish { seq in
                textFrame(Event(spaceId: spaceId, seq: seq, data: .init(senderId: senderId, clientMessageId: clientMessageId, body: body)))
            }
            return textFrame(Ack(spaceId: spaceId, clientMessageId: clientMessageId, seq: seq))
        case "ping":
            return WebSocketFrame(fin: true, opcode: .text, data: pongFrame)
        default:
            break
        }
        return WebSocketFrame(fin: true, opcode: .text, data: invalidFrame)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        for space in joined.values {
            space.leave(context.channel)
        }
        joined = [:]
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Answers every HTTP request that was not upgraded with 404 (removed from the pipeline on upgrade).
private final class NotFound: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let head = HTTPResponseHead(version: .http1_1, status: .notFound, headers: ["content-length": "0", "connection": "close"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

private func run(port: Int) throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
    let hub = Hub()
    let upgrader = NIOWebSocketServerUpgrader(
        maxFrameSize: 1 << 16,
        shouldUpgrade: { channel, head in
            let matches = head.uri == wsPath || head.uri.hasPrefix(wsPath + "?")
            return channel.eventLoop.makeSucceededFuture(matches ? HTTPHeaders() : nil)
        },
        upgradePipelineHandler: { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                let aggregator = NIOWebSocketFrameAggregator(
                    minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 64, maxAccumulatedFrameSize: 1 << 16)
                try channel.pipeline.syncOperations.addHandlers(aggregator, Connection(hub: hub))
            }
        }
    )
    let server = try ServerBootstrap(group: group)
        .serverChannelOption(.backlog, value: 4096)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (
                        upgraders: [upgrader],
                        completionHandler: { context in context.pipeline.syncOperations.removeHandler(name: "404", promise: nil) }
                    ))
                try pipeline.addHandler(NotFound(), name: "404")
            }
        }
        .bind(host: "127.0.0.1", port: port).wait()

    let signals = [SIGTERM, SIGINT].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { server.close(promise: nil) }
        source.resume()
        return source
    }
    FileHandle.standardOutput.write(Data("listening on \(server.localAddress?.port ?? port)\n".utf8))
    try withExtendedLifetime(signals) { try server.closeFuture.wait() }
    try group.syncShutdownGracefully()
}

let arguments = CommandLine.arguments
var port = 0
if let index = arguments.firstIndex(of: "--port"), index + 1 < arguments.count, let value = Int(arguments[index + 1]) {
    port = value
}
try run(port: port)
