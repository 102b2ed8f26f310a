import Foundation
import Logging

/// Counts the opened service pages in memory and writes them in batches, so that opening a page does
/// not wait for a write. Keeps nothing of who looked: the service, the day and how many times. A
/// crash loses at most the last minute's counts (statistics, not anyone's data).
final class ServiceViewCounter: Sendable {
    /// Views are kept for 25 months (a two-year period and the month before it).
    static let keptMonths = 25
    /// Service-days held before they are written.
    static let maxPending = 20_000

    let store: CatalogueStatisticsStore
    let clock: AppClock
    private let pending = PendingCounts<CatalogueStatisticsStore.ViewKey>(maxKeys: ServiceViewCounter.maxPending)

    init(store: CatalogueStatisticsStore, clock: AppClock) {
        self.store = store
        self.clock = clock
    }

    func viewed(_ serviceId: String) {
        let key = CatalogueStatisticsStore.ViewKey(serviceId: serviceId, day: SearchMissRecorder.day(clock.now))
        if pending.add(key) { Task { try? await self.flush() } }
    }

    /// Writes what is counted.
    func flush() async throws {
        try await pending.flush { try await store.record(views: $0) }
    }

    /// Writes what is counted and erases the counts older than `keptMonths`.
    func sweep() async throws {
        try await flush()
        let cutoff = SearchMissRecorder.calendar.date(byAdding: .month, value: -Self.keptMonths, to: clock.now) ?? clock.now
        _ = try await store.eraseViews(before: SearchMissRecorder.day(cutoff))
    }
}

/// Writes the counted views once a minute, and once more when the server stops gracefully.
struct ServiceViewFlusher: PeriodicService {
    let views: ServiceViewCounter
    let clock: AppClock
    let logger: Logger
    var name: String { "service view counts" }
    var interval: TimeInterval = 60

    func runOnce() async throws { try await views.sweep() }

    func finish() async { try? await views.flush() }
}
