import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WSClient

@testable import App

extension Frame {
    var isEvent: Bool { type == "event" }
}

/// The realtime protocol over a real WebSocket (`TestEnv.run(live: true)`).
@Suite("Realtime over a live WebSocket")
struct RealtimeTests {
    /// An owner, a client and their one-to-one space (events 1–3: opened, owner joined, client joined).
    func setUp(_ env: TestEnv) async throws -> (expert: Person, client: Person, space: String) {
        let expert = try await env.expert("asiantuntija@a.fi")
        let client = try await env.client("asiakas@example.fi")
        let space = try #require(try await env.openSpace(expert, client: client.email, title: "Ohjaus").string("id"))
        return (expert, client, space)
    }

    func sendFrame(_ socket: TestSocket, _ space: String, _ clientMessageId: String, _ body: String, privateTo: String? = nil) {
        var frame: JSON = ["type": "send", "spaceId": space, "clientMessageId": clientMessageId, "body": body]
        if let privateTo { frame["privateTo"] = privateTo }
        socket.send(frame)
    }

    func ack(_ socket: TestSocket, _ clientMessageId: String) async throws -> Frame? {
        try await socket.next { $0.type == "ack" && $0.json.string("clientMessageId") == clientMessageId }
    }

    @Test func helloGetsAWelcomeAndThenLiveEvents() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            let second = try #require(try await env.openSpace(expert, client: client.email, title: "Toinen").string("id"))
            let socket = try await TestSocket.connect(env, token: client.token)
            let welcome = try await socket.hello()
            #expect(welcome.json.string("userId") == client.id)
            #expect((welcome.json["spaces"] as? [String]).map(Set.init) == Set([space, second]))
            socket.send(["type": "ping"])
            #expect(try await socket.next(type: "pong") != nil)

            _ = try await env.sent(expert, space, "m1", "Hei reaaliajassa")
            let event = try #require(try await socket.event(space))
            #expect(event.kind == "message" && event.seq == 4 && event.json.string("actorId") == expert.id)
            #expect(event.data.string("body") == "Hei reaaliajassa" && event.data.string("senderId") == expert.id)
            #expect(event.data.string("clientMessageId") == "m1" && isoDate(event.json.string("createdAt")) != nil)
            // Nothing was replayed: the hello named no space to resume.
            #expect(try await socket.drain().filter(\.isEvent).isEmpty)
            socket.close()
        }
    }

    @Test func aResumeReplaysExactlyTheMissingEventsThenLiveOnes() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            _ = try await env.sent(expert, space, "m1", "Yksi")
            let first = try await TestSocket.connect(env, token: client.token)
            _ = try await first.hello(resume: [space: 0])
            let replayed = try await first.take(4) { $0.isEvent && $0.spaceId == space }
            #expect(replayed.compactMap(\.seq) == [1, 2, 3, 4])
            #expect(replayed.last?.data.string("body") == "Yksi")
            first.close()
            #expect(try await first.waitClosed(timeout: .seconds(20)))

            // While the client is away, three messages come over HTTP.
            for i in 2...4 { _ = try await env.sent(expert, space, "m\(i)", "Viesti \(i)") }
            let second = try await TestSocket.connect(env, token: client.token)
            _ = try await second.hello(resume: [space: 4])
            let missing = try await second.take(3) { $0.isEvent && $0.spaceId == space }
            #expect(missing.compactMap(\.seq) == [5, 6, 7])
            #expect(missing.map { $0.data.string("body") ?? "" } == ["Viesti 2", "Viesti 3", "Viesti 4"])
            _ = try await env.sent(expert, space, "m5", "Viesti 5")
            let live = try #require(try await second.event(space))
            #expect(live.seq == 8 && live.data.string("body") == "Viesti 5")
            let rest = try await second.drain(after: .milliseconds(500)).filter(\.isEvent)
            #expect(rest.isEmpty, "no duplicate: \(rest)")
            second.close()
        }
    }

    @Test func aResumeDuringASendingBurstHasNoGapAndNoDuplicate() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            let sender = try await TestSocket.connect(env, token: expert.token)
            _ = try await sender.hello()
            for i in 1...30 { sendFrame(sender, space, "burst-\(i)", "Viesti \(i)") }
            // The client comes back while the messages are being stored.
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello(resume: [space: 3])
            let events = try await socket.take(30, timeout: .seconds(30)) { $0.isEvent && $0.spaceId == space }
            #expect(events.compactMap(\.seq) == Array(4...33))
            #expect(events.map { $0.data.string("body") ?? "" } == (1...30).map { "Viesti \($0)" })
            #expect(try await socket.drain(after: .milliseconds(500)).filter(\.isEvent).isEmpty)
            sender.close()
            socket.close()
        }
    }

    @Test func concurrentSendersKeepEverySpaceGapFreeAndInOrder() async throws {
        try await TestEnv.run(live: true) { env in
            let owner = try await env.expert("omistaja@a.fi")
            let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            let c1 = try await env.client("c1@example.fi")
            let c2 = try await env.client("c2@example.fi")
            let s1 = try #require(try await env.openSpace(owner, client: c1.email).string("id"))
            let s2 = try #require(try await env.openSpace(owner, client: c2.email).string("id"))
            for space in [s1, s2] { #expect(try await env.addExpert(owner, to: space, partner.email).status == .created) }
            // Each space has events 1–4 now.
            let people = [owner, partner, c1, c2]
            var sockets: [TestSocket] = []
            for person in people {
                let socket = try await TestSocket.connect(env, token: person.token)
                _ = try await socket.hello()
                sockets.append(socket)
            }
            let perSocket = 20
            for (n, socket) in sockets.enumerated() {
                for i in 0..<perSocket {
                    let space = n == 2 ? s1 : n == 3 ? s2 : (i.isMultiple(of: 2) ? s1 : s2)
                    sendFrame(socket, space, "s\(n)-\(i)", "Viesti \(n).\(i)")
                }
            }
            var acks: [String: [Int]] = [:]
            for socket in sockets {
                let got = try await socket.take(perSocket, timeout: .seconds(60)) { $0.type == "ack" }
                #expect(got.count == perSocket)
                for ack in got { acks[ack.spaceId ?? "", default: []].append(ack.seq ?? 0) }
            }
            let expected = Array(5...44)
            #expect(acks[s1]?.sorted() == expected && acks[s2]?.sorted() == expected, "every message has its own seq")

            let sees: [(Int, [String])] = [(0, [s1, s2]), (1, [s1, s2]), (2, [s1]), (3, [s2])]
            for (n, spaces) in sees {
                let events = try await sockets[n].take(spaces.count * 40, timeout: .seconds(30)) { $0.isEvent }
                for space in spaces {
                    let seqs = events.filter { $0.spaceId == space }.compactMap(\.seq)
                    #expect(seqs == expected, "socket \(n) in \(space == s1 ? "s1" : "s2"): \(seqs)")
                }
                #expect(events.allSatisfy { spaces.contains($0.spaceId ?? "") })
            }
            for space in [s1, s2] {
                let seqs = try await env.events(owner, space).seqs
                #expect(seqs == Array(1...44))
            }
            for socket in sockets { socket.close() }
        }
    }

    @Test func aMemberAddedWhileConnectedGetsTheSpaceFromTheirJoining() async throws {
        try await TestEnv.run(live: true) { env in
            let (owner, client, space) = try await setUp(env)
            let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            _ = try await env.sent(client, space, "m1", "Ennen")
            let socket = try await TestSocket.connect(env, token: partner.token)
            #expect(try await socket.hello().json["spaces"] as? [String] == [])
            #expect(try await env.addExpert(owner, to: space, partner.email, history: "fromNow").status == .created)
            let joined = try #require(try await socket.event(space))
            #expect(joined.kind == "memberJoined" && joined.seq == 5 && joined.data.string("userId") == partner.id)
            _ = try await env.sent(client, space, "m2", "Jälkeen")
            let message = try #require(try await socket.event(space))
            #expect(message.seq == 6 && message.data.string("body") == "Jälkeen")
            // The socket may write there now.
            sendFrame(socket, space, "p1", "Hei kaikille")
            #expect(try await ack(socket, "p1")?.seq == 7)
            #expect(try await socket.drain().filter(\.isEvent).allSatisfy { ($0.seq ?? 0) > 4 })
            socket.close()
        }
    }

    @Test func anExpertsReplayIsInTheAccessLog() async throws {
        try await TestEnv.run(live: true) { env in
            let (owner, client, space) = try await setUp(env)
            let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            #expect(try await env.addExpert(owner, to: space, partner.email).status == .created)
            _ = try await env.sent(client, space, "m1", "Hei")
            env.time.advance(by: 60)
            let socket = try await TestSocket.connect(env, token: partner.token)
            _ = try await socket.hello(resume: [space: 0])
            #expect(try await socket.take(5) { $0.isEvent }.count == 5)
            let latest = try await env.request(.get, "/api/v1/spaces/\(space)/access-log", token: client.token).items().first
            #expect(latest?.string("readerId") == partner.id && latest?.string("kind") == "messages")
            #expect(isoDate(latest?.string("readAt")) == env.time.now)
            socket.close()
        }
    }

    /// A socket does not wait for one send's commit before reading its next frame (the sends share
    /// group commits), yet its messages are stored in the order sent, and a refused one among them is
    /// answered with its own error and leaves no gap.
    @Test func pipelinedSendsOfOneSocketAreStoredInTheOrderSent() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            for i in 1...30 { sendFrame(socket, space, "p\(i)", i == 10 ? "   " : "Viesti \(i)") }
            let answers = try await socket.take(30, timeout: .seconds(30)) { $0.type == "ack" || $0.type == "error" }
            let refused = answers.filter { $0.type == "error" }
            #expect(refused.count == 1 && refused.first?.json.string("clientMessageId") == "p10")
            #expect(refused.first?.code == "request.validation")
            let acks = answers.filter { $0.type == "ack" }
            let seqOf = Dictionary(uniqueKeysWithValues: acks.map { ($0.json.string("clientMessageId") ?? "", $0.seq ?? 0) })
            let sent = (1...30).filter { $0 != 10 }.map { "p\($0)" }
            #expect(sent.map { seqOf[$0] ?? 0 } == Array(4...32), "seqs follow the order sent")
            let stored = try await env.events(expert, space).ofKind("message").map { $0.object("data")?.string("body") ?? "" }
            #expect(stored == (1...30).filter { $0 != 10 }.map { "Viesti \($0)" })
            socket.close()
        }
    }

    @Test func theSameSendTwentyTimesAtOnceIsStoredOnce() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            // Pipelined, so the twenty land in the writer's queue together, most in one batch.
            for _ in 1...20 { sendFrame(socket, space, "sama", "Sama viesti") }
            let acks = try await socket.take(20, timeout: .seconds(30)) { $0.type == "ack" || $0.type == "error" }
            #expect(acks.allSatisfy { $0.type == "ack" })
            #expect(Set(acks.compactMap(\.seq)).count == 1 && Set(acks.map { $0.json.string("messageId") ?? "" }).count == 1)
            #expect(try await env.count("SELECT COUNT(*) FROM message") == 1)
            #expect(try await env.events(expert, space).ofKind("message").count == 1)
            socket.close()
        }
    }

    @Test func aResendOverTheSocketGetsTheSameAck() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            sendFrame(socket, space, "x1", "Hei")
            let first = try #require(try await ack(socket, "x1"))
            sendFrame(socket, space, "x1", "Hei")
            let second = try #require(try await ack(socket, "x1"))
            #expect(first.seq == 4 && second.seq == first.seq)
            #expect(first.json.string("messageId") != nil && second.json.string("messageId") == first.json.string("messageId"))
            #expect(first.spaceId == space)
            let http = try await env.send(client, space, "x1", "Hei")
            #expect(http.status == .ok)
            #expect(try http.json().int("seq") == first.seq)
            #expect(try await env.events(expert, space).ofKind("message").count == 1)
            // The one message reached the socket once.
            let events = try await socket.drain().filter(\.isEvent)
            #expect(events.compactMap(\.seq) == [4])
            socket.close()
        }
    }

    @Test func editDeleteReadAndTypingFrames() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            let e = try await TestSocket.connect(env, token: expert.token)
            let c = try await TestSocket.connect(env, token: client.token)
            _ = try await e.hello()
            _ = try await c.hello()

            sendFrame(e, space, "m1", "Alku")
            let ack = try #require(try await ack(e, "m1"))
            let messageId = try #require(ack.json.string("messageId"))
            #expect(try await c.event(space)?.data.string("body") == "Alku")

            e.send(["type": "edit", "spaceId": space, "messageId": messageId, "body": "Korjattu", "requestId": "r1"])
            let edited = try #require(try await e.next { $0.type == "ack" && $0.json.string("requestId") == "r1" })
            #expect(edited.seq == 5 && edited.spaceId == space)
            let editEvent = try #require(try await c.event(space))
            #expect(editEvent.kind == "messageEdited" && editEvent.seq == 5)
            #expect(editEvent.data.string("body") == "Korjattu" && editEvent.data.string("messageId") == messageId)

            // Only the author edits.
            c.send(["type": "edit", "spaceId": space, "messageId": messageId, "body": "Minun", "requestId": "r-c"])
            let refused = try #require(try await c.next(type: "error"))
            #expect(refused.code == "access.forbidden" && refused.json.string("requestId") == "r-c")

            e.send(["type": "delete", "spaceId": space, "messageId": messageId, "requestId": "r2"])
            let deleted = try #require(try await e.next { $0.type == "ack" && $0.json.string("requestId") == "r2" })
            #expect(deleted.seq == 6)
            let deleteEvent = try #require(try await c.event(space))
            #expect(deleteEvent.kind == "messageDeleted" && deleteEvent.data.string("messageId") == messageId)
            let message = try await env.events(client, space).ofKind("message").first?.object("data")
            #expect(message?["deleted"] as? Bool == true && message?.isNull("body") == true)

            c.send(["type": "read", "spaceId": space, "seq": 6])
            let read = try #require(try await e.next(type: "read"))
            #expect(read.spaceId == space && read.json.string("userId") == client.id && read.seq == 6)
            #expect(try await env.space(client, space).int("readSeq") == 6)
            c.send(["type": "read", "spaceId": space, "seq": 2])
            let back = try await e.next(timeout: .seconds(2)) { $0.type == "read" }
            #expect(back == nil || back?.seq == 6, "a read position never moves back: \(back.map(\.text) ?? "")")
            #expect(try await env.space(client, space).int("readSeq") == 6)

            _ = try await c.drain()
            c.send(["type": "typing", "spaceId": space])
            let typing = try #require(try await e.next(type: "typing"))
            #expect(typing.spaceId == space && typing.json.string("userId") == client.id)
            #expect(typing.json.string("displayName") == client.name)
            #expect(try await c.drain().filter { $0.type == "typing" }.isEmpty, "one's own typing is not echoed")
            // Typing is not stored.
            #expect(try await env.space(expert, space).int("lastSeq") == 6)
            #expect(try await env.events(expert, space).allSatisfy { $0.string("kind") != "typing" })
            e.close()
            c.close()
        }
    }

    @Test func everyFrameIsAuthorised() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            let stranger = try await env.expert("vieras@b.fi", org: TestEnv.orgB)
            let other = try await env.client("toinen@example.fi")
            let foreign = try #require(try await env.openSpace(stranger, client: other.email).string("id"))
            let foreignMessage = try #require(try await env.sent(other, foreign, "f1", "Ei sinulle").string("messageId"))

            let socket = try await TestSocket.connect(env, token: client.token)
            let welcome = try await socket.hello(resume: [space: 0, foreign: 0])
            #expect(welcome.json["spaces"] as? [String] == [space])
            let resumeError = try #require(try await socket.next(type: "error"))
            #expect(resumeError.code == "space.notFound" && resumeError.spaceId == foreign)

            sendFrame(socket, foreign, "f2", "Tunkeutuja")
            let sendError = try #require(try await socket.next(type: "error"))
            #expect(sendError.code == "space.notFound" && sendError.spaceId == foreign)
            #expect(sendError.json.string("clientMessageId") == "f2")
            for frame: JSON in [
                ["type": "read", "spaceId": foreign, "seq": 1], ["type": "typing", "spaceId": foreign],
                ["type": "edit", "spaceId": foreign, "messageId": foreignMessage, "body": "x", "requestId": "e1"],
                ["type": "delete", "spaceId": foreign, "messageId": foreignMessage, "requestId": "d1"],
            ] {
                socket.send(frame)
                let error = try #require(try await socket.next(type: "error"), "\(frame)")
                #expect(error.code == "space.notFound", "\(frame)")
            }
            // Nothing of the other space reached the socket, nor was anything written there.
            let frames = try await socket.drain()
            #expect(frames.allSatisfy { $0.spaceId != foreign || $0.type == "error" })
            let foreignEvents = try await env.events(stranger, foreign)
            #expect(foreignEvents.ofKind("message").count == 1 && foreignEvents.ofKind("messageEdited").isEmpty)
            #expect(foreignEvents.ofKind("messageDeleted").isEmpty)
            _ = try await env.sent(stranger, foreign, "f3", "Vieläkään ei sinulle")
            _ = try await env.sent(expert, space, "m1", "Sinulle")
            let next = try #require(try await socket.next(type: "event"))
            #expect(next.spaceId == space && next.data.string("body") == "Sinulle")
            socket.close()
        }
    }

    @Test func aClosedSpaceRefusesWritesOverTheSocket() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            let closed = try await env.request(.post, "/api/v1/spaces/\(space)/close", token: expert.token, json: ["outcome": "tyossa"])
            #expect(closed.status == .ok)
            let event = try #require(try await socket.event(space))
            #expect(event.kind == "spaceClosed")
            sendFrame(socket, space, "late", "Vielä yksi")
            let error = try #require(try await socket.next(type: "error"))
            #expect(error.code == "space.closed" && error.json.string("clientMessageId") == "late")
            socket.send(["type": "typing", "spaceId": space])
            #expect(try await socket.next(type: "error")?.code == "space.closed")
            #expect(try await env.events(expert, space).ofKind("message").isEmpty)
            socket.close()
        }
    }

    @Test func signingOutOrRevokingTheSessionClosesItsSockets() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            let other = try await env.login(client.email)
            let third = try await env.login(client.email)
            let byLogout = try await TestSocket.connect(env, token: client.token)
            let byRevoke = try await TestSocket.connect(env, token: other)
            _ = try await byLogout.hello()
            _ = try await byRevoke.hello()

            #expect(try await env.request(.post, "/api/v1/auth/logout", token: client.token).status == .noContent)
            #expect(try await byLogout.waitClosed(timeout: .seconds(20)), "the signed-out session's socket is still open")
            // The other session's socket goes on.
            _ = try await env.sent(expert, space, "m1", "Hei")
            #expect(try await byRevoke.event(space)?.data.string("body") == "Hei")

            let sessions = try await env.request(.get, "/api/v1/me/sessions", token: other).items()
            let sessionId = try #require(sessions.first { $0["current"] as? Bool == true }?.string("id"))
            #expect(try await env.request(.delete, "/api/v1/me/sessions/\(sessionId)", token: third).status == .noContent)
            #expect(try await byRevoke.waitClosed(timeout: .seconds(20)), "the revoked session's socket is still open")

            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                _ = try await TestSocket.connect(env, token: client.token)
            }
        }
    }

    /// A socket whose session has ended acts on no frame that arrives while its close is on the way.
    @Test func aSocketWhoseSessionEndedActsOnNothingMore() async throws {
        try await TestEnv.run(live: true) { env in
            let (_, client, space) = try await setUp(env)
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            let sessions = try await env.request(.get, "/api/v1/me/sessions", token: client.token).items()
            let sessionId = try #require(sessions.first { $0["current"] as? Bool == true }?.string("id"))
            env.components.hub.sessionEnded(sessionId, userId: client.id)
            for i in 0..<5 { sendFrame(socket, space, "late-\(i)", "Liian myöhään") }
            #expect(try await socket.waitClosed(timeout: .seconds(20)))
            #expect(try await env.count("SELECT COUNT(*) FROM message WHERE client_message_id LIKE 'late-%'") == 0)
        }
    }

    @Test func writingOverTheSocketKeepsTheSessionAlive() async throws {
        try await TestEnv.run(live: true) { env in
            let (_, client, space) = try await setUp(env)
            let idle = try await env.login(client.email)  // signed in at the same moment, never used
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            // Seven hours of the eight-hour idle timeout pass, then the client writes over the socket.
            env.time.advance(by: 7 * 3600)
            sendFrame(socket, space, "k1", "Olen vielä täällä.")
            #expect(try await ack(socket, "k1") != nil)
            env.time.advance(by: 2 * 3600)
            #expect(try await env.request(.get, "/api/v1/me", token: client.token).status == .ok)
            #expect(try await env.request(.get, "/api/v1/me", token: idle).status == .unauthorized)
            socket.close()
        }
    }

    @Test func aRemovedMemberIsToldAndCutOff() async throws {
        try await TestEnv.run(live: true) { env in
            let (owner, client, space) = try await setUp(env)
            let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            #expect(try await env.addExpert(owner, to: space, partner.email).status == .created)
            let socket = try await TestSocket.connect(env, token: partner.token)
            let welcome = try await socket.hello()
            #expect(welcome.json["spaces"] as? [String] == [space])
            _ = try await env.sent(client, space, "m1", "Ennen poistoa")
            #expect(try await socket.event(space)?.data.string("body") == "Ennen poistoa")

            let removed = try await env.request(.delete, "/api/v1/spaces/\(space)/members/\(partner.id)", token: owner.token)
            #expect(removed.status == .noContent)
            let notice = try #require(try await socket.next(timeout: .seconds(20)) { $0.type == "removed" })
            #expect(notice.spaceId == space)
            #expect(try await socket.waitClosed(timeout: .seconds(20)), "the removed member's socket is still open")
            _ = try await env.sent(client, space, "m2", "Poiston jälkeen")
            let after = try await socket.drain()
            #expect(after.allSatisfy { !$0.isEvent }, "events after the removal: \(after)")

            // Coming back does not bring the space back.
            let again = try await TestSocket.connect(env, token: partner.token)
            #expect(try await again.hello().json["spaces"] as? [String] == [])
            sendFrame(again, space, "m3", "Yritän vielä")
            #expect(try await again.next(type: "error")?.code == "space.notFound")
            again.close()
        }
    }

    @Test func aFrameOver64KBIsRefused() async throws {
        try await TestEnv.run(live: true) { env in
            let (_, client, space) = try await setUp(env)
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            sendFrame(socket, space, "huge", String(repeating: "a", count: 70_000))
            // The server closes the socket (or answers an error); a loaded test machine may take seconds to do so.
            let error = try await socket.next(timeout: .seconds(20)) { $0.type == "error" }
            let closed = socket.isClosed
            #expect(closed || error != nil, "a 70 KB frame was neither refused nor closed the connection")
            #expect(try await env.count("SELECT COUNT(*) FROM message") == 0)
            if !closed { socket.close() }
        }
    }

    @Test func aBurstOfMoreThan40FramesIsRateLimited() async throws {
        try await TestEnv.run(live: true) { env in
            let (_, client, _) = try await setUp(env)
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            for _ in 0..<60 { socket.send(["type": "ping"]) }
            let answers = try await socket.take(60, timeout: .seconds(10)) { $0.type == "pong" || $0.type == "error" }
            let limited = answers.filter { $0.code == "rate.limited" }.count
            let pongs = answers.filter { $0.type == "pong" }.count
            #expect(answers.count == 60)
            #expect(limited >= 10, "only \(limited) of 60 frames were limited")
            #expect(pongs >= 39 && pongs <= 50, "\(pongs) pongs")
            // The bucket refills (on the server's clock, so a slow machine cannot refill it mid-burst).
            env.time.advance(by: 1)
            socket.send(["type": "ping"])
            #expect(try await socket.next(type: "pong") != nil)
            #expect(!socket.isClosed)
            socket.close()
        }
    }

    @Test func aSocketTheClientClosesLeavesTheHub() async throws {
        try await TestEnv.run(live: true) { env in
            let (_, client, _) = try await setUp(env)
            let hub = env.components.hub
            let before = hub.connectionCount
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            #expect(hub.connectionCount == before + 1)
            socket.close()
            #expect(try await socket.waitClosed(timeout: .seconds(20)))
            var left = false
            for _ in 0..<100 where !left {
                left = hub.connectionCount == before
                if !left { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(left, "the closed socket is still in the hub")
        }
    }

    /// No server pings: a socket that sends nothing for the idle timeout is closed (a dead peer), and
    /// one that pings, as the web client does, stays.
    @Test func aSocketSilentForTheIdleTimeoutIsClosedAndOneThatPingsStays() async throws {
        try await TestEnv.run(
            live: true, adjust: { $0.socketIdleTimeout = 3 },
            { env in
                let (_, client, _) = try await setUp(env)
                let hub = env.components.hub
                let before = hub.connectionCount
                let quiet = try await TestSocket.connect(env, token: client.token)
                _ = try await quiet.hello()
                let talking = try await TestSocket.connect(env, token: client.token)
                _ = try await talking.hello()
                // Pings more often than the idle timeout, with room for a busy machine (the whole suite
                // runs in parallel on two cores).
                for _ in 0..<8 {
                    talking.send(["type": "ping"])
                    #expect(try await talking.next(type: "pong") != nil)
                    try await Task.sleep(for: .milliseconds(400))
                }
                #expect(try await quiet.waitClosed(timeout: .seconds(5)), "a silent socket stays open")
                #expect(!talking.isClosed)
                var left = false
                for _ in 0..<100 where !left {
                    left = hub.connectionCount == before + 1
                    if !left { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(left, "the closed socket is still in the hub")
                talking.close()
            })
    }

    @Test func theFrameRateIsTheServersSetting() async throws {
        try await TestEnv.run(
            live: true, adjust: { $0.socketFrameRate = 5 },
            { env in
                let (_, client, _) = try await setUp(env)
                let socket = try await TestSocket.connect(env, token: client.token)
                _ = try await socket.hello()
                for _ in 0..<20 { socket.send(["type": "ping"]) }
                let answers = try await socket.take(20, timeout: .seconds(10)) { $0.type == "pong" || $0.type == "error" }
                let pongs = answers.filter { $0.type == "pong" }.count
                #expect(answers.count == 20)
                #expect(pongs >= 9 && pongs <= 14, "a burst of 10 at 5 frames a second, \(pongs) pongs")
                #expect(answers.filter { $0.code == "rate.limited" }.count == 20 - pongs)
                socket.close()
            })
    }

    @Test func invalidFramesGetFrameInvalid() async throws {
        try await TestEnv.run(live: true) { env in
            let (_, client, space) = try await setUp(env)
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            // Odd input too: JSON nested 20,000 deep (within 64 KB), a lone surrogate, a NUL byte.
            let deep = "{\"type\": \"send\", \"x\": " + String(repeating: "[", count: 20000) + String(repeating: "]", count: 20000) + "}"
            for text in [
                "not json", "{\"type\": 5}", "[1, 2]", "{\"spaceId\": \"\(space)\"}", deep, "{\"type\": \"\\ud800\"}",
                "{\"type\": \"send\u{0000}\"}",
            ] {
                socket.sendText(text)
                #expect(try await socket.next(type: "error")?.code == "frame.invalid", "\(text.prefix(40))")
            }
            socket.send(["type": "dance", "spaceId": space])
            #expect(try await socket.next(type: "error")?.code == "frame.invalid")
            sendFrame(socket, space, "long", String(repeating: "a", count: 8001))
            let long = try #require(try await socket.next(type: "error"))
            #expect(long.code == "message.tooLong" && long.json.string("clientMessageId") == "long")
            // The connection goes on.
            socket.send(["type": "ping"])
            #expect(try await socket.next(type: "pong") != nil)
            socket.close()
        }
    }

    /// A frame of an unknown type is an invalid frame, also when it names no space.
    @Test func anUnknownFrameTypeWithoutASpaceIsFrameInvalid() async throws {
        try await TestEnv.run(live: true) { env in
            let (_, client, _) = try await setUp(env)
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            socket.send(["type": "dance"])
            let error = try await socket.next(type: "error")
            #expect(error?.code == "frame.invalid", "got \(error?.code ?? "nothing")")
            socket.close()
        }
    }

    @Test func upgradesWithoutASessionOrFromAnotherOriginAreRefused() async throws {
        try await TestEnv.run(live: true) { env in
            let (_, client, _) = try await setUp(env)
            // With the session cookie and our own origin it works.
            let ok = try await TestSocket.connect(env, token: client.token)
            #expect(try await ok.hello().json.string("userId") == client.id)
            ok.close()

            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                _ = try await TestSocket.connect(env, token: nil)
            }
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                _ = try await TestSocket.connect(env, token: String(repeating: "x", count: 43))
            }
            // Another origin: the same server reached by another name (Origin: http://127.0.0.1).
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                _ = try await TestSocket.connect(env, token: client.token, host: "127.0.0.1")
            }
            // An extra Origin header of another site.
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                _ = try await TestSocket.connect(env, token: client.token, headers: [.origin: "http://evil.example"])
            }
        }
    }

    @Test func aDirectMessageReachesOnlyItsClientAndTheExpertsLive() async throws {
        try await TestEnv.run(live: true) { env in
            let owner = try await env.expert("omistaja@a.fi")
            let c1 = try await env.client("c1@example.fi")
            let c2 = try await env.client("c2@example.fi")
            let space = try #require(try await env.openGroup(owner, clients: [c1.email, c2.email]).string("id"))
            var sockets: [TestSocket] = []
            for person in [owner, c1, c2] {
                let socket = try await TestSocket.connect(env, token: person.token)
                _ = try await socket.hello()
                sockets.append(socket)
            }
            let (e, s1, s2) = (sockets[0], sockets[1], sockets[2])

            sendFrame(e, space, "p1", "Vain sinulle", privateTo: c1.id)
            let privateSeq = try #require(try await ack(e, "p1")?.seq)
            for socket in [e, s1] {
                let event = try #require(try await socket.event(space))
                #expect(event.seq == privateSeq && event.json.string("audienceId") == c1.id)
                #expect(event.data.string("body") == "Vain sinulle")
            }
            sendFrame(e, space, "all", "Kaikille")
            let publicSeq = try #require(try await ack(e, "all")?.seq)
            #expect(publicSeq == privateSeq + 1)
            let seen = try #require(try await s2.event(space))
            #expect(seen.seq == publicSeq && seen.data.string("body") == "Kaikille")
            #expect(try await s2.drain().allSatisfy { $0.seq != privateSeq })

            // A client cannot write privately to another client, over the socket either.
            sendFrame(s1, space, "p2", "Sinulle", privateTo: c2.id)
            let refused = try #require(try await s1.next(type: "error"))
            #expect(refused.code == "request.validation" && refused.json.string("clientMessageId") == "p2")
            // A private typing notice reaches the experts, not the other client.
            _ = try await e.drain()
            s1.send(["type": "typing", "spaceId": space, "privateTo": c1.id])
            #expect(try await e.next(type: "typing")?.json.string("userId") == c1.id)
            #expect(try await s2.drain().allSatisfy { $0.type != "typing" })
            for socket in sockets { socket.close() }
        }
    }

    @Test func aClientViewingTheSpaceGetsNoNotification() async throws {
        try await TestEnv.run(live: true) { env in
            let (expert, client, space) = try await setUp(env)
            #expect(
                try await env.request(.post, "/api/v1/notifications/read", token: client.token, json: ["all": true]).status == .noContent)
            let socket = try await TestSocket.connect(env, token: client.token)
            _ = try await socket.hello()
            socket.send(["type": "view", "spaceId": space])
            socket.send(["type": "ping"])
            #expect(try await socket.next(type: "pong") != nil)
            _ = try await env.sent(expert, space, "m1", "Näet tämän heti")
            #expect(try await socket.event(space) != nil)
            let count = "/api/v1/notifications/unread-count"
            #expect(try await env.request(.get, count, token: client.token).json().int("unread") == 0)

            socket.send(["type": "view", "spaceId": NSNull()])
            socket.send(["type": "ping"])
            #expect(try await socket.next(type: "pong") != nil)
            _ = try await env.sent(expert, space, "m2", "Tästä tulee ilmoitus")
            #expect(try await env.request(.get, count, token: client.token).json().int("unread") == 1)
            socket.close()
        }
    }

    /// Clients of a group space see each other's names only, so not how far another client has read.
    @Test func aClientDoesNotSeeAnotherClientsReadPosition() async throws {
        try await TestEnv.run(live: true) { env in
            let owner = try await env.expert("omistaja@a.fi")
            let c1 = try await env.client("c1@example.fi")
            let c2 = try await env.client("c2@example.fi")
            let space = try #require(try await env.openGroup(owner, clients: [c1.email, c2.email]).string("id"))
            _ = try await env.sent(owner, space, "m1", "Tervetuloa")
            let e = try await TestSocket.connect(env, token: owner.token)
            let other = try await TestSocket.connect(env, token: c2.token)
            _ = try await e.hello()
            _ = try await other.hello()
            let seq = try #require(try await env.space(c1, space).int("lastSeq"))
            #expect(
                try await env.request(.post, "/api/v1/spaces/\(space)/read", token: c1.token, json: ["seq": seq]).status == .noContent)
            let read = try #require(try await e.next(type: "read"), "the expert sees the client's read position")
            #expect(read.json.string("userId") == c1.id)
            let leaked = try await other.drain(after: .milliseconds(500)).filter { $0.type == "read" && $0.json.string("userId") == c1.id }
            #expect(leaked.isEmpty, "another client's socket got \(leaked)")
            e.close()
            other.close()
        }
    }
}
