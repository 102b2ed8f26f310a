import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

@Suite("Messages over HTTP")
struct MessagesTests {
    /// An owner, a client and their one-to-one space.
    func setUp(_ env: TestEnv) async throws -> (expert: Person, client: Person, space: String) {
        let expert = try await env.expert("asiantuntija@a.fi")
        let client = try await env.client("asiakas@example.fi")
        let space = try #require(try await env.openSpace(expert, client: client.email, title: "Ohjaus").string("id"))
        return (expert, client, space)
    }

    /// Signs in again (after the manual clock moved past the idle timeout).
    func again(_ env: TestEnv, _ person: Person) async throws -> Person {
        Person(id: person.id, email: person.email, token: try await env.login(person.email))
    }

    @Test func aResendWithTheSameClientIdGivesTheFirstResult() async throws {
        try await TestEnv.run { env in
            let (expert, client, space) = try await setUp(env)
            let first = try await env.send(client, space, "cid-1", "Hei")
            #expect(first.status == .created)
            env.time.advance(by: 30)
            let second = try await env.send(client, space, "cid-1", "Hei (uudelleen)")
            #expect(second.status == .ok)
            let a = try first.json()
            let b = try second.json()
            for key in ["seq", "messageId", "clientMessageId", "createdAt", "spaceId"] {
                #expect(a[key] != nil && "\(a[key] ?? "-")" == "\(b[key] ?? "-")", "\(key): \(a[key] ?? "-") vs \(b[key] ?? "-")")
            }
            #expect(a.int("seq") == 4 && a.string("clientMessageId") == "cid-1")
            let messages = try await env.events(expert, space).ofKind("message")
            #expect(messages.count == 1 && messages.first?.object("data")?.string("body") == "Hei")
            #expect(try await env.count("SELECT COUNT(*) FROM message") == 1)
            #expect(try await env.count("SELECT COUNT(*) FROM space_event WHERE kind = 'message'") == 1)
            let notes = try await env.count("SELECT COUNT(*) FROM notification WHERE user_id = ? AND kind = 'message'", [expert.id])
            #expect(notes == 1)
            // The client id is the sender's: another member may use the same one.
            let other = try await env.send(expert, space, "cid-1", "Hei itsellesi")
            #expect(other.status == .created)
            #expect(try other.json().int("seq") == 5)
        }
    }

    @Test func aMessageHasOneTo8000Characters() async throws {
        try await TestEnv.run { env in
            let (_, client, space) = try await setUp(env)
            #expect(try await env.send(client, space, "max", String(repeating: "a", count: 8000)).status == .created)
            #expect(try await env.send(client, space, "max-ä", String(repeating: "ä", count: 8000)).status == .created)
            let long = try await env.send(client, space, "long", String(repeating: "a", count: 8001))
            #expect(long.status == .unprocessableContent && long.code == "request.validation")
            let errors = try long.json().objects("errors")
            #expect(errors.contains { $0.string("field") == "body" && $0.string("code") == "message.tooLong" }, "\(errors)")
            for empty in ["", "  \n "] {
                let r = try await env.send(client, space, "empty-\(empty.count)", empty)
                #expect(r.status == .unprocessableContent)
                #expect(try r.json().objects("errors").first?.string("code") == "field.required")
            }
            let noId = try await env.send(client, space, "", "Hei")
            #expect(noId.status == .unprocessableContent)
            #expect(try noId.json().objects("errors").first?.string("field") == "clientMessageId")
            #expect(try await env.send(client, space, String(repeating: "c", count: 101), "Hei").status == .unprocessableContent)
            #expect(try await env.send(client, space, String(repeating: "c", count: 100), "Hei").status == .created)
            let missing = try await env.request(.post, "/api/v1/spaces/\(space)/messages", token: client.token, json: ["body": "Hei"])
            #expect(missing.status == .badRequest || missing.status == .unprocessableContent)
            #expect(try await env.count("SELECT COUNT(*) FROM message") == 3)
        }
    }

    @Test func theAuthorEditsWithin24Hours() async throws {
        try await TestEnv.run { env in
            let (firstExpert, firstClient, space) = try await setUp(env)
            var expert = firstExpert
            var client = firstClient
            let sent = try await env.sent(expert, space, "m1", "Tapaaminen on maanantaina")
            let messageId = try #require(sent.string("messageId"))
            let path = "/api/v1/spaces/\(space)/messages/\(messageId)"

            env.time.advance(by: 3600)
            let edited = try await env.request(.patch, path, token: expert.token, json: ["body": "Tapaaminen on tiistaina"])
            #expect(edited.status == .ok)
            let event = try edited.json()
            #expect(event.string("kind") == "messageEdited" && event.int("seq") == (sent.int("seq") ?? 0) + 1)
            #expect(event.object("data")?.string("messageId") == messageId)
            #expect(event.object("data")?.string("body") == "Tapaaminen on tiistaina")
            #expect(isoDate(event.object("data")?.string("editedAt")) == env.time.now)

            let events = try await env.events(client, space)
            let message = try #require(events.ofKind("message").first?.object("data"))
            #expect(message.string("body") == "Tapaaminen on tiistaina" && message["deleted"] as? Bool == false)
            #expect(isoDate(message.string("editedAt")) == env.time.now)
            #expect(events.last?.string("kind") == "messageEdited")

            for bad in ["", String(repeating: "x", count: 8001)] {
                #expect(try await env.request(.patch, path, token: expert.token, json: ["body": bad]).status == .unprocessableContent)
            }
            // 23 hours after sending it can still be edited; after 24 hours it cannot.
            env.time.advance(by: 22 * 3600)
            expert = try await again(env, expert)
            client = try await again(env, client)
            #expect(try await env.request(.patch, path, token: expert.token, json: ["body": "Tapaaminen on keskiviikkona"]).status == .ok)
            env.time.advance(by: 3601)
            expert = try await again(env, expert)
            let late = try await env.request(.patch, path, token: expert.token, json: ["body": "Liian myöhään"])
            #expect(late.status == .conflict && late.code == "message.editExpired")
            let body = try await env.events(client, space).ofKind("message").first?.object("data")?.string("body")
            #expect(body == "Tapaaminen on keskiviikkona")
            // Deleting has no time limit.
            #expect(try await env.request(.delete, path, token: expert.token).status == .noContent)
        }
    }

    @Test func onlyTheAuthorEditsOrDeletes() async throws {
        try await TestEnv.run { env in
            let (expert, client, space) = try await setUp(env)
            let colleague = try await env.expert("kollega@b.fi", org: TestEnv.orgB)
            #expect(try await env.addExpert(expert, to: space, colleague.email).status == .created)
            let messageId = try #require(try await env.sent(expert, space, "m1", "Alkuperäinen").string("messageId"))
            let path = "/api/v1/spaces/\(space)/messages/\(messageId)"
            for who in [client, colleague] {
                let edit = try await env.request(.patch, path, token: who.token, json: ["body": "Väärennetty"])
                #expect(edit.status == .forbidden && edit.code == "access.forbidden", "\(who.email) editing")
                let delete = try await env.request(.delete, path, token: who.token)
                #expect(delete.status == .forbidden, "\(who.email) deleting")
            }
            let unknown = try await env.request(
                .patch, "/api/v1/spaces/\(space)/messages/no-such-message", token: expert.token, json: ["body": "x"])
            #expect(unknown.status == .notFound && unknown.code == "message.notFound")
            #expect(try await env.events(client, space).ofKind("message").first?.object("data")?.string("body") == "Alkuperäinen")
            #expect(try await env.count("SELECT COUNT(*) FROM message_revision") == 0)
        }
    }

    @Test func aDeletedMessageShowsNoTextAndItsRevisionsStayInTheDatabase() async throws {
        try await TestEnv.run { env in
            let (expert, client, space) = try await setUp(env)
            let messageId = try #require(try await env.sent(client, space, "m1", "Alkuperäinen teksti").string("messageId"))
            let path = "/api/v1/spaces/\(space)/messages/\(messageId)"
            #expect(try await env.request(.patch, path, token: client.token, json: ["body": "Toinen teksti"]).status == .ok)
            #expect(try await env.request(.delete, path, token: client.token).status == .noContent)

            for who in [expert, client] {
                let events = try await env.events(who, space)
                let message = try #require(events.ofKind("message").first?.object("data"))
                #expect(message["deleted"] as? Bool == true && message.isNull("body"), "\(message)")
                #expect(message.objects("attachments").isEmpty && message.string("messageId") == messageId)
                let last = try #require(events.last)
                #expect(last.string("kind") == "messageDeleted" && last.object("data")?.string("messageId") == messageId)
                #expect(last.object("data")?.isNull("body") == true)
            }
            let revisions = try await env.components.db.writer.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT body, replaced_by FROM message_revision WHERE message_id = ? ORDER BY revision", arguments: [messageId]
                ).map { (body: $0["body"] as String, by: $0["replaced_by"] as String?) }
            }
            #expect(revisions.map(\.body) == ["Alkuperäinen teksti", "Toinen teksti"])
            #expect(revisions.allSatisfy { $0.by == client.id })
            let stored = try await env.count(
                "SELECT COUNT(*) FROM message WHERE id = ? AND body IS NULL AND deleted_at IS NOT NULL", [messageId])
            #expect(stored == 1)

            #expect(try await env.request(.patch, path, token: client.token, json: ["body": "Takaisin"]).code == "message.notFound")
            #expect(try await env.request(.delete, path, token: client.token).status == .notFound)
        }
    }

    /// Earlier text is kept for the audit but served to nobody: not in the message event, and not in
    /// the events of earlier edits either.
    @Test func noEarlierTextIsServedAfterEditsAndADeletion() async throws {
        try await TestEnv.run { env in
            let (expert, client, space) = try await setUp(env)
            let messageId = try #require(try await env.sent(client, space, "m1", "Ensimmäinen versio").string("messageId"))
            let path = "/api/v1/spaces/\(space)/messages/\(messageId)"
            #expect(try await env.request(.patch, path, token: client.token, json: ["body": "Toinen versio"]).status == .ok)
            #expect(try await env.request(.patch, path, token: client.token, json: ["body": "Kolmas versio"]).status == .ok)
            let afterEdits = try await env.request(.get, "/api/v1/spaces/\(space)/events?limit=200", token: expert.token)
            let editedText = String(buffer: afterEdits.body)
            #expect(editedText.contains("Kolmas versio"))
            #expect(!editedText.contains("Ensimmäinen versio"))
            #expect(!editedText.contains("Toinen versio"), "the first edit's text is still served in its messageEdited event")

            #expect(try await env.request(.delete, path, token: client.token).status == .noContent)
            for who in [expert, client] {
                let r = try await env.request(.get, "/api/v1/spaces/\(space)/events?limit=200", token: who.token)
                let text = String(buffer: r.body)
                for version in ["Ensimmäinen versio", "Toinen versio", "Kolmas versio"] {
                    #expect(!text.contains(version), "a deleted message's text \"\(version)\" is served to \(who.email)")
                }
            }
        }
    }

    @Test func readPositionsOnlyMoveForward() async throws {
        try await TestEnv.run { env in
            let (expert, client, space) = try await setUp(env)
            for i in 1...3 { _ = try await env.sent(expert, space, "m\(i)", "Viesti \(i)") }
            let last = try #require(try await env.space(client, space).int("lastSeq"))
            func read(_ seq: Int) async throws -> HTTPResponse.Status {
                try await env.request(.post, "/api/v1/spaces/\(space)/read", token: client.token, json: ["seq": seq]).status
            }
            #expect(try await read(last - 1) == .noContent)
            #expect(try await env.space(client, space).int("readSeq") == last - 1)
            #expect(try await env.space(client, space).int("unread") == 1)
            #expect(try await read(1) == .noContent)
            #expect(try await env.space(client, space).int("readSeq") == last - 1, "a read position never moves back")
            #expect(try await read(last + 10) == .noContent)
            #expect(try await env.space(client, space).int("readSeq") == last - 1, "nor past the last event")
            #expect(try await read(-1) == .unprocessableContent)
            #expect(try await read(last) == .noContent)
            let summary = try await env.space(client, space)
            #expect(summary.int("readSeq") == last && summary.int("unread") == 0)
            let members = try await env.request(.get, "/api/v1/spaces/\(space)/members", token: expert.token).items()
            #expect(members.first { $0.string("userId") == client.id }?.int("readSeq") == last)
        }
    }

    @Test func eventsPageForwardWithAfterAndBackWithBefore() async throws {
        try await TestEnv.run { env in
            let (expert, client, space) = try await setUp(env)
            for i in 1...27 { _ = try await env.sent(i.isMultiple(of: 2) ? expert : client, space, "m\(i)", "Viesti \(i)") }
            func page(_ query: String) async throws -> (seqs: [Int], next: String?) {
                let r = try await env.request(.get, "/api/v1/spaces/\(space)/events?\(query)", token: client.token)
                #expect(r.status == .ok, "\(query)")
                let json = try r.json()
                return (json.objects("items").seqs, json["nextCursor"] as? String)
            }
            var p = try await page("after=0&limit=10")
            #expect(p.seqs == Array(1...10) && p.next == "10")
            p = try await page("after=10&limit=10")
            #expect(p.seqs == Array(11...20) && p.next == "20")
            p = try await page("after=20&limit=10")
            #expect(p.seqs == Array(21...30) && p.next == nil)
            p = try await page("after=30&limit=10")
            #expect(p.seqs.isEmpty && p.next == nil)
            p = try await page("after=0")
            #expect(p.seqs == Array(1...30))

            p = try await page("before=31&limit=10")
            #expect(p.seqs == Array(21...30) && p.next == "21")
            p = try await page("before=21&limit=10")
            #expect(p.seqs == Array(11...20) && p.next == "11")
            p = try await page("before=11&limit=10")
            #expect(p.seqs == Array(1...10) && p.next == nil)

            for bad in ["after=-1", "after=x", "before=y", "limit=0", "limit=201", "cursor=abc"] {
                let r = try await env.request(.get, "/api/v1/spaces/\(space)/events?\(bad)", token: client.token)
                #expect(r.status == .unprocessableContent, "\(bad) gave \(r.status)")
            }
            let first = try await env.events(expert, space).first
            #expect(
                first?.string("kind") == "spaceOpened" && first?.string("spaceId") == space && isoDate(first?.string("createdAt")) != nil)
        }
    }

    @Test func notificationsAreOnePerSpaceCountingEachEventOnceAndMarkedRead() async throws {
        try await TestEnv.run { env in
            let (expert, client, space) = try await setUp(env)
            let colleague = try await env.expert("kollega@b.fi", org: TestEnv.orgB)
            func unread(_ who: Person) async throws -> Int? {
                try await env.request(.get, "/api/v1/notifications/unread-count", token: who.token).json().int("unread")
            }
            func markRead(_ who: Person, _ body: JSON) async throws -> HTTPResponse.Status {
                try await env.request(.post, "/api/v1/notifications/read", token: who.token, json: body).status
            }
            func item(_ who: Person) async throws -> JSON? {
                try await env.request(.get, "/api/v1/notifications", token: who.token).items().first { $0.string("spaceId") == space }
            }
            #expect(try await markRead(client, ["all": true]) == .noContent)
            #expect(try await unread(client) == 0)
            #expect(try await item(client)?.int("count") == 0)

            _ = try await env.sent(expert, space, "m1", "Ensimmäinen")
            let m2 = try await env.sent(expert, space, "m2", "Toinen")
            _ = try await env.send(expert, space, "m2", "Toinen")  // a resend makes nothing new
            #expect(try await unread(client) == 2)
            #expect(try await unread(expert) == 0, "one's own messages make no notification")
            let list = try await env.request(.get, "/api/v1/notifications", token: client.token).json()
            #expect(list.int("unread") == 2)
            // One item for the space: its latest event and the count of those not yet read.
            let items = list.objects("items").filter { $0.string("spaceId") == space }
            #expect(items.count == 1)
            let first = try #require(items.first)
            #expect(first.int("seq") == m2.int("seq") && first.string("kind") == "message" && first.int("count") == 2)
            #expect(first.string("spaceTitle") == "Ohjaus" && first.string("actorName") == expert.name && first.isNull("readAt"))
            #expect(isoDate(first.string("updatedAt")) != nil && first["id"] == nil)
            #expect(try await env.count("SELECT COUNT(*) FROM notification WHERE user_id = ?", [client.id]) == 1)

            #expect(try await markRead(client, ["spaceIds": [space]]) == .noContent)
            #expect(try await unread(client) == 0)
            let marked = try #require(try await item(client))
            #expect(!marked.isNull("readAt") && marked.int("count") == 0 && marked.int("seq") == m2.int("seq"))
            // The next event makes it unread again, counting from one.
            _ = try await env.sent(expert, space, "m3", "Kolmas")
            #expect(try await item(client).map { $0.isNull("readAt") && $0.int("count") == 1 } == true)
            #expect(try await unread(client) == 1)

            // Reading the space marks its notification read up to that point: read partly, it counts
            // what is left.
            let m4 = try await env.sent(expert, space, "m4", "Neljäs")
            let m5 = try await env.sent(expert, space, "m5", "Viides")
            let own = try await env.sent(client, space, "c0", "Oma viestini ei ole uutta minulle")
            #expect(try await unread(client) == 3)
            let readTo = try #require(m4.int("seq"))
            #expect(
                try await env.request(.post, "/api/v1/spaces/\(space)/read", token: client.token, json: ["seq": readTo]).status
                    == .noContent)
            #expect(try await unread(client) == 1)
            #expect(try await item(client).map { $0.isNull("readAt") && $0.int("count") == 1 && $0.int("seq") == m5.int("seq") } == true)
            let last = try #require(own.int("seq"))
            #expect(
                try await env.request(.post, "/api/v1/spaces/\(space)/read", token: client.token, json: ["seq": last]).status == .noContent)
            #expect(try await unread(client) == 0)
            _ = try await env.sent(expert, space, "m6", "Kuudes")
            #expect(try await markRead(client, ["all": true]) == .noContent)
            #expect(try await unread(client) == 0)
            #expect(try await markRead(client, [:]) == .unprocessableContent)
            let tooMany = try await env.request(
                .post, "/api/v1/notifications/read", token: client.token, json: ["spaceIds": (0...100).map { "s\($0)" }])
            #expect(tooMany.status == .unprocessableContent)
            // Marking another's space read touches only the caller's own notification.
            _ = try await env.sent(client, space, "c1", "Kysyisin")
            let expertUnread = try #require(try await unread(expert))
            #expect(expertUnread >= 1)
            #expect(try await markRead(client, ["spaceIds": [space]]) == .noContent)
            #expect(try await unread(expert) == expertUnread)

            // A member who left no longer counts the space's notifications.
            #expect(try await env.addExpert(expert, to: space, colleague.email).status == .created)
            let added = try #require(try await unread(colleague))  // being added is notified too
            _ = try await env.sent(client, space, "c2", "Kysymys")
            #expect(try await unread(colleague) == added + 1)
            #expect(try await env.request(.post, "/api/v1/spaces/\(space)/leave", token: colleague.token).status == .noContent)
            #expect(try await unread(colleague) == 0)
            #expect(try await env.request(.get, "/api/v1/notifications/unread-count").status == .unauthorized)
        }
    }

    /// A database from before notifications per space: each member's rows of a space become one,
    /// with the latest event and the count of the unread ones.
    @Test func perEventNotificationsOfAnOlderDatabaseBecomeOnePerSpace() async throws {
        try await withTemporaryDirectory { dir in
            let all = try FileManager.default.contentsOfDirectory(atPath: repoRoot.appending(path: "Migrations").path).sorted()
            let migrations = dir.appending(path: "migrations")
            try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
            func copy(_ include: (String) -> Bool) throws {
                for name in all where name.hasSuffix(".sql") && include(name) {
                    try FileManager.default.copyItem(
                        at: repoRoot.appending(path: "Migrations/\(name)"), to: migrations.appending(path: name))
                }
            }
            try copy { $0 < "0010" }
            let path = dir.appending(path: "old.sqlite")
            let old = try AppDatabase.open(path: path, migrationsDir: migrations)
            try await old.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO app_user (id, email, email_normalized, display_name, created_at, updated_at)
                        VALUES ('u1', 'a@x.fi', 'a@x.fi', 'A', 0, 0), ('u2', 'b@x.fi', 'b@x.fi', 'B', 0, 0);
                        INSERT INTO space (id, kind, title, max_clients, last_seq, last_activity_at, created_at)
                        VALUES ('s1', 'oneToOne', 'Yksi', 1, 9, 0, 0), ('s2', 'oneToOne', 'Kaksi', 1, 9, 0, 0);
                        INSERT INTO notification (id, user_id, space_id, seq, kind, actor_id, created_at, read_at) VALUES
                          ('n1', 'u1', 's1', 3, 'message', 'u2', 1000, 1500),
                          ('n2', 'u1', 's1', 5, 'fileAdded', 'u2', 2000, NULL),
                          ('n3', 'u1', 's1', 7, 'message', 'u2', 3000, NULL),
                          ('n4', 'u1', 's2', 2, 'memberJoined', 'u2', 4000, 4500),
                          ('n5', 'u2', 's1', 4, 'message', 'u1', 5000, NULL);
                        """)
            }
            try old.writer.close()
            try copy { $0 >= "0010" }
            let new = try AppDatabase.open(path: path, migrationsDir: migrations)
            let rows = try await new.writer.read { db in
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT user_id || ' ' || space_id || ' ' || seq || ' ' || kind || ' ' || count || ' ' || updated_at || ' '
                          || COALESCE(read_at, '-')
                        FROM notification ORDER BY user_id, space_id
                        """)
            }
            let expected = ["u1 s1 7 message 2 3000 -", "u1 s2 2 memberJoined 0 4000 4500", "u2 s1 4 message 1 5000 -"]
            #expect(rows == expected)
        }
    }
}
