import Foundation

/// The project's own catalogue exchange format (`docs/catalogue-format.md`): what
/// `ohjaustila import catalogue` reads and `export catalogue` writes. Enumerations and timestamps are
/// kept as strings here so that validation can report every problem with its JSON path instead of
/// stopping at the first one.
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
        var keywords: [String]
        var cost: String
        var costDescription: String
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
        var notes: String
    }

    struct TargetGroup: Codable, Sendable, Equatable {
        var description: String
        @Nullable var ageMin: Int?
        @Nullable var ageMax: Int?
        var municipalityCodes: [String]
        var lifeSituationIds: [String]
        var employmentStatusIds: [String]

    }

    struct Delivery: Codable, Sendable, Equatable {
        var modes: [String]
        var languages: [String]
        var duration: String
        var schedule: String
        var locations: [Location]
    }

    struct Location: Codable, Sendable, Equatable {
        var name: String
        var address: String
        var postalCode: String
        var city: String
    }

    struct Participation: Codable, Sendable, Equatable {
        var howToApply: String
        var prerequisites: String
        var benefitsEffect: String
        var consents: String
    }

    struct Contact: Codable, Sendable, Equatable {
        var name: String
        var role: String
        var email: String
        var phone: String
    }

    struct Link: Codable, Sendable, Equatable {
        var title: String
        var url: String
    }

    struct Internal: Codable, Sendable, Equatable {
        var guidanceProcess: String
        var obligations: String
        var statementsAndBenefits: String
        var travelCompensation: String
        var clientRecordInstructions: String
        var municipalExceptions: String
        var internalContacts: String

        static let empty = Internal(
            guidanceProcess: "", obligations: "", statementsAndBenefits: "", travelCompensation: "", clientRecordInstructions: "",
            municipalExceptions: "", internalContacts: "")
    }

    struct Article: Codable, Sendable, Equatable {
        var id: String
        var title: LocalText
        var body: String
        var audience: String
        var municipalityCodes: [String]
        var updatedAt: String
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
