import Foundation

/// Single services: a service's page, list rows for a list of ids, and whether a viewer may open
/// one. No HTTP, no SQL.
struct ServiceDetails: Sendable {
    let snapshots: CatalogueSnapshots
    /// Today's date: periods that have ended are not shown.
    let clock: AppClock

    var store: CatalogueSearchStore { snapshots.store }

    /// A service's page; internal instructions only for those who may see them. Archived services
    /// open by direct link; hidden and unpublished ones are 404 for those who may not see them.
    func service(id: String, viewer: CatalogueViewer) async throws -> ServiceDetailDTO {
        guard let (s, org) = try await store.service(id: id, viewer: viewer) else {
            throw AppError.notFound("service.notFound")
        }
        let status = try ServiceStatus(checked: s.status)
        var delivery = s.delivery
        let today = SearchMissRecorder.day(clock.now)
        delivery.periods = delivery.periods.filter { $0.lastDay >= today }
        let snap = try await snapshots.snapshot()
        let outdated = snap.index[id].map { snap.services[$0].outdated } ?? false
        return ServiceDetailDTO(
            id: s.id,
            organization: OrganizationRefDTO(
                id: s.organizationId, name: LocalText(fi: org?.nameFi ?? s.organizationId, sv: org?.nameSv, en: org?.nameEn),
                sector: org.flatMap { Sector(rawValue: $0.sector) } ?? .public),
            status: status, archived: status == .archived, name: s.name, summary: s.summary, description: s.description,
            categoryIds: s.categoryIds, keywords: s.keywords, cost: s.cost, costDescription: s.costDescription,
            accessibility: s.accessibility, targetGroup: s.targetGroup, delivery: delivery, participation: s.participation,
            contacts: s.contacts, links: s.links, internal: viewer.seesInternal ? s.internal : nil,
            updatedAt: CatalogueTimestamps.parse(s.updatedAt) ?? Date(timeIntervalSince1970: 0),
            reviewedAt: CatalogueTimestamps.parse(s.reviewedAt) ?? Date(timeIntervalSince1970: 0),
            outdated: viewer.seesInternal ? outdated : nil, completeLanguages: ServiceTranslations.completeLanguages(ServiceContent(s)),
            version: s.version)
    }

    /// The services of `ids` that the viewer may open, as list rows in the order asked (archived ones
    /// too, marked by their status: a kept link opens them). Unknown and hidden ids are left out.
    func summaries(ids: [String], viewer: CatalogueViewer, language: Language) async throws -> [ServiceSummaryDTO] {
        let snap = try await snapshots.snapshot()
        return ids.uniqued.compactMap { id in
            guard let i = snap.index[id], viewer.opens(status: snap.services[i].status, organizationId: snap.services[i].organizationId)
            else { return nil }
            return snap.services[i].summary(language: language, viewer: viewer)
        }
    }

    /// May the viewer open this service's page (and keep it among favourites)?
    func opens(_ id: String, viewer: CatalogueViewer) async throws -> Bool {
        let snap = try await snapshots.snapshot()
        guard let i = snap.index[id] else { return false }
        return viewer.opens(status: snap.services[i].status, organizationId: snap.services[i].organizationId)
    }
}
