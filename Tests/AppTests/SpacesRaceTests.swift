import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Guidance spaces tried as an attacker would: the same write sent twenty times at once, owner
/// actions racing each other, expensive work asked of a caller who may not do it, and odd input.
@Suite("Guidance spaces under attack")
struct SpacesRaceTests {
    /// Runs `count` requests at once and returns their answers.
    func together(_ count: Int, _ make: @escaping @Sendable (Int) async throws -> TestResponse) async throws -> [TestResponse] {
        try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for i in 0..<count { group.addTask { try await make(i) } }
            var out: [TestResponse] = []
            for try await answer in group { out.append(answer) }
            return out
        }
    }

    @Test func twentyIdenticalSendsStoreOneMessage() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            _ = try await env.client("asiakas@example.fi")
            let space = try #require(try await env.openSpace(owner, client: "asiakas@example.fi").string("id"))
            let answers = try await together(20) { _ in try await env.send(owner, space, "sama-1", "Hei, tässä ohjeet.") }
            #expect(answers.allSatisfy { $0.status == .created || $0.status == .ok }, "\(answers.map(\.status))")
            let results = try answers.map { try $0.json() }
            #expect(Set(results.compactMap { $0.string("messageId") }).count == 1)
            #expect(Set(results.compactMap { $0.int("seq") }).count == 1)
            #expect(try await env.count("SELECT COUNT(*) FROM message WHERE space_id = ?", [space]) == 1)
            #expect(try await env.events(owner, space).ofKind("message").count == 1)
        }
    }

    @Test func twentyIdenticalAdditionsMakeOneMember() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            _ = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            _ = try await env.client("asiakas@example.fi")
            let space = try #require(try await env.openSpace(owner, client: "asiakas@example.fi").string("id"))
            let answers = try await together(20) { _ in try await env.addExpert(owner, to: space, "kumppani@b.fi") }
            #expect(answers.filter { $0.status == .created }.count == 1, "\(answers.map(\.status))")
            #expect(answers.filter { $0.status != .created }.allSatisfy { $0.status == .conflict && $0.code == "member.exists" })
            #expect(try await env.space(owner, space).objects("members").filter { $0.string("role") == "expert" }.count == 1)
            #expect(try await env.events(owner, space).ofKind("memberJoined").count == 3)  // owner, client, partner
        }
    }

    @Test func twentyClientsRacingForTheLastPlaceOfAGroupLeaveItFull() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            _ = try await env.client("eka@example.fi")
            for i in 0..<20 { _ = try await env.user("asiakas\(i)@example.fi") }
            let group = try #require(try await env.openGroup(owner, clients: ["eka@example.fi"], maxClients: 2).string("id"))
            let answers = try await together(20) { i in
                try await env.request(
                    .post, "/api/v1/spaces/\(group)/clients", token: owner.token,
                    json: ["email": "asiakas\(i)@example.fi", "consent": ["method": "inPerson"]])
            }
            #expect(answers.filter { $0.status == .created }.count == 1, "\(answers.map(\.status))")
            #expect(answers.filter { $0.status != .created }.allSatisfy { $0.code == "space.full" }, "\(answers.compactMap(\.code))")
            #expect(try await env.space(owner, group).objects("members").filter { $0.string("role") == "client" }.count == 2)
        }
    }

    @Test func racingHandOversLeaveExactlyOneOwner() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            _ = try await env.client("asiakas@example.fi")
            let space = try #require(try await env.openSpace(owner, client: "asiakas@example.fi").string("id"))
            var experts: [Person] = []
            for i in 0..<5 {
                let e = try await env.expert("asiantuntija\(i)@b.fi", org: TestEnv.orgB)
                #expect(try await env.addExpert(owner, to: space, e.email).status == .created)
                experts.append(e)
            }
            let targets = experts
            // Twenty hand-overs to five different experts, each checked before any of them acts.
            let answers = try await together(20) { i in
                try await env.request(
                    .post, "/api/v1/spaces/\(space)/owner", token: owner.token, json: ["userId": targets[i % targets.count].id])
            }
            #expect(answers.filter { $0.status == .ok }.count == 1, "\(answers.map(\.status))")
            #expect(answers.filter { $0.status != .ok }.allSatisfy { $0.status == .forbidden }, "\(answers.compactMap(\.code))")
            let members = try await env.space(owner, space).objects("members")
            #expect(members.filter { $0.string("role") == "owner" }.count == 1)
            #expect(try await env.count("SELECT COUNT(*) FROM space_member WHERE space_id = ? AND role = 'owner'", [space]) == 1)
            #expect(try await env.events(owner, space).ofKind("ownerChanged").count == 1)
        }
    }

    @Test func aFormerOwnerCannotActOnACheckMadeBeforeTheHandOver() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let next = try await env.expert("seuraaja@b.fi", org: TestEnv.orgB)
            let third = try await env.expert("kolmas@b.fi", org: TestEnv.orgB)
            _ = try await env.client("asiakas@example.fi")
            let space = try #require(try await env.openSpace(owner, client: "asiakas@example.fi").string("id"))
            for e in [next, third] { #expect(try await env.addExpert(owner, to: space, e.email).status == .created) }
            // The hand-over and twenty removals at once: removals that ran before it are fine,
            // none after it; the new owner is never removed by the old one.
            let answers = try await together(21) { i in
                if i == 0 {
                    return try await env.request(.post, "/api/v1/spaces/\(space)/owner", token: owner.token, json: ["userId": next.id])
                }
                return try await env.request(.delete, "/api/v1/spaces/\(space)/members/\(next.id)", token: owner.token)
            }
            let members = try await env.space(third, space).objects("members")
            let owners = members.filter { $0.string("role") == "owner" }.compactMap { $0.string("userId") }
            #expect(owners.count == 1)
            if owners == [next.id] {
                // The hand-over won: every removal of the new owner was refused.
                #expect(!answers.dropFirst().contains { $0.status == .noContent || $0.status == .ok })
            } else {
                // A removal won: the hand-over found no such expert; the old owner still owns it.
                #expect(owners == [owner.id])
                #expect(!members.contains { $0.string("userId") == next.id })
            }
            #expect(try await env.count("SELECT COUNT(*) FROM space_member WHERE space_id = ? AND role = 'owner'", [space]) == 1)
        }
    }

    @Test func twentyLeavesMakeOneEvent() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            _ = try await env.client("asiakas@example.fi")
            let space = try #require(try await env.openSpace(owner, client: "asiakas@example.fi").string("id"))
            #expect(try await env.addExpert(owner, to: space, partner.email).status == .created)
            let answers = try await together(20) { _ in
                try await env.request(.post, "/api/v1/spaces/\(space)/leave", token: partner.token)
            }
            #expect(answers.filter { $0.status.code < 300 }.count == 1, "\(answers.map(\.status))")
            #expect(answers.filter { $0.status.code >= 300 }.allSatisfy { $0.status == .notFound })
            #expect(try await env.events(owner, space).ofKind("memberLeft").count == 1)
        }
    }

    @Test func anOutsidersUploadIsRefusedBeforeItsBodyIsRead() async throws {
        try await TestEnv.run(
            adjust: { $0.maxUploadMB = 1 },
            { env in
                let owner = try await env.expert("omistaja@a.fi")
                let outsider = try await env.expert("ulkopuolinen@b.fi", org: TestEnv.orgB)
                _ = try await env.client("asiakas@example.fi")
                let space = try #require(try await env.openSpace(owner, client: "asiakas@example.fi").string("id"))
                // A body over the limit: an outsider learns nothing of the limit or the space, and the
                // server stores nothing; had it read the body first, the answer would be 413.
                var headers = HTTPFields()
                headers[.cookie] = "session=\(outsider.token)"
                headers[.origin] = testOrigin
                headers[.contentType] = "multipart/form-data; boundary=x"
                let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 2 * 1024 * 1024)
                let answer = try await env.client.execute(uri: "/api/v1/spaces/\(space)/files", method: .post, headers: headers, body: big)
                #expect(answer.status == .notFound && answer.code == "space.notFound")
                #expect(((try? FileManager.default.contentsOfDirectory(atPath: env.config.filesDir.path)) ?? []).isEmpty)
                // A member sending the same gets the limit.
                headers[.cookie] = "session=\(owner.token)"
                let member = try await env.client.execute(uri: "/api/v1/spaces/\(space)/files", method: .post, headers: headers, body: big)
                #expect(member.status.code == 400 || member.status.code == 413, "\(member.status)")
            })
    }

    @Test func oddEventQueriesGetAClearError() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            _ = try await env.client("asiakas@example.fi")
            let space = try #require(try await env.openSpace(owner, client: "asiakas@example.fi").string("id"))
            for query in [
                "after=-1", "after=abc", "after=1e3", "after=99999999999999999999999", "before=0", "before=-5", "limit=0",
                "limit=-1", "limit=100000", "limit=x", "after=1&before=5", "after=%00", "after=", "before=",
            ] {
                let r = try await env.request(.get, "/api/v1/spaces/\(space)/events?\(query)", token: owner.token)
                #expect(r.status == .badRequest || r.status == .ok || r.status == .unprocessableContent, "\(query): \(r.status)")
                if r.status != .ok { #expect(r.code != nil, "\(query) has no code") }
            }
            // A space id that is not one, and one far too long, are simply not found (a path the
            // router will not take apart is a bad request); never a server error.
            for id in ["..%2F..%2Fetc", String(repeating: "a", count: 5000), "%00", "'%20OR%201=1%20--"] {
                let r = try await env.request(.get, "/api/v1/spaces/\(id)/events", token: owner.token)
                #expect(r.status == .notFound || r.status == .badRequest, "\(id.prefix(20)): \(r.status)")
                #expect(r.code != nil, "\(id.prefix(20)) has no code")
            }
            // The space still answers as before.
            #expect(try await env.events(owner, space).count >= 2)
        }
    }
}
