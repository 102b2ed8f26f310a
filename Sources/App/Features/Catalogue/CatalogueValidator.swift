import Foundation

/// Checks a whole catalogue file and lists every problem with its JSON path.
enum CatalogueValidator {
    static let statuses = Set(ServiceStatus.allCases.map(\.rawValue))
    static let costs: Set<String> = ["free", "paid", "partly-paid"]
    static let modes: Set<String> = ["in-person", "remote", "hybrid"]
    static let languages: Set<String> = ["fi", "sv", "en", "ru", "ar", "so", "et", "uk"]
    static let sectors = Set(Sector.allCases.map(\.rawValue))
    static let audiences = Set(ArticleAudience.allCases.map(\.rawValue))

    /// Decodes `data` (a version 1 file upgraded to version 2 first), turning a JSON or type error
    /// into a problem at its path.
    static func decode(_ data: Data) throws(CatalogueInvalid) -> CatalogueFile {
        // A version this server does not know is named as such, not as the first field it has differently.
        let version = CatalogueFileUpgrade.version(of: data)
        if let version, ![1, CatalogueFileUpgrade.current].contains(version) {
            throw CatalogueInvalid(problems: [CatalogueProblem(path: "$.schemaVersion", message: "should be 1 or 2")])
        }
        do {
            let file = version == 1 ? CatalogueFileUpgrade.upgradedFromVersion1(data) : data
            return try JSONDecoder().decode(CatalogueFile.self, from: file)
        } catch let error as DecodingError {
            throw CatalogueInvalid(problems: [problem(error)])
        } catch {
            throw CatalogueInvalid(problems: [CatalogueProblem(path: "$", message: "not a JSON document")])
        }
    }

    static func problem(_ error: DecodingError) -> CatalogueProblem {
        switch error {
        case .keyNotFound(let key, let context):
            return CatalogueProblem(path: path(context.codingPath + [key]), message: "is missing")
        case .typeMismatch(let type, let context):
            return CatalogueProblem(path: path(context.codingPath), message: "should be \(describe(type))")
        case .valueNotFound(let type, let context):
            return CatalogueProblem(path: path(context.codingPath), message: "should be \(describe(type)), not null")
        case .dataCorrupted(let context):
            return CatalogueProblem(
                path: path(context.codingPath), message: context.codingPath.isEmpty ? "is not valid JSON" : "is not valid")
        @unknown default:
            return CatalogueProblem(path: "$", message: "is not valid")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        default: String(describing: type).contains("Array") ? "an array" : "an object"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("$") { p, key in key.intValue.map { "\(p)[\($0)]" } ?? "\(p).\(key.stringValue)" }
    }

    /// Every problem of a decoded file. `knownOrganizations` are those already in the database.
    static func problems(_ file: CatalogueFile, knownOrganizations: Set<String> = []) -> [CatalogueProblem] {
        var v = Problems()
        if file.schemaVersion != CatalogueFileUpgrade.current { v.add("$.schemaVersion", "should be 1 or 2") }
        v.timestamp(file.generatedAt, "$.generatedAt")

        let municipalities = v.unique(file.municipalities.map(\.code), "$.municipalities", key: "code")
        for (i, m) in file.municipalities.enumerated() {
            if m.code.count != 3 || !m.code.allSatisfy({ $0.isASCII && $0.isNumber }) {
                v.add("$.municipalities[\(i)].code", "should be a three-digit municipality code")
            }
            v.text(m.name, "$.municipalities[\(i)].name")
        }

        let categories = v.unique(file.categories.map(\.id), "$.categories", key: "id")
        let parents = Dictionary(file.categories.map { ($0.id, $0.parent) }, uniquingKeysWith: { a, _ in a })
        for (i, c) in file.categories.enumerated() {
            v.slug(c.id, "$.categories[\(i)].id")
            v.text(c.name, "$.categories[\(i)].name")
            if let parent = c.parent {
                if !categories.contains(parent) {
                    v.add("$.categories[\(i)].parent", "unknown category '\(parent)'")
                } else {
                    var seen: Set<String> = [c.id]
                    var next: String? = parent
                    while let p = next {
                        if !seen.insert(p).inserted {
                            v.add("$.categories[\(i)].parent", "makes a cycle")
                            break
                        }
                        next = parents[p] ?? nil
                    }
                }
            }
        }
        let lifeSituations = v.unique(file.lifeSituations.map(\.id), "$.lifeSituations", key: "id")
        let statuses = v.unique(file.employmentStatuses.map(\.id), "$.employmentStatuses", key: "id")
        for (name, terms) in [("lifeSituations", file.lifeSituations), ("employmentStatuses", file.employmentStatuses)] {
            for (i, t) in terms.enumerated() {
                v.slug(t.id, "$.\(name)[\(i)].id")
                v.text(t.name, "$.\(name)[\(i)].name")
            }
        }

        let organizations = v.unique(file.organizations.map(\.id), "$.organizations", key: "id").union(knownOrganizations)
        for (i, o) in file.organizations.enumerated() {
            let at = "$.organizations[\(i)]"
            if !OrganizationRules.isValidId(o.id) { v.add("\(at).id", "should be letters, digits, '-' or '_'") }
            v.text(o.name, "\(at).name")
            v.member(o.sector, sectors, "\(at).sector")
            v.member(o.kind, OrganizationRules.kinds, "\(at).kind")
            v.references(o.municipalityCodes, municipalities, "\(at).municipalityCodes", what: "municipality")
        }

        _ = v.unique(file.services.map(\.id), "$.services", key: "id")
        for (i, s) in file.services.enumerated() {
            service(s, at: "$.services[\(i)]", &v, organizations, categories, municipalities, lifeSituations, statuses)
        }

        _ = v.unique(file.articles.map(\.id), "$.articles", key: "id")
        for (i, a) in file.articles.enumerated() {
            let at = "$.articles[\(i)]"
            v.slug(a.id, "\(at).id")
            v.text(a.title, "\(at).title")
            if a.body.fi.trimmed.isEmpty { v.add("\(at).body.fi", "should not be empty") }
            v.member(a.audience, audiences, "\(at).audience")
            v.references(a.municipalityCodes, municipalities, "\(at).municipalityCodes", what: "municipality")
            v.timestamp(a.updatedAt, "\(at).updatedAt")
        }
        return v.list
    }

    private static func service(
        _ s: CatalogueFile.Service, at: String, _ v: inout Problems, _ organizations: Set<String>, _ categories: Set<String>,
        _ municipalities: Set<String>, _ lifeSituations: Set<String>, _ statuses: Set<String>
    ) {
        v.slug(s.id, "\(at).id")
        if !organizations.contains(s.organizationId) { v.add("\(at).organizationId", "unknown organisation '\(s.organizationId)'") }
        v.member(s.status, Self.statuses, "\(at).status")
        v.text(s.name, "\(at).name")
        v.text(s.summary, "\(at).summary")
        v.text(s.description, "\(at).description")
        if s.categoryIds.isEmpty { v.add("\(at).categoryIds", "should name at least one category") }
        v.references(s.categoryIds, categories, "\(at).categoryIds", what: "category")
        for (language, words) in s.keywords.languages {
            for (k, word) in words.enumerated() where word.trimmed.isEmpty {
                v.add("\(at).keywords.\(language.rawValue)[\(k)]", "should not be empty")
            }
        }
        v.member(s.cost, costs, "\(at).cost")
        let t = s.targetGroup
        for (value, key) in [(t.ageMin, "ageMin"), (t.ageMax, "ageMax")] {
            if let value, !(0...120).contains(value) { v.add("\(at).targetGroup.\(key)", "should be an age from 0 to 120") }
        }
        if let lo = t.ageMin, let hi = t.ageMax, lo > hi { v.add("\(at).targetGroup.ageMax", "is below ageMin") }
        if t.municipalityCodes.isEmpty { v.add("\(at).targetGroup.municipalityCodes", "should name at least one municipality") }
        v.references(t.municipalityCodes, municipalities, "\(at).targetGroup.municipalityCodes", what: "municipality")
        v.references(t.lifeSituationIds, lifeSituations, "\(at).targetGroup.lifeSituationIds", what: "life situation")
        v.references(t.employmentStatusIds, statuses, "\(at).targetGroup.employmentStatusIds", what: "employment status")
        if s.delivery.modes.isEmpty { v.add("\(at).delivery.modes", "should name at least one mode") }
        for (k, mode) in s.delivery.modes.enumerated() { v.member(mode, modes, "\(at).delivery.modes[\(k)]") }
        if s.delivery.languages.isEmpty { v.add("\(at).delivery.languages", "should name at least one language") }
        for (k, language) in s.delivery.languages.enumerated() { v.member(language, languages, "\(at).delivery.languages[\(k)]") }
        for e in ServiceContentValidator.scheduleErrors(s.delivery) {
            let message =
                switch e.code {
                case "field.invalidTime": "should be a time such as 09:30"
                case "field.invalidDate": "should be a date such as 2027-01-31"
                case "field.dateBeforeStart": "is before the start"
                case "field.tooMany": "has more than 50 entries"
                default: "is not valid"
                }
            v.add("\(at).\(e.field)", message)
        }
        for (k, link) in s.links.enumerated() {
            if let url = URL(string: link.url), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
            } else {
                v.add("\(at).links[\(k)].url", "should be an http or https address")
            }
        }
        v.timestamp(s.updatedAt, "\(at).updatedAt")
        v.timestamp(s.reviewedAt, "\(at).reviewedAt")
        if s.version < 1 { v.add("\(at).version", "should be 1 or more") }
    }

    /// Collects problems.
    private struct Problems {
        var list: [CatalogueProblem] = []

        mutating func add(_ path: String, _ message: String) { list.append(CatalogueProblem(path: path, message: message)) }

        mutating func text(_ text: LocalText, _ path: String) {
            if text.fi.trimmed.isEmpty { add("\(path).fi", "should not be empty") }
        }

        mutating func slug(_ id: String, _ path: String) {
            if id.isEmpty || id.count > 100 || !id.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }) {
                add(path, "should be 1–100 letters a–z, digits, '-' or '_'")
            }
        }

        mutating func member(_ value: String, _ allowed: Set<String>, _ path: String) {
            if !allowed.contains(value) { add(path, "'\(value)' is not one of \(allowed.sorted().joined(separator: ", "))") }
        }

        mutating func timestamp(_ text: String, _ path: String) {
            if CatalogueTimestamps.parse(text) == nil { add(path, "should be an ISO 8601 UTC time such as 2026-09-23T07:45:00Z") }
        }

        mutating func references(_ ids: [String], _ known: Set<String>, _ path: String, what: String) {
            var seen: Set<String> = []
            for (k, id) in ids.enumerated() {
                if !known.contains(id) { add("\(path)[\(k)]", "unknown \(what) '\(id)'") }
                if !seen.insert(id).inserted { add("\(path)[\(k)]", "'\(id)' is listed twice") }
            }
        }

        /// The set of ids, reporting duplicates at the second place.
        mutating func unique(_ ids: [String], _ path: String, key: String) -> Set<String> {
            var seen: Set<String> = []
            for (i, id) in ids.enumerated() where !seen.insert(id).inserted {
                add("\(path)[\(i)].\(key)", "duplicate id '\(id)'")
            }
            return seen
        }
    }
}
