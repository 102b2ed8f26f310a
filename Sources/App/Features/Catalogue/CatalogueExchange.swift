import Foundation

/// Import and export of the whole catalogue in the project's own JSON format. No HTTP, no SQL.
struct CatalogueExchange: Sendable {
    let store: CatalogueImportStore
    let clock: AppClock

    /// Validates the whole file first; on any problem nothing is written and every problem is listed.
    func importFile(_ data: Data) async throws -> CatalogueImportStore.Summary {
        let file = try CatalogueValidator.decode(data)
        let problems = CatalogueValidator.problems(file, knownOrganizations: try await store.organizationIds())
        if !problems.isEmpty { throw CatalogueInvalid(problems: problems) }
        return try await store.write(file, now: clock.now)
    }

    /// The whole catalogue as the exchange file, pretty-printed with sorted keys.
    func exportFile() async throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(try await store.export(generatedAt: clock.now))
    }
}
