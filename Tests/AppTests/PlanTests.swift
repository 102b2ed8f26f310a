import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// The service plan (picks) and tasks of a space, through the HTTP API.
@Suite("Service plan and tasks")
struct PlanTests {
    static let serviceA = "ammatinvalinta-ja-uraohjaus"
    static let serviceB = "uraohjaus-aikuisille"
    static let serviceC = "nuorten-uraohjauspiste-suunta"

    /// A demo-catalogue app with a one-to-one space: owner, client and the space id.
    static func withSpace(_ body: @Sendable (TestEnv, Person, Person, String) async throws -> Void) async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let owner = try await env.expert("omistaja@a.fi")
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            try await body(env, owner, client, id)
        }
    }

    @discardableResult
    static func pick(_ env: TestEnv, _ who: Person, _ space: String, _ service: String, note: String? = nil, privateTo: String? = nil)
        async throws -> TestResponse
    {
        var json: JSON = ["serviceId": service]
        if let note { json["note"] = note }
        if let privateTo { json["privateTo"] = privateTo }
        return try await env.request(.post, "/api/v1/spaces/\(space)/picks", token: who.token, json: json)
    }

    static func picks(_ env: TestEnv, _ who: Person, _ space: String) async throws -> [JSON] {
        let r = try await env.request(.get, "/api/v1/spaces/\(space)/picks?limit=100", token: who.token)
        #expect(r.status == .ok, "picks gave \(r.status)")
        return try r.items()
    }

    @discardableResult
    static func task(
        _ env: TestEnv, _ who: Person, _ space: String, _ title: String, assignee: String, dueAt: String? = nil, extra: JSON = [:]
    ) async throws -> TestResponse {
        var json: JSON = ["title": title, "assigneeId": assignee]
        if let dueAt { json["dueAt"] = dueAt }
        json.merge(extra) { $1 }
        return try await env.request(.post, "/api/v1/spaces/\(space)/tasks", token: who.token, json: json)
    }

    static func tasks(_ env: TestEnv, _ who: Person, _ space: String) async throws -> [JSON] {
        let r = try await env.request(.get, "/api/v1/spaces/\(space)/tasks?limit=100", token: who.token)
        #expect(r.status == .ok, "tasks gave \(r.status)")
        return try r.items()
    }

    // MARK: Picks

    @Test func anExpertPicksServicesAndTheClientSeesThePublicSideOnly() async throws {
        try await Self.withSpace { env, owner, client, id in
            let first = try await Self.pick(env, owner, id, Self.serviceA, note: "  Tästä voisi olla apua  ")
            #expect(first.status == .created)
            let a = try first.json()
            #expect(a.string("status") == "suggested" && a.string("note") == "Tästä voisi olla apua")
            #expect(a.string("availability") == "available" && a.int("position") == 0)
            #expect(a.object("name")?.string("fi") == "Ammatinvalinta- ja uraohjaus")
            #expect(a.object("internal") != nil, "an expert sees the internal instructions")
            #expect(a.objects("history").map { $0.string("status") } == ["suggested"])
            #expect(try await Self.pick(env, owner, id, Self.serviceB).status == .created)

            let seen = try await Self.picks(env, client, id)
            #expect(seen.compactMap { $0.string("serviceId") } == [Self.serviceA, Self.serviceB])
            #expect(seen.allSatisfy { $0.isNull("internal") }, "a client sees the public side only")
            #expect(seen.allSatisfy { $0.object("summary")?.string("fi")?.isEmpty == false })

            // The same service twice, a hidden one, an unknown one, a client picking: refused.
            let again = try await Self.pick(env, owner, id, Self.serviceA)
            #expect(again.status == .conflict && again.code == "pick.exists")
            let hidden = try await Self.pick(env, owner, id, try FavouritesTests.hiddenServiceId())
            #expect(hidden.status == .unprocessableContent)
            #expect(try hidden.json().objects("errors").first?.string("code") == "pick.notPublished")
            let unknown = try await Self.pick(env, owner, id, "ei-ole-olemassa")
            #expect(unknown.status == .unprocessableContent)
            #expect(try unknown.json().objects("errors").first?.string("code") == "service.notFound")
            #expect(try await Self.pick(env, client, id, Self.serviceC).status == .forbidden)
            let long = try await Self.pick(env, owner, id, Self.serviceC, note: String(repeating: "a", count: 2001))
            #expect(long.status == .unprocessableContent)

            // The picks are in the log, and the client has a notification of the space.
            let events = try await env.events(client, id)
            #expect(events.ofKind("pickAdded").count == 2)
            #expect(events.ofKind("pickAdded").first?.object("data")?.string("serviceId") == Self.serviceA)
            let notes = try await env.request(.get, "/api/v1/notifications", token: client.token).items()
            #expect(notes.first?.string("kind") == "pickAdded" && notes.first?.int("count") == 3, "joined + two picks")
        }
    }

    @Test func theClientMarksInterestOrDeclinesAndNothingMore() async throws {
        try await Self.withSpace { env, owner, client, id in
            let pickId = try #require(try await Self.pick(env, owner, id, Self.serviceA).json().string("id"))
            let path = "/api/v1/picks/\(pickId)"
            env.time.advance(by: 60)
            let interested = try await env.request(.patch, path, token: client.token, json: ["status": "interested"])
            #expect(interested.status == .ok)
            #expect(try interested.json().isNull("internal"), "the client's answer has no internal instructions either")
            for body: JSON in [["status": "applied"], ["note": "muutettu"], ["position": 0], ["acknowledgeChange": true]] {
                let r = try await env.request(.patch, path, token: client.token, json: body)
                #expect(r.status == .forbidden, "a client's \(body) gave \(r.status)")
            }
            #expect(try await env.request(.delete, path, token: client.token).status == .forbidden)
            for status in ["applied", "started", "completed"] {
                env.time.advance(by: 60)
                #expect(try await env.request(.patch, path, token: owner.token, json: ["status": status]).status == .ok)
            }
            let badStatus = try await env.request(.patch, path, token: owner.token, json: ["status": "maybe"])
            #expect(badStatus.status == .badRequest || badStatus.status == .unprocessableContent)
            let pick = try #require(try await Self.picks(env, client, id).first)
            #expect(pick.string("status") == "completed")
            let history = pick.objects("history")
            #expect(history.map { $0.string("status") } == ["suggested", "interested", "applied", "started", "completed"])
            #expect(history.map { $0.string("changedBy") } == [owner.id, client.id, owner.id, owner.id, owner.id])
            // The experts see the client's answer in the log.
            #expect(try await env.events(owner, id).ofKind("pickChanged").first?.object("data")?.string("status") == "interested")
            // The expert removes it; the client sees it gone.
            #expect(try await env.request(.delete, path, token: owner.token).status == .noContent)
            #expect(try await Self.picks(env, client, id).isEmpty)
            #expect(try await env.request(.patch, path, token: owner.token, json: ["status": "applied"]).status == .notFound)
        }
    }

    @Test func expertsReorderThePlan() async throws {
        try await Self.withSpace { env, owner, client, id in
            var ids: [String] = []
            for s in [Self.serviceA, Self.serviceB, Self.serviceC] {
                ids.append(try #require(try await Self.pick(env, owner, id, s).json().string("id")))
            }
            let moved = try await env.request(.patch, "/api/v1/picks/\(ids[2])", token: owner.token, json: ["position": 0])
            #expect(moved.status == .ok)
            #expect(try moved.json().int("position") == 0)
            var order = try await Self.picks(env, client, id)
            #expect(order.compactMap { $0.string("id") } == [ids[2], ids[0], ids[1]])
            #expect(order.compactMap { $0.int("position") } == [0, 1, 2])
            // Past the end is the end.
            #expect(try await env.request(.patch, "/api/v1/picks/\(ids[2])", token: owner.token, json: ["position": 50]).status == .ok)
            order = try await Self.picks(env, client, id)
            #expect(order.compactMap { $0.string("id") } == [ids[0], ids[1], ids[2]])
            let negative = try await env.request(.patch, "/api/v1/picks/\(ids[0])", token: owner.token, json: ["position": -1])
            #expect(negative.status == .unprocessableContent)
            // Removing one closes the gap.
            #expect(try await env.request(.delete, "/api/v1/picks/\(ids[0])", token: owner.token).status == .noContent)
            #expect(try await Self.picks(env, owner, id).compactMap { $0.int("position") } == [0, 1])
        }
    }

    @Test func aPickShowsWhenItsServiceChangedOrIsNoLongerAvailable() async throws {
        try await Self.withSpace { env, owner, client, id in
            let a = try #require(try await Self.pick(env, owner, id, Self.serviceA).json().string("id"))
            _ = try await Self.pick(env, owner, id, Self.serviceB)
            // A new version of A and B archived, imported as the organisations would.
            let source = repoRoot.appending(path: "DemoData/catalogue.json")
            var file = try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? JSON ?? [:]
            var services = file["services"] as? [JSON] ?? []
            for i in services.indices {
                if services[i].string("id") == Self.serviceA {
                    services[i]["version"] = (services[i].int("version") ?? 1) + 1
                    services[i]["updatedAt"] = "2026-12-01T10:00:00Z"
                }
                if services[i].string("id") == Self.serviceB { services[i]["status"] = "archived" }
            }
            file["services"] = services
            let changed = env.config.dataDir.appending(path: "changed.json")
            try JSONSerialization.data(withJSONObject: file).write(to: changed)
            _ = try await Commands.importCatalogue(env.config, file: changed)

            for who in [owner, client] {
                let picks = try await Self.picks(env, who, id)
                #expect(picks.compactMap { $0.string("availability") } == ["changed", "unavailable"])
                #expect(picks.last?.object("name")?.string("fi")?.isEmpty == false, "a pick keeps its name")
            }
            let seen = try await env.request(.patch, "/api/v1/picks/\(a)", token: owner.token, json: ["acknowledgeChange": true])
            #expect(seen.status == .ok)
            #expect(try seen.json().string("availability") == "available")
        }
    }

    @Test func twentyConcurrentPicksOfOneServiceStoreOne() async throws {
        try await Self.withSpace { env, owner, _, id in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { Int(try await Self.pick(env, owner, id, Self.serviceA).status.code) } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1)
            #expect(statuses.filter { $0 == 409 }.count == 19)
            #expect(try await env.count("SELECT COUNT(*) FROM space_pick") == 1)
        }
    }

    // MARK: Tasks

    @Test func anExpertAssignsATaskAndTheClientTicksItOff() async throws {
        try await Self.withSpace { env, owner, client, id in
            let pickId = try #require(try await Self.pick(env, owner, id, Self.serviceA).json().string("id"))
            // Due in an hour, written with Helsinki's offset.
            let due = env.time.now.addingTimeInterval(3600)
            let helsinki = ISO8601DateFormatter()
            helsinki.timeZone = TimeZone(identifier: "Europe/Helsinki")
            let dueText = helsinki.string(from: due)
            #expect(dueText.hasSuffix("+03:00"))
            let created = try await Self.task(
                env, owner, id, "  Täytä hakemus  ", assignee: client.id, dueAt: dueText,
                extra: ["description": "Liitä mukaan CV.", "pickId": pickId])
            #expect(created.status == .created)
            let task = try created.json()
            let taskId = try #require(task.string("id"))
            #expect(task.string("title") == "Täytä hakemus" && task.string("status") == "open")
            #expect(isoDate(task.string("dueAt")) == Date(timeIntervalSince1970: due.timeIntervalSince1970.rounded(.down)))
            #expect(task.string("assigneeName") == client.name && task.string("pickId") == pickId)
            #expect(task["overdue"] as? Bool == false)

            // The client's own list across spaces.
            let mine = try await env.request(.get, "/api/v1/tasks", token: client.token).items()
            #expect(mine.compactMap { $0.string("id") } == [taskId])
            #expect(mine.first?.string("spaceTitle") == "Ohjaus")

            // Past the due time it is overdue.
            env.time.advance(by: 3601)
            #expect(try await Self.tasks(env, client, id).first?["overdue"] as? Bool == true)

            // The client may tick it off and open it again, comment on it, and do nothing else.
            let path = "/api/v1/tasks/\(taskId)"
            for body: JSON in [["title": "Toinen"], ["dueAt": NSNull()], ["assigneeId": owner.id], ["description": "x"]] {
                #expect(try await env.request(.patch, path, token: client.token, json: body).status == .forbidden, "\(body)")
            }
            #expect(try await env.request(.delete, path, token: client.token).status == .forbidden)
            let done = try await env.request(.patch, path, token: client.token, json: ["status": "done"])
            #expect(done.status == .ok)
            let doneTask = try done.json()
            #expect(doneTask.string("status") == "done" && doneTask.string("doneBy") == client.id && doneTask["overdue"] as? Bool == false)
            #expect(try await env.request(.get, "/api/v1/tasks?status=open", token: client.token).items().isEmpty)
            #expect(try await env.request(.patch, path, token: client.token, json: ["status": "open"]).json().string("status") == "open")
            let commented = try await env.request(.post, "\(path)/comments", token: client.token, json: ["body": "Tein jo puoliksi"])
            #expect(commented.status == .created)
            #expect(try commented.json().objects("comments").first?.string("body") == "Tein jo puoliksi")
            _ = try await env.request(.post, "\(path)/comments", token: owner.token, json: ["body": "Hyvä!"])
            let detail = try await env.request(.get, path, token: owner.token).json()
            #expect(detail.objects("comments").compactMap { $0.string("authorId") } == [client.id, owner.id])
            #expect(detail.int("commentCount") == 2)
            #expect(
                try await env.request(.post, "\(path)/comments", token: client.token, json: ["body": "  "]).status == .unprocessableContent)

            // The expert moves the due time, then removes it.
            let moved = try await env.request(.patch, path, token: owner.token, json: ["dueAt": "2026-10-30T12:00:00Z", "title": "Hae"])
            #expect(moved.status == .ok)
            #expect(try moved.json().string("title") == "Hae")
            #expect(try await env.request(.patch, path, token: owner.token, json: ["dueAt": NSNull()]).json().isNull("dueAt"))
            let kinds = try await env.events(client, id).kinds
            #expect(kinds.contains("taskAdded") && kinds.contains("taskChanged") && kinds.contains("taskCommented"))
            #expect(try await env.request(.delete, path, token: owner.token).status == .noContent)
            #expect(try await env.request(.get, path, token: client.token).status == .notFound)
        }
    }

    @Test func aTaskNeedsATitleAMemberAndAValidTime() async throws {
        try await Self.withSpace { env, owner, client, id in
            let other = try await env.client("toinen@example.fi")
            let cases: [(String, JSON, String)] = [
                ("", ["assigneeId": client.id], "title"),
                (String(repeating: "x", count: 201), ["assigneeId": client.id], "title"),
                ("Rivi\nvaihto", ["assigneeId": client.id], "title"),
                ("Aika", ["assigneeId": client.id, "dueAt": "2026-09-25 16:00"], "dueAt"),
                ("Aika", ["assigneeId": client.id, "dueAt": "2026-09-25"], "dueAt"),
                ("Aika", ["assigneeId": client.id, "dueAt": "1899-01-01T00:00:00Z"], "dueAt"),
                ("Ulkopuolinen", ["assigneeId": other.id], "assigneeId"),
                ("Pick", ["assigneeId": client.id, "pickId": "ei-ole"], "pickId"),
                ("Yksityinen", ["assigneeId": client.id, "privateTo": client.id], "privateTo"),
            ]
            for (title, extra, field) in cases {
                var json = extra
                json["title"] = title
                let r = try await env.request(.post, "/api/v1/spaces/\(id)/tasks", token: owner.token, json: json)
                #expect(r.status == .unprocessableContent, "\(field): \(r.status)")
                #expect(try r.json().objects("errors").first?.string("field") == field, "\(json)")
            }
            // A client does not assign tasks.
            #expect(try await Self.task(env, client, id, "Oma", assignee: client.id).status == .forbidden)
            // An expert may be the assignee.
            #expect(try await Self.task(env, owner, id, "Soita Kelaan", assignee: owner.id).status == .created)
            #expect(try await env.count("SELECT COUNT(*) FROM space_task") == 1)
        }
    }

    @Test func aClientCannotTickAnExpertsTask() async throws {
        try await Self.withSpace { env, owner, client, id in
            let taskId = try #require(try await Self.task(env, owner, id, "Soita Kelaan", assignee: owner.id).json().string("id"))
            let r = try await env.request(.patch, "/api/v1/tasks/\(taskId)", token: client.token, json: ["status": "done"])
            #expect(r.status == .forbidden)
            #expect(try await Self.tasks(env, client, id).first?.string("status") == "open", "the client sees it, open")
        }
    }

    // MARK: Who sees what

    @Test func inAGroupAPrivatePickOrTaskIsSeenByItsClientAndTheExpertsOnly() async throws {
        try await CatalogueSearchTests.withCatalogue { env in
            let owner = try await env.expert("omistaja@a.fi")
            let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            let c1 = try await env.client("c1@example.fi")
            let c2 = try await env.client("c2@example.fi")
            let id = try #require(try await env.openGroup(owner, clients: [c1.email, c2.email]).string("id"))
            #expect(try await env.addExpert(owner, to: id, partner.email).status == .created)

            #expect(try await Self.pick(env, owner, id, Self.serviceA).status == .created)
            let privatePick = try #require(try await Self.pick(env, partner, id, Self.serviceB, privateTo: c1.id).json().string("id"))
            // The same service once more for another client is a pick of its own.
            #expect(try await Self.pick(env, owner, id, Self.serviceB, privateTo: c2.id).status == .created)
            let badAudience = try await Self.pick(env, owner, id, Self.serviceC, privateTo: owner.id)
            #expect(badAudience.status == .unprocessableContent)

            let c1Task = try #require(try await Self.task(env, owner, id, "Oma tehtävä", assignee: c1.id).json())
            #expect(c1Task.string("audienceId") == c1.id, "a client's task in a group is private to them")
            let shared = try #require(try await Self.task(env, owner, id, "Kaikille", assignee: partner.id).json())
            #expect(shared.isNull("audienceId"))
            let aboutC2 = try #require(
                try await Self.task(env, owner, id, "Asiaa c2:sta", assignee: partner.id, extra: ["privateTo": c2.id]).json())
            #expect(aboutC2.string("audienceId") == c2.id)
            // A task of c1 cannot link c2's pick.
            let c2Pick = try #require(try await Self.picks(env, c2, id).first { $0.string("audienceId") == c2.id }?.string("id"))
            let crossed = try await Self.task(env, owner, id, "Väärä", assignee: c1.id, extra: ["pickId": c2Pick])
            #expect(crossed.status == .unprocessableContent)

            #expect(try await Self.picks(env, c1, id).count == 2)
            #expect(try await Self.picks(env, c2, id).count == 2)
            #expect(try await Self.picks(env, c2, id).allSatisfy { $0.string("id") != privatePick })
            #expect(try await Self.picks(env, partner, id).count == 3)
            #expect(try await Self.tasks(env, c1, id).compactMap { $0.string("title") }.sorted() == ["Kaikille", "Oma tehtävä"])
            #expect(try await Self.tasks(env, c2, id).compactMap { $0.string("title") }.sorted() == ["Asiaa c2:sta", "Kaikille"])
            #expect(try await Self.tasks(env, owner, id).count == 3)

            // c2 cannot reach c1's items at all.
            let c1TaskId = try #require(c1Task.string("id"))
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/api/v1/tasks/\(c1TaskId)", nil),
                (.patch, "/api/v1/tasks/\(c1TaskId)", ["status": "done"] as JSON?),
                (.post, "/api/v1/tasks/\(c1TaskId)/comments", ["body": "hei"]),
                (.patch, "/api/v1/picks/\(privatePick)", ["status": "interested"]),
            ] {
                let r = try await env.request(method, path, token: c2.token, json: body)
                #expect(r.status == .notFound, "\(method) \(path) gave \(r.status)")
            }
            // Nor do their events show it.
            #expect(try await env.events(c2, id).allSatisfy { $0.string("audienceId") == nil || $0.string("audienceId") == c2.id })
        }
    }

    @Test func outsidersAndFromNowMembersSeeNothingOfIt() async throws {
        try await Self.withSpace { env, owner, client, id in
            let pickId = try #require(try await Self.pick(env, owner, id, Self.serviceA).json().string("id"))
            let taskId = try #require(try await Self.task(env, owner, id, "Hae", assignee: client.id).json().string("id"))
            let outsider = try await env.expert("ulkopuolinen@b.fi", org: TestEnv.orgB)
            let routes: [(HTTPRequest.Method, String, JSON?)] = [
                (.get, "/api/v1/spaces/\(id)/picks", nil),
                (.post, "/api/v1/spaces/\(id)/picks", ["serviceId": Self.serviceB]),
                (.patch, "/api/v1/picks/\(pickId)", ["status": "applied"]),
                (.delete, "/api/v1/picks/\(pickId)", nil),
                (.get, "/api/v1/spaces/\(id)/tasks", nil),
                (.post, "/api/v1/spaces/\(id)/tasks", ["title": "x", "assigneeId": client.id]),
                (.get, "/api/v1/tasks/\(taskId)", nil),
                (.patch, "/api/v1/tasks/\(taskId)", ["status": "done"]),
                (.delete, "/api/v1/tasks/\(taskId)", nil),
                (.post, "/api/v1/tasks/\(taskId)/comments", ["body": "x"]),
            ]
            for (method, path, body) in routes {
                let r = try await env.request(method, path, token: outsider.token, json: body)
                #expect(r.status == .notFound, "\(method) \(path) gave \(r.status)")
                let anonymous = try await env.request(method, path, json: body)
                #expect(anonymous.status == .unauthorized, "anonymous \(method) \(path) gave \(anonymous.status)")
            }
            #expect(try await env.request(.get, "/api/v1/tasks", token: outsider.token).items().isEmpty)

            // A partner added "from now on" sees neither, and cannot change them.
            #expect(try await env.addExpert(owner, to: id, outsider.email, history: "fromNow").status == .created)
            #expect(try await Self.picks(env, outsider, id).isEmpty)
            #expect(try await Self.tasks(env, outsider, id).isEmpty)
            #expect(
                try await env.request(.patch, "/api/v1/picks/\(pickId)", token: outsider.token, json: ["status": "applied"]).status
                    == .notFound)
            #expect(try await env.request(.get, "/api/v1/tasks/\(taskId)", token: outsider.token).status == .notFound)
            // What they add now they see.
            #expect(try await Self.pick(env, outsider, id, Self.serviceB).status == .created)
            #expect(try await Self.picks(env, outsider, id).count == 1)
            #expect(try await Self.picks(env, client, id).count == 2)
        }
    }

    @Test func expertReadsOfThePlanAreInTheAccessLog() async throws {
        try await Self.withSpace { env, owner, client, id in
            let taskId = try #require(try await Self.task(env, owner, id, "Hae", assignee: owner.id).json().string("id"))
            let log = "/api/v1/spaces/\(id)/access-log?limit=100"
            let before = try await env.request(.get, log, token: client.token).items().count
            env.time.advance(by: 1)
            _ = try await Self.picks(env, owner, id)
            _ = try await Self.tasks(env, owner, id)
            #expect(try await env.request(.get, "/api/v1/tasks/\(taskId)", token: owner.token).status == .ok)
            #expect(try await env.request(.get, "/api/v1/tasks", token: owner.token).items().count == 1)
            // The client's own reads are not logged.
            _ = try await Self.picks(env, client, id)
            _ = try await Self.tasks(env, client, id)
            // Three reads of tasks within ten minutes make one record.
            let entries = try await env.request(.get, log, token: client.token).items()
            #expect(entries.count == before + 2)
            #expect(entries.prefix(2).compactMap { $0.string("kind") }.sorted() == ["picks", "tasks"])
            #expect(entries.prefix(2).allSatisfy { $0.string("readerId") == owner.id })
        }
    }

    @Test func aClosedSpaceTakesNoNewPicksOrTasks() async throws {
        try await Self.withSpace { env, owner, client, id in
            let pickId = try #require(try await Self.pick(env, owner, id, Self.serviceA).json().string("id"))
            let taskId = try #require(try await Self.task(env, owner, id, "Hae", assignee: client.id).json().string("id"))
            #expect(
                try await env.request(.post, "/api/v1/spaces/\(id)/close", token: owner.token, json: ["outcome": "tyossa"]).status == .ok)
            let refused: [(HTTPRequest.Method, String, JSON?)] = [
                (.post, "/api/v1/spaces/\(id)/picks", ["serviceId": Self.serviceB]),
                (.patch, "/api/v1/picks/\(pickId)", ["status": "interested"]),
                (.post, "/api/v1/spaces/\(id)/tasks", ["title": "x", "assigneeId": client.id]),
                (.patch, "/api/v1/tasks/\(taskId)", ["status": "done"]),
                (.post, "/api/v1/tasks/\(taskId)/comments", ["body": "x"]),
            ]
            for (method, path, body) in refused {
                let r = try await env.request(method, path, token: owner.token, json: body)
                #expect(r.status == .conflict && r.code == "space.closed", "\(method) \(path) gave \(r.status)")
            }
            // Still readable.
            #expect(try await Self.picks(env, client, id).count == 1)
            #expect(try await Self.tasks(env, client, id).count == 1)
        }
    }

    @Test func planEventsNameTheServiceAndWhatChangedAndANewOrderNotifiesNobody() async throws {
        try await Self.withSpace { env, owner, client, id in
            let a = try #require(try await Self.pick(env, owner, id, Self.serviceA).json().string("id"))
            _ = try await Self.pick(env, owner, id, Self.serviceB)
            let taskId = try #require(try await Self.task(env, owner, id, "Hae", assignee: client.id).json().string("id"))
            _ = try await env.request(.post, "/api/v1/notifications/read", token: client.token, json: ["all": true])
            let unread = { try await env.request(.get, "/api/v1/notifications/unread-count", token: client.token).json().int("unread") }

            #expect(try await env.request(.patch, "/api/v1/picks/\(a)", token: owner.token, json: ["position": 1]).status == .ok)
            #expect(try await unread() == 0, "a new order is not news")
            var events = try await env.events(client, id)
            let moved = try #require(events.ofKind("pickChanged").last?.object("data"))
            #expect(moved["changed"] as? [String] == ["position"])
            #expect(moved.object("serviceName")?.string("fi")?.isEmpty == false)

            #expect(try await env.request(.patch, "/api/v1/picks/\(a)", token: owner.token, json: ["note": "Katso tämä"]).status == .ok)
            #expect(try await unread() == 1)
            let patched = try await env.request(
                .patch, "/api/v1/tasks/\(taskId)", token: owner.token, json: ["title": "Hae kahta", "dueAt": "2026-10-01T12:00:00+03:00"])
            #expect(patched.status == .ok)
            events = try await env.events(client, id)
            #expect(events.ofKind("pickChanged").last?.object("data")?["changed"] as? [String] == ["note"])
            #expect(events.ofKind("taskChanged").last?.object("data")?["changed"] as? [String] == ["title", "dueAt"])

            #expect(try await env.request(.delete, "/api/v1/picks/\(a)", token: owner.token).status == .noContent)
            events = try await env.events(client, id)
            #expect(events.ofKind("pickRemoved").last?.object("data")?.object("serviceName")?.string("fi")?.isEmpty == false)
        }
    }

    @Test func aClientAnswersASuggestionButCannotUndoAPickThatIsUnderway() async throws {
        try await Self.withSpace { env, owner, client, id in
            let pick = try #require(try await Self.pick(env, owner, id, Self.serviceA).json().string("id"))
            func set(_ who: Person, _ status: String) async throws -> TestResponse {
                try await env.request(.patch, "/api/v1/picks/\(pick)", token: who.token, json: ["status": status])
            }
            #expect(try await set(client, "interested").status == .ok)
            #expect(try await set(client, "declined").status == .ok, "a client may change their mind")
            #expect(try await set(client, "interested").status == .ok)
            #expect(try await set(owner, "started").status == .ok)
            let refused = try await set(client, "declined")
            #expect(refused.status == .conflict && refused.code == "pick.alreadyUnderway")
            #expect(try await Self.picks(env, client, id).first?.string("status") == "started")
            #expect(try await set(client, "applied").status == .forbidden)
        }
    }
}
