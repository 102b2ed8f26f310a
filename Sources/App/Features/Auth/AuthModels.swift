import Foundation
import Hummingbird

public enum Language: String, Codable, Sendable, CaseIterable {
    case fi, sv, en
}

public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case expert, contentProducer, serviceProvider, approver, orgAdmin

    public static func < (a: Role, b: Role) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// Text in Finnish and optionally Swedish and English.
public struct LocalText: Codable, Sendable, Equatable {
    public var fi: String
    public var sv: String?
    public var en: String?

    public init(fi: String, sv: String? = nil, en: String? = nil) {
        self.fi = fi
        self.sv = sv
        self.en = en
    }

    /// The text in `language`, falling back to Finnish.
    func localized(_ language: Language) -> String {
        switch language {
        case .fi: fi
        case .sv: sv ?? fi
        case .en: en ?? fi
        }
    }
}

/// The signed-in caller, resolved once per request.
public struct SessionUser: Sendable {
    public let userId: String
    public let sessionId: String
    public let isPlatformAdmin: Bool
    public let language: Language
    /// Roles by organisation id.
    public let roles: [String: Set<Role>]

    public var isClient: Bool { roles.isEmpty && !isPlatformAdmin }

    func has(_ role: Role, in organizationId: String) -> Bool {
        roles[organizationId]?.contains(role) ?? false
    }
}

// MARK: - API types

struct MembershipDTO: Codable, Sendable, Equatable {
    let organizationId: String
    let organizationName: LocalText
    let roles: [Role]
}

struct UserDTO: Codable, Sendable, Equatable {
    let id: String
    let email: String
    let displayName: String
    let language: Language
    let isPlatformAdmin: Bool
    let isClient: Bool
    let memberships: [MembershipDTO]
}

struct UserEnvelope: ResponseCodable, Sendable {
    let user: UserDTO
}

struct SessionDTO: Codable, Sendable, Equatable {
    let id: String
    let createdAt: Date
    let lastUsedAt: Date
    let expiresAt: Date
    @Nullable var userAgent: String?
    let current: Bool

}

struct Empty: ResponseCodable, Sendable {}

struct LoginInput: Decodable, Sendable {
    let email: String
    let password: String
}

struct PasswordResetRequestInput: Decodable, Sendable {
    let email: String
}

struct PasswordResetConfirmInput: Decodable, Sendable {
    let token: String
    let newPassword: String
}

struct ChangePasswordInput: Decodable, Sendable {
    let currentPassword: String
    let newPassword: String
}

struct UpdateMeInput: Decodable, Sendable {
    let displayName: String?
    let language: Language?
}

// MARK: - Rules for input

enum Input {
    static let maxEmail = 254, minPassword = 10, maxPassword = 256, maxName = 100

    /// Trimmed and lower-cased: the key e-mail addresses are unique by.
    static func normalizeEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func emailErrors(_ email: String, field: String = "email") -> [FieldError] {
        let e = email.trimmingCharacters(in: .whitespacesAndNewlines)
        if e.isEmpty { return [FieldError(field, "field.required")] }
        if e.count > maxEmail { return [FieldError(field, "field.tooLong")] }
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !e.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
        else { return [FieldError(field, "field.invalidEmail")] }
        return []
    }

    static func passwordErrors(_ password: String, field: String) -> [FieldError] {
        if password.count < minPassword { return [FieldError(field, "field.passwordTooShort")] }
        if password.utf8.count > maxPassword * 4 || password.count > maxPassword { return [FieldError(field, "field.passwordTooLong")] }
        return []
    }

    static func nameErrors(_ name: String, field: String) -> [FieldError] {
        let n = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if n.isEmpty { return [FieldError(field, "field.required")] }
        if n.count > maxName { return [FieldError(field, "field.tooLong")] }
        if n.contains(where: { $0.isNewline }) { return [FieldError(field, "field.invalidValue")] }
        return []
    }

    static func check(_ errors: [FieldError]) throws {
        if !errors.isEmpty { throw AppError.validation(errors) }
    }
}
