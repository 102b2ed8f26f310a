import Foundation

/// The project's own catalogue exchange format (`docs/catalogue-format.md`): what
/// `ohjaustila import catalogue` reads and `export catalogue` writes. Enumerations and timestamps are
/// kept as strings here so that validation can report every problem with its JSON path instead of
/// stopping at the first one. Schema version 2: every human-readable text is a `LocalText` (fi, sv,
/// en); a version 1 file, where many were plain Finnish strings, is upgraded as it is read.
struct CatalogueFile: Codable, Sendable, Equatable {
    var schemaVersion: Int
    var generatedAt: String
    var municipalities: [Municipality]
    var categories: [Category]
    var lifeSituations: [Term]
    var employmentStatuses: [Term]
    var organizations: [Organization]
    var services: [Service]
    var articles: [Article]

    struct Municipality: Codable, Sendable, Equatable {
        var code: String
        var name: LocalText
    }

    struct Category: Codable, Sendable, Equatable {
        var id: String
        var name: LocalText
        @Nullable var parent: String?

    }

    struct Term: Codable, Sendable, Equatable {
        var id: String
        var name: LocalText
    }

    struct Organization: Codable, Sendable, Equatable {
        var id: String
        var name: LocalText
        var sector: String
        var municipalityCodes: [String]
        var kind: String
    }

    struct Service: Codable, Sendable, Equatable {
        var id: String
        var organizationId: String
        var status: String
        var name: LocalText
        var summary: LocalText
        var description: LocalText
        var categoryIds: [String]
        var keywords: LocalWords
        var cost: String
        var costDescription: LocalText
        var accessibility: Accessibility
        var targetGroup: TargetGroup
        var delivery: Delivery
        var participation: Participation
        var contacts: [Contact]
        var links: [Link]
        var `internal`: Internal
        var updatedAt: String
        var reviewedAt: String
        var version: Int
    }

    struct Accessibility: Codable, Sendable, Equatable {
        var wheelchair: Bool
        var signLanguage: Bool
        var easyFinnish: Bool
        var notes: LocalText
    }

    struct TargetGroup: Codable, Sendable, Equatable {
        var description: LocalText
        @Nullable var ageMin: Int?
        @Nullable var ageMax: Int?
        var municipalityCodes: [String]
        var lifeSituationIds: [String]
        var employmentStatusIds: [String]

    }

    struct Delivery: Codable, Sendable, Equatable {
        var modes: [String]
        var languages: [String]
        var duration: LocalText
        var schedule: LocalText
        var locations: [Location]
        /// Weekly times, besides the free-text `schedule`.
        var slots: [Slot] = []
        /// Dated periods: course runs and application periods.
        var periods: [Period] = []
    }

    /// A weekly time: ISO weekday (1 Monday … 7 Sunday), local times `HH:MM`.
    struct Slot: Codable, Sendable, Equatable {
        var weekday: Int
        var start: String
        var end: String
    }

    /// A dated period, `YYYY-MM-DD` (Europe/Helsinki): `course` (a course or group runs from
    /// `start`), `application` (applications open at `start`, close at `end`, the deadline).
    struct Period: Codable, Sendable, Equatable {
        var kind: String
        var start: String
        @Nullable var end: String?

        /// The last day of the period.
        var lastDay: String { end ?? start }
    }

    struct Location: Codable, Sendable, Equatable {
        var name: LocalText
        var address: LocalText
        var postalCode: String
        var city: LocalText
    }

    struct Participation: Codable, Sendable, Equatable {
        var howToApply: LocalText
        var prerequisites: LocalText
        var benefitsEffect: LocalText
        var consents: LocalText
    }

    struct Contact: Codable, Sendable, Equatable {
        var name: String
        var role: LocalText
        var email: String
        var phone: String
    }

    struct Link: Codable, Sendable, Equatable {
        var title: LocalText
        var url: String
    }

    struct Internal: Codable, Sendable, Equatable {
        var guidanceProcess: LocalText
        var obligations: LocalText
        var statementsAndBenefits: LocalText
        var travelCompensation: LocalText
        var clientRecordInstructions: LocalText
        var municipalExceptions: LocalText
        var internalContacts: LocalText

        static let empty = Internal(
            guidanceProcess: .empty, obligations: .empty, statementsAndBenefits: .empty, travelCompensation: .empty,
            clientRecordInstructions: .empty, municipalExceptions: .empty, internalContacts: .empty)
    }

    struct Article: Codable, Sendable, Equatable {
        var id: String
        var title: LocalText
        var body: LocalText
        var audience: String
        var municipalityCodes: [String]
        var updatedAt: String
    }
}

/// Schema version 1 → 2: the texts that were plain Finnish strings, and the keyword list, become `{"fi": …}`.
enum CatalogueFileUpgrade {
    static let current = 2

    /// The `schemaVersion` a file says it has, or nil when it says none.
    static func version(of data: Data) -> Int? {
        struct Version: Decodable { let schemaVersion: Int }
        return try? JSONDecoder().decode(Version.self, from: data).schemaVersion
    }

    /// The file's JSON as version 2 (a version 2 file unchanged).
    static func upgraded(_ data: Data) -> Data { version(of: data) == 1 ? upgradedFromVersion1(data) : data }

    /// A version 1 file's JSON as version 2.
    static func upgradedFromVersion1(_ data: Data) -> Data {
        guard var file = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return data }
        file["services"] =
            (file["services"] as? [Any])?.map { value -> Any in
                guard var s = value as? [String: Any] else { return value }
                wrap(&s, "costDescription")
                wrap(&s, "keywords")
                s["accessibility"] = wrapping(s["accessibility"], ["notes"])
                s["targetGroup"] = wrapping(s["targetGroup"], ["description"])
                if var delivery = s["delivery"] as? [String: Any] {
                    wrap(&delivery, "duration")
                    wrap(&delivery, "schedule")
                    delivery["locations"] =
                        (delivery["locations"] as? [Any])?.map { wrapping($0, ["name", "address", "city"]) } ?? delivery["locations"]
                    s["delivery"] = delivery
                }
                s["participation"] = wrapping(s["participation"], ["howToApply", "prerequisites", "benefitsEffect", "consents"])
                s["contacts"] = (s["contacts"] as? [Any])?.map { wrapping($0, ["role"]) } ?? s["contacts"]
                s["links"] = (s["links"] as? [Any])?.map { wrapping($0, ["title"]) } ?? s["links"]
                s["internal"] = wrapping(
                    s["internal"],
                    [
                        "guidanceProcess", "obligations", "statementsAndBenefits", "travelCompensation", "clientRecordInstructions",
                        "municipalExceptions", "internalContacts",
                    ])
                return s
            } ?? file["services"]
        file["articles"] = (file["articles"] as? [Any])?.map { wrapping($0, ["body"]) } ?? file["articles"]
        file["schemaVersion"] = current
        return (try? JSONSerialization.data(withJSONObject: file)) ?? data
    }

    /// A value that is not an object (a string, or something the validator will name) as `{"fi": value}`.
    private static func wrap(_ object: inout [String: Any], _ key: String) {
        if let value = object[key], !(value is [String: Any]) { object[key] = ["fi": value] }
    }

    private static func wrapping(_ value: Any?, _ keys: [String]) -> Any? {
        guard var object = value as? [String: Any] else { return value }
        for key in keys { wrap(&object, key) }
        return object
    }
}

/// One thing wrong with a catalogue file, at a JSON path such as `$.services[3].categoryIds[0]`.
public struct CatalogueProblem: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

public struct CatalogueInvalid: Error, Sendable, CustomStringConvertible {
    public let problems: [CatalogueProblem]
    public var description: String {
        "the catalogue file has \(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was imported:\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}

enum CatalogueTimestamps {
    /// `2026-09-23T07:45:00Z`, with or without fractional seconds.
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

extension CatalogueFile.Delivery {
    enum CodingKeys: String, CodingKey { case modes, languages, duration, schedule, locations, slots, periods }

    /// Slots and periods are optional in a file (older files have none) and left out when empty.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modes = try c.decode([String].self, forKey: .modes)
        languages = try c.decode([String].self, forKey: .languages)
        duration = try c.decode(LocalText.self, forKey: .duration)
        schedule = try c.decode(LocalText.self, forKey: .schedule)
        locations = try c.decode([CatalogueFile.Location].self, forKey: .locations)
        slots = try c.decodeList(forKey: .slots)
        periods = try c.decodeList(forKey: .periods)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modes, forKey: .modes)
        try c.encode(languages, forKey: .languages)
        try c.encode(duration, forKey: .duration)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(locations, forKey: .locations)
        try c.encodeList(slots, forKey: .slots)
        try c.encodeList(periods, forKey: .periods)
    }
}

extension KeyedDecodingContainer {
    /// A list that may be missing: empty then.
    func decodeList<T: Decodable>(forKey key: Key) throws -> [T] { try decodeIfPresent([T].self, forKey: key) ?? [] }
}

extension KeyedEncodingContainer {
    /// A list left out when empty.
    mutating func encodeList<T: Encodable>(_ list: [T], forKey key: Key) throws {
        if !list.isEmpty { try encode(list, forKey: key) }
    }
}
