import Foundation
import NIOCore
import Synchronization

/// A change of who may see a space, published with the events of the same transaction.
enum AccessChange: Sendable, Equatable {
    /// A member joined, or their role or status changed.
    case granted(SpaceAccess)
    /// A member left or was removed: their sockets get no further event of the space and close.
    case revoked(spaceId: String, userId: String)
    /// The space was closed (read-only for everybody).
    case status(spaceId: String, SpaceStatus)
}

/// What one socket is sent, in order.
enum Outbound: Sendable {
    /// The client's hello: the socket's writer replays what was missed, then goes on with live events.
    case hello(resume: [String: Int64])
    /// A committed event, encoded once for every socket that may see it (the sockets share the bytes).
    case event(spaceId: String, seq: Int64, frame: ByteBuffer)
    case frame(String)
    /// Close the socket (session ended, access removed, too slow a reader).
    case close

    var isClose: Bool {
        if case .close = self { true } else { false }
    }
}

/// The in-process realtime registry: sockets by user, session and space; the in-memory access of each
/// socket that per-frame authorisation reads; fan-out of committed events. `publish` is called from
/// the serial database writer right after the commit, so events reach it in commit order, which is seq
/// order per space.
/// Nothing here waits on a socket: each socket has a bounded outbox, and a socket that cannot keep up
/// is closed (its client resumes from its last seq).
final class RealtimeHub: Sendable {
    struct Connection: Sendable {
        let userId: String
        let sessionId: String
        let outbox: Outbox
        var spaces: [String: SpaceAccess] = [:]
        var subscribed = false
        var viewing: String?
    }

    private struct State {
        var connections: [UInt64: Connection] = [:]
        var bySpace: [String: Set<UInt64>] = [:]
        var byUser: [String: Set<UInt64>] = [:]
        var nextId: UInt64 = 1
    }

    private let state = Mutex(State())
    /// How many outbound items a socket may have waiting before it is closed.
    let bufferLimit: Int

    init(bufferLimit: Int = 2048) {
        self.bufferLimit = bufferLimit
    }

    /// Registers a socket; it receives nothing of any space until `subscribe`.
    func connect(userId: String, sessionId: String) -> (UInt64, Outbox) {
        let outbox = Outbox(limit: bufferLimit)
        let id = state.withLock { s in
            let id = s.nextId
            s.nextId += 1
            s.connections[id] = Connection(userId: userId, sessionId: sessionId, outbox: outbox)
            s.byUser[userId, default: []].insert(id)
            return id
        }
        return (id, outbox)
    }

    func disconnect(_ id: UInt64) {
        state.withLock { s in
            guard let c = s.connections.removeValue(forKey: id) else { return }
            for space in c.spaces.keys { s.bySpace[space]?.remove(id) }
            s.byUser[c.userId]?.remove(id)
            if s.byUser[c.userId]?.isEmpty == true { s.byUser[c.userId] = nil }
            c.outbox.finish()
        }
    }

    /// Starts live delivery of the user's spaces to this socket. `first` is queued before any live
    /// event, under the same lock that publishing takes, so nothing published after the subscription
    /// can come before it.
    func subscribe(_ id: UInt64, spaces: [SpaceAccess], first: Outbound? = nil) {
        sending { s, runs in
            guard var c = s.connections[id] else { return }
            for access in spaces where access.userId == c.userId {
                c.spaces[access.spaceId] = access
                s.bySpace[access.spaceId, default: []].insert(id)
            }
            c.subscribed = true
            s.connections[id] = c
            if let first { Self.send(first, to: c, &runs) }
        }
    }

    /// The socket's access to a space, from memory (per-frame authorisation).
    func access(_ id: UInt64, space: String) -> SpaceAccess? {
        state.withLock { $0.connections[id]?.spaces[space] }
    }

    func spaces(of id: UInt64) -> [String: SpaceAccess] {
        state.withLock { $0.connections[id]?.spaces ?? [:] }
    }

    /// Which space the socket has on screen (no notification entries for it).
    func setViewing(_ id: UInt64, space: String?) {
        state.withLock { s in
            guard var c = s.connections[id] else { return }
            c.viewing = space.flatMap { c.spaces[$0] != nil ? $0 : nil }
            s.connections[id] = c
        }
    }

    /// The users who have the space on screen in some tab now.
    func viewers(of space: String) -> Set<String> {
        state.withLock { s in
            var users = Set<String>()
            for id in s.bySpace[space] ?? [] {
                if let c = s.connections[id], c.viewing == space { users.insert(c.userId) }
            }
            return users
        }
    }

    var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Delivers committed events and applies the access changes that came with them. Access changes
    /// are applied first for grants (a new member gets the event of their joining) and revocations
    /// (a removed member gets nothing of the space from now on).
    func publish(_ events: [SpaceEventDTO], changes: [AccessChange] = []) {
        // Encoded once, before the lock: a group's members all get the same text.
        let frames = events.map { Outbound.event(spaceId: $0.spaceId, seq: $0.seq, frame: ByteBuffer(string: EventFrame($0).json)) }
        sending { s, runs in
            for change in changes { Self.apply(change, &s, &runs) }
            for (event, frame) in zip(events, frames) {
                for id in s.bySpace[event.spaceId] ?? [] {
                    guard let c = s.connections[id], let access = c.spaces[event.spaceId] else { continue }
                    guard SpaceVisibility.allows(event, to: access) else { continue }
                    Self.send(frame, to: c, &runs)
                }
            }
        }
    }

    /// Sends an ephemeral frame (typing, read) to the sockets of a space that may see it, but `except`.
    func broadcast(_ text: String, space: String, audienceId: String? = nil, except: UInt64? = nil) {
        sending { s, runs in
            for id in s.bySpace[space] ?? [] where id != except {
                guard let c = s.connections[id], let access = c.spaces[space],
                    SpaceVisibility.allows(seq: nil, audienceId: audienceId, to: access)
                else { continue }
                Self.send(.frame(text), to: c, &runs)
            }
        }
    }

    /// Sends a frame to every subscribed socket of one user (their own reminders).
    func sendToUser(_ text: String, userId: String) {
        sending { s, runs in
            for id in s.byUser[userId] ?? [] {
                if let c = s.connections[id], c.subscribed { Self.send(.frame(text), to: c, &runs) }
            }
        }
    }

    /// Closes every socket of a session (the session ended).
    func sessionEnded(_ sessionId: String, userId: String) {
        sending { s, runs in
            for id in s.byUser[userId] ?? [] {
                if let c = s.connections[id], c.sessionId == sessionId { Self.send(.close, to: c, &runs) }
            }
        }
    }

    /// Sends to one socket (acks, errors, pong).
    func send(_ item: Outbound, to id: UInt64) {
        sending { s, runs in
            if let c = s.connections[id] { Self.send(item, to: c, &runs) }
        }
    }

    /// Runs `body` under the lock and then starts the socket writers it woke.
    private func sending(_ body: (inout State, inout [Outbox.Run]) -> Void) {
        var runs: [Outbox.Run] = []
        state.withLock { s in body(&s, &runs) }
        for run in runs { run.start() }
    }

    /// A socket too far behind is closed by its outbox; its client resumes after reconnecting.
    private static func send(_ item: Outbound, to c: Connection, _ runs: inout [Outbox.Run]) {
        if let run = c.outbox.enqueue(item).run { runs.append(run) }
    }

    private static func apply(_ change: AccessChange, _ s: inout State, _ runs: inout [Outbox.Run]) {
        switch change {
        case .granted(let access):
            for id in s.byUser[access.userId] ?? [] {
                guard var c = s.connections[id], c.subscribed else { continue }
                c.spaces[access.spaceId] = access
                s.connections[id] = c
                s.bySpace[access.spaceId, default: []].insert(id)
            }
        case .revoked(let space, let user):
            for id in s.byUser[user] ?? [] {
                guard var c = s.connections[id], c.spaces[space] != nil else { continue }
                c.spaces[space] = nil
                if c.viewing == space { c.viewing = nil }
                s.connections[id] = c
                s.bySpace[space]?.remove(id)
                send(.frame(#"{"type":"removed","spaceId":"\#(space)"}"#), to: c, &runs)
                send(.close, to: c, &runs)
            }
        case .status(let space, let status):
            for id in s.bySpace[space] ?? [] {
                guard var c = s.connections[id], let a = c.spaces[space] else { continue }
                c.spaces[space] = SpaceAccess(
                    spaceId: a.spaceId, userId: a.userId, role: a.role, organizationId: a.organizationId, visibleAfter: a.visibleAfter,
                    kind: a.kind, status: status)
                s.connections[id] = c
            }
        }
    }
}

/// `event {spaceId, seq, kind, data, createdAt, actorId, audienceId}`: one committed event of a space.
struct EventFrame: Encodable {
    var type = "event"
    let spaceId: String
    let seq: Int64
    let kind: SpaceEventKind
    let data: EventData
    let createdAt: Date
    let actorId: String?
    let audienceId: String?

    init(_ e: SpaceEventDTO) {
        spaceId = e.spaceId
        seq = e.seq
        kind = e.kind
        data = e.data
        createdAt = e.createdAt
        actorId = e.actorId
        audienceId = e.audienceId
    }

    var json: String { RealtimeEndpoint.json(self) }
}
