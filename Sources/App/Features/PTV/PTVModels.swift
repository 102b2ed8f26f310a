import Foundation
import Hummingbird

/// A service entity of the national service registry (Palvelutietovaranto, PTV), open API
/// version 11, as far as the catalogue reads and writes it. Every field is optional on reading, so
/// that a missing one is reported for its service instead of failing the whole file.
struct PTVService: Codable, Sendable, Equatable {
    var id: String?
    var sourceId: String?
    var type: String?
    /// `FreeOfCharge`, `Chargeable` or `Other` (partly paid).
    var serviceChargeType: String?
    /// `Name` and `AlternativeName` per language.
    var serviceNames: [PTVText]?
    /// `Summary`, `Description`, `UserInstruction`, `ChargeTypeAdditionalInfo` (others are reported).
    var serviceDescriptions: [PTVText]?
    /// `Nationwide`, `NationwideExceptAlandIslands` or `AreaType` (then `areas`).
    var areaType: String?
    var areas: [PTVArea]?
    var languages: [String]?
    var targetGroups: [PTVCode]?
    var lifeEvents: [PTVCode]?
    var serviceClasses: [PTVCode]?
    var ontologyTerms: [PTVCode]?
    var organizations: [PTVOrganizationRole]?
    /// `Published`, `Draft`, `Modified`, `Deleted`, `OldPublished`.
    var publishingStatus: String?
    var modified: String?
}

struct PTVText: Codable, Sendable, Equatable {
    var language: String
    var value: String
    var type: String
}

struct PTVLanguageValue: Codable, Sendable, Equatable {
    var language: String
    var value: String
}

struct PTVArea: Codable, Sendable, Equatable {
    /// `Municipality`, `Region`, `HospitalRegions`, `BusinessRegions`.
    var type: String?
    var code: String?
    var municipalities: [PTVMunicipality]?
}

struct PTVMunicipality: Codable, Sendable, Equatable {
    var code: String
    var name: [PTVLanguageValue]?
}

/// A code of a classification (target group, life event, service class, ontology term).
struct PTVCode: Codable, Sendable, Equatable {
    var code: String?
    var uri: String?
    var name: [PTVLanguageValue]?
}

struct PTVOrganizationRole: Codable, Sendable, Equatable {
    var organization: PTVOrganizationRef?
    /// `Responsible`, `Producer`, `OtherResponsible`.
    var roleType: String?
}

struct PTVOrganizationRef: Codable, Sendable, Equatable {
    var id: String?
    var name: String?
}

/// A page of services as the registry's API lists them; an import also reads a bare array.
struct PTVServicePage: ResponseCodable, Sendable {
    var pageNumber: Int
    var pageCount: Int
    var itemList: [PTVService]
}

/// The region's mapping of the registry's codes (`DemoData/ptv-mapping.json`, `--ptv-mapping`).
struct PTVCodeMapping: Codable, Sendable {
    var schemaVersion: Int
    var serviceClasses: [String: String]
    var lifeEvents: [String: String]

    static let empty = PTVCodeMapping(schemaVersion: 1, serviceClasses: [:], lifeEvents: [:])

    /// The code an export writes for a category or a life situation: the first in code order.
    func code(_ table: [String: String], for id: String) -> String? {
        table.filter { $0.value == id }.keys.sorted { $0.localizedStandardCompare($1) == .orderedAscending }.first
    }
}

// MARK: - The import's report

/// Something of a registry service the catalogue could not take as it is: `code` is
/// `ptv.notMapped` (a value without a counterpart here), `ptv.defaulted` (missing; a default was
/// used), `ptv.notInServiceData` (the registry keeps it in service channels, not in the service),
/// `ptv.notImported` (a kind of text the catalogue has no field for).
struct PTVNote: Codable, Sendable, Equatable {
    let field: String
    let code: String
    @Nullable var value: String?
}

/// What an import does (or would do) with one registry service.
struct PTVServiceReport: Codable, Sendable, Equatable {
    /// Its place in the file.
    let index: Int
    @Nullable var ptvId: String?
    @Nullable var serviceId: String?
    let name: LocalText
    /// `create`, `update`, `unchanged`, `archive` or `skip` (a deleted service the catalogue does not have).
    let action: String
    /// For an update: what changes, field by field.
    let changes: [FieldChange]
    let notMapped: [PTVNote]
    /// What prevents the import of this service (the whole file is then refused).
    let problems: [FieldError]
}

struct PTVImportCounts: Codable, Sendable, Equatable {
    var create = 0, update = 0, unchanged = 0, archive = 0, skip = 0
}

/// `POST /catalogue/ptv/import`: the plan (a dry run) or what was written.
struct PTVImportDTO: ResponseCodable, Sendable {
    let dryRun: Bool
    let organizationId: String
    let counts: PTVImportCounts
    let problemCount: Int
    let services: [PTVServiceReport]
}
