import Foundation

/// What the benchmarks' load generator connects as: spaces, their members and a signed-in session
/// of each. Made by `Bench seed` on a data directory before the server starts, through the
/// features' own services and stores (the same rows the API would write). Not reachable over HTTP.
public struct LoadFixture: Codable, Sendable {
    public struct Member: Codable, Sendable {
        public let userId: String
        /// The session cookie's value.
        public let token: String
    }

    public struct Space: Codable, Sendable {
        public let id: String
        public let members: [Member]
    }

    /// One-to-one spaces, each with its own expert and client.
    public var pairs: [Space] = []
    /// A group space (clients first, then experts), when asked for.
    public var group: Space?
    /// Messages stored ahead (`history` of `seedLoad`), in all.
    public var storedMessages = 0
}

extension AppComponents {
    /// The organisation the load's experts belong to (one of the demo catalogue's).
    static let loadOrganization = "hki-tyollisyys"

    /// Seeds the demo (catalogue and users) when the database is empty, then adds `pairs` one-to-one
    /// spaces and, when `groupClients` > 0, a group space with that many clients and `groupExperts`
    /// experts; every member gets a session. About `history` messages are then stored across the pairs
    /// (the restart scenario's history).
    public func seedLoad(
        pairs: Int, groupClients: Int = 0, groupExperts: Int = 0, history: Int = 0, catalogue: URL,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> LoadFixture {
        if let (_, _, ids) = try await demoSeeder.seedIfEmpty(catalogue: catalogue) {
            try await demoSpaces.seed(ids)
        }
        let org = Self.loadOrganization
        let now = config.clock.now
        // One Argon2 hash for every load account: sign-in speed is not what is measured.
        let hash = try await auth.passwords.hash(Secrets.readablePassword())
        let run = String(config.ids.next().suffix(8)).lowercased()
        var users: [(UserRecord, String?, Role?)] = []
        var sessions: [SessionRecord] = []
        func account(_ key: String, expert: Bool) -> (user: SessionUser, member: LoadFixture.Member, email: String) {
            let email = "\(key)-\(run)@kuorma.example.fi"
            let record = UserRecord(
                id: config.ids.next(), email: email, emailNormalized: Input.normalizeEmail(email),
                displayName: expert ? "Ohjaaja \(key)" : "Asiakas \(key)", language: "fi", passwordHash: hash,
                isPlatformAdmin: false, createdAt: now.millis, updatedAt: now.millis)
            users.append((record, expert ? org : nil, expert ? .expert : nil))
            let (session, token) = auth.newSession(userId: record.id, userAgent: "ohjaustila-bench")
            sessions.append(session)
            let user = SessionUser(
                userId: record.id, sessionId: session.id, isPlatformAdmin: false, language: .fi, roles: expert ? [org: [.expert]] : [:])
            return (user, LoadFixture.Member(userId: record.id, token: token), email)
        }
        let pairAccounts = (0..<pairs).map { i in (account("e\(i)", expert: true), account("c\(i)", expert: false)) }
        let groupClientAccounts = (0..<groupClients).map { account("gc\($0)", expert: false) }
        let groupExpertAccounts = (0..<(groupClients > 0 ? max(1, groupExperts) : 0)).map { account("ge\($0)", expert: true) }
        try await DemoStore(db: db).seed(organizations: [], users: users, sessions: sessions, now: now)
        progress("\(users.count) accounts with sessions")

        var fixture = LoadFixture()
        for (i, (expert, client)) in pairAccounts.enumerated() {
            let space = try await spaces.create(
                CreateSpaceInput(
                    kind: .oneToOne, title: "Kuormatila \(i)", clientEmail: client.email, consent: ConsentInput(method: .inPerson),
                    language: .fi, maxClients: nil, clients: nil), by: expert.user, address: nil)
            fixture.pairs.append(LoadFixture.Space(id: space.id, members: [expert.member, client.member]))
            if (i + 1) % 500 == 0 { progress("\(i + 1) one-to-one spaces") }
        }
        if let owner = groupExpertAccounts.first {
            let space = try await spaces.create(
                CreateSpaceInput(
                    kind: .group, title: "Kuormaryhmä", clientEmail: nil, consent: nil, language: .fi, maxClients: groupClients,
                    clients: groupClientAccounts.map { ClientInput(email: $0.email, consent: ConsentInput(method: .inPerson)) }),
                by: owner.user, address: nil)
            for other in groupExpertAccounts.dropFirst() {
                _ = try await spaces.addExpert(space.id, AddMemberInput(email: other.email, history: .all), by: owner.user)
            }
            fixture.group = LoadFixture.Space(id: space.id, members: (groupClientAccounts + groupExpertAccounts).map(\.member))
        }
        fixture.storedMessages = try await storeHistory(history, in: fixture.pairs)
        if fixture.storedMessages > 0 { progress("\(fixture.storedMessages) messages stored") }
        return fixture
    }

    /// About `count` messages spread evenly over the one-to-one spaces (set-based, see `DemoStore.storeHistory`).
    private func storeHistory(_ count: Int, in pairs: [LoadFixture.Space]) async throws -> Int {
        guard count > 0, !pairs.isEmpty else { return 0 }
        return try await DemoStore(db: db).storeHistory(
            pairs.map { (id: $0.id, first: $0.members[0].userId, second: $0.members[1].userId) },
            perSpace: (count + pairs.count - 1) / pairs.count,
            body: "Hei, tässä aiempi viesti tämän tilan historiasta, suunnilleen tavallisen viestin mittainen.", now: config.clock.now)
    }
}
