import Foundation
import Hummingbird

public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case expert, contentProducer, serviceProvider, approver, orgAdmin

    public static func < (a: Role, b: Role) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
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
