import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import WSClient

@testable import App

/// A signed-in account of a test.
struct Person: Sendable {
    let id: String
    let email: String
    let token: String
    var name: String { "User \(email)" }
}

/// A JSON object of an answer or a frame.
typealias JSON = [String: Any]

extension TestEnv {
    /// An account with the expert role in `org`, signed in.
    func expert(_ email: String, org: String = TestEnv.orgA) async throws -> Person {
        let id = try await user(email, org: org, role: .expert)
        return Person(id: id, email: email, token: try await login(email))
    }

    /// A client account (no organisation role), signed in.
    func client(_ email: String) async throws -> Person {
        let id = try await user(email)
        return Person(id: id, email: email, token: try await login(email))
    }

    /// Opens a one-to-one space for `client`; returns the `Space`.
    func openSpace(_ owner: Person, client: String, title: String = "Ohjaus", method: String = "inPerson") async throws -> JSON {
        let r = try await request(
            .post, "/api/v1/spaces", token: owner.token,
            json: ["title": title, "clientEmail": client, "consent": ["method": method]])
        #expect(r.status == .created, "opening a space gave \(r.status) \(r.code ?? "")")
        return try r.json()
    }

    /// Opens a group space with these clients (existing accounts join at once).
    func openGroup(_ owner: Person, clients: [String], maxClients: Int = 20, title: String = "Ryhmä") async throws -> JSON {
        let r = try await request(
            .post, "/api/v1/spaces", token: owner.token,
            json: [
                "kind": "group", "title": title, "maxClients": maxClients,
                "clients": clients.map { ["email": $0, "consent": ["method": "electronic"]] },
            ])
        #expect(r.status == .created, "opening a group gave \(r.status) \(r.code ?? "")")
        return try r.json()
    }

    func openNetwork(_ owner: Person, title: String = "Verkosto") async throws -> JSON {
        let r = try await request(.post, "/api/v1/spaces", token: owner.token, json: ["kind": "network", "title": title])
        #expect(r.status == .created, "opening a network gave \(r.status) \(r.code ?? "")")
        return try r.json()
    }

    /// The owner adds an expert member.
    @discardableResult
    func addExpert(_ owner: Person, to space: String, _ email: String, history: String? = nil) async throws -> TestResponse {
        var body: JSON = ["email": email]
        if let history { body["history"] = history }
        return try await request(.post, "/api/v1/spaces/\(space)/members", token: owner.token, json: body)
    }

    @discardableResult
    func send(_ who: Person, _ space: String, _ clientMessageId: String, _ body: String, privateTo: String? = nil) async throws
        -> TestResponse
    {
        var json: JSON = ["clientMessageId": clientMessageId, "body": body]
        if let privateTo { json["privateTo"] = privateTo }
        return try await request(.post, "/api/v1/spaces/\(space)/messages", token: who.token, json: json)
    }

    /// Sends and returns the new message's `{seq, messageId, …}`.
    func sent(_ who: Person, _ space: String, _ clientMessageId: String, _ body: String, privateTo: String? = nil) async throws -> JSON {
        let r = try await send(who, space, clientMessageId, body, privateTo: privateTo)
        #expect(r.status == .created, "sending gave \(r.status) \(r.code ?? "")")
        return try r.json()
    }

    /// The events that `who` sees, oldest first.
    func events(_ who: Person, _ space: String, after: Int = 0) async throws -> [JSON] {
        let r = try await request(.get, "/api/v1/spaces/\(space)/events?after=\(after)&limit=200", token: who.token)
        #expect(r.status == .ok, "events gave \(r.status)")
        return try r.items()
    }

    func space(_ who: Person, _ space: String) async throws -> JSON {
        let r = try await request(.get, "/api/v1/spaces/\(space)", token: who.token)
        #expect(r.status == .ok, "space gave \(r.status)")
        return try r.json()
    }

    /// Sends every pending mail and returns the invitation token of the newest mail to `email`.
    func invitationToken(to email: String) async throws -> String {
        try await flushMail()
        return try #require(try link(in: email, path: "/invitation#token=")?.components(separatedBy: "#token=").last)
    }

    /// The number of rows of a table that satisfy a condition (the database, not the API).
    func count(_ sql: String, _ arguments: [String] = []) async throws -> Int {
        try await components.db.writer.read { db in
            try Int.fetchOne(db, sql: sql, arguments: .init(arguments)) ?? 0
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func int(_ key: String) -> Int? { self[key] as? Int }
    func object(_ key: String) -> JSON? { self[key] as? JSON }
    func objects(_ key: String) -> [JSON] { self[key] as? [JSON] ?? [] }
    /// True when the key is missing or JSON null.
    func isNull(_ key: String) -> Bool { self[key] == nil || self[key] is NSNull }
}

extension Array where Element == [String: Any] {
    var kinds: [String] { compactMap { $0["kind"] as? String } }
    var seqs: [Int] { compactMap { $0["seq"] as? Int } }
    func ofKind(_ kind: String) -> [JSON] { filter { $0["kind"] as? String == kind } }
}

/// One text frame the server sent.
struct Frame: Sendable, CustomStringConvertible {
    let text: String
    var json: JSON { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? JSON ?? [:] }
    var type: String { json.string("type") ?? "" }
    var spaceId: String? { json.string("spaceId") }
    var seq: Int? { json.int("seq") }
    var kind: String? { json.string("kind") }
    var code: String? { json.string("code") }
    var data: JSON { json.object("data") ?? [:] }
    var description: String { text }
}

/// A live WebSocket to `/api/v1/ws` that a test drives: it sends frames, and finds what the server
/// sent in an inbox (frames stay there until a test takes them).
final class TestSocket: Sendable {
    private struct State {
        var frames: [Frame] = []
        var connected = false
        var finished = false
        var failure: (any Error)?
    }

    enum Outgoing: Sendable {
        case text(String)
        case close
    }

    private let state = Mutex(State())
    private let outbox: AsyncStream<Outgoing>.Continuation

    private init(outbox: AsyncStream<Outgoing>.Continuation) {
        self.outbox = outbox
    }

    /// Opens a socket with the session cookie of `token`; `host` is the address connected to, which
    /// also makes the Origin header (`http://<host>`). Throws when the upgrade is refused.
    static func connect(
        _ env: TestEnv, token: String?, host: String = "localhost", headers: HTTPFields = [:], timeout: Duration = .seconds(15)
    ) async throws -> TestSocket {
        let port = try #require(env.client.port, "a WebSocket needs TestEnv.run(live: true)")
        let (stream, continuation) = AsyncStream<Outgoing>.makeStream()
        let socket = TestSocket(outbox: continuation)
        var fields = headers
        if let token { fields[.cookie] = "session=\(token)" }
        var logger = Logger(label: "test-socket")
        logger.logLevel = .warning
        let configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20, additionalHeaders: fields)
        let url = "http://\(host):\(port)/api/v1/ws"
        Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                    socket.state.withLock { $0.connected = true }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await message in inbound.messages(maxSize: 1 << 22) {
                                if case .text(let text) = message { socket.state.withLock { $0.frames.append(Frame(text: text)) } }
                            }
                        }
                        group.addTask {
                            for await item in stream {
                                switch item {
                                case .text(let text): try await outbound.write(.text(text))
                                case .close: try await outbound.close(.normalClosure, reason: nil)
                                }
                            }
                        }
                        // The reader ends when the server closes (or answers our close); then stop writing.
                        _ = try await group.next()
                        group.cancelAll()
                    }
                }
                socket.state.withLock { $0.finished = true }
            } catch {
                socket.state.withLock {
                    $0.finished = true
                    $0.failure = error
                }
            }
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            let (connected, finished, failure) = socket.state.withLock { ($0.connected, $0.finished, $0.failure) }
            if connected { return socket }
            if let failure { throw failure }
            if finished { throw WebSocketClientError.webSocketUpgradeFailed }
            if ContinuousClock.now >= deadline { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    // MARK: Sending

    func send(_ object: JSON) {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        outbox.yield(.text(String(decoding: data, as: UTF8.self)))
    }

    func sendText(_ text: String) {
        outbox.yield(.text(text))
    }

    /// Says hello and returns the welcome.
    func hello(resume: [String: Int] = [:]) async throws -> Frame {
        send(["type": "hello", "resume": resume])
        return try #require(await next(type: "welcome"), "no welcome")
    }

    func close() {
        outbox.yield(.close)
    }

    // MARK: Receiving

    /// Takes the first frame that satisfies `predicate`, waiting up to `timeout`; nil when none came
    /// (or the socket closed). Other frames stay in the inbox.
    func next(timeout: Duration = .seconds(10), where predicate: (Frame) -> Bool = { _ in true }) async throws -> Frame? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (frame, finished) = state.withLock { s -> (Frame?, Bool) in
                if let i = s.frames.firstIndex(where: predicate) { return (s.frames.remove(at: i), s.finished) }
                return (nil, s.finished)
            }
            if let frame { return frame }
            if finished || ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func next(type: String, timeout: Duration = .seconds(10)) async throws -> Frame? {
        try await next(timeout: timeout) { $0.type == type }
    }

    /// The next event frame of a space.
    func event(_ space: String, timeout: Duration = .seconds(10)) async throws -> Frame? {
        try await next(timeout: timeout) { $0.type == "event" && $0.spaceId == space }
    }

    /// Waits until `count` frames satisfy `predicate` (or the time is up) and takes them, in order.
    func take(_ count: Int, timeout: Duration = .seconds(20), where predicate: (Frame) -> Bool) async throws -> [Frame] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (ready, finished) = state.withLock { s in (s.frames.filter(predicate).count >= count, s.finished) }
            if ready || finished || ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        return state.withLock { s in
            let taken = s.frames.filter(predicate)
            s.frames.removeAll(where: predicate)
            return taken
        }
    }

    /// Everything in the inbox after waiting `quiet` for stragglers.
    func drain(after quiet: Duration = .milliseconds(300)) async throws -> [Frame] {
        try await Task.sleep(for: quiet)
        return state.withLock { s in
            let all = s.frames
            s.frames = []
            return all
        }
    }

    /// True when the connection ended within `timeout`.
    func waitClosed(timeout: Duration = .seconds(20)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.finished }) { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return state.withLock { $0.finished }
    }

    var isClosed: Bool { state.withLock { $0.finished } }
}
