import Foundation
import GRDB

/// The stages of a service's review cycle: days since its review date.
enum ReviewStage: Int, Codable, Sendable, CaseIterable, Comparable {
    /// The organisation's content producers are reminded.
    case first = 120
    /// Reminded again.
    case second = 135
    /// Flagged outdated; the organisation's admins and the platform admins are told.
    case outdated = 150
    /// Not a stage of review: every dated period of the service has ended; its content producers
    /// are told (the key's `reviewedAt` is then the last day).
    case periodsEnded = 0

    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// The latest stage a service `days` days past its review is at.
    static func at(days: Int) -> ReviewStage? { [ReviewStage.first, .second, .outdated].last { days >= $0.rawValue } }

    var noticeKind: NoticeKind {
        switch self {
        case .first: .review
        case .second: .reviewAgain
        case .outdated: .outdated
        case .periodsEnded: .periodsEnded
        }
    }

    static let day: Int64 = 86_400_000
}

enum NoticeKind: String, Codable, Sendable, DatabaseValueConvertible {
    case review, reviewAgain, outdated, periodsEnded
}

/// A stage of one service's review cycle that is due: the work of one review job.
struct ReviewDue: Codable, Sendable, Equatable {
    let serviceId: String
    let reviewedAt: Int64
    let stage: ReviewStage
}

struct ReviewJobInput: Codable, Sendable {
    let items: [ReviewDue]
}

/// The SQL of review reminders: the sweep that notes due stages and queues their job, the job's
/// notices and e-mails, the notices' list, and the stale list.
struct CatalogueReviewStore: Sendable {
    let db: AppDatabase
    static let kind = "catalogueReview"

    /// Notes every stage that has come due since the last sweep (at most the latest of each
    /// service: a service found at 160 days gets the outdated notice only), flags the outdated,
    /// clears flags a newer review date made void, and queues one job for the notices, all in one
    /// transaction. Returns the number of stages noted.
    func sweep(now: Date, jobKey: String) async throws -> Int {
        try await db.writer.write { db in
            let cutoff = now.millis - Int64(ReviewStage.first.rawValue) * ReviewStage.day
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT s.id, s.reviewed_at, (
                        SELECT MAX(n.stage) FROM service_review_notice n
                        WHERE n.service_id = s.id AND n.reviewed_at = s.reviewed_at AND n.stage > 0
                    ) AS noted
                    FROM service s
                    WHERE s.reviewed_at <= \(cutoff) AND s.status IN \([ServiceStatus.published, .hidden]) AND \(CatalogueSearchStore.live)
                    ORDER BY s.reviewed_at, s.id
                    """))
            var due: [ReviewDue] = []
            for row in rows {
                let reviewedAt: Int64 = row["reviewed_at"]
                guard let stage = ReviewStage.at(days: Int((now.millis - reviewedAt) / ReviewStage.day)) else { continue }
                if let noted = row["noted"] as Int?, noted >= stage.rawValue { continue }
                due.append(ReviewDue(serviceId: row["id"], reviewedAt: reviewedAt, stage: stage))
            }
            due += try Self.periodsEnded(today: SearchMissRecorder.day(now), db)
            var flagsChanged = false
            for item in due {
                try db.execute(
                    literal: """
                        INSERT INTO service_review_notice (service_id, reviewed_at, stage, noted_at)
                        VALUES (\(item.serviceId), \(item.reviewedAt), \(item.stage.rawValue), \(now.millis))
                        """)
                if item.stage == .outdated {
                    try db.execute(
                        literal: """
                            INSERT INTO service_outdated (service_id, since) VALUES (\(item.serviceId), \(now.millis))
                            ON CONFLICT (service_id) DO NOTHING
                            """)
                    flagsChanged = flagsChanged || db.changesCount > 0
                }
            }
            let stillOutdated = now.millis - Int64(ReviewStage.outdated.rawValue) * ReviewStage.day
            try db.execute(
                literal: """
                    DELETE FROM service_outdated WHERE service_id IN (
                        SELECT id FROM service WHERE reviewed_at > \(stillOutdated) OR status NOT IN \([ServiceStatus.published, .hidden]))
                    """)
            flagsChanged = flagsChanged || db.changesCount > 0
            if flagsChanged { try CatalogueEditingStore.bumpRevision(db) }
            if !due.isEmpty {
                try JobStore.enqueue(kind: Self.kind, key: jobKey, payload: ReviewJobInput(items: due), due: now, db)
            }
            return due.count
        }
    }

    /// Published and hidden services whose every dated period ended before `today`, not told yet
    /// for that last day.
    static func periodsEnded(today: String, _ db: Database) throws -> [ReviewDue] {
        let rows = try Row.fetchAll(
            db,
            SQLRequest<Row>(
                """
                SELECT id, delivery FROM service WHERE status IN \([ServiceStatus.published, .hidden]) AND delivery LIKE '%"periods"%'
                AND \(CatalogueSearchStore.live) ORDER BY id
                """))
        var due: [ReviewDue] = []
        for row in rows {
            guard let delivery = try? ServiceRecord.decode(ServiceRecord.DeliveryText.self, row["delivery"]),
                let last = delivery.periods.map(\.lastDay).max(), last < today, let day = dayStart(last)
            else { continue }
            let id: String = row["id"]
            let told =
                try Bool.fetchOne(
                    db,
                    SQLRequest<Bool>(
                        """
                        SELECT EXISTS (SELECT 1 FROM service_review_notice WHERE service_id = \(id) AND reviewed_at = \(day) AND stage = 0)
                        """)) ?? false
            if !told { due.append(ReviewDue(serviceId: id, reviewedAt: day, stage: .periodsEnded)) }
        }
        return due
    }

    /// Midnight UTC of `YYYY-MM-DD` in milliseconds.
    static func dayStart(_ day: String) -> Int64? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.date(from: day)?.millis
    }

    /// A review that answers the service's reminders: its notices read, its outdated flag gone.
    static func reviewed(_ serviceId: String, now: Date, _ db: Database) throws {
        try db.execute(literal: "UPDATE catalogue_notice SET read_at = \(now.millis) WHERE service_id = \(serviceId) AND read_at IS NULL")
        try db.execute(literal: "DELETE FROM service_outdated WHERE service_id = \(serviceId)")
    }

    struct Recipient: Sendable, Hashable {
        let id: String
        let email: String
        let language: Language
    }

    /// What one recipient is told of: the services and their stages.
    struct Told: Sendable {
        let recipient: Recipient
        var services: [(id: String, name: LocalText, stage: ReviewStage, days: Int)]
    }

    /// The job: for each due stage still current (the service still has that review date and is
    /// published or hidden), an in-app notice for each recipient, once; the recipients told of
    /// anything new are returned for their e-mails, which `mail` writes into the same transaction.
    func deliver(
        _ input: ReviewJobInput, now: Date, ids: IDGenerator, mail: @escaping @Sendable (Told, Database) throws -> Void
    ) async throws -> Int {
        try await db.writer.write { db in
            var told: [Recipient: Told] = [:]
            var order: [Recipient] = []
            for item in input.items {
                guard
                    let s = try Row.fetchOne(
                        db,
                        SQLRequest<Row>(
                            """
                            SELECT id, organization_id, name_fi, name_sv, name_en, reviewed_at FROM service
                            WHERE id = \(item.serviceId) AND (reviewed_at = \(item.reviewedAt) OR \(item.stage == .periodsEnded))
                            AND status IN \([ServiceStatus.published, .hidden])
                            """))
                else { continue }
                let organization: String = s["organization_id"]
                let roles: [Role] = item.stage == .outdated ? [.orgAdmin] : [.contentProducer]
                let platform: SQL = item.stage == .outdated ? "OR u.is_platform_admin = 1" : ""
                let recipients = try Row.fetchAll(
                    db,
                    SQLRequest<Row>(
                        """
                        SELECT DISTINCT u.id, u.email, u.language FROM app_user u
                        WHERE u.id IN (SELECT user_id FROM membership WHERE organization_id = \(organization) AND role IN \(roles.map(\.rawValue)))
                        \(platform)
                        ORDER BY u.id
                        """)
                ).map { Recipient(id: $0["id"], email: $0["email"], language: Language(rawValue: $0["language"]) ?? .fi) }
                for r in recipients {
                    try db.execute(
                        literal: """
                            INSERT INTO catalogue_notice (id, user_id, service_id, kind, reviewed_at, created_at)
                            VALUES (\(ids.next()), \(r.id), \(item.serviceId), \(item.stage.noticeKind), \(item.reviewedAt), \(now.millis))
                            ON CONFLICT (user_id, service_id, reviewed_at, kind) DO NOTHING
                            """)
                    guard db.changesCount > 0 else { continue }
                    if told[r] == nil {
                        told[r] = Told(recipient: r, services: [])
                        order.append(r)
                    }
                    told[r]?.services.append(
                        (
                            item.serviceId, LocalText(fi: s["name_fi"], sv: s["name_sv"], en: s["name_en"]), item.stage,
                            Int((now.millis - item.reviewedAt) / ReviewStage.day)
                        ))
                }
            }
            for r in order { try mail(told[r]!, db) }
            return order.count
        }
    }

    struct NoticeRow: Sendable {
        let id: String
        let serviceId: String
        let organizationId: String
        let name: LocalText
        let kind: NoticeKind
        let reviewedAt: Int64
        let createdAt: Int64
        let readAt: Int64?
    }

    /// A user's notices, newest first, and how many are unread.
    func notices(of userId: String, limit: Int) async throws -> (rows: [NoticeRow], unread: Int) {
        try await db.writer.read { db in
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    """
                    SELECT n.id, n.service_id, n.kind, n.reviewed_at, n.created_at, n.read_at, s.organization_id, s.name_fi, s.name_sv,
                        s.name_en
                    FROM catalogue_notice n JOIN service s ON s.id = n.service_id
                    WHERE n.user_id = \(userId) ORDER BY n.created_at DESC, n.id LIMIT \(limit)
                    """)
            ).map {
                NoticeRow(
                    id: $0["id"], serviceId: $0["service_id"], organizationId: $0["organization_id"],
                    name: LocalText(fi: $0["name_fi"], sv: $0["name_sv"], en: $0["name_en"]),
                    kind: $0["kind"], reviewedAt: $0["reviewed_at"], createdAt: $0["created_at"], readAt: $0["read_at"])
            }
            let unread =
                try Int.fetchOne(db, SQLRequest<Int>("SELECT COUNT(*) FROM catalogue_notice WHERE user_id = \(userId) AND read_at IS NULL"))
                ?? 0
            return (rows, unread)
        }
    }

    /// Marks one of the user's notices read; false when the user has no such notice.
    func read(_ id: String, userId: String, now: Date) async throws -> Bool {
        try await db.writer.write { db in
            try db.execute(
                literal: """
                    UPDATE catalogue_notice SET read_at = COALESCE(read_at, \(now.millis)) WHERE id = \(id) AND user_id = \(userId)
                    """)
            return db.changesCount > 0
        }
    }

    /// The services flagged outdated among `ids`.
    func outdated(among ids: [String]) async throws -> Set<String> {
        try await db.writer.read { db in
            Set(try String.fetchAll(db, SQLRequest<String>("SELECT service_id FROM service_outdated WHERE service_id IN \(ids)")))
        }
    }
}
