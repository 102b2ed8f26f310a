import Foundation

/// The security event log: platform admins read it; other features write to it through their stores.
struct SecurityEventsService: Sendable {
    let store: SecurityEventsStore
    let clock: AppClock
    let retention: TimeInterval

    func list(_ filter: SecurityEventFilter, page: PageRequest, by caller: SessionUser?) async throws -> Page<SecurityEventDTO> {
        guard let caller else { throw AppError.authRequired }
        guard caller.isPlatformAdmin else { throw AppError.forbidden }
        let rows = try await store.list(filter, page: page)
        return Page(rows.compactMap(Self.dto), page)
    }

    static func dto(_ row: SecurityEventRecord) -> SecurityEventDTO? {
        guard let kind = SecurityEventKind(rawValue: row.kind) else { return nil }
        return SecurityEventDTO(
            id: row.id, kind: kind, occurredAt: Date(millis: row.occurredAt), actorId: row.actorId, subjectId: row.subjectId,
            organizationId: row.organizationId, sessionId: row.sessionId, targetId: row.targetId, address: row.address,
            detail: row.detail)
    }

    /// Deletes events past the retention period.
    func sweep() async throws -> Int {
        try await store.deleteOlder(than: clock.now - retention)
    }
}
