import Foundation
import Synchronization

/// The source of "now" for everything that stores or compares a time. Tests move it by hand.
public struct AppClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) { self.read = read }

    public var now: Date { read() }

    public static let system = AppClock { Date() }

    /// A clock that stands still until `advance` moves it.
    public static func manual(start: Date = Date(timeIntervalSince1970: 1_790_000_000)) -> (AppClock, ManualTime) {
        let time = ManualTime(start)
        return (AppClock { time.now }, time)
    }
}

public final class ManualTime: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    public var now: Date { value.withLock { $0 } }
    public func advance(by seconds: TimeInterval) { value.withLock { $0 += seconds } }
}

extension Date {
    /// Milliseconds since 1970, the form every timestamp column stores.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
