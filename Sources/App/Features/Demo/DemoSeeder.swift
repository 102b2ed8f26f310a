import Foundation

/// `serve --demo` on an empty database: the organisations of the demo catalogue and one user per role,
/// with random passwords printed once.
struct DemoSeeder: Sendable {
    let store: DemoStore
    let exchange: CatalogueExchange
    let passwords: Passwords
    let clock: AppClock
    let ids: IDGenerator

    struct DemoUser: Sendable {
        let key: String
        let email: String
        let name: String
        let organizationId: String?
        let role: Role?
        let platformAdmin: Bool
    }

    static let users: [DemoUser] = [
        .init(
            key: "platformAdmin", email: "admin@demo.example.fi", name: "Pia Pääkäyttäjä", organizationId: nil, role: nil,
            platformAdmin: true),
        .init(
            key: "orgAdmin", email: "paakayttaja@demo.example.fi", name: "Olli Organisaatio", organizationId: "hki-tyollisyys",
            role: .orgAdmin, platformAdmin: false),
        .init(
            key: "expert", email: "asiantuntija@demo.example.fi", name: "Aino Asiantuntija", organizationId: "hki-tyollisyys",
            role: .expert, platformAdmin: false),
        .init(
            key: "contentProducer", email: "sisallontuottaja@demo.example.fi", name: "Sami Sisältö", organizationId: "hki-tyollisyys",
            role: .contentProducer, platformAdmin: false),
        .init(
            key: "serviceProvider", email: "palveluntuottaja@demo.example.fi", name: "Paula Palvelu", organizationId: "valmennus-kompassi",
            role: .serviceProvider, platformAdmin: false),
        .init(
            key: "approver", email: "hyvaksyja@demo.example.fi", name: "Heikki Hyväksyjä", organizationId: "hki-tyollisyys",
            role: .approver, platformAdmin: false),
        .init(key: "client", email: "asiakas@demo.example.fi", name: "Kalle Asiakas", organizationId: nil, role: nil, platformAdmin: false),
        .init(
            key: "partnerExpert", email: "verstas@demo.example.fi", name: "Tero Tukija", organizationId: "nuorten-verstas", role: .expert,
            platformAdmin: false),
        .init(
            key: "coachExpert", email: "valmentaja@demo.example.fi", name: "Vilma Valmentaja", organizationId: "valmennus-kompassi",
            role: .expert, platformAdmin: false),
        .init(
            key: "groupClient", email: "asiakas2@demo.example.fi", name: "Lina Laine", organizationId: nil, role: nil, platformAdmin: false),
    ]

    /// Seeds when the database has no user yet: imports the demo catalogue (its organisations too) and
    /// creates the users. Returns the sign-ins to print, or nil when it did nothing.
    func seedIfEmpty(catalogue: URL) async throws -> (
        summary: CatalogueImportStore.Summary, users: [(key: String, email: String, password: String)], ids: [String: String]
    )? {
        guard try await store.isEmpty() else { return nil }
        let file = try CatalogueValidator.decode(try Data(contentsOf: catalogue))
        let summary = try await exchange.importFile(Self.aged(file, now: clock.now))
        let now = clock.now.millis
        var printed: [(String, String, String)] = []
        var userRows: [(UserRecord, String?, Role?)] = []
        var userIds: [String: String] = [:]
        for u in Self.users {
            let password = Secrets.readablePassword()
            let record = UserRecord(
                id: ids.next(), email: u.email, emailNormalized: Input.normalizeEmail(u.email), displayName: u.name, language: "fi",
                passwordHash: try await passwords.hash(password), isPlatformAdmin: u.platformAdmin, createdAt: now, updatedAt: now)
            userRows.append((record, u.organizationId, u.role))
            printed.append((u.key, u.email, password))
            userIds[u.key] = record.id
        }
        try await store.seed(organizations: [], users: userRows, now: clock.now)
        return (summary, printed, userIds)
    }

    /// The demo catalogue as if it had been written today: every time in it moves by the time since its
    /// `generatedAt` (the day its ages are meant for), so the demo keeps its mix of fresh services,
    /// ones due for a first or second review reminder and outdated ones however late it is started.
    static func aged(_ file: CatalogueFile, now: Date) -> CatalogueFile {
        guard let generated = CatalogueTimestamps.parse(file.generatedAt) else { return file }
        let shift = now.timeIntervalSince(generated)
        func moved(_ text: String) -> String {
            CatalogueTimestamps.parse(text).map { CatalogueTimestamps.format($0.addingTimeInterval(shift)) } ?? text
        }
        var file = file
        file.generatedAt = CatalogueTimestamps.format(now)
        for i in file.services.indices {
            file.services[i].updatedAt = moved(file.services[i].updatedAt)
            file.services[i].reviewedAt = moved(file.services[i].reviewedAt)
        }
        for i in file.articles.indices { file.articles[i].updatedAt = moved(file.articles[i].updatedAt) }
        return file
    }
}

extension AppComponents {
    /// The demo's seeder over this app's database, catalogue import, password hashing and clock.
    var demoSeeder: DemoSeeder {
        DemoSeeder(store: DemoStore(db: db), exchange: catalogueExchange, passwords: auth.passwords, clock: config.clock, ids: config.ids)
    }
}
