import Logging
import ServiceLifecycle

/// Keeps search's in-memory catalogue at the database's revision: loads it at start, and again
/// within seconds of a change made elsewhere (an import by the CLI), so that no search request
/// waits for the load.
struct CatalogueRefresher: Service {
    let catalogue: CatalogueService
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await catalogue.table()
            } catch {
                logger.error("catalogue load failed", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
