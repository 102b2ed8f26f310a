import Foundation

/// The demo's spaces: a one-to-one space of the demo expert and client with an expert of a third-sector
/// organisation, a group space, and a network space of three organisations, each with messages.
struct DemoSpaces: Sendable {
    let spaces: SpacesService
    let messages: MessagesService
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
