import Foundation

/// The codes a service may name, as the database has them now.
struct CatalogueVocabulary: Sendable {
    var municipalities: Set<String>
    var categories: Set<String>
    var lifeSituations: Set<String>
    var employmentStatuses: Set<String>
}

/// Checks an edited service and returns every problem at once, each with its field path (as in
/// `ServiceContent`: `summary.sv`, `contacts[1].email`) and a code the web client translates.
enum ServiceContentValidator {
    static let maxName = 150, maxSummary = 500, maxDescription = 10_000, maxText = 4_000, maxShort = 200
    static let maxKeyword = 60, maxKeywords = 40, maxItems = 30

    static func errors(_ s: ServiceContent, _ known: CatalogueVocabulary) -> [FieldError] {
        var v = Checks()
        // Finnish needs all three main texts; another language that has a name or a summary needs
        // both (its description may still be missing: the page then shows the Finnish one, marked).
        for (field, text) in [("name", s.name), ("summary", s.summary), ("description", s.description)] where !text.has(.fi) {
            v.add("\(field).fi", "field.required")
        }
        for language in [Language.sv, .en] where s.name.has(language) != s.summary.has(language) {
            v.add("\(s.name.has(language) ? "summary" : "name").\(language.rawValue)", "field.required")
        }
        v.length(s.name, "name", maxName, singleLine: true)
        v.length(s.summary, "summary", maxSummary)
        v.length(s.description, "description", maxDescription)
        v.codes(s.categoryIds, known.categories, "categoryIds", required: true)
        for (language, words) in s.keywords.languages {
            let path = "keywords.\(language.rawValue)"
            if words.count > maxKeywords { v.add(path, "field.tooMany") }
            for (k, word) in words.enumerated() {
                if word.trimmed.isEmpty { v.add("\(path)[\(k)]", "field.required") }
                if word.count > maxKeyword || word.contains(where: \.isNewline) { v.add("\(path)[\(k)]", "field.tooLong") }
            }
        }
        if !CatalogueValidator.costs.contains(s.cost) { v.add("cost", "field.invalidValue") }
        v.length(s.costDescription, "costDescription", maxText)
        v.length(s.accessibility.notes, "accessibility.notes", maxText)

        let t = s.targetGroup
        v.length(t.description, "targetGroup.description", maxText)
        for (value, key) in [(t.ageMin, "ageMin"), (t.ageMax, "ageMax")] {
            if let value, !(0...120).contains(value) { v.add("targetGroup.\(key)", "field.ageRange") }
        }
        if let lo = t.ageMin, let hi = t.ageMax, lo > hi { v.add("targetGroup.ageMax", "field.ageRange") }
        v.codes(t.municipalityCodes, known.municipalities, "targetGroup.municipalityCodes", required: true)
        v.codes(t.lifeSituationIds, known.lifeSituations, "targetGroup.lifeSituationIds")
        v.codes(t.employmentStatusIds, known.employmentStatuses, "targetGroup.employmentStatusIds")

        let d = s.delivery
        v.codes(d.modes, CatalogueValidator.modes, "delivery.modes", required: true)
        v.codes(d.languages, CatalogueValidator.languages, "delivery.languages", required: true)
        v.length(d.duration, "delivery.duration", maxShort)
        v.length(d.schedule, "delivery.schedule", maxText)
        if d.locations.count > maxItems { v.add("delivery.locations", "field.tooMany") }
        for (k, l) in d.locations.enumerated() {
            let at = "delivery.locations[\(k)]"
            v.required(l.name, "\(at).name")
            v.length(l.name, "\(at).name", maxShort, singleLine: true)
            v.length(l.address, "\(at).address", maxShort, singleLine: true)
            v.length(l.city, "\(at).city", maxShort, singleLine: true)
            if !l.postalCode.isEmpty && !(l.postalCode.count == 5 && l.postalCode.allSatisfy { $0.isASCII && $0.isNumber }) {
                v.add("\(at).postalCode", "field.invalidPostalCode")
            }
        }
        v.list += scheduleErrors(d)
        let p = s.participation
        for (text, key) in [(p.howToApply, "howToApply"), (p.prerequisites, "prerequisites"), (p.benefitsEffect, "benefitsEffect")] {
            v.length(text, "participation.\(key)", maxText)
        }
        v.length(p.consents, "participation.consents", maxText)

        if s.contacts.count > maxItems { v.add("contacts", "field.tooMany") }
        for (k, c) in s.contacts.enumerated() {
            let at = "contacts[\(k)]"
            if c.name.trimmed.isEmpty { v.add("\(at).name", "field.required") }
            if c.name.count > maxShort || c.name.contains(where: \.isNewline) { v.add("\(at).name", "field.tooLong") }
            v.length(c.role, "\(at).role", maxShort, singleLine: true)
            if c.email.isEmpty && c.phone.isEmpty { v.add("\(at).email", "field.required") }
            if !c.email.isEmpty { v.list += Input.emailErrors(c.email, field: "\(at).email") }
            if !c.phone.isEmpty && !isPhone(c.phone) { v.add("\(at).phone", "field.invalidPhone") }
        }
        if s.links.count > maxItems { v.add("links", "field.tooMany") }
        for (k, link) in s.links.enumerated() {
            let at = "links[\(k)]"
            v.required(link.title, "\(at).title")
            v.length(link.title, "\(at).title", maxShort, singleLine: true)
            if let code = urlProblem(link.url) { v.add("\(at).url", code) }
        }
        if let i = s.internal {
            let texts = [
                (i.guidanceProcess, "guidanceProcess"), (i.obligations, "obligations"), (i.statementsAndBenefits, "statementsAndBenefits"),
                (i.travelCompensation, "travelCompensation"), (i.clientRecordInstructions, "clientRecordInstructions"),
                (i.municipalExceptions, "municipalExceptions"), (i.internalContacts, "internalContacts"),
            ]
            for (text, key) in texts { v.length(text, "internal.\(key)", maxText) }
        }
        return v.list
    }

    static let periodKinds: Set<String> = ["course", "application"]

    /// The structured schedule: weekdays 1–7 with `HH:MM` times, start before end; periods of a known
    /// kind with `YYYY-MM-DD` dates, end not before start. Paths under `delivery.`.
    static func scheduleErrors(_ d: CatalogueFile.Delivery) -> [FieldError] {
        var errors: [FieldError] = []
        if d.slots.count > 50 { errors.append(FieldError("delivery.slots", "field.tooMany")) }
        for (k, slot) in d.slots.enumerated() {
            let at = "delivery.slots[\(k)]"
            if !(1...7).contains(slot.weekday) { errors.append(FieldError("\(at).weekday", "field.invalidValue")) }
            let start = minutes(slot.start)
            let end = minutes(slot.end)
            if start == nil { errors.append(FieldError("\(at).start", "field.invalidTime")) }
            if end == nil { errors.append(FieldError("\(at).end", "field.invalidTime")) }
            if let start, let end, end <= start { errors.append(FieldError("\(at).end", "field.dateBeforeStart")) }
        }
        if d.periods.count > 50 { errors.append(FieldError("delivery.periods", "field.tooMany")) }
        for (k, period) in d.periods.enumerated() {
            let at = "delivery.periods[\(k)]"
            if !periodKinds.contains(period.kind) { errors.append(FieldError("\(at).kind", "field.invalidValue")) }
            if !isDate(period.start) { errors.append(FieldError("\(at).start", "field.invalidDate")) }
            if let end = period.end {
                if !isDate(end) {
                    errors.append(FieldError("\(at).end", "field.invalidDate"))
                } else if isDate(period.start) && end < period.start {
                    errors.append(FieldError("\(at).end", "field.dateBeforeStart"))
                }
            }
        }
        return errors
    }

    /// Minutes after midnight of `HH:MM`, or nil.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let h = Int(parts[0]), let m = Int(parts[1]), h < 24, m < 60
        else { return nil }
        return h * 60 + m
    }

    /// A real calendar date written `YYYY-MM-DD`.
    static func isDate(_ text: String) -> Bool {
        guard text.count == 10 else { return false }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.date(from: text).map { f.string(from: $0) == text } ?? false
    }

    /// A phone number as people write it: an optional leading +, then 5–15 digits with spaces,
    /// hyphens or brackets between.
    static func isPhone(_ text: String) -> Bool {
        let digits = text.filter { $0.isASCII && $0.isNumber }.count
        let allowed = text.enumerated().allSatisfy { i, c in
            (c.isASCII && c.isNumber) || c == " " || c == "-" || c == "(" || c == ")" || (c == "+" && i == 0)
        }
        return allowed && (5...15).contains(digits) && text.count <= 30
    }

    /// Nil for an https address with a host; otherwise why not.
    static func urlProblem(_ text: String) -> String? {
        guard !text.trimmed.isEmpty else { return "field.required" }
        guard text.count <= 2_000, !text.contains(where: { $0.isWhitespace }), let url = URL(string: text),
            let host = url.host, !host.isEmpty, url.user == nil, url.password == nil
        else { return "field.invalidUrl" }
        return url.scheme?.lowercased() == "https" ? nil : "field.httpsOnly"
    }

    private struct Checks {
        var list: [FieldError] = []

        mutating func add(_ field: String, _ code: String) { list.append(FieldError(field, code)) }

        mutating func required(_ text: LocalText, _ path: String) {
            if !text.has(.fi) { add("\(path).fi", "field.required") }
        }

        /// Each language's text within `max` characters (and on one line, for names).
        mutating func length(_ text: LocalText, _ path: String, _ max: Int, singleLine: Bool = false) {
            for language in Language.allCases {
                guard let value = text.text(language) else { continue }
                if value.count > max || (singleLine && value.contains(where: \.isNewline)) {
                    add("\(path).\(language.rawValue)", "field.tooLong")
                }
            }
        }

        /// Codes that must exist, each once; `required`: at least one.
        mutating func codes(_ ids: [String], _ known: Set<String>, _ path: String, required: Bool = false) {
            if required && ids.isEmpty { add(path, "field.atLeastOne") }
            if ids.count > 500 { add(path, "field.tooMany") }
            var seen: Set<String> = []
            for (k, id) in ids.enumerated() {
                if !known.contains(id) { add("\(path)[\(k)]", "field.unknownCode") }
                if !seen.insert(id).inserted { add("\(path)[\(k)]", "field.duplicate") }
            }
        }
    }
}

extension LocalText {
    /// The text of its own in `language`, nil when there is none.
    func text(_ language: Language) -> String? {
        switch language {
        case .fi: fi
        case .sv: sv
        case .en: en
        }
    }
}
