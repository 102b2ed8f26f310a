import App
import Foundation
import HTTPTypes
import Histogram
import HummingbirdWSClient
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Monotonic nanoseconds.
@inline(__always) func nanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Latencies in microseconds, up to 10 minutes, 3 significant digits.
struct Latencies: Sendable {
    var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)

    mutating func record(from due: UInt64, to now: UInt64) {
        _ = histogram.record(now > due ? (now - due) / 1000 : 0)
    }

    var count: UInt64 { histogram.totalCount }

    /// p50, p99 and p99.9 in milliseconds.
    var figures: [String: Double] {
        guard histogram.totalCount > 0 else { return ["p50": 0, "p99": 0, "p999": 0, "max": 0] }
        func ms(_ p: Double) -> Double { Double(histogram.valueAtPercentile(p)) / 1000 }
        return ["p50": ms(50), "p99": ms(99), "p999": ms(99.9), "max": Double(histogram.max) / 1000]
    }
}

/// One frame from the server, as far as the load generator reads it.
struct ServerFrame: Decodable {
    struct Data: Decodable {
        let senderId: String?
        let clientMessageId: String?
    }
    let type: String
    let clientMessageId: String?
    let code: String?
    let data: Data?
}

/// What a run counts, shared by every socket's reader; one lock.
final class Tally: Sendable {
    struct State {
        var tag = ""
        var t0: UInt64 = 0
        var interval: Double = 0
        var acked: [Bool] = []
        var delivered: [Int32] = []
        var acks = 0
        var lastAck: UInt64 = 0
        var deliveries = 0
        var lastDelivery: UInt64 = 0
        var ack = Latencies()
        var delivery = Latencies()
        var errors: [String: Int] = [:]
        var frames = 0
    }
    let state = Mutex(State())

    func start(tag: String, count: Int, t0: UInt64, rate: Double) {
        state.withLock {
            $0 = State(
                tag: tag, t0: t0, interval: 1e9 / rate, acked: Array(repeating: false, count: count),
                delivered: Array(repeating: 0, count: count))
        }
    }

    /// Message k of the run tagged `tag`, from "tag-k".
    static func index(_ id: String?, tag: String) -> Int? {
        guard let id, let dash = id.lastIndex(of: "-"), id[..<dash] == tag else { return nil }
        return Int(id[id.index(after: dash)...])
    }

    func received(_ frame: ServerFrame, by userId: String, at now: UInt64) {
        state.withLock { s in
            s.frames += 1
            switch frame.type {
            case "ack":
                guard let k = Self.index(frame.clientMessageId, tag: s.tag), k < s.acked.count, !s.acked[k] else { return }
                s.acked[k] = true
                s.acks += 1
                s.lastAck = now
                s.ack.record(from: s.t0 + UInt64(Double(k) * s.interval), to: now)
            case "event":
                guard let data = frame.data, data.senderId != userId,
                    let k = Self.index(data.clientMessageId, tag: s.tag), k < s.delivered.count
                else { return }
                s.delivered[k] += 1
                s.deliveries += 1
                s.lastDelivery = now
                s.delivery.record(from: s.t0 + UInt64(Double(k) * s.interval), to: now)
            case "error":
                s.errors[frame.code ?? "?", default: 0] += 1
            default: break
            }
        }
    }
}

/// One WebSocket of a member: says hello, then hands every frame to the tally.
final class LoadSocket: Sendable {
    let userId: String
    let token: String
    let spaces: [String]
    let writer = Mutex<WebSocketOutboundWriter?>(nil)
    let closed = Mutex(false)

    init(userId: String, token: String, spaces: [String]) {
        self.userId = userId
        self.token = token
        self.spaces = spaces
    }

    func send(_ text: String) async throws {
        guard let writer = writer.withLock({ $0 }) else { throw CancellationError() }
        try await writer.writeTextMessage(text)
    }
}

/// Opens and holds sockets; `connect` returns when every socket has its welcome.
final class LoadClient: Sendable {
    let url: String
    let tally = Tally()
    let group: MultiThreadedEventLoopGroup
    /// Every socket connected, for the heartbeat.
    private let all = Mutex<[LoadSocket]>([])
    private let heartbeat = Mutex<Task<Void, Never>?>(nil)

    init(baseURL: String, threads: Int) {
        // The client library sends `Origin: <scheme>://<host>` (no port), so the server under load is
        // started with `--base-url http://127.0.0.1`, whose origin that is.
        url = baseURL + "/api/v1/ws"
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    }

    /// Connects the sockets, at most `parallel` handshakes at a time.
    func connect(_ sockets: [LoadSocket], parallel: Int = 64) async throws {
        let (ready, readyContinuation) = AsyncStream<Bool>.makeStream()
        var started = 0
        var welcomed = 0
        var failed = 0
        func start(_ socket: LoadSocket) {
            Task { await self.run(socket, ready: readyContinuation) }
        }
        while started < min(parallel, sockets.count) {
            start(sockets[started])
            started += 1
        }
        for await ok in ready {
            if ok { welcomed += 1 } else { failed += 1 }
            if started < sockets.count {
                start(sockets[started])
                started += 1
            }
            if welcomed + failed == sockets.count { break }
        }
        if failed > 0 { throw BenchError("\(failed) of \(sockets.count) sockets could not connect") }
        all.withLock { $0 += sockets }
        startHeartbeat()
    }

    /// As the web client does, every socket pings every 25 s: the server closes a socket that sends
    /// nothing for its idle timeout (90 s). Each second a twenty-fifth of the sockets ping, as clients
    /// that connected at different moments would, not all at once.
    private func startHeartbeat() {
        heartbeat.withLock { task in
            guard task == nil else { return }
            task = Task { [weak self] in
                var tick = 0
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    tick += 1
                    guard let sockets = self?.all.withLock({ $0 }) else { return }
                    for (i, socket) in sockets.enumerated() where i % 25 == tick % 25 && !socket.closed.withLock({ $0 }) {
                        try? await socket.send(#"{"type":"ping"}"#)
                    }
                }
            }
        }
    }

    deinit {
        heartbeat.withLock { $0?.cancel() }
    }

    private func run(_ socket: LoadSocket, ready: AsyncStream<Bool>.Continuation) async {
        var headers = HTTPFields()
        headers[.cookie] = "session=\(socket.token)"
        let hello =
            #"{"type":"hello","resume":{},"user":"\#(socket.userId)","spaces":[\#(socket.spaces.map { "\"\($0)\"" }.joined(separator: ","))]}"#
        let tally = self.tally
        let welcomed = Mutex(false)
        do {
            try await WebSocketClient.connect(
                url: url, configuration: .init(maxFrameSize: 1 << 16, additionalHeaders: headers), eventLoopGroup: group,
                logger: Logger(label: "bench")
            ) { inbound, outbound, _ in
                socket.writer.withLock { $0 = outbound }
                try await outbound.writeTextMessage(hello)
                let decoder = JSONDecoder()
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let text) = message else { continue }
                    let now = nanos()
                    guard let frame = try? decoder.decode(ServerFrame.self, from: Data(text.utf8)) else { continue }
                    if frame.type == "welcome" {
                        let first = welcomed.withLock { seen in
                            defer { seen = true }
                            return !seen
                        }
                        if first { ready.yield(true) }
                        continue
                    }
                    tally.received(frame, by: socket.userId, at: now)
                }
            }
        } catch {
            if !welcomed.withLock({ $0 }) { log("socket of \(socket.userId): \(error)") }
        }
        socket.writer.withLock { $0 = nil }
        socket.closed.withLock { $0 = true }
        if !welcomed.withLock({ $0 }) { ready.yield(false) }
    }

    func closedCount(_ sockets: [LoadSocket]) -> Int { sockets.filter { $0.closed.withLock { $0 } }.count }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
