import Foundation
import GRDB

struct MunicipalityRecord: AppRecord, Equatable {
    static let databaseTableName = "municipality"
    var code: String
    var position: Int
    var nameFi: String
    var nameSv: String?
    var nameEn: String?
}

struct CategoryRecord: AppRecord, Equatable {
    static let databaseTableName = "category"
    var id: String
    var parentId: String?
    var position: Int
    var nameFi: String
    var nameSv: String?
    var nameEn: String?
}

/// A vocabulary row (life situation, employment status): an id, a place in order and a name.
protocol TermRecord: AppRecord, Equatable {
    init(id: String, position: Int, nameFi: String, nameSv: String?, nameEn: String?)
    var id: String { get }
    var nameFi: String { get }
    var nameSv: String? { get }
    var nameEn: String? { get }
}

extension TermRecord {
    init(_ term: CatalogueFile.Term, position: Int) {
        self.init(id: term.id, position: position, nameFi: term.name.fi, nameSv: term.name.sv, nameEn: term.name.en)
    }

    var term: CatalogueFile.Term { CatalogueFile.Term(id: id, name: LocalText(fi: nameFi, sv: nameSv, en: nameEn)) }
}

struct LifeSituationRecord: TermRecord {
    static let databaseTableName = "life_situation"
    var id: String
    var position: Int
    var nameFi: String
    var nameSv: String?
    var nameEn: String?
}

struct EmploymentStatusRecord: TermRecord {
    static let databaseTableName = "employment_status"
    var id: String
    var position: Int
    var nameFi: String
    var nameSv: String?
    var nameEn: String?
}

struct ArticleRecord: AppRecord, Equatable {
    static let databaseTableName = "article"
    var id: String
    var titleFi: String
    var titleSv: String?
    var titleEn: String?
    var bodyFi: String
    var bodySv: String?
    var bodyEn: String?
    var audience: ArticleAudience
    var updatedAt: Int64
}

/// One service row. Nested structures that are not filtered on are JSON text.
struct ServiceRecord: AppRecord, Equatable {
    static let databaseTableName = "service"
    var id: String
    var organizationId: String
    var status: ServiceStatus
    var nameFi: String
    var nameSv: String?
    var nameEn: String?
    var summaryFi: String
    var summarySv: String?
    var summaryEn: String?
    var descriptionFi: String
    var descriptionSv: String?
    var descriptionEn: String?
    var keywords: String
    var cost: String
    var costDescriptionFi: String
    var costDescriptionSv: String?
    var costDescriptionEn: String?
    var wheelchair: Bool
    var signLanguage: Bool
    var easyFinnish: Bool
    var accessibilityNotesFi: String
    var accessibilityNotesSv: String?
    var accessibilityNotesEn: String?
    var targetDescriptionFi: String
    var targetDescriptionSv: String?
    var targetDescriptionEn: String?
    var ageMin: Int?
    var ageMax: Int?
    var delivery: String
    var participation: String
    var contacts: String
    var links: String
    var `internal`: String
    var version: Int
    var createdAt: Int64
    var updatedAt: Int64
    var reviewedAt: Int64

    /// What the JSON `delivery` column holds; modes and languages have their own tables.
    struct DeliveryText: Codable, Equatable {
        var duration: LocalText
        var schedule: LocalText
        var locations: [CatalogueFile.Location]
        var slots: [CatalogueFile.Slot] = []
        var periods: [CatalogueFile.Period] = []

        init(
            duration: LocalText, schedule: LocalText, locations: [CatalogueFile.Location], slots: [CatalogueFile.Slot],
            periods: [CatalogueFile.Period]
        ) {
            (self.duration, self.schedule, self.locations, self.slots, self.periods) = (duration, schedule, locations, slots, periods)
        }

        enum CodingKeys: String, CodingKey { case duration, schedule, locations, slots, periods }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            duration = try c.decode(LocalText.self, forKey: .duration)
            schedule = try c.decode(LocalText.self, forKey: .schedule)
            locations = try c.decode([CatalogueFile.Location].self, forKey: .locations)
            slots = try c.decodeList(forKey: .slots)
            periods = try c.decodeList(forKey: .periods)
        }

        /// Empty slots and periods are left out, so a service without them is stored as before.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(duration, forKey: .duration)
            try c.encode(schedule, forKey: .schedule)
            try c.encode(locations, forKey: .locations)
            try c.encodeList(slots, forKey: .slots)
            try c.encodeList(periods, forKey: .periods)
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    init(_ s: CatalogueFile.Service, createdAt: Int64) throws {
        id = s.id
        organizationId = s.organizationId
        status = try ServiceStatus(checked: s.status)
        (nameFi, nameSv, nameEn) = (s.name.fi, s.name.sv, s.name.en)
        (summaryFi, summarySv, summaryEn) = (s.summary.fi, s.summary.sv, s.summary.en)
        (descriptionFi, descriptionSv, descriptionEn) = (s.description.fi, s.description.sv, s.description.en)
        keywords = try Self.json(s.keywords)
        cost = s.cost
        (costDescriptionFi, costDescriptionSv, costDescriptionEn) = (s.costDescription.fi, s.costDescription.sv, s.costDescription.en)
        wheelchair = s.accessibility.wheelchair
        signLanguage = s.accessibility.signLanguage
        easyFinnish = s.accessibility.easyFinnish
        let (notes, target) = (s.accessibility.notes, s.targetGroup.description)
        (accessibilityNotesFi, accessibilityNotesSv, accessibilityNotesEn) = (notes.fi, notes.sv, notes.en)
        (targetDescriptionFi, targetDescriptionSv, targetDescriptionEn) = (target.fi, target.sv, target.en)
        ageMin = s.targetGroup.ageMin
        ageMax = s.targetGroup.ageMax
        delivery = try Self.json(
            DeliveryText(
                duration: s.delivery.duration, schedule: s.delivery.schedule, locations: s.delivery.locations, slots: s.delivery.slots,
                periods: s.delivery.periods))
        participation = try Self.json(s.participation)
        contacts = try Self.json(s.contacts)
        links = try Self.json(s.links)
        `internal` = try Self.json(s.internal)
        version = s.version
        self.createdAt = createdAt
        updatedAt = CatalogueTimestamps.parse(s.updatedAt)?.millis ?? 0
        reviewedAt = CatalogueTimestamps.parse(s.reviewedAt)?.millis ?? 0
    }

    /// The service in the exchange format.
    func file(_ links: ServiceLinks) throws -> CatalogueFile.Service {
        let delivery = try Self.decode(DeliveryText.self, self.delivery)
        return CatalogueFile.Service(
            id: id, organizationId: organizationId, status: status.rawValue, name: LocalText(fi: nameFi, sv: nameSv, en: nameEn),
            summary: LocalText(fi: summaryFi, sv: summarySv, en: summaryEn),
            description: LocalText(fi: descriptionFi, sv: descriptionSv, en: descriptionEn), categoryIds: links.categories,
            keywords: try Self.decode(LocalWords.self, keywords), cost: cost,
            costDescription: LocalText(fi: costDescriptionFi, sv: costDescriptionSv, en: costDescriptionEn),
            accessibility: .init(
                wheelchair: wheelchair, signLanguage: signLanguage, easyFinnish: easyFinnish,
                notes: LocalText(fi: accessibilityNotesFi, sv: accessibilityNotesSv, en: accessibilityNotesEn)),
            targetGroup: .init(
                description: LocalText(fi: targetDescriptionFi, sv: targetDescriptionSv, en: targetDescriptionEn), ageMin: ageMin,
                ageMax: ageMax, municipalityCodes: links.municipalities,
                lifeSituationIds: links.lifeSituations, employmentStatusIds: links.employmentStatuses),
            delivery: .init(
                modes: links.modes, languages: links.languages, duration: delivery.duration, schedule: delivery.schedule,
                locations: delivery.locations, slots: delivery.slots, periods: delivery.periods),
            participation: try Self.decode(CatalogueFile.Participation.self, participation),
            contacts: try Self.decode([CatalogueFile.Contact].self, contacts),
            links: try Self.decode([CatalogueFile.Link].self, self.links),
            internal: try Self.decode(CatalogueFile.Internal.self, `internal`),
            updatedAt: CatalogueTimestamps.format(Date(millis: updatedAt)),
            reviewedAt: CatalogueTimestamps.format(Date(millis: reviewedAt)), version: version)
    }
}

/// A service's rows in the link tables, each list in its given order.
struct ServiceLinks: Equatable, Sendable {
    var categories: [String]
    var municipalities: [String]
    var lifeSituations: [String]
    var employmentStatuses: [String]
    var languages: [String]
    var modes: [String]

    init(_ s: CatalogueFile.Service) {
        categories = s.categoryIds.uniqued
        municipalities = s.targetGroup.municipalityCodes.uniqued
        lifeSituations = s.targetGroup.lifeSituationIds.uniqued
        employmentStatuses = s.targetGroup.employmentStatusIds.uniqued
        languages = s.delivery.languages.uniqued
        modes = s.delivery.modes.uniqued
    }

    init(
        categories: [String], municipalities: [String], lifeSituations: [String], employmentStatuses: [String], languages: [String],
        modes: [String]
    ) {
        self.categories = categories
        self.municipalities = municipalities
        self.lifeSituations = lifeSituations
        self.employmentStatuses = employmentStatuses
        self.languages = languages
        self.modes = modes
    }

    /// (table, column, keyPath) of every link table.
    static var tables: [(String, String, WritableKeyPath<ServiceLinks, [String]>)] {
        [
            ("service_category", "category_id", \.categories),
            ("service_municipality", "municipality_code", \.municipalities),
            ("service_life_situation", "life_situation_id", \.lifeSituations),
            ("service_employment_status", "employment_status_id", \.employmentStatuses),
            ("service_language", "language", \.languages),
            ("service_mode", "mode", \.modes),
        ]
    }
}

extension ServiceStatus: DatabaseValueConvertible {}
extension ArticleAudience: DatabaseValueConvertible {}
