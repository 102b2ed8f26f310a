import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// Meetings, slots, calendar files and feeds through the HTTP API. The test clock starts on
/// 2026-09-21 14:13:20 UTC.
@Suite("Meetings, slots and calendars")
struct MeetingsTests {
    static func withSpace(_ body: @Sendable (TestEnv, Person, Person, String) async throws -> Void) async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let client = try await env.client("asiakas@example.fi")
            let id = try #require(try await env.openSpace(owner, client: client.email).string("id"))
            try await body(env, owner, client, id)
        }
    }

    static func meet(
        _ env: TestEnv, _ who: Person, _ space: String, _ startsAt: String, minutes: Int = 60, participants: [String],
        kind: String = "inPerson",
        location: String? = nil, extra: JSON = [:]
    ) async throws -> TestResponse {
        var json: JSON = ["startsAt": startsAt, "durationMinutes": minutes, "kind": kind, "participantIds": participants]
        if let location { json["location"] = location }
        json.merge(extra) { $1 }
        return try await env.request(.post, "/api/v1/spaces/\(space)/meetings", token: who.token, json: json)
    }

    static func ics(_ env: TestEnv, _ who: Person, _ meeting: String) async throws -> String {
        let r = try await env.request(.get, "/api/v1/meetings/\(meeting)/ics", token: who.token)
        #expect(r.status == .ok)
        #expect(r.headers[.contentType] == "text/calendar; charset=utf-8")
        return String(buffer: r.body)
    }

    /// The calendar text unfolded, one property a line.
    static func lines(_ ics: String) -> [String] {
        ics.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n")
    }

    @Test func anExpertBooksAMeetingThatTheClientAnswersAndTheCalendarFileFollows() async throws {
        try await Self.withSpace { env, owner, client, id in
            let created = try await Self.meet(
                env, owner, id, "2027-03-29T10:00:00+03:00", participants: [client.id],
                location: "Työllisyyspalvelut, Sörnäisten rantatie 13; 2. krs", extra: ["title": "Ensitapaaminen"])
            #expect(created.status == .created)
            let m = try created.json()
            let meetingId = try #require(m.string("id"))
            #expect(isoDate(m.string("startsAt")) == isoDate("2027-03-29T07:00:00Z"))
            #expect(isoDate(m.string("endsAt")) == isoDate("2027-03-29T08:00:00Z"))
            #expect(m.int("durationMinutes") == 60 && m.string("timeZone") == "Europe/Helsinki" && m.int("sequence") == 0)
            let responses = Dictionary(
                uniqueKeysWithValues: m.objects("participants").map { ($0.string("userId") ?? "", $0.string("response")) })
            #expect(responses == [owner.id: "accepted", client.id: "pending"], "the creating expert is always a participant")

            var text = try await Self.ics(env, client, meetingId)
            var lines = Self.lines(text)
            #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
            #expect(lines.contains("METHOD:PUBLISH"))
            #expect(lines.contains("BEGIN:VTIMEZONE") && lines.contains("TZID:Europe/Helsinki"))
            #expect(lines.contains("DTSTART;TZID=Europe/Helsinki:20270329T100000"))
            #expect(lines.contains("DTEND;TZID=Europe/Helsinki:20270329T110000"))
            #expect(lines.contains("SEQUENCE:0") && lines.contains("STATUS:CONFIRMED"))
            #expect(lines.contains("SUMMARY:Ensitapaaminen"))
            #expect(lines.contains("LOCATION:Työllisyyspalvelut\\, Sörnäisten rantatie 13\\; 2. krs"))
            let uid = try #require(lines.first { $0.hasPrefix("UID:") })
            #expect(uid == "UID:\(meetingId)@localhost")
            #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 }, "lines are folded at 75 octets")

            // The client accepts; then the expert moves it: a new SEQUENCE, and the client is asked again.
            let accepted = try await env.request(
                .post, "/api/v1/meetings/\(meetingId)/respond", token: client.token, json: ["response": "accepted"])
            #expect(accepted.status == .ok)
            let moved = try await env.request(
                .patch, "/api/v1/meetings/\(meetingId)", token: owner.token, json: ["startsAt": "2027-03-30T09:00:00+03:00"])
            #expect(moved.status == .ok)
            let after = try moved.json()
            #expect(after.int("sequence") == 1)
            #expect(after.objects("participants").first { $0.string("userId") == client.id }?.string("response") == "pending")
            text = try await Self.ics(env, client, meetingId)
            lines = Self.lines(text)
            #expect(lines.contains("SEQUENCE:1") && lines.contains("DTSTART;TZID=Europe/Helsinki:20270330T090000"))
            #expect(lines.first { $0.hasPrefix("UID:") } == uid, "the UID stays")

            // The client proposes another time; a client may not move or cancel an expert's meeting.
            let proposal = try await env.request(
                .post, "/api/v1/meetings/\(meetingId)/respond", token: client.token,
                json: ["response": "proposed", "proposedStartsAt": "2027-03-31T12:00:00+03:00"])
            #expect(proposal.status == .ok)
            #expect(
                isoDate(try proposal.json().objects("participants").first { $0.string("userId") == client.id }?.string("proposedStartsAt"))
                    == isoDate("2027-03-31T09:00:00Z"))
            #expect(
                try await env.request(.patch, "/api/v1/meetings/\(meetingId)", token: client.token, json: ["title": "x"]).status
                    == .forbidden)
            #expect(
                try await env.request(.post, "/api/v1/meetings/\(meetingId)/cancel", token: client.token, json: ["reason": "x"]).status
                    == .forbidden)

            // Cancelled: METHOD:CANCEL, STATUS:CANCELLED and SEQUENCE raised again.
            let cancelled = try await env.request(
                .post, "/api/v1/meetings/\(meetingId)/cancel", token: owner.token, json: ["reason": "Sairastuin"])
            #expect(cancelled.status == .ok)
            #expect(try cancelled.json().string("status") == "cancelled")
            lines = Self.lines(try await Self.ics(env, client, meetingId))
            #expect(lines.contains("METHOD:CANCEL") && lines.contains("STATUS:CANCELLED") && lines.contains("SEQUENCE:2"))
            let again = try await env.request(.post, "/api/v1/meetings/\(meetingId)/cancel", token: owner.token, json: [:])
            #expect(again.status == .conflict && again.code == "meeting.cancelled")

            let kinds = try await env.events(client, id).kinds
            #expect(["meetingAdded", "meetingResponded", "meetingChanged", "meetingCancelled"].allSatisfy(kinds.contains))
            let mine = try await env.request(.get, "/api/v1/meetings", token: client.token).items()
            #expect(mine.compactMap { $0.string("id") } == [meetingId])
        }
    }

    @Test func timesAreRightAcrossTheChangesToAndFromSummerTime() async throws {
        try await Self.withSpace { env, owner, client, id in
            // 10:00 in Helsinki on the Mondays before and after the last Sunday of March 2027.
            let before = try await Self.meet(env, owner, id, "2027-03-22T10:00:00+02:00", participants: [client.id]).json()
            let after = try await Self.meet(env, owner, id, "2027-03-29T10:00:00+03:00", participants: [client.id]).json()
            #expect(isoDate(before.string("startsAt")) == isoDate("2027-03-22T08:00:00Z"))
            #expect(isoDate(after.string("startsAt")) == isoDate("2027-03-29T07:00:00Z"))
            #expect(
                Self.lines(try await Self.ics(env, client, try #require(before.string("id")))).contains(
                    "DTSTART;TZID=Europe/Helsinki:20270322T100000"))
            #expect(
                Self.lines(try await Self.ics(env, client, try #require(after.string("id")))).contains(
                    "DTSTART;TZID=Europe/Helsinki:20270329T100000"))

            // Across the night of the change: 02:30 EET + 2 h of real time is 05:30 EEST.
            let night = try await Self.meet(env, owner, id, "2027-03-28T02:30:00+02:00", minutes: 120, participants: [client.id]).json()
            #expect(isoDate(night.string("endsAt")) == isoDate("2027-03-28T02:30:00Z"))
            var lines = Self.lines(try await Self.ics(env, client, try #require(night.string("id"))))
            #expect(lines.contains("DTSTART:20270328T003000Z"), "a time within an hour of the change is written in UTC")
            #expect(lines.contains("DTEND;TZID=Europe/Helsinki:20270328T053000"))

            // The last Sunday of October 2026: 03:30 happens twice; the second one (EET) is meant here.
            let autumn = try await Self.meet(env, owner, id, "2026-10-25T03:30:00+02:00", minutes: 30, participants: [client.id]).json()
            #expect(isoDate(autumn.string("startsAt")) == isoDate("2026-10-25T01:30:00Z"))
            lines = Self.lines(try await Self.ics(env, client, try #require(autumn.string("id"))))
            #expect(lines.contains("DTSTART:20261025T013000Z") && lines.contains("DTEND;TZID=Europe/Helsinki:20261025T040000"))

            // A weekly pattern of slots keeps its local time on both sides of the change.
            let slots = try await env.request(
                .post, "/api/v1/slots", token: owner.token,
                json: [
                    "durationMinutes": 45, "kind": "phone",
                    "weekly": [
                        "from": "2027-03-22", "to": "2027-03-29", "weekdays": [1], "startTime": "12:00", "endTime": "14:00",
                        "bufferMinutes": 15,
                    ],
                ])
            #expect(slots.status == .created)
            let starts = try slots.items().compactMap { isoDate($0.string("startsAt")) }
            #expect(
                starts
                    == [
                        "2027-03-22T10:00:00Z", "2027-03-22T11:00:00Z", "2027-03-29T09:00:00Z", "2027-03-29T10:00:00Z",
                    ].compactMap(isoDate))
        }
    }

    @Test func twentyConcurrentOverlappingMeetingsOfOneExpertStoreExactlyOne() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            var spaces: [String] = []
            for i in 0..<10 { spaces.append(try #require(try await env.openNetwork(owner, title: "Verkosto \(i)").string("id"))) }
            // Twenty attempts in ten spaces, each overlapping all the others by at least 20 minutes.
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for i in 0..<20 {
                    let start = String(format: "2027-02-01T10:%02d:00+02:00", i)
                    let space = spaces[i % 10]
                    group.addTask {
                        let r = try await Self.meet(env, owner, space, start, minutes: 40, participants: [])
                        return (Int(r.status.code), r.code)
                    }
                }
                return try await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == 201 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0.0 == 409 && $0.1 == "meeting.conflict" }.count == 19)
            #expect(try await env.count("SELECT COUNT(*) FROM meeting") == 1)
            // Back to back is not a conflict.
            #expect(try await Self.meet(env, owner, spaces[0], "2027-02-01T11:00:00+02:00", participants: []).status == .created)
        }
    }

    @Test func anExpertParticipantsOtherMeetingIsAConflictUntilTheyDecline() async throws {
        try await Self.withSpace { env, owner, client, id in
            let partner = try await env.expert("kumppani@b.fi", org: TestEnv.orgB)
            #expect(try await env.addExpert(owner, to: id, partner.email).status == .created)
            let network = try #require(try await env.openNetwork(partner).string("id"))
            let theirs = try #require(
                try await Self.meet(env, partner, network, "2027-02-01T10:00:00+02:00", participants: []).json().string("id"))
            let clash = try await Self.meet(env, owner, id, "2027-02-01T10:30:00+02:00", participants: [client.id, partner.id])
            #expect(clash.status == .conflict && clash.code == "meeting.conflict")
            #expect(try clash.json().objects("errors").compactMap { $0.string("field") } == ["participantIds[1]"], "the busy one is named")
            // Without the partner it fits the owner's day.
            let fits = try await Self.meet(env, owner, id, "2027-02-01T10:30:00+02:00", participants: [client.id])
            #expect(fits.status == .created)
            // Moving the partner's own meeting onto the owner's: only the partner is checked.
            // Cancelled meetings free the time.
            _ = try await env.request(.post, "/api/v1/meetings/\(theirs)/cancel", token: partner.token, json: [:])
            let fitsNow = try await Self.meet(env, partner, network, "2027-02-01T10:00:00+02:00", participants: [])
            #expect(fitsNow.status == .created)
            // Rescheduling onto a busy time is refused the same way.
            let other = try #require(try await Self.meet(env, owner, id, "2027-02-02T10:00:00+02:00", participants: []).json().string("id"))
            let onto = try await env.request(
                .patch, "/api/v1/meetings/\(other)", token: owner.token, json: ["startsAt": "2027-02-01T10:45:00+02:00"])
            #expect(onto.status == .conflict && onto.code == "meeting.conflict")
        }
    }

    @Test func twoClientsRacingForOneSlotGetItOnce() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            var clients: [(Person, String)] = []
            for i in 0..<6 {
                let c = try await env.client("c\(i)@example.fi")
                clients.append((c, try #require(try await env.openSpace(owner, client: c.email).string("id"))))
            }
            let published = try await env.request(
                .post, "/api/v1/slots", token: owner.token,
                json: [
                    "startsAt": "2026-09-25T09:00:00+03:00", "durationMinutes": 30, "kind": "video",
                    "location": "https://meet.example.fi/abc",
                ])
            #expect(published.status == .created)
            let slotId = try #require(try published.items().first?.string("id"))
            // Each client sees it among the bookable ones.
            for (c, _) in clients { #expect(try await env.request(.get, "/api/v1/slots", token: c.token).items().count == 1) }

            let results = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for (c, space) in clients {
                    group.addTask {
                        let r = try await env.request(.post, "/api/v1/slots/\(slotId)/book", token: c.token, json: ["spaceId": space])
                        return (Int(r.status.code), r.code)
                    }
                }
                return try await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
            }
            #expect(results.filter { $0.0 == 201 }.count == 1, "\(results)")
            #expect(results.filter { $0.0 == 409 && $0.1 == "slot.taken" }.count == clients.count - 1)
            #expect(try await env.count("SELECT COUNT(*) FROM meeting") == 1)
            #expect(try await env.request(.get, "/api/v1/slots", token: clients[0].0.token).items().isEmpty)
            let own = try await env.request(.get, "/api/v1/slots", token: owner.token).items()
            #expect(own.first?["booked"] as? Bool == true && own.first?.isNull("meetingId") == false)
        }
    }

    @Test func aClientCancelsABookingUntilTheNoticePeriodAndTheSlotIsFreeAgain() async throws {
        try await Self.withSpace { env, owner, client, id in
            // The clock is at 2026-09-21 14:13 UTC; the notice period is 24 h.
            let early = try await env.request(
                .post, "/api/v1/slots", token: owner.token,
                json: ["startsAt": "2026-09-23T12:00:00+03:00", "durationMinutes": 45, "kind": "inPerson", "location": "Toimisto"])
            let late = try await env.request(
                .post, "/api/v1/slots", token: owner.token,
                json: ["startsAt": "2026-09-22T09:00:00+03:00", "durationMinutes": 45, "kind": "phone"])
            let earlyId = try #require(try early.items().first?.string("id"))
            let lateId = try #require(try late.items().first?.string("id"))

            let booked = try await env.request(.post, "/api/v1/slots/\(earlyId)/book", token: client.token, json: ["spaceId": id])
            #expect(booked.status == .created)
            let meeting = try booked.json()
            #expect(meeting.string("slotId") == earlyId && meeting.string("location") == "Toimisto")
            #expect(meeting.objects("participants").allSatisfy { $0.string("response") == "accepted" })
            #expect(meeting.string("createdBy") == client.id, "the client booked it")
            let added = try await env.events(owner, id).ofKind("meetingAdded").last
            #expect(added?.string("actorId") == client.id)
            // Experts do not book slots; a booked slot cannot be removed.
            #expect(
                try await env.request(.post, "/api/v1/slots/\(lateId)/book", token: owner.token, json: ["spaceId": id]).status == .forbidden
            )
            #expect(try await env.request(.delete, "/api/v1/slots/\(earlyId)", token: owner.token).status == .notFound)

            let meetingId = try #require(meeting.string("id"))
            let cancelled = try await env.request(
                .post, "/api/v1/meetings/\(meetingId)/cancel", token: client.token, json: ["reason": "Menen töihin"])
            #expect(cancelled.status == .ok)
            #expect(try await env.request(.get, "/api/v1/slots?spaceId=\(id)", token: client.token).items().count == 2, "free again")

            let soon = try #require(
                try await env.request(.post, "/api/v1/slots/\(lateId)/book", token: client.token, json: ["spaceId": id]).json().string("id")
            )
            let tooLate = try await env.request(.post, "/api/v1/meetings/\(soon)/cancel", token: client.token, json: [:])
            #expect(tooLate.status == .conflict && tooLate.code == "meeting.cancelTooLate")
            #expect(try await env.request(.post, "/api/v1/meetings/\(soon)/cancel", token: owner.token, json: [:]).status == .ok)
            // A free slot of the expert's own can be removed.
            #expect(try await env.request(.delete, "/api/v1/slots/\(lateId)", token: owner.token).status == .noContent)
        }
    }

    @Test func aCalendarFeedIsPrivateAndANewOneRevokesTheOld() async throws {
        try await Self.withSpace { env, owner, client, id in
            let meetingId = try #require(
                try await Self.meet(env, owner, id, "2026-10-01T10:00:00+03:00", participants: [client.id]).json().string("id"))
            #expect(try await env.request(.get, "/api/v1/me/calendar-feed", token: client.token).json()["active"] as? Bool == false)
            let first = try await env.request(.post, "/api/v1/me/calendar-feed", token: client.token)
            #expect(first.status == .created)
            let url = try #require(try first.json().string("url"))
            let path = try #require(URL(string: url)?.path)
            let feed = try await env.request(.get, path)
            #expect(feed.status == .ok && feed.headers[.contentType] == "text/calendar; charset=utf-8")
            #expect(Self.lines(String(buffer: feed.body)).contains("UID:\(meetingId)@localhost"))
            #expect(try await env.request(.get, "/api/v1/me/calendar-feed", token: client.token).json().isNull("url"), "shown once only")

            let second = try #require(try await env.request(.post, "/api/v1/me/calendar-feed", token: client.token).json().string("url"))
            #expect(second != url)
            #expect(try await env.request(.get, path).status == .notFound, "the old link is revoked")
            let secondPath = try #require(URL(string: second)?.path)
            #expect(try await env.request(.get, secondPath).status == .ok)
            #expect(try await env.request(.delete, "/api/v1/me/calendar-feed", token: client.token).status == .noContent)
            #expect(try await env.request(.get, secondPath).status == .notFound)
            for wrong in ["/api/v1/calendar/x.ics", "/api/v1/calendar/\(String(repeating: "a", count: 43)).ics", "/api/v1/calendar/abc"] {
                #expect(try await env.request(.get, wrong).status == .notFound)
            }
        }
    }

    @Test func aGroupMeetingWithOneClientIsTheirsAndOutsidersSeeNothing() async throws {
        try await TestEnv.run { env in
            let owner = try await env.expert("omistaja@a.fi")
            let c1 = try await env.client("c1@example.fi")
            let c2 = try await env.client("c2@example.fi")
            let id = try #require(try await env.openGroup(owner, clients: [c1.email, c2.email]).string("id"))
            let own = try await Self.meet(env, owner, id, "2027-01-10T10:00:00+02:00", participants: [c1.id]).json()
            #expect(own.string("audienceId") == c1.id)
            let all = try await Self.meet(env, owner, id, "2027-01-11T10:00:00+02:00", participants: [c1.id, c2.id]).json()
            #expect(all.isNull("audienceId"))
            let ownId = try #require(own.string("id"))
            #expect(try await env.request(.get, "/api/v1/spaces/\(id)/meetings", token: c2.token).items().count == 1)
            #expect(try await env.request(.get, "/api/v1/spaces/\(id)/meetings", token: c1.token).items().count == 2)
            #expect(try await env.request(.get, "/api/v1/meetings/\(ownId)", token: c2.token).status == .notFound)
            #expect(try await env.request(.get, "/api/v1/meetings/\(ownId)/ics", token: c2.token).status == .notFound)
            #expect(
                try await env.request(.post, "/api/v1/meetings/\(ownId)/respond", token: c2.token, json: ["response": "accepted"]).status
                    == .notFound)

            let outsider = try await env.expert("ulko@b.fi", org: TestEnv.orgB)
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/api/v1/spaces/\(id)/meetings", nil),
                (
                    .post, "/api/v1/spaces/\(id)/meetings",
                    ["startsAt": "2027-01-12T10:00:00Z", "durationMinutes": 30, "kind": "phone", "participantIds": []] as JSON?
                ),
                (.get, "/api/v1/meetings/\(ownId)", nil),
                (.get, "/api/v1/meetings/\(ownId)/ics", nil),
                (.patch, "/api/v1/meetings/\(ownId)", ["title": "x"]),
                (.post, "/api/v1/meetings/\(ownId)/cancel", ["reason": "x"]),
                (.post, "/api/v1/meetings/\(ownId)/respond", ["response": "accepted"]),
            ] {
                let r = try await env.request(method, path, token: outsider.token, json: body)
                #expect(r.status == .notFound, "\(method) \(path) gave \(r.status)")
            }
            // An expert's read is in the client's access log.
            _ = try await env.request(.get, "/api/v1/spaces/\(id)/meetings", token: owner.token)
            let log = try await env.request(.get, "/api/v1/spaces/\(id)/access-log", token: c1.token).items()
            #expect(log.contains { $0.string("kind") == "meetings" && $0.string("readerId") == owner.id })
        }
    }

    @Test func aMeetingNeedsValidTimesKindsAndMembers() async throws {
        try await Self.withSpace { env, owner, client, id in
            let outsider = try await env.client("toinen@example.fi")
            let cases: [(JSON, String)] = [
                (["startsAt": "ensi tiistaina"], "startsAt"),
                (["startsAt": "2027-01-10T10:00:00"], "startsAt"),
                (["durationMinutes": 0], "durationMinutes"),
                (["durationMinutes": 481], "durationMinutes"),
                (["kind": "video", "location": "http://meet.example.fi/x"], "location"),
                (["kind": "video", "location": "javascript:alert(1)"], "location"),
                (["participantIds": [outsider.id]], "participantIds"),
                (["privateTo": client.id], "privateTo"),
                (["title": String(repeating: "t", count: 201)], "title"),
            ]
            for (change, field) in cases {
                var json: JSON = [
                    "startsAt": "2027-01-10T10:00:00+02:00", "durationMinutes": 30, "kind": "phone", "participantIds": [client.id],
                ]
                json.merge(change) { $1 }
                let r = try await env.request(.post, "/api/v1/spaces/\(id)/meetings", token: owner.token, json: json)
                #expect(r.status == .unprocessableContent, "\(change): \(r.status)")
                #expect(try r.json().objects("errors").first?.string("field") == field, "\(change)")
            }
            let badKind = try await Self.meet(env, owner, id, "2027-01-10T10:00:00+02:00", participants: [], kind: "carrier pigeon")
            #expect(badKind.status == .badRequest)
            #expect(try await Self.meet(env, client, id, "2027-01-10T10:00:00+02:00", participants: []).status == .forbidden)
            #expect(try await env.count("SELECT COUNT(*) FROM meeting") == 0)
            let slot = try await env.request(
                .post, "/api/v1/slots", token: client.token,
                json: ["startsAt": "2027-01-10T10:00:00Z", "durationMinutes": 30, "kind": "phone"])
            #expect(slot.status == .forbidden, "clients do not publish slots")
        }
    }
}
