import Foundation

/// Import and export of the whole catalogue in the project's own JSON format. No HTTP, no SQL.
struct CatalogueExchange: Sendable {
    let store: CatalogueImportStore
    let indexer: CatalogueIndexer
    let clock: AppClock

    /// Validates the whole file first; on any problem nothing is written and every problem is listed.
    /// Comparing with the stored catalogue and analysing the words of what changed happen outside any
    /// transaction; the result is staged and then switched in with one short transaction (see
    /// `CatalogueImportStore`), so other writes go on during an import and readers never see half of
    /// one. When another import changed the catalogue in between, the comparison is made again.
    func importFile(_ data: Data) async throws -> CatalogueImportStore.Summary {
        try await importFile(try CatalogueValidator.decode(data))
    }

    /// `importFile(_:)` of a file already decoded.
    func importFile(_ file: CatalogueFile) async throws -> CatalogueImportStore.Summary {
        let problems = CatalogueValidator.problems(file, knownOrganizations: try await store.organizationIds())
        if !problems.isEmpty { throw CatalogueInvalid(problems: problems) }
        for _ in 0..<3 {
            let current = try await store.current()
            let now = clock.now
            let plan = try Self.plan(file, current, now: now)
            try await store.stage(services: plan.services)
            let batch = UUID().uuidString
            try await store.beginBatch(batch, now: now)
            var staged: [CatalogueImportStore.StagedDocument] = []
            do {
                // New services are written ahead, invisible until the switch, so that it stays short.
                let added = plan.services.filter { current.services[$0.row.id] == nil }.map(\.row.id)
                for start in stride(from: 0, to: added.count, by: CatalogueImportStore.aheadChunk) {
                    try await store.writeAhead(
                        Array(added[start..<min(added.count, start + CatalogueImportStore.aheadChunk)]), batch: batch)
                    // Longer than SQLite's longest busy-wait step, so a waiting writer gets the lock.
                    try await Task.sleep(for: .milliseconds(120))
                }
                // Analysed a chunk at a time, each written in its own short transaction: the analysis
                // of the next chunk leaves the lock free for other writers.
                for start in stride(from: 0, to: plan.documents.count, by: CatalogueImportStore.stagingChunk) {
                    let chunk = plan.documents[start..<min(plan.documents.count, start + CatalogueImportStore.stagingChunk)]
                    staged += try await store.stageDocuments(
                        chunk.map { ($0.row.id, indexer.document($0.row, keywords: $0.keywords, organization: $0.organization)) })
                }
                let (summary, replaced) = try await store.switchIn(
                    file, services: plan.counts, batch: batch, expecting: current.revision, now: now)
                try? await store.removeDocuments(replaced)
                // Each chunk left a segment in the word index; merged, a common word is one read.
                try? await store.mergeIndexSegments()
                return summary
            } catch {
                try? await store.abandonBatch(batch)
                try? await store.removeDocuments(staged.map(\.key))
                if error is CatalogueImportStore.CatalogueMoved { continue }
                throw error
            }
        }
        throw AppError(.conflict, "catalogue.importConflict")
    }

    /// What an import writes of the services: the rows that change, and the services whose index
    /// documents are rewritten (the changed ones, and every service of an organisation that changed,
    /// since its name is indexed with them), with what their documents are made of.
    struct Plan {
        var services: [(row: ServiceRecord, links: ServiceLinks)] = []
        var documents: [(row: ServiceRecord, keywords: LocalWords, organization: LocalText)] = []
        var counts = CatalogueImportStore.Counts()
    }

    static func plan(_ file: CatalogueFile, _ current: CatalogueImportStore.Current, now: Date) throws -> Plan {
        // Organisation names as they will be after the import.
        var names = current.organizations.mapValues { LocalText(fi: $0.row.nameFi, sv: $0.row.nameSv, en: $0.row.nameEn) }
        var renamed: Set<String> = []
        for o in file.organizations {
            names[o.id] = o.name
            guard let (existing, codes) = current.organizations[o.id] else { continue }
            let row = OrganizationRecord(
                id: o.id, nameFi: o.name.fi, nameSv: o.name.sv, nameEn: o.name.en, sector: o.sector, kind: o.kind,
                createdAt: existing.createdAt, updatedAt: existing.updatedAt)
            if existing != row || codes != o.municipalityCodes.uniqued { renamed.insert(o.id) }
        }
        func document(_ row: ServiceRecord, keywords: LocalWords) -> (ServiceRecord, LocalWords, LocalText) {
            (row, keywords, names[row.organizationId] ?? LocalText(fi: ""))
        }
        var plan = Plan()
        var inFile: Set<String> = []
        for s in file.services {
            inFile.insert(s.id)
            let existing = current.services[s.id]
            let row = try ServiceRecord(s, createdAt: existing?.row.createdAt ?? now.millis)
            let links = ServiceLinks(s)
            if let existing, existing.row == row, existing.links == links {
                plan.counts.add(.unchanged)
                if renamed.contains(row.organizationId) { plan.documents.append(document(row, keywords: s.keywords)) }
                continue
            }
            plan.counts.add(existing == nil ? .created : .updated)
            plan.services.append((row, links))
            plan.documents.append(document(row, keywords: s.keywords))
        }
        for (id, (row, _)) in current.services where !inFile.contains(id) && renamed.contains(row.organizationId) {
            plan.documents.append(document(row, keywords: (try? ServiceRecord.decode(LocalWords.self, row.keywords)) ?? LocalWords(fi: [])))
        }
        return plan
    }

    /// The whole catalogue as the exchange file, pretty-printed with sorted keys.
    func exportFile() async throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(try await store.export(generatedAt: clock.now))
    }
}
