/// The e-mails the server sends, in Finnish, Swedish and English. The web client's texts live in
/// `Public/i18n/*.json`; these are the few that leave the browser.
enum MailTexts {
    static func passwordReset(_ language: Language, link: String) -> (subject: String, body: String) {
        switch language {
        case .fi:
            return (
                "Salasanan vaihtaminen – Ohjaustila",
                """
                Hei,

                joku (toivottavasti sinä) pyysi uutta salasanaa Ohjaustilaan tällä sähköpostiosoitteella.

                Vaihda salasana tästä linkistä:
                \(link)

                Linkki toimii tunnin ja vain kerran. Kun vaihdat salasanan, sinut kirjataan ulos kaikilta laitteilta.

                Jos et pyytänyt uutta salasanaa, voit jättää tämän viestin huomiotta. Salasanasi ei muutu.

                Ohjaustila
                """
            )
        case .sv:
            return (
                "Byt lösenord – Ohjaustila",
                """
                Hej,

                någon (förhoppningsvis du) bad om ett nytt lösenord till Ohjaustila för den här e-postadressen.

                Byt lösenord via den här länken:
                \(link)

                Länken gäller i en timme och kan användas en gång. När du byter lösenord loggas du ut på alla enheter.

                Om du inte bad om ett nytt lösenord kan du strunta i det här meddelandet. Ditt lösenord ändras inte.

                Ohjaustila
                """
            )
        case .en:
            return (
                "Reset your password – Ohjaustila",
                """
                Hello,

                someone (hopefully you) asked for a new Ohjaustila password for this e-mail address.

                Set a new password with this link:
                \(link)

                The link works for one hour and only once. When you change your password, you are signed out on every device.

                If you did not ask for a new password, you can ignore this message. Your password stays the same.

                Ohjaustila
                """
            )
        }
    }

    /// A client invited to a guidance space. The space's title is not repeated in the mail (it may
    /// say something personal); the page behind the link shows it after the client has signed in.
    static func spaceInvitation(_ language: Language, space: String, link: String) -> (subject: String, body: String) {
        switch language {
        case .fi:
            return (
                "Sinulle on avattu ohjaustila",
                """
                Hei,

                sinulle on avattu oma ohjaustila. Siellä voit viestiä asiantuntijoiden kanssa ja nähdä, mitä on sovittu.

                Avaa ohjaustila tästä linkistä. Voit asettaa salasanan tai pyytää kertakäyttöisen koodin sähköpostiisi:
                \(link)

                Linkki toimii 7 päivää ja vain kerran.

                Ohjaustila
                """
            )
        case .sv:
            return (
                "Ett vägledningsrum har öppnats för dig",
                """
                Hej,

                ett eget vägledningsrum har öppnats för dig. Där kan du skriva till de sakkunniga och se vad ni har kommit överens om.

                Öppna rummet via den här länken. Du kan välja ett lösenord eller be om en engångskod till din e-post:
                \(link)

                Länken gäller i 7 dagar och kan användas en gång.

                Ohjaustila
                """
            )
        case .en:
            return (
                "A guidance space has been opened for you",
                """
                Hello,

                a guidance space of your own has been opened for you. There you can message the experts and see what has been agreed.

                Open the space with this link. You can set a password or ask for a one-time code by e-mail:
                \(link)

                The link works for 7 days and only once.

                Ohjaustila
                """
            )
        }
    }

    static func invitation(_ language: Language, organization: String, roles: [Role], link: String) -> (subject: String, body: String) {
        let roleList = roles.map { roleName($0, language) }.joined(separator: ", ")
        switch language {
        case .fi:
            return (
                "Kutsu Ohjaustilaan: \(organization)",
                """
                Hei,

                sinut on kutsuttu Ohjaustilaan organisaatioon \(organization).
                Roolisi: \(roleList).

                Ota kutsu vastaan ja aseta salasana tästä linkistä:
                \(link)

                Linkki toimii 7 päivää ja vain kerran.

                Ohjaustila
                """
            )
        case .sv:
            return (
                "Inbjudan till Ohjaustila: \(organization)",
                """
                Hej,

                du har bjudits in till Ohjaustila i organisationen \(organization).
                Din roll: \(roleList).

                Ta emot inbjudan och välj ett lösenord via den här länken:
                \(link)

                Länken gäller i 7 dagar och kan användas en gång.

                Ohjaustila
                """
            )
        case .en:
            return (
                "Invitation to Ohjaustila: \(organization)",
                """
                Hello,

                you have been invited to Ohjaustila in the organisation \(organization).
                Your role: \(roleList).

                Accept the invitation and set your password with this link:
                \(link)

                The link works for 7 days and only once.

                Ohjaustila
                """
            )
        }
    }

    /// The one-time code that accepts an invitation without a password.
    static func oneTimeCode(_ language: Language, code: String, target: String) -> (subject: String, body: String) {
        switch language {
        case .fi:
            return (
                "Kertakäyttöinen koodi: \(code) – Ohjaustila",
                """
                Hei,

                kertakäyttöinen koodisi kutsun vastaanottamiseen (\(target)) on:

                \(code)

                Koodi toimii 10 minuuttia. Älä kerro sitä kenellekään: Ohjaustilan työntekijät eivät koskaan kysy sitä.
                Jos et pyytänyt koodia, voit jättää tämän viestin huomiotta.

                Ohjaustila
                """
            )
        case .sv:
            return (
                "Engångskod: \(code) – Ohjaustila",
                """
                Hej,

                din engångskod för att ta emot inbjudan (\(target)) är:

                \(code)

                Koden gäller i 10 minuter. Berätta den inte för någon: Ohjaustilas personal frågar aldrig efter den.
                Om du inte bad om en kod kan du strunta i det här meddelandet.

                Ohjaustila
                """
            )
        case .en:
            return (
                "One-time code: \(code) – Ohjaustila",
                """
                Hello,

                your one-time code for accepting the invitation (\(target)) is:

                \(code)

                The code works for 10 minutes. Do not tell it to anyone: Ohjaustila staff never ask for it.
                If you did not ask for a code, you can ignore this message.

                Ohjaustila
                """
            )
        }
    }

    static func roleName(_ role: Role, _ language: Language) -> String {
        let names: [Role: (String, String, String)] = [
            .expert: ("asiantuntija", "sakkunnig", "expert"),
            .contentProducer: ("sisällöntuottaja", "innehållsproducent", "content producer"),
            .serviceProvider: ("palveluntuottaja", "tjänsteproducent", "service provider"),
            .approver: ("hyväksyjä", "godkännare", "approver"),
            .orgAdmin: ("organisaation pääkäyttäjä", "organisationens huvudanvändare", "organisation admin"),
        ]
        guard let n = names[role] else { return role.rawValue }
        switch language {
        case .fi: return n.0
        case .sv: return n.1
        case .en: return n.2
        }
    }

    /// The push notification of an alert: no message or task text, only what kind of thing waits.
    static func push(_ kind: AlertKind, _ language: Language) -> (title: String, body: String) {
        switch (kind, language) {
        case (.message, .fi): return ("Ohjaustila", "Sinulle on uusi viesti Ohjaustilassa")
        case (.message, .sv): return ("Ohjaustila", "Du har ett nytt meddelande i Ohjaustila")
        case (.message, .en): return ("Ohjaustila", "You have a new message in Ohjaustila")
        case (.reminder, .fi): return ("Ohjaustila", "Sinulle on muistutus Ohjaustilassa")
        case (.reminder, .sv): return ("Ohjaustila", "Du har en påminnelse i Ohjaustila")
        case (.reminder, .en): return ("Ohjaustila", "You have a reminder in Ohjaustila")
        }
    }

    /// The e-mail of an alert: the same sentence, the link, and where to change the settings.
    static func alert(_ kind: AlertKind, _ language: Language, link: String) -> (subject: String, body: String) {
        let sentence = push(kind, language).body
        switch language {
        case .fi:
            return (
                sentence,
                """
                Hei,

                \(sentence).

                Avaa se tästä:
                \(link)

                Voit muuttaa ilmoitusasetuksiasi Ohjaustilassa kohdassa Oma tili.

                Ohjaustila
                """
            )
        case .sv:
            return (
                sentence,
                """
                Hej,

                \(sentence).

                Öppna det här:
                \(link)

                Du kan ändra dina aviseringsinställningar i Ohjaustila under Mitt konto.

                Ohjaustila
                """
            )
        case .en:
            return (
                sentence,
                """
                Hello,

                \(sentence).

                Open it here:
                \(link)

                You can change your notification settings in Ohjaustila under My account.

                Ohjaustila
                """
            )
        }
    }

    /// Review reminders of catalogue services: one e-mail listing each service with how long ago it
    /// was reviewed; the outdated ones (150 days) said apart.
    static func reviewReminder(_ language: Language, services: [(name: String, stage: ReviewStage, days: Int)], link: String)
        -> (subject: String, body: String)
    {
        let outdated = services.filter { $0.stage == .outdated }
        let ended = services.filter { $0.stage == .periodsEnded }
        let due = services.filter { $0.stage == .first || $0.stage == .second }
        let endedList = ended.map { "- \($0.name)" }.joined(separator: "\n")
        func lines(_ list: [(name: String, stage: ReviewStage, days: Int)], _ days: (Int) -> String) -> String {
            list.map { "- \($0.name) (\(days($0.days)))" }.joined(separator: "\n")
        }
        switch language {
        case .fi:
            let days = { (n: Int) in "tarkistettu \(n) päivää sitten" }
            var parts: [String] = []
            if !due.isEmpty { parts.append("Nämä palvelut odottavat tarkistusta:\n\(lines(due, days))") }
            if !outdated.isEmpty {
                parts.append(
                    "Näitä palveluja ei ole tarkistettu 150 päivään, ja ne näkyvät asiantuntijoille vanhentuneina:\n\(lines(outdated, days))"
                )
            }
            if !ended.isEmpty {
                parts.append("Näiden palvelujen kaikki ajankohdat ovat menneet. Lisää uudet ajankohdat tai arkistoi palvelu:\n\(endedList)")
            }
            return (
                !outdated.isEmpty
                    ? "Palvelukuvauksia on vanhentunut"
                    : due.isEmpty ? "Palvelujen ajankohdat ovat menneet" : "Palveluja odottaa tarkistusta",
                """
                Hei,

                \(parts.joined(separator: "\n\n"))

                Tarkista, että tiedot pitävät paikkansa, ja merkitse palvelu tarkistetuksi tai päivitä se:
                \(link)

                Ohjaustila
                """
            )
        case .sv:
            let days = { (n: Int) in "granskad för \(n) dagar sedan" }
            var parts: [String] = []
            if !due.isEmpty { parts.append("De här tjänsterna väntar på granskning:\n\(lines(due, days))") }
            if !outdated.isEmpty {
                parts.append(
                    "De här tjänsterna har inte granskats på 150 dagar och visas som föråldrade för sakkunniga:\n\(lines(outdated, days))")
            }
            if !ended.isEmpty {
                parts.append("Alla datum för de här tjänsterna har passerat. Lägg till nya datum eller arkivera tjänsten:\n\(endedList)")
            }
            return (
                !outdated.isEmpty
                    ? "Tjänstebeskrivningar har föråldrats"
                    : due.isEmpty ? "Tjänsternas datum har passerat" : "Tjänster väntar på granskning",
                """
                Hej,

                \(parts.joined(separator: "\n\n"))

                Kontrollera att uppgifterna stämmer och markera tjänsten som granskad eller uppdatera den:
                \(link)

                Ohjaustila
                """
            )
        case .en:
            let days = { (n: Int) in "reviewed \(n) days ago" }
            var parts: [String] = []
            if !due.isEmpty { parts.append("These services are due for review:\n\(lines(due, days))") }
            if !outdated.isEmpty {
                parts.append(
                    "These services have not been reviewed for 150 days and are shown to experts as outdated:\n\(lines(outdated, days))")
            }
            if !ended.isEmpty {
                parts.append("Every date of these services has passed. Add new dates or archive the service:\n\(endedList)")
            }
            return (
                !outdated.isEmpty
                    ? "Service descriptions are out of date" : due.isEmpty ? "Service dates have passed" : "Services are due for review",
                """
                Hello,

                \(parts.joined(separator: "\n\n"))

                Check that the information is still correct, then mark the service reviewed or update it:
                \(link)

                Ohjaustila
                """
            )
        }
    }
}
