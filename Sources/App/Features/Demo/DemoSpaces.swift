import Foundation

/// The demo's spaces: a one-to-one space of the demo expert and client with an expert of a third-sector
/// organisation, a group space, and a network space of three organisations, each with messages; the
/// one-to-one space has a service plan and tasks.
struct DemoSpaces: Sendable {
    let spaces: SpacesService
    let messages: MessagesService
    let picks: PicksService
    let tasks: TasksService
    let meetings: MeetingsService
    let clock: AppClock

    private func expertUser(_ id: String, _ org: String) -> SessionUser {
        SessionUser(userId: id, sessionId: "demo", isPlatformAdmin: false, language: .fi, roles: [org: [.expert]])
    }

    private func clientUser(_ id: String) -> SessionUser {
        SessionUser(userId: id, sessionId: "demo", isPlatformAdmin: false, language: .fi, roles: [:])
    }

    private func say(_ text: String, in space: String, as user: SessionUser, privateTo: String? = nil) async throws {
        _ = try await messages.send(
            space, SendMessageInput(clientMessageId: UUID().uuidString, body: text, attachmentIds: nil, privateTo: privateTo), by: user)
    }

    /// A time `days` from now at `hour` o'clock UTC, as the API takes it.
    private func day(_ days: Int, hour: Int) -> String {
        let start = Calendar(identifier: .gregorian).startOfDay(for: clock.now)
        return ISO8601DateFormatter().string(from: start.addingTimeInterval(Double(days * 86400 + hour * 3600)))
    }

    /// Three services picked for Kalle (one he is interested in), his tasks (one done) and one of the expert's.
    private func plan(_ space: String, expert: SessionUser, partner: SessionUser, client: SessionUser) async throws {
        let coaching = try await picks.add(
            space,
            CreatePickInput(
                serviceId: "tyonhakuvalmennus", note: "Tässä valmennuksessa saat apua hakemuksiin ja haastatteluihin harjoitteluun."),
            by: expert)
        let workshop = try await picks.add(
            space,
            CreatePickInput(serviceId: "nuorten-tyopaja", note: "Työpajassa pääset kokeilemaan eri aloja omassa tahdissasi."),
            by: partner)
        _ = try await picks.add(space, CreatePickInput(serviceId: "osaamiskartoitus"), by: expert)
        _ = try await picks.update(workshop.id, UpdatePickInput(status: .interested), by: client)
        let done = try await tasks.add(
            space, CreateTaskInput(title: "Täytä työnhakijan perustiedot", assigneeId: client.userId, dueAt: day(-2, hour: 14)),
            by: expert)
        _ = try await tasks.update(done.id, UpdateTaskInput(status: .done), by: client)
        _ = try await tasks.add(
            space,
            CreateTaskInput(
                title: "Päivitä CV ja lähetä se minulle", assigneeId: client.userId,
                description: "Lisää viimeisin työpaikkasi ja kurssit, jotka olet käynyt.", dueAt: day(5, hour: 14),
                pickId: coaching.id),
            by: expert)
        _ = try await tasks.add(
            space,
            CreateTaskInput(
                title: "Käy tutustumassa työpajaan", assigneeId: client.userId, dueAt: day(9, hour: 9), pickId: workshop.id),
            by: partner)
        _ = try await tasks.add(
            space, CreateTaskInput(title: "Varaa Kallelle aika osaamiskartoitukseen", assigneeId: expert.userId), by: expert)
        _ = try await meetings.create(
            space,
            CreateMeetingInput(
                startsAt: day(3, hour: 8), durationMinutes: 60, kind: .inPerson, participantIds: [client.userId, partner.userId],
                location: "Työllisyyspalvelut, Sörnäisten rantatie 13, 00530 Helsinki", title: "Suunnitelman läpikäynti"),
            by: expert)
        // Free times that Kalle can book: Tuesdays and Thursdays for the next three weeks.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ICalendar.zone
        let from = calendar.date(byAdding: .day, value: 1, to: clock.now) ?? clock.now
        let to = calendar.date(byAdding: .day, value: 21, to: clock.now) ?? clock.now
        func date(_ d: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day], from: d)
            return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        }
        _ = try await meetings.addSlots(
            CreateSlotsInput(
                durationMinutes: 45, kind: .phone,
                weekly: .init(from: date(from), to: date(to), weekdays: [2, 4], startTime: "09:00", endTime: "12:00", bufferMinutes: 15)),
            by: expert)
    }

    func seed(_ ids: [String: String]) async throws {
        guard let aino = ids["expert"], let kalle = ids["client"], let tero = ids["partnerExpert"], let vilma = ids["coachExpert"],
            let lina = ids["groupClient"]
        else { return }
        let expert = expertUser(aino, "hki-tyollisyys")
        let partner = expertUser(tero, "nuorten-verstas")
        let coach = expertUser(vilma, "valmennus-kompassi")
        let kalleUser = clientUser(kalle)
        let linaUser = clientUser(lina)

        let own = try await spaces.create(
            CreateSpaceInput(
                kind: .oneToOne, title: "Kallen ohjaustila", clientEmail: "asiakas@demo.example.fi",
                consent: ConsentInput(method: .inPerson),
                language: .fi, maxClients: nil, clients: nil), by: expert, address: nil)
        try await say("Hei Kalle! Tässä on nyt yhteinen ohjaustilamme. Kirjoita tänne, jos tulee kysyttävää.", in: own.id, as: expert)
        try await say("Hei! Kiitos, hyvä että tämä on nyt yhdessä paikassa.", in: own.id, as: kalleUser)
        _ = try await spaces.addExpert(own.id, AddMemberInput(email: "verstas@demo.example.fi", history: .all), by: expert)
        try await say(
            "Hei Kalle, olen Tero Nuorten Verstaalta. Voin kertoa meidän työpajasta, jos se kiinnostaa.", in: own.id, as: partner)
        try await plan(own.id, expert: expert, partner: partner, client: kalleUser)

        let group = try await spaces.create(
            CreateSpaceInput(
                kind: .group, title: "Työnhakuryhmä, kevät", clientEmail: nil, consent: nil, language: .fi, maxClients: 12,
                clients: [
                    ClientInput(email: "asiakas@demo.example.fi", consent: ConsentInput(method: .inPerson)),
                    ClientInput(email: "asiakas2@demo.example.fi", consent: ConsentInput(method: .electronic)),
                ]), by: expert, address: nil)
        try await say("Tervetuloa ryhmään! Tapaamme tiistaisin klo 10. Ensi kerralla teemme CV:t valmiiksi.", in: group.id, as: expert)
        try await say("Kiitos, tulen paikalle.", in: group.id, as: linaUser)
        try await say("Kalle, tässä vain sinulle: muistathan tuoda tutkintotodistuksesi.", in: group.id, as: expert, privateTo: kalle)
        _ = try await tasks.add(
            group.id, CreateTaskInput(title: "Tuo tutkintotodistus tiistain tapaamiseen", assigneeId: kalle, dueAt: day(4, hour: 10)),
            by: expert)

        let network = try await spaces.create(
            CreateSpaceInput(
                kind: .network, title: "Itä-Helsingin työllisyysverkosto", clientEmail: nil, consent: nil, language: .fi, maxClients: nil,
                clients: nil), by: expert, address: nil)
        for email in ["verstas@demo.example.fi", "valmentaja@demo.example.fi"] {
            _ = try await spaces.addExpert(network.id, AddMemberInput(email: email, history: .all), by: expert)
        }
        try await say(
            "Verkoston seuraava tapaaminen on kuun viimeisenä torstaina. Tuokaa tiedot uusista ryhmistä.", in: network.id, as: expert)
        try await say("Meillä alkaa uusi työpajajakso maaliskuussa, 8 paikkaa vapaana.", in: network.id, as: partner)
        try await say("Valmennus Kompassilla on tilaa kahdelle asiakkaalle huhtikuun valmennuksessa.", in: network.id, as: coach)
    }
}

extension AppComponents {
    var demoSpaces: DemoSpaces {
        DemoSpaces(spaces: spaces, messages: messages, picks: picks, tasks: tasks, meetings: meetings, clock: config.clock)
    }
}
