import Crypto
import Foundation

/// What a registry service says of the fields it carries, in the catalogue's terms. The other
/// fields of a service (accessibility, ages, employment statuses, delivery modes, times and places,
/// prerequisites, contacts, links, internal instructions) are not in the registry's service entity:
/// an update keeps them as they are, a new service starts with them empty.
struct PTVFields: Sendable, Equatable {
    var name = LocalText.empty
    var summary = LocalText.empty
    var description = LocalText.empty
    var keywords = LocalWords(fi: [])
    var cost = "free"
    var costDescription = LocalText.empty
    var howToApply = LocalText.empty
    var municipalityCodes: [String] = []
    var languages: [String] = []
    var lifeSituationIds: [String] = []
    var categoryIds: [String] = []
    /// Published or draft; nil for a service the registry has deleted.
    var status: ServiceStatus? = .published
    var modified: Date?

    /// `base` with the registry's fields in place. A text equal but for missing against empty
    /// languages keeps the base's spelling, so a round trip changes nothing.
    func applied(to base: ServiceContent) -> ServiceContent {
        var c = base
        c.name = name.same(as: base.name) ? base.name : name
        c.summary = summary.same(as: base.summary) ? base.summary : summary
        c.description = description.same(as: base.description) ? base.description : description
        c.keywords = keywords
        c.cost = cost
        c.costDescription = costDescription.same(as: base.costDescription) ? base.costDescription : costDescription
        c.participation.howToApply =
            howToApply.same(as: base.participation.howToApply) ? base.participation.howToApply : howToApply
        c.targetGroup.municipalityCodes = municipalityCodes
        c.targetGroup.lifeSituationIds = lifeSituationIds
        c.delivery.languages = languages
        c.categoryIds = categoryIds
        return c
    }

    /// A new service's fields that the registry does not carry.
    static let template = ServiceContent(
        CatalogueFile.Service(
            id: "", organizationId: "", status: "draft", name: .empty, summary: .empty, description: .empty, categoryIds: [],
            keywords: LocalWords(fi: []), cost: "free", costDescription: .empty,
            accessibility: .init(wheelchair: false, signLanguage: false, easyFinnish: false, notes: .empty),
            targetGroup: .init(
                description: .empty, ageMin: nil, ageMax: nil, municipalityCodes: [], lifeSituationIds: [], employmentStatusIds: []),
            delivery: .init(modes: ["in-person"], languages: [], duration: .empty, schedule: .empty, locations: []),
            participation: .init(howToApply: .empty, prerequisites: .empty, benefitsEffect: .empty, consents: .empty), contacts: [],
            links: [], internal: .empty, updatedAt: "", reviewedAt: "", version: 1))
}

/// Reading and writing the registry's service entities. No HTTP, no SQL.
enum PTVMapping {
    static let textTypes = ["Summary", "Description", "UserInstruction", "ChargeTypeAdditionalInfo"]

    /// The catalogue's fields of one registry service, what did not map, and what prevents its import.
    static func read(
        _ s: PTVService, mapping: PTVCodeMapping, known: CatalogueVocabulary, regionMunicipalities: [String]
    ) -> (fields: PTVFields, notes: [PTVNote], problems: [FieldError]) {
        var f = PTVFields()
        var notes: [PTVNote] = []
        var problems: [FieldError] = []
        func note(_ field: String, _ code: String, _ value: String? = nil) { notes.append(PTVNote(field: field, code: code, value: value)) }

        if let id = s.id?.trimmed, !id.isEmpty {
            if id.count > 100 || !id.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }) {
                problems.append(FieldError("id", "field.invalidValue"))
            }
        } else {
            problems.append(FieldError("id", "field.required"))
        }
        if let type = s.type, type != "Service" { note("type", "ptv.notMapped", type) }

        var keywords: [Language: [String]] = [:]
        func addKeyword(_ word: String, _ language: Language) {
            let w = word.trimmed
            if !w.isEmpty, !(keywords[language] ?? []).contains(w) { keywords[language, default: []].append(w) }
        }
        for (i, n) in (s.serviceNames ?? []).enumerated() {
            guard let language = Language(rawValue: n.language.lowercased()) else {
                note("serviceNames[\(i)]", "ptv.notImported", n.language)
                continue
            }
            switch n.type {
            case "Name": f.name.set(n.value, language)
            case "AlternativeName": addKeyword(n.value, language)
            default: note("serviceNames[\(i)]", "ptv.notImported", n.type)
            }
        }
        for (i, d) in (s.serviceDescriptions ?? []).enumerated() {
            guard let language = Language(rawValue: d.language.lowercased()) else {
                note("serviceDescriptions[\(i)]", "ptv.notImported", d.language)
                continue
            }
            switch d.type {
            case "Summary": f.summary.set(d.value, language)
            case "Description": f.description.set(d.value, language)
            case "UserInstruction": f.howToApply.set(d.value, language)
            case "ChargeTypeAdditionalInfo": f.costDescription.set(d.value, language)
            default: note("serviceDescriptions[\(i)]", "ptv.notImported", d.type)
            }
        }
        switch s.serviceChargeType {
        case "FreeOfCharge": f.cost = "free"
        case "Chargeable": f.cost = "paid"
        case "Other": f.cost = "partly-paid"
        case nil: note("serviceChargeType", "ptv.defaulted", "free")
        case let other?:
            problems.append(FieldError("serviceChargeType", "field.invalidValue"))
            _ = other
        }

        switch s.areaType {
        case "Nationwide", "NationwideExceptAlandIslands":
            f.municipalityCodes = regionMunicipalities
            note("areaType", "ptv.nationwide", s.areaType)
        default:
            for (i, area) in (s.areas ?? []).enumerated() {
                guard area.type == "Municipality" else {
                    note("areas[\(i)]", "ptv.notMapped", [area.type, area.code].compactMap { $0 }.joined(separator: " "))
                    continue
                }
                for (j, m) in (area.municipalities ?? []).enumerated() {
                    if known.municipalities.contains(m.code) {
                        if !f.municipalityCodes.contains(m.code) { f.municipalityCodes.append(m.code) }
                    } else {
                        note("areas[\(i)].municipalities[\(j)]", "ptv.notMapped", m.code)
                    }
                }
            }
        }
        for (i, language) in (s.languages ?? []).enumerated() {
            let l = language.lowercased()
            if CatalogueValidator.languages.contains(l) {
                if !f.languages.contains(l) { f.languages.append(l) }
            } else {
                note("languages[\(i)]", "ptv.notMapped", language)
            }
        }
        for (i, t) in (s.targetGroups ?? []).enumerated() { note("targetGroups[\(i)]", "ptv.notMapped", t.code ?? t.uri) }
        for (i, e) in (s.lifeEvents ?? []).enumerated() {
            if let code = e.code, let id = mapping.lifeEvents[code], known.lifeSituations.contains(id) {
                if !f.lifeSituationIds.contains(id) { f.lifeSituationIds.append(id) }
            } else {
                note("lifeEvents[\(i)]", "ptv.notMapped", e.code ?? e.uri)
            }
        }
        for (i, c) in (s.serviceClasses ?? []).enumerated() {
            if let code = c.code, let id = mapping.serviceClasses[code], known.categories.contains(id) {
                if !f.categoryIds.contains(id) { f.categoryIds.append(id) }
            } else {
                note("serviceClasses[\(i)]", "ptv.notMapped", c.code ?? c.uri)
            }
        }
        for (i, term) in (s.ontologyTerms ?? []).enumerated() {
            for n in term.name ?? [] {
                if let language = Language(rawValue: n.language.lowercased()) {
                    addKeyword(n.value, language)
                } else {
                    note("ontologyTerms[\(i)]", "ptv.notImported", n.language)
                }
            }
        }
        f.keywords = LocalWords(fi: keywords[.fi] ?? [], sv: keywords[.sv], en: keywords[.en])

        switch s.publishingStatus {
        case "Published", nil: f.status = .published
        case "Draft", "Modified": f.status = .draft
        case "Deleted", "OldPublished": f.status = nil
        case let other?:
            problems.append(FieldError("publishingStatus", "field.invalidValue"))
            _ = other
        }
        if s.publishingStatus == nil { note("publishingStatus", "ptv.defaulted", "Published") }
        if let modified = s.modified {
            if let date = parseTime(modified) { f.modified = date } else { problems.append(FieldError("modified", "field.invalidDate")) }
        }
        return (f, notes, problems)
    }

    /// ISO 8601 with or without fractional seconds.
    static func parseTime(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text) ?? plain.date(from: text)
    }

    static func formatTime(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    /// A published service in the registry's shape. `ptvId` is the registry's id when the service
    /// came from there, else one derived from the catalogue's id; `sourceId` is the catalogue's id.
    static func write(
        _ c: ServiceContent, serviceId: String, ptvId: String?, modified: Date, organization: (id: String, name: String),
        mapping: PTVCodeMapping
    ) -> PTVService {
        func texts(_ text: LocalText, _ type: String) -> [PTVText] {
            Language.allCases.compactMap { l in text.has(l) ? PTVText(language: l.rawValue, value: text.text(l) ?? "", type: type) : nil }
        }
        var terms: [PTVCode] = []
        for (language, words) in c.keywords.languages {
            for word in words {
                terms.append(PTVCode(code: nil, uri: nil, name: [PTVLanguageValue(language: language.rawValue, value: word)]))
            }
        }
        return PTVService(
            id: ptvId ?? derivedId(serviceId), sourceId: serviceId, type: "Service",
            serviceChargeType: c.cost == "free" ? "FreeOfCharge" : c.cost == "paid" ? "Chargeable" : "Other",
            serviceNames: texts(c.name, "Name"),
            serviceDescriptions: texts(c.summary, "Summary") + texts(c.description, "Description")
                + texts(c.participation.howToApply, "UserInstruction") + texts(c.costDescription, "ChargeTypeAdditionalInfo"),
            areaType: "AreaType",
            areas: [
                PTVArea(
                    type: "Municipality", code: nil,
                    municipalities: c.targetGroup.municipalityCodes.map { PTVMunicipality(code: $0, name: nil) })
            ],
            languages: c.delivery.languages, targetGroups: [],
            lifeEvents: c.targetGroup.lifeSituationIds.compactMap { id in
                mapping.code(mapping.lifeEvents, for: id).map { PTVCode(code: $0, uri: nil, name: nil) }
            },
            serviceClasses: c.categoryIds.compactMap { id in
                mapping.code(mapping.serviceClasses, for: id).map { PTVCode(code: $0, uri: nil, name: nil) }
            },
            ontologyTerms: terms,
            organizations: [
                PTVOrganizationRole(organization: PTVOrganizationRef(id: organization.id, name: organization.name), roleType: "Responsible")
            ],
            publishingStatus: "Published", modified: formatTime(modified))
    }

    /// A stable UUID-shaped id for a catalogue service that has no registry id.
    static func derivedId(_ serviceId: String) -> String {
        let bytes = Array(SHA256.hash(data: Data("ohjaustila:service:\(serviceId)".utf8)).prefix(16))
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let h = Array(hex)
        return [String(h[0..<8]), String(h[8..<12]), "5" + String(h[13..<16]), "8" + String(h[17..<20]), String(h[20..<32])]
            .joined(separator: "-")
    }
}

extension LocalText {
    /// Sets the text of one language; an empty text is none.
    mutating func set(_ value: String, _ language: Language) {
        let v: String? = value.trimmed.isEmpty ? nil : value
        switch language {
        case .fi: fi = v ?? ""
        case .sv: sv = v
        case .en: en = v
        }
    }

    /// The same texts, a missing language and an empty one counted alike.
    func same(as other: LocalText) -> Bool {
        Language.allCases.allSatisfy { (text($0) ?? "") == (other.text($0) ?? "") }
    }
}
