import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// An ISO-8601 time of an answer.
func isoDate(_ text: String?) -> Date? {
    guard let text else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
}

/// Every route under `/spaces/{id}` with a body that would pass validation.
func spaceRoutes(_ space: String, messageId: String = "m-1", userId: String = "u-1") -> [(HTTPRequest.Method, String, JSON?)] {
    let base = "/api/v1/spaces/\(space)"
    return [
        (.get, base, nil),
        (.patch, base, ["title": "Uusi"]),
        (.post, "\(base)/close", ["outcome": "tyossa"]),
        (.get, "\(base)/members", nil),
        (.post, "\(base)/members", ["email": "someone@a.fi"]),
        (.post, "\(base)/clients", ["email": "someone@example.fi", "consent": ["method": "inPerson"]]),
        (.delete, "\(base)/members/\(userId)", nil),
        (.post, "\(base)/leave", nil),
        (.post, "\(base)/owner", ["userId": userId]),
        (.get, "\(base)/consents", nil),
        (.get, "\(base)/access-log", nil),
        (.post, "\(base)/messages", ["clientMessageId": "outsider-1", "body": "hei"]),
        (.patch, "\(base)/messages/\(messageId)", ["body": "muutettu"]),
        (.delete, "\(base)/messages/\(messageId)", nil),
        (.get, "\(base)/events?after=0", nil),
        (.get, "\(base)/events?before=5", nil),
        (.post, "\(base)/read", ["seq": 1]),
    ]
}

/// Asserts that `who` gets 404 `space.notFound` on every route of the space.
func expectNotFoundEverywhere(
    _ env: TestEnv, _ who: Person, _ space: String, messageId: String = "m-1", userId: String = "u-1", _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    for (method, path, body) in spaceRoutes(space, messageId: messageId, userId: userId) {
        let r = try await env.request(method, path, token: who.token, json: body)
        #expect(r.status == .notFound, "\(label): \(method) \(path) gave \(r.status)", sourceLocation: sourceLocation)
        #expect(r.code == "space.notFound", "\(label): \(method) \(path) gave \(r.code ?? "-")", sourceLocation: sourceLocation)
    }
}

@Suite("Guidance spaces")
struct SpacesTests {
    @Test func anExpertOpensAOneToOneSpaceForAnExistingClientWithConsent() async throws {
        try await TestEnv.run { env in
            let expert = try await env.expert("asiantuntija@a.fi")
            let client = try await env.client("asiakas@example.fi")
            let space = try await env.openSpace(expert, client: client.email, title: "Työnhaku", method: "phone")
            let id = try #require(space.string("id"))
            #expect(space.string("kind") == "oneToOne" && space.string("status") == "open" && space.string("role") == "owner")
            #expect(space.string("title") == "Työnhaku" && space["canWrite"] as? Bool == true && space.int("maxClients") == 1)
            #expect(space.string("ownerId") == expert.id && space.string("ownerName") == expert.name)
            let members = space.objects("members")
            #expect(Set(members.compactMap { $0.string("userId") }) == [expert.id, client.id])
            #expect(members.first { $0.string("userId") == client.id }?.string("role") == "client")
            #expect(members.first { $0.string("userId") == expert.id }?.object("organization")?.string("id") == TestEnv.orgA)

            // The client sees the space and the consent that was recorded for it.
            let list = try await env.request(.get, "/api/v1/spaces", token: client.token).items()
            #expect(list.compactMap { $0.string("id") } == [id])
            #expect(list.first?.string("role") == "client" && list.first?.string("ownerName") == expert.name)
            let consents = try await env.request(.get, "/api/v1/spaces/\(id)/consents", token: client.token).items()
            #expect(consents.count == 1)
            let consent = try #require(consents.first)
            #expect(consent.string("method") == "phone")
            #expect(consent.string("textVersion") == ConsentText.version && consent.string("text") == ConsentText.text(.fi))
            #expect(consent.string("language") == "fi" && consent.string("clientEmail") == client.email)
            #expect(consent.string("clientId") == client.id)
            #expect(consent.object("recordedBy")?.string("userId") == expert.id)
            #expect(consent.object("recordedBy")?.string("displayName") == expert.name)
            #expect(isoDate(consent.string("recordedAt")) == env.time.now)

            let events = try await env.events(client, id)
            #expect(events.kinds == ["spaceOpened", "memberJoined", "memberJoined"])
            #expect(events.seqs == [1, 2, 3])
            #expect(events.first?.object("data")?.string("title") == "Työnhaku")
            #expect(events.last?.object("data")?.string("userId") == client.id)

            // A consent and a known method are required.
            let noConsent = try await env.request(
                .post, "/api/v1/spaces", token: expert.token, json: ["title": "X", "clientEmail": client.email])
            #expect(noConsent.status == .unprocessableContent)
            #expect(try noConsent.json().objects("errors").contains { $0.string("field") == "consent" })
            let badMethod = try await env.request(
                .post, "/api/v1/spaces", token: expert.token,
                json: ["title": "X", "clientEmail": client.email, "consent": ["method": "carrierPigeon"]])
            #expect(badMethod.status == .badRequest && badMethod.code == "request.invalidJSON")
            let noTitle = try await env.request(
                .post, "/api/v1/spaces", token: expert.token,
                json: ["title": "  ", "clientEmail": client.email, "consent": ["method": "inPerson"]])
            #expect(noTitle.status == .unprocessableContent)
        }
    }

    @Test func anUnknownClientIsInvitedAndJoinsWithAPassword() async throws {
        try await TestEnv.run { env in
            let expert = try await env.expert("asiantuntija@a.fi")
            let space = try await env.openSpace(expert, client: "Uusi@Example.fi", title: "Opinnot")
            let id = try #require(space.string("id"))
            #expect(space.objects("members").count == 1)
            #expect(space.objects("pendingClients").map { $0.string("email") } == ["Uusi@Example.fi"])

            let token = try await env.invitationToken(to: "uusi@example.fi")
            let preview = try await env.request(.post, "/api/v1/invitations/inspect", json: ["token": token]).json()
            #expect(preview.string("kind") == "space" && preview["accountExists"] as? Bool == false)
            #expect(preview.object("targetName")?.string("fi") == "Opinnot")

            let accepted = try await env.request(
                .post, "/api/v1/invitations/accept",
                json: ["token": token, "password": "a long password 1", "displayName": "Uusi Asiakas"])
            #expect(accepted.status == .ok)
            let session = try #require(env.sessionToken(accepted))
            let user = try #require(try accepted.json().object("user"))
            let userId = try #require(user.string("id"))
            #expect(user["isClient"] as? Bool == true)
            let person = Person(id: userId, email: "uusi@example.fi", token: session)

            let list = try await env.request(.get, "/api/v1/spaces", token: session).items()
            #expect(list.compactMap { $0.string("id") } == [id] && list.first?.string("role") == "client")
            // The consent recorded before the account existed now names it.
            let consents = try await env.request(.get, "/api/v1/spaces/\(id)/consents", token: session).items()
            #expect(consents.count == 1 && consents.first?.string("clientId") == userId)
            let joined = try await env.events(person, id).ofKind("memberJoined").last?.object("data")
            #expect(joined?.string("userId") == userId && joined?.string("displayName") == "Uusi Asiakas")
            #expect(joined?.string("role") == "client")

            let seen = try await env.space(expert, id)
            #expect(seen.objects("pendingClients").isEmpty)
            #expect(seen.objects("members").contains { $0.string("userId") == userId && $0.string("role") == "client" })
            // The person can sign in with the password chosen.
            _ = try await env.login("uusi@example.fi", password: "a long password 1")
        }
    }

    @Test func anUnknownClientMayJoinWithAOneTimeCode() async throws {
        try await TestEnv.run { env in
            let expert = try await env.expert("asiantuntija@a.fi")
            let space = try await env.openSpace(expert, client: "koodi@example.fi")
            let id = try #require(space.string("id"))
            let token = try await env.invitationToken(to: "koodi@example.fi")
            try? FileManager.default.removeItem(at: env.config.mailDir)
            #expect(try await env.request(.post, "/api/v1/invitations/code", json: ["token": token]).status == .accepted)
            try await env.flushMail()
            let mail = try #require(try env.mails().first { $0.lowercased().contains("to: koodi@example.fi") })
            let code = String(try #require(MailParsing.body(mail).split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }))
            let accepted = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "code": code, "displayName": "Koodi Asiakas"])
            #expect(accepted.status == .ok)
            let session = try #require(env.sessionToken(accepted))
            let list = try await env.request(.get, "/api/v1/spaces", token: session).items()
            #expect(list.compactMap { $0.string("id") } == [id] && list.first?.string("role") == "client")
        }
    }

    @Test func onlyExpertsOpenSpaces() async throws {
        try await TestEnv.run { env in
            try await env.user("tuottaja@a.fi", org: TestEnv.orgA, role: .contentProducer)
            try await env.user("admin@a.fi", org: TestEnv.orgA, role: .orgAdmin)
            let client = try await env.client("asiakas@example.fi")
            let other = try await env.expert("toinen@a.fi")
            let body: JSON = ["title": "X", "clientEmail": "kuka@example.fi", "consent": ["method": "inPerson"]]
            let producer = try await env.login("tuottaja@a.fi")
            let admin = try await env.login("admin@a.fi")
            for (who, token) in [("client", client.token), ("content producer", producer), ("org admin", admin)] {
                for kind in ["oneToOne", "group", "network"] {
                    var json = body
                    json["kind"] = kind
                    let r = try await env.request(.post, "/api/v1/spaces", token: token, json: json)
                    #expect(r.status == .forbidden && r.code == "access.forbidden", "\(who) opening \(kind): \(r.status)")
                }
            }
            #expect(try await env.request(.post, "/api/v1/spaces", json: body).status == .unauthorized)
            #expect(try await env.request(.get, "/api/v1/spaces").status == .unauthorized)
            // Nor is another expert a client.
            let expertAsClient = try await env.request(
                .post, "/api/v1/spaces", token: other.token,
                json: ["title": "X", "clientEmail": "tuottaja@a.fi", "consent": ["method": "inPerson"]])
            #expect(expertAsClient.status == .unprocessableContent)
            #expect(try expertAsClient.json().objects("errors").first?.string("code") == "space.clientIsExpert")
            let count = try await env.count("SELECT COUNT(*) FROM space")
            #expect(count == 0)
        }
    }

    @Test func theListShowsUnreadCountsWithTheNewestActivityFirst() async throws {
        try await TestEnv.run { env in
            let expert = try await env.expert("asiantuntija@a.fi")
            let client = try await env.client("asiakas@example.fi")
            var ids: [String] = []
            for title in ["Eka", "Toka", "Kolmas"] {
                ids.append(try #require(try await env.openSpace(expert, client: client.email, title: title).string("id")))
                env.time.advance(by: 60)
            }
            _ = try await env.sent(expert, ids[0], "a", "Hei")
            _ = try await env.sent(expert, ids[0], "b", "Oletko paikalla?")
            var list = try await env.request(.get, "/api/v1/spaces", token: client.token).items()
            #expect(list.compactMap { $0.string("id") } == [ids[0], ids[2], ids[1]])
            #expect(list.compactMap { $0.int("unread") } == [2, 0, 0])
            #expect(isoDate(list.first?.string("lastActivityAt")) == env.time.now)
            let mine = try await env.request(.get, "/api/v1/spaces", token: expert.token).items()
            #expect(mine.compactMap { $0.int("unread") } == [0, 0, 0], "one's own messages are not unread")

            let last = try #require(list.first?.int("lastSeq"))
            #expect(
                try await env.request(.post, "/api/v1/spaces/\(ids[0])/read", token: client.token, json: ["seq": last]).status == .noContent
            )
            list = try await env.request(.get, "/api/v1/spaces", token: client.token).items()
            #expect(list.first?.int("unread") == 0 && list.first?.int("readSeq") == last)

            env.time.advance(by: 60)
            _ = try await env.sent(client, ids[1], "c", "Kysymys")
            list = try await env.request(.get, "/api/v1/spaces", token: expert.token).items()
            #expect(list.compactMap { $0.string("id") } == [ids[1], ids[0], ids[2]])
            #expect(list.compactMap { $0.int("unread") } == [1, 0, 0])
            // Pages
            let page = try await env.request(.get, "/api/v1/spaces?limit=2", token: expert.token).json()
            #expect(page.objects("items").count == 2 && !page.isNull("nextCursor"))
        }
    }

    @Test func closingWithAnOutcomeMakesTheSpaceReadOnly() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let other = try await env.expert("toinen@b.fi", org: TestEnv.orgB)
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            #expect(try await env.addExpert(owner, to: id, other.email).status == .created)
            let message = try await env.sent(client, id, "m1", "Hei")
            let messageId = try #require(message.string("messageId"))

            let byClient = try await env.request(.post, "/api/v1/spaces/\(id)/close", token: client.token, json: ["outcome": "tyossa"])
            #expect(byClient.status == .forbidden)
            let byExpert = try await env.request(.post, "/api/v1/spaces/\(id)/close", token: other.token, json: ["outcome": "tyossa"])
            #expect(byExpert.status == .forbidden)
            let empty = try await env.request(.post, "/api/v1/spaces/\(id)/close", token: owner.token, json: ["outcome": ""])
            #expect(empty.status == .unprocessableContent)

            env.time.advance(by: 10)
            let closed = try await env.request(.post, "/api/v1/spaces/\(id)/close", token: owner.token, json: ["outcome": "tyossa"])
            #expect(closed.status == .ok)
            let space = try closed.json()
            #expect(space.string("status") == "closed" && space.string("outcome") == "tyossa" && space["canWrite"] as? Bool == false)
            #expect(isoDate(space.string("closedAt")) == env.time.now)

            let writes: [(Person, HTTPRequest.Method, String, JSON?)] = [
                (owner, .post, "messages", ["clientMessageId": "late-1", "body": "Vielä"]),
                (client, .post, "messages", ["clientMessageId": "late-2", "body": "Vielä"]),
                (client, .patch, "messages/\(messageId)", ["body": "muokattu"]),
                (client, .delete, "messages/\(messageId)", nil),
                (owner, .patch, "", ["title": "Uusi"]),
                (owner, .post, "close", ["outcome": "tyossa"]),
                (owner, .post, "members", ["email": "kolmas@a.fi"]),
                (owner, .delete, "members/\(other.id)", nil),
                (owner, .post, "owner", ["userId": other.id]),
                (other, .post, "leave", nil),
            ]
            for (who, method, path, body) in writes {
                let r = try await env.request(method, "/api/v1/spaces/\(id)/\(path)", token: who.token, json: body)
                #expect(r.status == .conflict && r.code == "space.closed", "\(method) \(path) gave \(r.status) \(r.code ?? "")")
            }
            // Reads go on; the log ends with the closing.
            let events = try await env.events(client, id)
            #expect(events.last?.string("kind") == "spaceClosed" && events.last?.object("data")?.string("outcome") == "tyossa")
            #expect(events.ofKind("message").count == 1)
            let closedList = try await env.request(.get, "/api/v1/spaces?status=closed", token: client.token).items()
            #expect(closedList.compactMap { $0.string("id") } == [id])
            #expect(try await env.request(.get, "/api/v1/spaces?status=open", token: client.token).items().isEmpty)
            #expect(try await env.request(.get, "/api/v1/spaces?status=maybe", token: client.token).status == .unprocessableContent)
        }
    }

    @Test func theOwnerRenamesTheSpace() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email, title: "Vanha").string("id"))
            let renamed = try await env.request(.patch, "/api/v1/spaces/\(id)", token: owner.token, json: ["title": "  Uusi nimi "])
            #expect(renamed.status == .ok)
            #expect(try renamed.json().string("title") == "Uusi nimi")
            #expect(try await env.request(.get, "/api/v1/spaces", token: client.token).items().first?.string("title") == "Uusi nimi")
            let event = try await env.events(client, id).last
            #expect(event?.string("kind") == "spaceRenamed" && event?.object("data")?.string("title") == "Uusi nimi")
            #expect(event?.string("actorId") == owner.id)

            let byClient = try await env.request(.patch, "/api/v1/spaces/\(id)", token: client.token, json: ["title": "Minun"])
            #expect(byClient.status == .forbidden && byClient.code == "access.forbidden")
            for bad in ["", "   ", String(repeating: "x", count: 201)] {
                let r = try await env.request(.patch, "/api/v1/spaces/\(id)", token: owner.token, json: ["title": bad])
                #expect(r.status == .unprocessableContent, "title of \(bad.count) characters")
            }
            #expect(try await env.space(owner, id).string("title") == "Uusi nimi")
        }
    }
}

@Suite("Space members")
struct SpacesMembersTests {
    @Test func theOwnerAddsAnExpertOfAnotherOrganisation() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let outside = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            _ = try await env.sent(owner, id, "m1", "Ennen liittymistä")

            let added = try await env.addExpert(owner, to: id, outside.email)
            #expect(added.status == .created)
            let member = try added.json()
            #expect(member.string("userId") == outside.id && member.string("role") == "expert")
            #expect(member.string("displayName") == outside.name)
            #expect(member.object("organization")?.string("id") == TestEnv.orgB)
            #expect(member.object("organization")?.string("sector") == "public")

            // The client sees who joined, from which organisation and sector.
            let joined = try #require(try await env.events(client, id).last)
            #expect(joined.string("kind") == "memberJoined" && joined.string("actorId") == owner.id)
            let data = try #require(joined.object("data"))
            #expect(data.string("userId") == outside.id && data.string("displayName") == outside.name && data.string("role") == "expert")
            #expect(data.object("organization")?.string("id") == TestEnv.orgB)
            #expect(data.object("organization")?.object("name")?.string("fi") == "Organisaatio B")
            #expect(data.object("organization")?.string("sector") == "public")
            #expect(data.string("history") == "all")
            let members = try await env.request(.get, "/api/v1/spaces/\(id)/members", token: client.token).items()
            #expect(members.first { $0.string("userId") == outside.id }?.object("organization")?.string("id") == TestEnv.orgB)
            let notes = try await env.request(.get, "/api/v1/notifications", token: client.token).items()
            #expect(notes.contains { $0.string("kind") == "memberJoined" && $0.int("seq") == joined.int("seq") })

            // With the whole history, the new member reads what was written before.
            #expect(try await env.request(.get, "/api/v1/spaces", token: outside.token).items().first?.string("role") == "expert")
            let seen = try await env.events(outside, id)
            #expect(seen.first?.string("kind") == "spaceOpened")
            #expect(seen.ofKind("message").first?.object("data")?.string("body") == "Ennen liittymistä")

            let again = try await env.addExpert(owner, to: id, outside.email)
            #expect(again.status == .conflict && again.code == "member.exists")
            for email in [client.email, "nobody@example.fi"] {
                let r = try await env.addExpert(owner, to: id, email)
                #expect(r.status == .unprocessableContent && r.code == "member.notExpert", "\(email)")
            }
        }
    }

    @Test func aFromNowMemberSeesNothingBeforeTheirJoining() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let late = try await env.expert("myohemmin@b.fi", org: TestEnv.orgB)
            let whole = try await env.expert("kaikki@b.fi", org: TestEnv.orgB)
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            _ = try await env.sent(owner, id, "m1", "Vanha asia")
            _ = try await env.sent(client, id, "m2", "Toinen vanha asia")
            let before = try #require(try await env.space(owner, id).int("lastSeq"))

            #expect(try await env.addExpert(owner, to: id, late.email, history: "fromNow").status == .created)
            let seen = try await env.events(late, id)
            #expect(seen.first?.string("kind") == "memberJoined" && seen.first?.object("data")?.string("userId") == late.id)
            #expect(seen.first?.object("data")?.string("history") == "fromNow")
            #expect(seen.allSatisfy { ($0.int("seq") ?? 0) > before })
            #expect(seen.ofKind("message").isEmpty)
            let older = try await env.request(.get, "/api/v1/spaces/\(id)/events?before=\(before + 1)", token: late.token).items()
            #expect(older.isEmpty)
            #expect(
                try await env.request(.get, "/api/v1/spaces/\(id)/events?after=0&limit=1", token: late.token).items().first?.int("seq")
                    == before + 1)

            _ = try await env.sent(owner, id, "m3", "Uusi asia")
            #expect(try await env.events(late, id).ofKind("message").compactMap { $0.object("data")?.string("body") } == ["Uusi asia"])

            #expect(try await env.addExpert(owner, to: id, whole.email, history: "all").status == .created)
            let all = try await env.events(whole, id)
            #expect(all.first?.int("seq") == 1)
            #expect(
                all.ofKind("message").compactMap { $0.object("data")?.string("body") } == ["Vanha asia", "Toinen vanha asia", "Uusi asia"])
        }
    }

    /// The "from now on" rule covers what happens to earlier messages too: an edit or a deletion of a
    /// message written before the member joined must not show it (its id or its new text).
    @Test func aFromNowMemberSeesNoEditOrDeletionOfAnEarlierMessage() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let late = try await env.expert("myohemmin@b.fi", org: TestEnv.orgB)
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            let early = try #require(try await env.sent(client, id, "m1", "Terveystietoni").string("messageId"))
            let other = try #require(try await env.sent(client, id, "m2", "Toinen").string("messageId"))
            #expect(try await env.addExpert(owner, to: id, late.email, history: "fromNow").status == .created)

            let edited = try await env.request(
                .patch, "/api/v1/spaces/\(id)/messages/\(early)", token: client.token, json: ["body": "Terveystietoni (tarkennettu)"])
            #expect(edited.status == .ok)
            #expect(try await env.request(.delete, "/api/v1/spaces/\(id)/messages/\(other)", token: client.token).status == .noContent)

            let seen = try await env.events(late, id)
            let leaks = seen.filter { [early, other].contains($0.object("data")?.string("messageId") ?? "") }
            #expect(leaks.isEmpty, "a fromNow member sees \(leaks.kinds) of messages from before joining: \(leaks)")
            let notes = try await env.request(.get, "/api/v1/notifications", token: late.token).items()
            #expect(notes.allSatisfy { $0.string("kind") != "message" })
        }
    }

    @Test func aMemberLeavesButTheOwnerCannot() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let other = try await env.expert("toinen@b.fi", org: TestEnv.orgB)
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            #expect(try await env.addExpert(owner, to: id, other.email).status == .created)

            #expect(try await env.request(.post, "/api/v1/spaces/\(id)/leave", token: other.token).status == .noContent)
            let gone = try await env.request(.get, "/api/v1/spaces/\(id)", token: other.token)
            #expect(gone.status == .notFound && gone.code == "space.notFound")
            #expect(try await env.request(.get, "/api/v1/spaces", token: other.token).items().isEmpty)
            let left = try #require(try await env.events(client, id).last)
            #expect(left.string("kind") == "memberLeft" && left.object("data")?.string("userId") == other.id)
            #expect(left.object("data")?.string("displayName") == other.name)
            let remaining = try await env.space(client, id).objects("members")
            #expect(!remaining.contains { $0.string("userId") == other.id })

            let ownerLeaves = try await env.request(.post, "/api/v1/spaces/\(id)/leave", token: owner.token)
            #expect(ownerLeaves.status == .conflict && ownerLeaves.code == "space.ownerCannotLeave")

            // Added again, the member is back.
            #expect(try await env.addExpert(owner, to: id, other.email).status == .created)
            #expect(try await env.request(.get, "/api/v1/spaces/\(id)", token: other.token).status == .ok)
        }
    }

    @Test func theOwnerHandsTheSpaceToAnotherExpert() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let next = try await env.expert("seuraava@b.fi", org: TestEnv.orgB)
            _ = try await env.expert("kolmas@a.fi")
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            #expect(try await env.addExpert(owner, to: id, next.email).status == .created)

            let toClient = try await env.request(.post, "/api/v1/spaces/\(id)/owner", token: owner.token, json: ["userId": client.id])
            #expect(toClient.status == .unprocessableContent && toClient.code == "member.notExpert")
            let toStranger = try await env.request(.post, "/api/v1/spaces/\(id)/owner", token: owner.token, json: ["userId": "nobody"])
            #expect(toStranger.status == .unprocessableContent)
            let byOther = try await env.request(.post, "/api/v1/spaces/\(id)/owner", token: next.token, json: ["userId": next.id])
            #expect(byOther.status == .forbidden)

            let moved = try await env.request(.post, "/api/v1/spaces/\(id)/owner", token: owner.token, json: ["userId": next.id])
            #expect(moved.status == .ok)
            let space = try moved.json()
            #expect(space.string("ownerId") == next.id && space.string("role") == "expert" && space.string("ownerName") == next.name)
            let event = try #require(try await env.events(client, id).last)
            #expect(event.string("kind") == "ownerChanged" && event.object("data")?.string("userId") == next.id)
            let roles = Dictionary(
                uniqueKeysWithValues: try await env.request(.get, "/api/v1/spaces/\(id)/members", token: client.token).items()
                    .map { ($0.string("userId") ?? "", $0.string("role") ?? "") })
            #expect(roles[next.id] == "owner" && roles[owner.id] == "expert")

            #expect(try await env.addExpert(owner, to: id, "kolmas@a.fi").status == .forbidden)
            #expect(try await env.addExpert(next, to: id, "kolmas@a.fi").status == .created)
            #expect(try await env.request(.post, "/api/v1/spaces/\(id)/leave", token: next.token).code == "space.ownerCannotLeave")
            #expect(try await env.request(.post, "/api/v1/spaces/\(id)/leave", token: owner.token).status == .noContent)
        }
    }

    @Test func aRemovedMemberLosesAccessAtOnceOnEveryRoute() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let other = try await env.expert("toinen@b.fi", org: TestEnv.orgB)
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            #expect(try await env.addExpert(owner, to: id, other.email).status == .created)
            let own = try #require(try await env.sent(other, id, "m1", "Minun viestini").string("messageId"))
            #expect(try await env.request(.get, "/api/v1/spaces/\(id)/events", token: other.token).status == .ok)

            let removed = try await env.request(.delete, "/api/v1/spaces/\(id)/members/\(other.id)", token: owner.token)
            #expect(removed.status == .noContent)
            try await expectNotFoundEverywhere(env, other, id, messageId: own, userId: client.id, "removed member")
            #expect(try await env.request(.get, "/api/v1/spaces", token: other.token).items().isEmpty)

            let event = try #require(try await env.events(client, id).last)
            #expect(event.string("kind") == "memberRemoved" && event.object("data")?.string("userId") == other.id)
            #expect(event.object("data")?.string("displayName") == other.name && event.string("actorId") == owner.id)
            let twice = try await env.request(.delete, "/api/v1/spaces/\(id)/members/\(other.id)", token: owner.token)
            #expect(twice.status == .notFound && twice.code == "member.notFound")
            let ownerRemoval = try await env.request(.delete, "/api/v1/spaces/\(id)/members/\(owner.id)", token: owner.token)
            #expect(ownerRemoval.status == .conflict && ownerRemoval.code == "space.ownerCannotLeave")
        }
    }

    @Test func onlyTheOwnerAddsAndRemovesMembers() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let member = try await env.expert("jasen@a.fi")
            let outsider = try await env.expert("ulkopuolinen@b.fi", org: TestEnv.orgB)
            _ = try await env.expert("uusi@b.fi", org: TestEnv.orgB)
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            #expect(try await env.addExpert(owner, to: id, member.email).status == .created)

            for who in [member, client] {
                let add = try await env.addExpert(who, to: id, "uusi@b.fi")
                #expect(add.status == .forbidden && add.code == "access.forbidden", "\(who.email) adding")
                let remove = try await env.request(.delete, "/api/v1/spaces/\(id)/members/\(owner.id)", token: who.token)
                #expect(remove.status == .forbidden, "\(who.email) removing")
            }
            let removeClient = try await env.request(.delete, "/api/v1/spaces/\(id)/members/\(client.id)", token: member.token)
            #expect(removeClient.status == .forbidden)
            // Somebody who is not a member does not learn that the space exists.
            let add = try await env.addExpert(outsider, to: id, "uusi@b.fi")
            #expect(add.status == .notFound && add.code == "space.notFound")
            let remove = try await env.request(.delete, "/api/v1/spaces/\(id)/members/\(member.id)", token: outsider.token)
            #expect(remove.status == .notFound && remove.code == "space.notFound")
            #expect(try await env.space(owner, id).objects("members").count == 3)
        }
    }
}

@Suite("Group spaces")
struct GroupSpacesTests {
    @Test func aGroupHasTwoToTwentyClients() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            for email in ["c1@example.fi", "c2@example.fi", "c3@example.fi"] { try await env.user(email) }
            for max in [1, 21] {
                let r = try await env.request(
                    .post, "/api/v1/spaces", token: owner.token, json: ["kind": "group", "title": "R", "maxClients": max])
                #expect(r.status == .unprocessableContent, "maxClients \(max)")
                #expect(try r.json().objects("errors").first?.string("field") == "maxClients")
            }
            let tooMany = try await env.request(
                .post, "/api/v1/spaces", token: owner.token,
                json: [
                    "kind": "group", "title": "R", "maxClients": 2,
                    "clients": ["c1", "c2", "c3"].map { ["email": "\($0)@example.fi", "consent": ["method": "inPerson"]] },
                ])
            #expect(tooMany.status == .unprocessableContent)
            let twice = try await env.request(
                .post, "/api/v1/spaces", token: owner.token,
                json: [
                    "kind": "group", "title": "R",
                    "clients": ["c1", "C1"].map { ["email": "\($0)@example.fi", "consent": ["method": "inPerson"]] },
                ])
            #expect(twice.status == .unprocessableContent)

            let group = try await env.openGroup(owner, clients: ["c1@example.fi", "c2@example.fi"], maxClients: 2)
            let id = try #require(group.string("id"))
            #expect(group.string("kind") == "group" && group.int("maxClients") == 2 && group.objects("members").count == 3)
            let full = try await env.request(
                .post, "/api/v1/spaces/\(id)/clients", token: owner.token,
                json: ["email": "c3@example.fi", "consent": ["method": "inPerson"]])
            #expect(full.status == .conflict && full.code == "space.full")

            let roomy = try #require(try await env.openGroup(owner, clients: ["c1@example.fi"], maxClients: 3).string("id"))
            let joined = try await env.request(
                .post, "/api/v1/spaces/\(roomy)/clients", token: owner.token,
                json: ["email": "c2@example.fi", "consent": ["method": "phone"]])
            #expect(joined.status == .created)
            #expect(try joined.json().string("role") == "client")
            let noConsent = try await env.request(
                .post, "/api/v1/spaces/\(roomy)/clients", token: owner.token, json: ["email": "x@example.fi"])
            #expect(noConsent.status == .unprocessableContent)
            let invited = try await env.request(
                .post, "/api/v1/spaces/\(roomy)/clients", token: owner.token,
                json: ["email": "uusi@example.fi", "consent": ["method": "phone"]])
            #expect(invited.status == .accepted)
            #expect(try invited.json().string("invitationId") != nil)
            // A pending invitation holds a place.
            let afterPending = try await env.request(
                .post, "/api/v1/spaces/\(roomy)/clients", token: owner.token,
                json: ["email": "toinen.uusi@example.fi", "consent": ["method": "phone"]])
            #expect(afterPending.status == .conflict && afterPending.code == "space.full")
            let token = try await env.invitationToken(to: "uusi@example.fi")
            let accepted = try await env.request(
                .post, "/api/v1/invitations/accept", json: ["token": token, "password": "a long password 1", "displayName": "Uusi"])
            #expect(accepted.status == .ok)
            #expect(try await env.space(owner, roomy).objects("members").filter { $0.string("role") == "client" }.count == 3)

            let oneToOne = try #require(try await env.openSpace(owner, client: "c3@example.fi").string("id"))
            let notGroup = try await env.request(
                .post, "/api/v1/spaces/\(oneToOne)/clients", token: owner.token,
                json: ["email": "c1@example.fi", "consent": ["method": "phone"]])
            #expect(notGroup.status == .conflict && notGroup.code == "space.notGroup")
        }
    }

    /// A group space of an owner with clients c1 and c2, and a partner expert of organisation B.
    func groupWithPartner(_ env: TestEnv) async throws -> (owner: Person, partner: Person, c1: Person, c2: Person, id: String) {
        let owner = try await env.expert("omistaja@a.fi")
        let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
        let c1 = try await env.client("c1@example.fi")
        let c2 = try await env.client("c2@example.fi")
        let id = try #require(try await env.openGroup(owner, clients: [c1.email, c2.email]).string("id"))
        #expect(try await env.addExpert(owner, to: id, partner.email).status == .created)
        return (owner, partner, c1, c2, id)
    }

    @Test func clientsSeeEachOthersDisplayNamesOnly() async throws {
        try await TestEnv.run { env in
            let (owner, partner, c1, c2, id) = try await groupWithPartner(env)

            for list in [
                try await env.request(.get, "/api/v1/spaces/\(id)/members", token: c1.token).items(),
                try await env.space(c1, id).objects("members"),
            ] {
                let other = try #require(list.first { $0.string("userId") == c2.id })
                #expect(other.string("displayName") == c2.name && other.string("role") == "client")
                #expect(other.isNull("organization") && other.isNull("readSeq") && other.isNull("joinedAt"), "\(other)")
                let me = try #require(list.first { $0.string("userId") == c1.id })
                #expect(!me.isNull("readSeq") && !me.isNull("joinedAt"))
                let expert = try #require(list.first { $0.string("userId") == partner.id })
                #expect(expert.object("organization")?.string("id") == TestEnv.orgB && !expert.isNull("joinedAt"))
            }
            let byExpert = try await env.request(.get, "/api/v1/spaces/\(id)/members", token: owner.token).items()
            #expect(byExpert.first { $0.string("userId") == c2.id }.map { !$0.isNull("readSeq") && !$0.isNull("joinedAt") } == true)
            // A client sees their own consent only; the experts see both.
            let mine = try await env.request(.get, "/api/v1/spaces/\(id)/consents", token: c1.token).items()
            #expect(mine.compactMap { $0.string("clientId") } == [c1.id])
            #expect(try await env.request(.get, "/api/v1/spaces/\(id)/consents", token: owner.token).items().count == 2)
            // A joining event of another client says no more than the member list.
            let joined = try #require(
                try await env.events(c1, id).ofKind("memberJoined").first { $0.object("data")?.string("userId") == c2.id })
            #expect(joined.object("data")?.isNull("organization") == true)
        }
    }

    @Test func aDirectMessageIsSeenByItsClientAndTheExpertsOnly() async throws {
        try await TestEnv.run { env in
            let (owner, partner, c1, c2, id) = try await groupWithPartner(env)

            let toC1 = try await env.sent(owner, id, "p1", "Vain sinulle", privateTo: c1.id)
            let fromC1 = try await env.sent(c1, id, "p2", "Vain asiantuntijoille", privateTo: c1.id)
            _ = try await env.sent(owner, id, "all", "Kaikille")
            let privateSeqs = [toC1.int("seq"), fromC1.int("seq")].compactMap { $0 }

            for who in [owner, partner, c1] {
                let messages = try await env.events(who, id).ofKind("message")
                #expect(
                    messages.compactMap { $0.object("data")?.string("body") } == ["Vain sinulle", "Vain asiantuntijoille", "Kaikille"],
                    "\(who.email)")
                #expect(messages.prefix(2).allSatisfy { $0.string("audienceId") == c1.id })
            }
            let other = try await env.events(c2, id)
            #expect(other.ofKind("message").compactMap { $0.object("data")?.string("body") } == ["Kaikille"])
            #expect(other.allSatisfy { !privateSeqs.contains($0.int("seq") ?? -1) })
            let older = try await env.request(.get, "/api/v1/spaces/\(id)/events?before=100", token: c2.token).items()
            #expect(older.allSatisfy { !privateSeqs.contains($0.int("seq") ?? -1) })
            // Counts and notifications follow the same rule.
            let c2Notes = try await env.request(.get, "/api/v1/notifications", token: c2.token).items()
            #expect(c2Notes.allSatisfy { !privateSeqs.contains($0.int("seq") ?? -1) })
            #expect(try await env.request(.get, "/api/v1/spaces", token: c2.token).items().first?.int("unread") == 1)
            #expect(try await env.request(.get, "/api/v1/spaces", token: c1.token).items().first?.int("unread") == 2)

            // The other client cannot reach the private item by its id either.
            let messageId = try #require(toC1.string("messageId"))
            let edit = try await env.request(.patch, "/api/v1/spaces/\(id)/messages/\(messageId)", token: c2.token, json: ["body": "x"])
            #expect(edit.status == .notFound && edit.code == "message.notFound")
            let delete = try await env.request(.delete, "/api/v1/spaces/\(id)/messages/\(messageId)", token: c2.token)
            #expect(delete.status == .notFound)
        }
    }

    @Test func aClientCannotWritePrivatelyToAnotherClient() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let c1 = try await env.client("c1@example.fi")
            let c2 = try await env.client("c2@example.fi")
            let id = try #require(try await env.openGroup(owner, clients: [c1.email, c2.email]).string("id"))
            for (who, target) in [(c1, c2.id), (owner, owner.id), (owner, "nobody"), (c1, owner.id)] {
                let r = try await env.send(who, id, "p-\(target)", "Salaisuus", privateTo: target)
                #expect(r.status == .unprocessableContent && r.code == "request.validation", "\(who.email) → \(target)")
                #expect(try r.json().objects("errors").first?.string("field") == "privateTo")
            }
            #expect(try await env.events(c2, id).ofKind("message").isEmpty)
            // Nor is there anything private in a one-to-one space.
            let single = try #require(try await env.openSpace(owner, client: c1.email).string("id"))
            let r = try await env.send(owner, single, "p", "X", privateTo: c1.id)
            #expect(r.status == .unprocessableContent)
        }
    }
}

@Suite("Network spaces")
struct NetworkSpacesTests {
    @Test func aNetworkSpaceHasExpertsOnly() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            let client = try await env.client("asiakas@example.fi")
            let network = try await env.openNetwork(owner)
            let id = try #require(network.string("id"))
            #expect(network.string("kind") == "network" && network.int("maxClients") == 0 && network.objects("members").count == 1)
            #expect(try await env.request(.get, "/api/v1/spaces/\(id)/consents", token: owner.token).items().isEmpty)

            let addClient = try await env.addExpert(owner, to: id, client.email)
            #expect(addClient.status == .unprocessableContent && addClient.code == "member.notExpert")
            let asClient = try await env.request(
                .post, "/api/v1/spaces/\(id)/clients", token: owner.token,
                json: ["email": client.email, "consent": ["method": "inPerson"]])
            #expect(asClient.status == .conflict && asClient.code == "space.notGroup")
            #expect(try await env.space(owner, id).objects("members").allSatisfy { $0.string("role") != "client" })

            #expect(try await env.addExpert(owner, to: id, partner.email).status == .created)
            _ = try await env.sent(owner, id, "n1", "Verkoston viesti")
            #expect(try await env.events(partner, id).ofKind("message").first?.object("data")?.string("body") == "Verkoston viesti")
            try await expectNotFoundEverywhere(env, client, id, "client in a network space")
        }
    }
}

@Suite("Space access control")
struct SpacesAccessTests {
    @Test func outsidersGetNotFoundForEverything() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let colleague = try await env.expert("kollega@a.fi")
            let stranger = try await env.expert("vieras@b.fi", org: TestEnv.orgB)
            let client = try await env.client("asiakas@example.fi")
            let otherClient = try await env.client("toinen@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            let messageId = try #require(try await env.sent(client, id, "m1", "Hei").string("messageId"))
            _ = try await env.openSpace(owner, client: otherClient.email)
            _ = try await env.openSpace(stranger, client: otherClient.email)

            try await expectNotFoundEverywhere(env, otherClient, id, messageId: messageId, userId: client.id, "client of another space")
            try await expectNotFoundEverywhere(env, stranger, id, messageId: messageId, userId: client.id, "expert of another organisation")
            try await expectNotFoundEverywhere(
                env, colleague, id, messageId: messageId, userId: client.id, "colleague in the same organisation")
            // A space that does not exist looks the same.
            try await expectNotFoundEverywhere(env, owner, "no-such-space", "missing space")
            for (method, path, body) in spaceRoutes(id) {
                #expect(try await env.request(method, path, json: body).status == .unauthorized, "anonymous \(method) \(path)")
            }
            #expect(try await env.events(client, id).ofKind("message").count == 1)
        }
    }

    @Test func everyExpertReadOfAClientSpaceIsInTheAccessLog() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            #expect(try await env.addExpert(owner, to: id, partner.email).status == .created)
            let log = "/api/v1/spaces/\(id)/access-log?limit=100"
            let before = try await env.request(.get, log, token: client.token).items().count

            var times: [Date] = []
            for path in ["events", "", "members", "consents"] {
                env.time.advance(by: 5)
                times.append(env.time.now)
                let r = try await env.request(.get, "/api/v1/spaces/\(id)\(path.isEmpty ? "" : "/" + path)", token: partner.token)
                #expect(r.status == .ok)
            }
            // The client's own reads are not logged.
            for path in ["events", "members", "consents"] {
                #expect(try await env.request(.get, "/api/v1/spaces/\(id)/\(path)", token: client.token).status == .ok)
            }
            // Reading the space itself is logged as its members; a second read of one kind within ten
            // minutes makes no second record.
            var entries = try await env.request(.get, log, token: client.token).items()
            #expect(entries.count == before + 3)
            let newest = Array(entries.prefix(3))
            #expect(newest.allSatisfy { $0.string("readerId") == partner.id && $0.string("readerName") == partner.name })
            #expect(newest.allSatisfy { $0.object("organization")?.string("id") == TestEnv.orgB })
            #expect(newest.allSatisfy { $0.object("organization")?.string("sector") == "public" })
            #expect(newest.allSatisfy { $0.object("organization")?.object("name")?.string("fi") == "Organisaatio B" })
            #expect(newest.compactMap { isoDate($0.string("readAt")) } == [times[3], times[1], times[0]], "newest first")
            #expect(newest.compactMap { $0.string("kind") } == ["consent", "members", "messages"])
            env.time.advance(by: 580)  // 590 s after the members record
            #expect(try await env.request(.get, "/api/v1/spaces/\(id)/members", token: partner.token).status == .ok)
            #expect(try await env.request(.get, log, token: client.token).items().count == before + 3)
            env.time.advance(by: 30)
            #expect(try await env.request(.get, "/api/v1/spaces/\(id)/members", token: partner.token).status == .ok)
            entries = try await env.request(.get, log, token: client.token).items()
            #expect(entries.count == before + 4 && entries.first?.string("kind") == "members", "ten minutes later: a new record")

            // The owner's reads are logged too, with the owner's organisation.
            env.time.advance(by: 5)
            _ = try await env.events(owner, id)
            let latest = try #require(try await env.request(.get, log, token: client.token).items().first)
            #expect(latest.string("readerId") == owner.id && latest.object("organization")?.string("id") == TestEnv.orgA)
            #expect(latest.string("kind") == "messages")
        }
    }

    @Test func readsOfANetworkSpaceAreNotLogged() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            let id = try #require(try await env.openNetwork(owner).string("id"))
            #expect(try await env.addExpert(owner, to: id, partner.email).status == .created)
            for path in ["", "/events", "/members", "/consents"] {
                #expect(try await env.request(.get, "/api/v1/spaces/\(id)\(path)", token: partner.token).status == .ok)
            }
            #expect(try await env.request(.get, "/api/v1/spaces/\(id)/access-log", token: owner.token).items().isEmpty)
            #expect(try await env.count("SELECT COUNT(*) FROM access_log") == 0)
        }
    }

    @Test func theAccessLogCannotBeChanged() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            _ = try await env.events(owner, id)
            let path = "/api/v1/spaces/\(id)/access-log"
            let before = try await env.request(.get, path, token: client.token).items()
            #expect(!before.isEmpty)
            for who in [owner, client] {
                for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                    let r = try await env.request(method, path, token: who.token, json: ["items": []])
                    #expect([HTTPResponse.Status.notFound, .methodNotAllowed].contains(r.status), "\(method) gave \(r.status)")
                }
                let one = try await env.request(.delete, "\(path)/anything", token: who.token)
                #expect([HTTPResponse.Status.notFound, .methodNotAllowed].contains(one.status))
            }
            #expect(try await env.request(.get, path, token: client.token).items().count == before.count)
        }
    }
}

@Suite("The visibility rule")
struct SpacesVisibilityTests {
    /// `allows` (memory) and `filter`/`memberFilter` (SQL) give the same answer for every item and viewer.
    @Test func theMemoryAndSQLSpellingsAgree() throws {
        let queue = try DatabaseQueue()
        let items: [(id: String, seq: Int64, audience: String?)] = [
            ("a", 1, nil), ("b", 3, "c1"), ("c", 3, "c2"), ("d", 4, nil), ("e", 5, "c1"), ("f", 6, "c2"), ("g", 9, nil), ("h", 10, "c1"),
        ]
        let specs: [(String, SpaceRole, Int64)] = [
            ("c1", .client, 0), ("c2", .client, 0), ("c1", .client, 4), ("c3", .client, 0), ("e1", .expert, 0),
            ("e1", .expert, 5), ("o1", .owner, 0), ("o1", .owner, 9), ("e2", .expert, 10),
        ]
        let viewers = specs.map { user, role, after in
            SpaceAccess(spaceId: "s", userId: user, role: role, organizationId: nil, visibleAfter: after, kind: .group, status: .open)
        }
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE item (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, audience_id TEXT)")
            try db.execute(sql: "CREATE TABLE member (user_id TEXT, role TEXT, visible_after INTEGER)")
            for item in items {
                try db.execute(sql: "INSERT INTO item VALUES (?, ?, ?)", arguments: [item.id, item.seq, item.audience])
            }
        }
        for viewer in viewers {
            let label = "\(viewer.userId) \(viewer.role) after \(viewer.visibleAfter)"
            let expected = Set(items.filter { SpaceVisibility.allows(seq: $0.seq, audienceId: $0.audience, to: viewer) }.map(\.id))
            let expectedNoSeq = Set(items.filter { SpaceVisibility.allows(seq: nil, audienceId: $0.audience, to: viewer) }.map(\.id))
            let (withSeq, withoutSeq, joined) = try queue.write { db in
                try db.execute(sql: "DELETE FROM member")
                try db.execute(
                    sql: "INSERT INTO member VALUES (?, ?, ?)", arguments: [viewer.userId, viewer.role.rawValue, viewer.visibleAfter])
                let withSeq = try SQLRequest<String>(
                    "SELECT id FROM item WHERE \(SpaceVisibility.filter(viewer, audience: "audience_id", seq: "seq"))"
                ).fetchSet(db)
                let withoutSeq = try SQLRequest<String>(
                    "SELECT id FROM item WHERE \(SpaceVisibility.filter(viewer, audience: "audience_id"))"
                )
                .fetchSet(db)
                let joined = try SQLRequest<String>(
                    "SELECT e.id FROM item e JOIN member m WHERE \(SpaceVisibility.memberFilter(event: "e", member: "m"))"
                ).fetchSet(db)
                return (withSeq, withoutSeq, joined)
            }
            #expect(withSeq == expected, "filter with seq: \(label)")
            #expect(withoutSeq == expectedNoSeq, "filter without seq: \(label)")
            #expect(joined == expected, "memberFilter: \(label)")
        }
    }
}
