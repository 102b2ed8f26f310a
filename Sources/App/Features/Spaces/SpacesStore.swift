import Foundation
import GRDB

/// All SQL of spaces, their members, consents and the access log.
struct SpacesStore: Sendable {
    let db: AppDatabase
    let hub: RealtimeHub
    let ids: IDGenerator

    // MARK: Reading access

    /// The user's access to a space, or nil when they are not a member now.
    func access(space: String, user: String) async throws -> SpaceAccess? {
        try await db.writer.read { db in try Self.access(space: space, user: user, db) }
    }

    static func access(space: String, user: String, _ db: Database) throws -> SpaceAccess? {
        // A prepared statement kept by the connection: this runs for every message sent.
        let statement = try db.cachedStatement(
            sql: """
                SELECT m.role, m.organization_id, m.visible_after, s.kind, s.status
                FROM space_member m JOIN space s ON s.id = m.space_id
                WHERE m.space_id = ? AND m.user_id = ? AND m.left_at IS NULL
                """)
        let row = try Row.fetchOne(statement, arguments: [space, user])
        return row.map { Self.access($0, space: space, user: user) }
    }

    /// Checks again, inside a write, what the service checked before it: the actor is still a member
    /// (the owner, for `owner`) of the still open space. Two requests of one owner that race (two
    /// hand-overs, a hand-over and a removal) cannot both act on the earlier check.
    /// Answers the actor's access as it is now.
    @discardableResult
    static func confirm(_ access: SpaceAccess, owner: Bool = false, _ db: Database) throws -> SpaceAccess {
        guard let now = try Self.access(space: access.spaceId, user: access.userId, db) else { throw AppError.notFound("space.notFound") }
        if owner, !now.isOwner { throw AppError.forbidden }
        if !now.canWrite { throw AppError(.conflict, "space.closed") }
        return now
    }

    private static func access(_ row: Row, space: String, user: String) -> SpaceAccess {
        SpaceAccess(
            spaceId: space, userId: user, role: SpaceRole(rawValue: row["role"]) ?? .client, organizationId: row["organization_id"],
            visibleAfter: row["visible_after"], kind: SpaceKind(rawValue: row["kind"]) ?? .oneToOne,
            status: SpaceStatus(rawValue: row["status"]) ?? .closed)
    }

    /// Every space the user is a member of now (a socket's hello).
    func accesses(user: String) async throws -> [SpaceAccess] {
        try await db.writer.read { db in
            try SQLRequest<Row>(
                """
                SELECT m.space_id, m.role, m.organization_id, m.visible_after, s.kind, s.status
                FROM space_member m JOIN space s ON s.id = m.space_id
                WHERE m.user_id = \(user) AND m.left_at IS NULL
                """
            ).fetchAll(db).map { Self.access($0, space: $0["space_id"], user: user) }
        }
    }

    // MARK: Lists

    func list(user: String, status: SpaceStatus?, page: PageRequest) async throws -> [SpaceSummaryDTO] {
        try await db.writer.read { db in
            let statusFilter: SQL = status.map { "AND s.status = \($0.rawValue)" } ?? ""
            return try SQLRequest<Row>(
                """
                SELECT \(Self.summaryColumns)
                FROM space_member m JOIN space s ON s.id = m.space_id LEFT JOIN app_user o ON o.id = s.owner_id
                WHERE m.user_id = \(user) AND m.left_at IS NULL \(statusFilter)
                ORDER BY s.last_activity_at DESC, s.id LIMIT \(page.limit + 1) OFFSET \(page.offset)
                """
            ).fetchAll(db).map(Self.summary)
        }
    }

    /// The columns `summary(_:)` reads, for a query joining `space s`, the viewer's `space_member m`
    /// and the owner `app_user o`: the unread count is the messages after the member's read position
    /// that the member may see and did not write.
    private static let summaryColumns: SQL = """
        s.*, m.role AS my_role, m.read_seq AS my_read_seq, o.display_name AS owner_name,
          (SELECT COUNT(*) FROM space_event e
           WHERE e.space_id = s.id AND e.seq > m.read_seq AND e.kind = 'message'
             AND (e.actor_id IS NULL OR e.actor_id <> m.user_id)
             AND \(SpaceVisibility.memberFilter(event: "e", member: "m"))) AS unread
        """

    private static func summary(_ row: Row) -> SpaceSummaryDTO {
        SpaceSummaryDTO(
            id: row["id"], kind: SpaceKind(rawValue: row["kind"]) ?? .oneToOne, title: row["title"],
            status: SpaceStatus(rawValue: row["status"]) ?? .open, role: SpaceRole(rawValue: row["my_role"]) ?? .client,
            unread: row["unread"], lastSeq: row["last_seq"], readSeq: row["my_read_seq"],
            lastActivityAt: Date(millis: row["last_activity_at"]), ownerName: row["owner_name"])
    }

    /// The space as the viewer sees it: members (a client of a group space sees other clients' names
    /// only) and, for experts, the pending client invitations.
    func space(_ viewer: SpaceAccess, now: Date) async throws -> SpaceDTO? {
        try await db.writer.read { db in
            guard
                let row = try SQLRequest<Row>(
                    """
                    SELECT \(Self.summaryColumns)
                    FROM space s JOIN space_member m ON m.space_id = s.id AND m.user_id = \(viewer.userId)
                    LEFT JOIN app_user o ON o.id = s.owner_id
                    WHERE s.id = \(viewer.spaceId)
                    """
                ).fetchOne(db)
            else { return nil }
            let members = try Self.members(viewer, db)
            var pending: [PendingClientDTO]?
            if viewer.isExpert {
                pending = try SQLRequest<Row>(
                    """
                    SELECT id, email, created_at FROM invitation
                    WHERE kind = 'space' AND target_id = \(viewer.spaceId) AND accepted_at IS NULL AND revoked_at IS NULL
                      AND expires_at > \(now.millis)
                    ORDER BY created_at
                    """
                ).fetchAll(db).map {
                    PendingClientDTO(invitationId: $0["id"], email: $0["email"], createdAt: Date(millis: $0["created_at"]))
                }
            }
            return SpaceDTO(
                summary: Self.summary(row), ownerId: row["owner_id"], outcome: row["outcome"], maxClients: row["max_clients"],
                createdAt: Date(millis: row["created_at"]), closedAt: (row["closed_at"] as Int64?).map(Date.init(millis:)),
                members: members, pendingClients: pending)
        }
    }

    func members(_ viewer: SpaceAccess) async throws -> [MemberDTOSpace] {
        try await db.writer.read { db in try Self.members(viewer, db) }
    }

    static func members(_ viewer: SpaceAccess, _ db: Database) throws -> [MemberDTOSpace] {
        let rows = try SQLRequest<Row>(
            """
            SELECT m.user_id, m.role, m.read_seq, m.joined_at, u.display_name,
                   o.id AS org_id, o.name_fi, o.name_sv, o.name_en, o.sector
            FROM space_member m JOIN app_user u ON u.id = m.user_id
            LEFT JOIN organization o ON o.id = m.organization_id
            WHERE m.space_id = \(viewer.spaceId) AND m.left_at IS NULL
            ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'expert' THEN 1 ELSE 2 END, u.display_name, m.user_id
            """
        ).fetchAll(db)
        return rows.map { row in
            let role = SpaceRole(rawValue: row["role"]) ?? .client
            let userId: String = row["user_id"]
            // Clients of a group space see each other's display names only.
            if !viewer.isExpert, role == .client, userId != viewer.userId {
                return MemberDTOSpace(userId: userId, displayName: row["display_name"], role: role)
            }
            return MemberDTOSpace(
                userId: userId, displayName: row["display_name"], role: role, organization: organizationRef(row),
                readSeq: row["read_seq"], joinedAt: Date(millis: row["joined_at"]))
        }
    }

    static func organizationRef(_ row: Row) -> OrganizationRef? {
        guard let id: String = row["org_id"] else { return nil }
        return OrganizationRef(
            id: id, name: LocalText(fi: row["name_fi"], sv: row["name_sv"], en: row["name_en"]),
            sector: Sector(rawValue: row["sector"]) ?? .public)
    }

    func consents(space: String) async throws -> [ConsentDTO] {
        try await db.writer.read { db in
            try SQLRequest<Row>(
                """
                SELECT c.*, u.display_name AS recorder_name FROM space_consent c LEFT JOIN app_user u ON u.id = c.recorded_by
                WHERE c.space_id = \(space) ORDER BY c.recorded_at, c.id
                """
            ).fetchAll(db).map { row in
                ConsentDTO(
                    id: row["id"], clientEmail: row["client_email"], clientId: row["client_id"],
                    method: ConsentMethod(rawValue: row["method"]) ?? .inPerson, textVersion: row["text_version"], text: row["text"],
                    language: Language(rawValue: row["language"]) ?? .fi,
                    recordedBy: (row["recorded_by"] as String?).map { UserRef(userId: $0, displayName: row["recorder_name"] ?? "") },
                    recordedAt: Date(millis: row["recorded_at"]))
            }
        }
    }

    // MARK: People

    /// The account with this e-mail address and the organisations where it has the expert role.
    func person(email: String) async throws -> (UserRecord, expertOf: [String], isClient: Bool)? {
        try await db.writer.read { db in
            guard let user = try AuthStore.user(emailNormalized: Input.normalizeEmail(email), db) else { return nil }
            let orgs = try SQLRequest<String>(
                "SELECT organization_id FROM membership WHERE user_id = \(user.id) AND role = 'expert' ORDER BY created_at, organization_id"
            ).fetchAll(db)
            let roles = try SQLRequest<Int>("SELECT COUNT(*) FROM membership WHERE user_id = \(user.id)").fetchOne(db) ?? 0
            return (user, orgs, roles == 0 && !user.isPlatformAdmin)
        }
    }

    func displayName(user: String) async throws -> String? {
        try await db.writer.read { db in try SQLRequest<String>("SELECT display_name FROM app_user WHERE id = \(user)").fetchOne(db) }
    }

    // MARK: Writing

    /// A new client member of a space: their name (for the event) and consent.
    struct NewClient: Sendable {
        let user: UserRecord
        let consent: SpaceConsentRecord?
    }

    /// Opens a space: the space, its owner, its clients that have accounts, the consent records and the
    /// invitations of the others, with an event for the opening and each joining, in one transaction.
    func create(
        _ space: SpaceRecord, owner: (UserRecord, organizationId: String?), clients: [NewClient], invitations: [PreparedInvitation],
        pendingConsents: [SpaceConsentRecord], now: Date
    ) async throws {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            try space.insert(tx.db)
            try tx.append(
                .spaceOpened, space: space.id, actor: owner.0.id, data: EventData(title: space.title, kind: SpaceKind(rawValue: space.kind))
            )
            try Self.join(
                &tx, space: space.id, kind: SpaceKind(rawValue: space.kind) ?? .oneToOne, user: owner.0, role: .owner,
                organizationId: owner.organizationId, history: .all, by: owner.0.id)
            for client in clients {
                try Self.join(
                    &tx, space: space.id, kind: SpaceKind(rawValue: space.kind) ?? .oneToOne, user: client.user, role: .client,
                    organizationId: nil, history: .all, by: owner.0.id)
                if let consent = client.consent { try consent.insert(tx.db) }
            }
            for consent in pendingConsents { try consent.insert(tx.db) }
            for invitation in invitations { try InvitationsStore.insert(invitation, tx.db) }
        }
    }

    enum JoinOutcome: Sendable, Equatable {
        case joined(MemberDTOSpace)
        case alreadyMember
        case full
        case closed
    }

    /// Adds a member (or brings back one who had left), with the joining event that every member,
    /// the client first, sees before the new member sees anything.
    static func join(
        _ tx: inout SpaceTransaction, space: String, kind: SpaceKind, user: UserRecord, role: SpaceRole, organizationId: String?,
        history: HistoryChoice, by: String?
    ) throws {
        let seqBefore = try SQLRequest<Int64>("SELECT last_seq FROM space WHERE id = \(space)").fetchOne(tx.db) ?? 0
        // "From now on": the member sees their own joining event and what follows, nothing before.
        let visibleAfter = history == .fromNow ? seqBefore : 0
        try tx.db.execute(
            literal: """
                INSERT INTO space_member (space_id, user_id, role, organization_id, visible_after, read_seq, added_by, joined_at)
                VALUES (\(space), \(user.id), \(role.rawValue), \(organizationId), \(visibleAfter), 0, \(by), \(tx.now.millis))
                ON CONFLICT (space_id, user_id) DO UPDATE SET role = excluded.role, organization_id = excluded.organization_id,
                  visible_after = excluded.visible_after, read_seq = 0, added_by = excluded.added_by, joined_at = excluded.joined_at,
                  left_at = NULL
                """)
        let org = try organizationId.flatMap { id in
            try SQLRequest<Row>("SELECT id AS org_id, name_fi, name_sv, name_en, sector FROM organization WHERE id = \(id)").fetchOne(tx.db)
        }.flatMap(organizationRef)
        let status =
            SpaceStatus(rawValue: try SQLRequest<String>("SELECT status FROM space WHERE id = \(space)").fetchOne(tx.db) ?? "") ?? .open
        tx.change(
            .granted(
                SpaceAccess(
                    spaceId: space, userId: user.id, role: role, organizationId: organizationId, visibleAfter: visibleAfter, kind: kind,
                    status: status)))
        try tx.append(
            .memberJoined, space: space, actor: by,
            data: EventData(userId: user.id, displayName: user.displayName, role: role, organization: org, history: history))
    }

    /// Adds an expert, or a client with an account (group spaces), as the owner asked.
    func addMember(
        _ user: UserRecord, role: SpaceRole, organizationId: String?, history: HistoryChoice, consent: SpaceConsentRecord?,
        to access: SpaceAccess, now: Date
    ) async throws -> JoinOutcome {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            try Self.confirm(access, owner: true, tx.db)
            guard let space = try SpaceRecord.fetchOne(tx.db, key: access.spaceId) else { return .closed }
            if space.status != SpaceStatus.open.rawValue { return .closed }
            if try Self.access(space: access.spaceId, user: user.id, tx.db) != nil { return .alreadyMember }
            if role == .client {
                let clients =
                    try SQLRequest<Int>(
                        "SELECT COUNT(*) FROM space_member WHERE space_id = \(access.spaceId) AND role = 'client' AND left_at IS NULL"
                    ).fetchOne(tx.db) ?? 0
                if clients >= space.maxClients { return .full }
            }
            try Self.join(
                &tx, space: access.spaceId, kind: access.kind, user: user, role: role, organizationId: organizationId, history: history,
                by: access.userId)
            if let consent { try consent.insert(tx.db) }
            let viewer = access
            guard let member = try Self.members(viewer, tx.db).first(where: { $0.userId == user.id }) else { return .closed }
            return .joined(member)
        }
    }

    /// Invites a client to a group space in one transaction with the consent record.
    func inviteClient(_ invitation: PreparedInvitation, consent: SpaceConsentRecord?, to access: SpaceAccess, now: Date) async throws
        -> JoinOutcome?
    {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            try Self.confirm(access, owner: true, tx.db)
            guard let space = try SpaceRecord.fetchOne(tx.db, key: access.spaceId), space.status == SpaceStatus.open.rawValue else {
                return .closed
            }
            let taken =
                try SQLRequest<Int>(
                    """
                    SELECT (SELECT COUNT(*) FROM space_member WHERE space_id = \(access.spaceId) AND role = 'client' AND left_at IS NULL)
                         + (SELECT COUNT(*) FROM invitation WHERE kind = 'space' AND target_id = \(access.spaceId)
                            AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > \(now.millis))
                    """
                ).fetchOne(tx.db) ?? 0
            if taken >= space.maxClients { return .full }
            try InvitationsStore.insert(invitation, tx.db)
            if let consent { try consent.insert(tx.db) }
            return nil
        }
    }

    enum RemovalOutcome: Sendable, Equatable {
        case done, notMember, isOwner, closed
    }

    /// A member leaves or is removed: access ends at once, their sockets close, the others see why.
    func remove(user: String, from access: SpaceAccess, leaving: Bool, now: Date) async throws -> RemovalOutcome {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            if !leaving { try Self.confirm(access, owner: true, tx.db) }
            guard let space = try SpaceRecord.fetchOne(tx.db, key: access.spaceId) else { return .notMember }
            if space.status != SpaceStatus.open.rawValue { return .closed }
            guard let member = try Self.access(space: access.spaceId, user: user, tx.db) else { return .notMember }
            if member.role == .owner { return .isOwner }
            try tx.db.execute(
                literal: "UPDATE space_member SET left_at = \(now.millis) WHERE space_id = \(access.spaceId) AND user_id = \(user)")
            let name = try SQLRequest<String>("SELECT display_name FROM app_user WHERE id = \(user)").fetchOne(tx.db)
            tx.change(.revoked(spaceId: access.spaceId, userId: user))
            try tx.append(
                leaving ? .memberLeft : .memberRemoved, space: access.spaceId, actor: access.userId,
                data: EventData(userId: user, displayName: name))
            return .done
        }
    }

    enum OwnerOutcome: Sendable, Equatable {
        case done, notExpert, closed
    }

    func transferOwner(to user: String, in access: SpaceAccess, now: Date) async throws -> OwnerOutcome {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            try Self.confirm(access, owner: true, tx.db)
            guard let space = try SpaceRecord.fetchOne(tx.db, key: access.spaceId), space.status == SpaceStatus.open.rawValue else {
                return .closed
            }
            guard let next = try Self.access(space: access.spaceId, user: user, tx.db), next.role == .expert else { return .notExpert }
            try tx.db.execute(
                literal: """
                    UPDATE space_member SET role = CASE WHEN user_id = \(user) THEN 'owner' ELSE 'expert' END
                    WHERE space_id = \(access.spaceId) AND user_id IN (\(user), \(access.userId))
                    """)
            try tx.db.execute(literal: "UPDATE space SET owner_id = \(user) WHERE id = \(access.spaceId)")
            for (id, role) in [(user, SpaceRole.owner), (access.userId, .expert)] {
                if let a = try Self.access(space: access.spaceId, user: id, tx.db) {
                    tx.change(
                        .granted(
                            SpaceAccess(
                                spaceId: a.spaceId, userId: a.userId, role: role, organizationId: a.organizationId,
                                visibleAfter: a.visibleAfter, kind: a.kind, status: a.status)))
                }
            }
            let name = try SQLRequest<String>("SELECT display_name FROM app_user WHERE id = \(user)").fetchOne(tx.db)
            try tx.append(.ownerChanged, space: access.spaceId, actor: access.userId, data: EventData(userId: user, displayName: name))
            return .done
        }
    }

    /// Renames or closes an open space; false when it is closed already.
    func update(_ access: SpaceAccess, title: String?, closeWith outcome: String?, now: Date) async throws -> Bool {
        try await db.spaceWrite(now: now, ids: ids, hub: hub) { tx in
            guard let space = try SpaceRecord.fetchOne(tx.db, key: access.spaceId), space.status == SpaceStatus.open.rawValue else {
                return false
            }
            try Self.confirm(access, owner: true, tx.db)
            if let title {
                try tx.db.execute(literal: "UPDATE space SET title = \(title) WHERE id = \(access.spaceId)")
                try tx.append(.spaceRenamed, space: access.spaceId, actor: access.userId, data: EventData(title: title))
            }
            if let outcome {
                try tx.append(.spaceClosed, space: access.spaceId, actor: access.userId, data: EventData(outcome: outcome))
                try tx.db.execute(
                    literal:
                        "UPDATE space SET status = 'closed', outcome = \(outcome), closed_at = \(now.millis) WHERE id = \(access.spaceId)")
                tx.change(.status(spaceId: access.spaceId, .closed))
            }
            return true
        }
    }

    static func openSpaceTitle(_ id: String, _ db: Database) throws -> String? {
        try SQLRequest<String>("SELECT title FROM space WHERE id = \(id) AND status = 'open'").fetchOne(db)
    }

    /// The invited person joins as a client (inside the invitation's accept transaction); their
    /// consent record, kept by e-mail until now, gets their account.
    static func acceptClient(_ invitation: InvitationRecord, userId: String, _ tx: inout SpaceTransaction) throws {
        guard let space = try SpaceRecord.fetchOne(tx.db, key: invitation.targetId), space.status == SpaceStatus.open.rawValue,
            let user = try UserRecord.fetchOne(tx.db, key: userId)
        else { throw AppError(.badRequest, "token.invalid") }
        let roles = try SQLRequest<Int>("SELECT COUNT(*) FROM membership WHERE user_id = \(userId)").fetchOne(tx.db) ?? 0
        if roles > 0 || user.isPlatformAdmin { throw AppError(.conflict, "space.clientIsExpert") }
        if try access(space: space.id, user: userId, tx.db) != nil { return }
        try join(
            &tx, space: space.id, kind: SpaceKind(rawValue: space.kind) ?? .oneToOne, user: user, role: .client, organizationId: nil,
            history: .all, by: invitation.invitedBy)
        try tx.db.execute(
            literal: """
                UPDATE space_consent SET client_id = \(userId)
                WHERE space_id = \(space.id) AND client_id IS NULL AND lower(client_email) = \(invitation.emailNormalized)
                """)
    }

    // MARK: Access log

    /// Records an expert's read of a client's space.
    func logRead(_ kind: AccessLogKind, by access: SpaceAccess, now: Date) async throws {
        try await db.writer.write { db in
            try db.execute(
                literal: """
                    INSERT INTO access_log (id, space_id, reader_id, reader_name, organization_id, kind, read_at)
                    SELECT \(ids.next()), \(access.spaceId), id, display_name, \(access.organizationId), \(kind.rawValue), \(now.millis)
                    FROM app_user WHERE id = \(access.userId)
                      AND NOT EXISTS (
                        SELECT 1 FROM access_log
                        WHERE space_id = \(access.spaceId) AND read_at > \((now - kind.window).millis) AND reader_id = \(access.userId)
                          AND kind = \(kind.rawValue))
                    """)
        }
    }

    func accessLog(space: String, page: PageRequest) async throws -> [AccessLogEntryDTO] {
        try await db.writer.read { db in
            try SQLRequest<Row>(
                """
                SELECT a.*, o.id AS org_id, o.name_fi, o.name_sv, o.name_en, o.sector
                FROM access_log a LEFT JOIN organization o ON o.id = a.organization_id
                WHERE a.space_id = \(space)
                ORDER BY a.read_at DESC, a.id LIMIT \(page.limit + 1) OFFSET \(page.offset)
                """
            ).fetchAll(db).map { row in
                AccessLogEntryDTO(
                    readerId: row["reader_id"], readerName: row["reader_name"], organization: Self.organizationRef(row),
                    kind: AccessLogKind(rawValue: row["kind"]) ?? .space, readAt: Date(millis: row["read_at"]))
            }
        }
    }

    /// Deletes access-log records older than the retention; returns how many.
    func sweepAccessLog(before: Date) async throws -> Int {
        try await db.writer.write { db in
            try db.execute(literal: "DELETE FROM access_log WHERE read_at < \(before.millis)")
            return db.changesCount
        }
    }
}
