import Foundation
import Synchronization

/// In-process signal that sessions ended. Every path that ends a session publishes here *after* its
/// transaction committed: sign-out, revoke, sign-out everywhere, password change or reset, the expiry
/// sweep and removal of the user. The realtime layer closes the sockets of an ended session on it.
/// A protocol-free final class for now; several instances would carry it over the database instead.
public final class SessionEvents: Sendable {
    public struct Ended: Sendable, Hashable {
        public let userId: String
        public let sessionId: String
    }

    private let subscribers = Mutex<[UInt64: AsyncStream<Ended>.Continuation]>([:])
    private let listeners = Mutex<[@Sendable ([Ended]) -> Void]>([])
    private let nextId = Atomic<UInt64>(0)

    public init() {}

    /// Tells every subscriber that these sessions ended.
    func publish(_ ended: [Ended]) {
        guard !ended.isEmpty else { return }
        for listener in listeners.withLock({ $0 }) { listener(ended) }
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets { for e in ended { continuation.yield(e) } }
    }

    /// Calls `listener` synchronously on every publish (it must not block): the realtime hub closes
    /// the ended sessions' sockets at once.
    func addListener(_ listener: @escaping @Sendable ([Ended]) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    /// A stream of every session end from now on; it stops when the caller stops iterating it.
    /// A slow reader loses the oldest events past `buffer`, never blocks a publisher.
    public func subscribe(buffer: Int = 10_000) -> AsyncStream<Ended> {
        let id = nextId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Ended>.makeStream(bufferingPolicy: .bufferingNewest(buffer))
        continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }
}
