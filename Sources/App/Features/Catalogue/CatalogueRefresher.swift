import Foundation
import Logging

/// Keeps search's in-memory catalogue at the database's revision: loads it at start, and again
/// within seconds of a change made elsewhere (an import by the CLI), so that no search request
/// waits for the load.
struct CatalogueRefresher: PeriodicService {
    let catalogue: CatalogueSnapshots
    let clock: AppClock
    let logger: Logger
    var name: String { "catalogue load" }
    var interval: TimeInterval = 5

    func runOnce() async throws {
        _ = try await catalogue.table()
    }
}
