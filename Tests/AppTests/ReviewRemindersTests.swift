import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Review reminders (issue 13, item 6) with the test clock: a service marked reviewed gets nothing
/// for 119 days; at 120 its organisation's content producers get a notice (in-app and e-mail), at
/// 135 a second one, at 150 it is flagged outdated (experts see the flag in search and on its page)
/// and the organisation's admins and the platform admins are told. Each notice comes once, also
/// across a restart; marking the service reviewed answers them and clears the flag.
@Suite("Catalogue editing: review reminders")
struct ReviewRemindersTests {
    static let org = "hki-tyollisyys", service = "tyonhakuvalmennus"
    static let day: TimeInterval = 86_400

    static func sweep(_ components: AppComponents) async throws {
        try await ReviewSweeper(
            store: components.catalogueEditing.reviews, clock: components.config.clock, ids: components.config.ids,
            logger: components.logger
        ).runOnce()
    }

    /// The kinds of the caller's notices of `service`, oldest first.
    static func notices(_ env: TestEnv, _ token: String, of service: String = service) async throws -> [String] {
        let r = try await env.request(.get, "/api/v1/catalogue/editor/notices", token: token)
        #expect(r.status == .ok)
        return try r.items().filter { $0["serviceId"] as? String == service }.compactMap { $0["kind"] as? String }.reversed()
    }

    /// E-mails to `recipient` that name the service.
    static func mails(_ env: TestEnv, to recipient: String, naming name: String) throws -> Int {
        try env.mails().filter { $0.lowercased().contains("to: \(recipient)") && MailParsing.body($0).contains("- \(name) (") }.count
    }

    static func outdatedInSearch(_ env: TestEnv, _ token: String?) async throws -> Any? {
        let r = try await env.request(.get, "/api/v1/catalogue/search?q=ty%C3%B6nhakuvalmennus&limit=50", token: token)
        let row = try r.items().first { $0["id"] as? String == service }
        return row?["outdated"] as Any?
    }

    @Test func remindersAt120And135AndTheFlagAt150EachOnceAcrossARestart() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("tuottaja@hki.fi", org: Self.org, role: .contentProducer)
            try await env.user("orgadmin@hki.fi", org: Self.org, role: .orgAdmin)
            try await env.user("asiantuntija@hki.fi", org: Self.org, role: .expert)
            try await env.user("tuottaja@espoo.fi", org: "espoo-tyollisyys", role: .contentProducer)
            try await env.user("pk@alusta.fi", platformAdmin: true)
            // Months pass: everyone signs in again when the clock has moved.
            var producer = ""
            var orgAdmin = ""
            var expert = ""
            var admin = ""
            var otherProducer = ""
            func signIn() async throws {
                producer = try await env.login("tuottaja@hki.fi")
                orgAdmin = try await env.login("orgadmin@hki.fi")
                expert = try await env.login("asiantuntija@hki.fi")
                admin = try await env.login("pk@alusta.fi")
                otherProducer = try await env.login("tuottaja@espoo.fi")
            }
            try await signIn()
            let name = try #require((try await Editor.content(env, admin, Self.service))["name"] as? [String: Any])["fi"] as? String ?? ""

            #expect(try await Editor.step(env, admin, Self.service, "mark-reviewed").status == .ok)
            try await Self.sweep(env.components)
            try await env.flushMail()
            env.time.advance(by: 119 * Self.day)
            try await signIn()
            try await Self.sweep(env.components)
            try await env.flushMail()
            #expect(try await Self.notices(env, producer).isEmpty, "nothing before 120 days")

            env.time.advance(by: Self.day)
            try await signIn()
            for _ in 0..<2 {
                try await Self.sweep(env.components)
                try await env.flushMail()
            }
            #expect(try await Self.notices(env, producer) == ["review"])
            #expect(try Self.mails(env, to: "tuottaja@hki.fi", naming: name) == 1)
            #expect(try await Self.notices(env, orgAdmin).isEmpty)
            #expect(try await Self.notices(env, admin).isEmpty)
            #expect(try await Self.notices(env, otherProducer).isEmpty, "another organisation's producer is not told")
            let stale = try await env.request(.get, "/api/v1/catalogue/editor/stale?organization=\(Self.org)", token: producer)
            let row = try #require(try stale.items().first { $0["id"] as? String == Self.service })
            #expect(row["daysSinceReview"] as? Int == 120 && row["outdated"] as? Bool == false)

            // 135 days, in a new process over the same database.
            env.time.advance(by: 15 * Self.day)
            try await signIn()
            let restarted = try await AppComponents.make(env.config)
            try await Self.sweep(restarted)
            try await Self.sweep(restarted)
            try await env.flushMail()
            #expect(try await Self.notices(env, producer) == ["review", "reviewAgain"])
            #expect(try Self.mails(env, to: "tuottaja@hki.fi", naming: name) == 2)
            #expect(try await Self.outdatedInSearch(env, expert) as? Bool == false)

            // 150 days: outdated.
            env.time.advance(by: 15 * Self.day)
            try await signIn()
            try await Self.sweep(env.components)
            try await env.flushMail()
            try await Self.sweep(restarted)
            try await env.flushMail()
            #expect(try await Self.notices(env, producer) == ["review", "reviewAgain"], "producers are not told a third time")
            #expect(try await Self.notices(env, orgAdmin) == ["outdated"])
            #expect(try await Self.notices(env, admin) == ["outdated"])
            #expect(try Self.mails(env, to: "orgadmin@hki.fi", naming: name) == 1)
            let adminMails = try env.mails().filter { $0.lowercased().contains("to: pk@alusta.fi") }.map(MailParsing.body)
            #expect(try Self.mails(env, to: "pk@alusta.fi", naming: name) == 1, "\(adminMails)")
            #expect(try await Self.outdatedInSearch(env, expert) as? Bool == true, "experts see the flag in search")
            #expect(try await Self.outdatedInSearch(env, nil) is NSNull, "the public does not")
            let page = try await env.request(.get, "/api/v1/catalogue/services/\(Self.service)", token: expert).json()
            #expect(page["outdated"] as? Bool == true)
            let adminStale = try await env.request(.get, "/api/v1/catalogue/editor/stale?sort=days", token: admin)
            let flagged = try adminStale.items().filter { $0["outdated"] as? Bool == true }
            #expect(flagged.contains { $0["id"] as? String == Self.service })
            let days = try adminStale.items().compactMap { $0["daysSinceReview"] as? Int }
            #expect(days == days.sorted(by: >), "the longest unreviewed first")
            let orgAdminStale = try await env.request(.get, "/api/v1/catalogue/editor/stale", token: orgAdmin)
            let orgAdminRows = try orgAdminStale.items()
            #expect(orgAdminStale.status == .ok && orgAdminRows.allSatisfy { $0["organizationId"] as? String == Self.org })
            #expect(try await env.request(.get, "/api/v1/catalogue/editor/stale", token: expert).status == .forbidden)

            // Marking it reviewed answers the notices and clears the flag.
            env.time.advance(by: Self.day)
            try await signIn()
            #expect(try await Editor.step(env, producer, Self.service, "mark-reviewed").status == .ok)
            let mine = try await env.request(.get, "/api/v1/catalogue/editor/notices", token: orgAdmin)
            let mineRows = try mine.items()
            #expect(mineRows.filter { $0["serviceId"] as? String == Self.service }.allSatisfy { !($0["readAt"] is NSNull) })
            #expect(try await Self.outdatedInSearch(env, expert) as? Bool == false)
            let after = try await env.request(.get, "/api/v1/catalogue/editor/stale?organization=\(Self.org)", token: producer)
            let afterRows = try after.items()
            #expect(!afterRows.contains { $0["id"] as? String == Self.service })
            try await Self.sweep(env.components)
            try await env.flushMail()
            #expect(try await Self.notices(env, producer) == ["review", "reviewAgain"], "a new cycle starts from the new date")
        }
    }

    /// The demo seeded on any day has the ages its file was written for (`generatedAt`): the test clock
    /// is months before that day, and the days since review are still those of the file.
    @Test func theDemoKeepsItsAgesOnWhateverDayItIsSeeded() async throws {
        try await TestEnv.run { env in
            let file = try CatalogueValidator.decode(Data(contentsOf: repoRoot.appending(path: "DemoData/catalogue.json")))
            let written = try #require(CatalogueTimestamps.parse(file.generatedAt))
            #expect(abs(written.timeIntervalSince(env.config.clock.now)) > 30 * Self.day)
            var ages: [String: Int] = [:]
            for s in file.services where s.organizationId == Self.org && ["published", "hidden"].contains(s.status) {
                ages[s.id] = Int(written.timeIntervalSince(try #require(CatalogueTimestamps.parse(s.reviewedAt))) / Self.day)
            }
            let seeded = try #require(try await env.components.demoSeeder.seedIfEmpty(catalogue: env.config.demoDataFile))
            let producer = try #require(seeded.users.first { $0.key == "contentProducer" })
            let token = try await env.login(producer.email, password: producer.password)
            let stale = try await env.request(.get, "/api/v1/catalogue/editor/stale", token: token).items()
            let expected = ages.filter { $0.value >= 120 }
            #expect(Set(stale.compactMap { $0["id"] as? String }) == Set(expected.keys))
            for row in stale {
                let id = try #require(row["id"] as? String)
                #expect(row["daysSinceReview"] as? Int == expected[id], "\(id)")
            }
        }
    }

    @Test func aNoticeIsReadOnlyByItsOwner() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            try await env.user("admin@hki.fi", org: Self.org, role: .orgAdmin)
            try await env.user("toinen@hki.fi", org: Self.org, role: .orgAdmin)
            // A year on, every service of the demo catalogue is outdated and its organisation's admins are told.
            env.time.advance(by: 400 * Self.day)
            let producer = try await env.login("admin@hki.fi")
            let other = try await env.login("toinen@hki.fi")
            try await Self.sweep(env.components)
            try await env.flushMail()
            let list = try await env.request(.get, "/api/v1/catalogue/editor/notices", token: producer).json()
            let unread = try #require(list["unread"] as? Int)
            let first = try #require((list["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(unread > 0)
            #expect(try await env.request(.post, "/api/v1/catalogue/editor/notices/\(first)/read", token: other).status == .notFound)
            #expect(try await env.request(.post, "/api/v1/catalogue/editor/notices/\(first)/read", token: producer).status == .noContent)
            let again = try await env.request(.get, "/api/v1/catalogue/editor/notices", token: producer).json()
            #expect(again["unread"] as? Int == unread - 1)
            #expect(try await env.request(.get, "/api/v1/catalogue/editor/notices").status == .unauthorized)
        }
    }
}
