import Foundation
import Hummingbird

public enum Sector: String, Codable, Sendable, CaseIterable {
    case `public`, `private`, third
}

struct OrganizationDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let name: LocalText
    let sector: Sector
    let kind: String
    let municipalityCodes: [String]
}

struct CreateOrganizationInput: Decodable, Sendable {
    let id: String?
    let name: LocalText
    let sector: Sector
    let kind: String
    let municipalityCodes: [String]?
}

struct UpdateOrganizationInput: Decodable, Sendable {
    let name: LocalText?
    let sector: Sector?
    let kind: String?
    let municipalityCodes: [String]?
}

struct MemberDTO: ResponseCodable, Sendable, Equatable {
    let userId: String
    let email: String
    let displayName: String
    let roles: [Role]
    let since: Date
}

struct SetRolesInput: Decodable, Sendable {
    let roles: [Role]
}

struct CreateInvitationInput: Decodable, Sendable {
    let email: String
    let roles: [Role]
    let language: Language?
}

/// What a new or changed organisation must satisfy.
enum OrganizationRules {
    static let kinds: Set<String> = ["kunta", "valtio", "kela", "oppilaitos", "yritys", "yhdistys", "saatio", "muu"]

    static func errors(name: LocalText?, kind: String?, municipalityCodes: [String]?) -> [FieldError] {
        var errors: [FieldError] = []
        if let name {
            errors += Input.nameErrors(name.fi, field: "name.fi").map { FieldError($0.field, $0.code) }
            for (value, field) in [(name.sv, "name.sv"), (name.en, "name.en")] {
                if let value, !value.isEmpty { errors += Input.nameErrors(value, field: field) }
            }
        }
        if let kind, !kinds.contains(kind) { errors.append(FieldError("kind", "field.invalidValue")) }
        if let codes = municipalityCodes, codes.contains(where: { $0.count != 3 || !$0.allSatisfy { $0.isASCII && $0.isNumber } }) {
            errors.append(FieldError("municipalityCodes", "field.invalidValue"))
        }
        return errors
    }

    static func isValidId(_ id: String) -> Bool {
        (1...64).contains(id.count) && id.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
    }
}
