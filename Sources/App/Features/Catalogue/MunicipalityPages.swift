import Foundation

/// A municipality's page: the services it offers under the category tree. No HTTP, no SQL.
struct MunicipalityPages: Sendable {
    let snapshots: CatalogueSnapshots

    /// The services the municipality offers that the viewer may find, under the category tree (a
    /// service in several categories is under each), in name order. Empty categories are left out.
    func page(code: String, viewer: CatalogueViewer, language: Language) async throws -> MunicipalityPageDTO {
        let table = try await snapshots.table()
        let snap = table.snapshot
        let taxonomy = snap.taxonomy
        guard let municipality = taxonomy.municipalities.first(where: { $0.code == code }) else {
            throw AppError.notFound("municipality.notFound")
        }
        let names = table.nameRanks(language)
        let offered = snap.services.indices.filter { i in
            let s = snap.services[i]
            return s.municipalities.contains(code) && viewer.finds(status: s.status, organizationId: s.organizationId)
        }.sorted { names[$0] < names[$1] }
        var byCategory: [String: [Int]] = [:]
        for i in offered {
            for c in snap.services[i].categories { byCategory[c, default: []].append(i) }
        }
        let children = Dictionary(grouping: taxonomy.categories, by: { $0.parent ?? "" })
        func node(_ c: TaxonomyDTO.Category) -> (node: CategoryNodeDTO, services: Set<Int>)? {
            let subtree = (children[c.id] ?? []).compactMap(node)
            let own = byCategory[c.id] ?? []
            let all = subtree.reduce(into: Set(own)) { $0.formUnion($1.services) }
            guard !all.isEmpty else { return nil }
            let services = own.map { snap.services[$0].summary(language: language, viewer: viewer) }
            return (CategoryNodeDTO(id: c.id, name: c.name, count: all.count, services: services, children: subtree.map(\.node)), all)
        }
        return MunicipalityPageDTO(
            code: municipality.code, name: municipality.name, total: offered.count,
            categories: (children[""] ?? []).compactMap(node).map(\.node))
    }
}
