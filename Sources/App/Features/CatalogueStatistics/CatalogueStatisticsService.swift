import Foundation

/// The publishing statistics of the catalogue, for the people who keep it: an organisation's editors,
/// approvers and admins see their organisation's; those of a public-sector organisation also the
/// region of each municipality it serves; platform admins any organisation's, region's or the whole
/// catalogue's. No HTTP, no SQL.
struct CatalogueStatisticsService: Sendable {
    let store: CatalogueStatisticsStore
    let views: ServiceViewCounter
    let clock: AppClock

    static let roles: Set<Role> = [.orgAdmin, .contentProducer, .serviceProvider, .approver]
    static let servicesShown = 500
    /// Days-since-review buckets: the reminders come at 120 and 135 days, the flag at 150.
    static let buckets: [(from: Int, to: Int?)] = [(0, 89), (90, 119), (120, 134), (135, 149), (150, nil)]

    func statistics(organization: String?, municipality: String?, months: Int?, by caller: SessionUser?) async throws
        -> CatalogueStatisticsDTO
    {
        guard let caller else { throw AppError.authRequired }
        let months = months ?? 12
        var errors: [FieldError] = []
        if !(1...24).contains(months) { errors.append(FieldError("months", "field.invalidValue")) }
        if organization != nil && municipality != nil { errors.append(FieldError("municipality", "field.invalidValue")) }
        if !errors.isEmpty { throw AppError.validation(errors) }
        let mine = Set(caller.roles.filter { !$0.value.isDisjoint(with: Self.roles) }.keys)
        if !caller.isPlatformAdmin && mine.isEmpty { throw AppError.forbidden }
        let choices = try await store.choices(
            organizations: caller.isPlatformAdmin ? nil : mine, regionOrganizations: caller.isPlatformAdmin ? nil : mine)
        let scope: StatisticsScope
        if let organization {
            guard choices.organizations.contains(where: { $0.id == organization }) else {
                throw caller.isPlatformAdmin ? AppError.notFound() : AppError.forbidden
            }
            scope = .organization(organization)
        } else if let municipality {
            guard choices.municipalities.contains(where: { $0.id == municipality }) else {
                throw caller.isPlatformAdmin ? AppError.notFound() : AppError.forbidden
            }
            scope = .municipality(municipality)
        } else if caller.isPlatformAdmin {
            scope = .all
        } else if let first = choices.organizations.first {
            scope = .organization(first.id)
        } else {
            throw AppError.forbidden
        }

        // Every view counted so far is in the figures.
        try await views.flush()
        let now = clock.now
        let calendar = SearchMissRecorder.calendar
        let thisMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: now)) ?? now
        let start = calendar.date(byAdding: .month, value: -(months - 1), to: thisMonth) ?? thisMonth
        let sinceDay = SearchMissRecorder.day(start)
        let figures = try await store.figures(scope, sinceDay: sinceDay, sinceMillis: start.millis)

        var statuses = StatusCountsDTO()
        for s in figures.services {
            switch s.status {
            case .draft: statuses.draft += 1
            case .review: statuses.review += 1
            case .published: statuses.published += 1
            case .hidden: statuses.hidden += 1
            case .archived: statuses.archived += 1
            }
        }
        statuses.openDrafts = figures.openEdits.count { $0 == "draft" }
        statuses.openReviews = figures.openEdits.count { $0 == "review" }

        let ages = figures.services.filter { $0.status == .published || $0.status == .hidden }.map { days(since: $0.reviewedAt) }.sorted()
        let review = ReviewAgesDTO(
            buckets: Self.buckets.map { b in
                ReviewBucketDTO(from: b.from, to: b.to, services: ages.count { $0 >= b.from && $0 <= (b.to ?? .max) })
            },
            medianDays: ages.isEmpty ? nil : ages[ages.count / 2], outdated: ages.count { $0 >= ReviewStage.outdated.rawValue })

        func month(_ millis: Int64) -> String { String(SearchMissRecorder.day(Date(millis: millis)).prefix(7)) }
        let publications = Dictionary(grouping: figures.publications, by: month).mapValues(\.count)
        let picks = Dictionary(grouping: figures.picks, by: month).mapValues(\.count)
        let monthly = (0..<months).map { i -> MonthlyReachDTO in
            let key = String(SearchMissRecorder.day(calendar.date(byAdding: .month, value: i, to: start) ?? start).prefix(7))
            return MonthlyReachDTO(month: key, publications: publications[key] ?? 0, views: figures.views[key] ?? 0, picks: picks[key] ?? 0)
        }
        let ranked = figures.services.sorted {
            ($1.views, $1.picks, $0.name.fi.lowercased(), $0.id) < ($0.views, $0.picks, $1.name.fi.lowercased(), $1.id)
        }
        return CatalogueStatisticsDTO(
            organization: { if case .organization(let id) = scope { id } else { nil } }(),
            municipality: { if case .municipality(let code) = scope { code } else { nil } }(),
            months: months, since: sinceDay, statuses: statuses, review: review, monthly: monthly,
            totals: ReachTotalsDTO(
                publications: figures.publications.count, views: figures.views.values.reduce(0, +), picks: figures.picks.count),
            services: ranked.prefix(Self.servicesShown).map {
                ServiceReachDTO(
                    id: $0.id, name: $0.name, organizationId: $0.organizationId, status: $0.status,
                    daysSinceReview: days(since: $0.reviewedAt), views: $0.views, picks: $0.picks)
            },
            servicesTotal: figures.services.count, choices: choices)
    }

    private func days(since millis: Int64) -> Int { max(0, Int((clock.now.millis - millis) / 86_400_000)) }
}
