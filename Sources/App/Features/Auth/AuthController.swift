import Foundation
import Hummingbird

/// `/auth/*` and `/me/*`: decode, call `AuthService`, encode.
struct AuthController: Sendable {
    let auth: AuthService
    let cookie: SessionCookie
    let trustForwardedFor: Bool

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.post("auth/login", use: login)
        api.post("auth/logout", use: logout)
        api.post("auth/logout-everywhere", use: logoutEverywhere)
        api.post("auth/password-reset", use: requestReset)
        api.post("auth/password-reset/confirm", use: confirmReset)
        api.get("me", use: me)
        api.patch("me", use: updateMe)
        api.post("me/password", use: changePassword)
        api.get("me/sessions", use: sessions)
        api.delete("me/sessions/:sessionId", use: revokeSession)
        api.delete("admin/users/:userId", use: removeUser)
    }

    func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await request.decode(as: LoginInput.self, context: context)
        let signedIn = try await auth.login(
            input, address: address(request, context),
            userAgent: request.headers[.userAgent])
        return try signedInResponse(signedIn, request: request, context: context)
    }

    /// `{user}` with the session cookie set: the answer of sign-in and of accepting an invitation.
    func signedInResponse(_ signedIn: AuthService.SignedIn, request: Request, context: AppRequestContext) throws -> Response {
        var response = try UserEnvelope(user: signedIn.user).response(from: request, context: context)
        response.headers[.cacheControl] = "no-store"
        cookie.set(signedIn.token, on: &response)
        return response
    }

    func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await auth.logout(try context.requireSession(), address: address(request, context))
        return cleared()
    }

    func logoutEverywhere(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await auth.logoutEverywhere(try context.requireSession(), address: address(request, context))
        return cleared()
    }

    /// The caller's address, for rate limits and security events.
    func address(_ request: Request, _ context: AppRequestContext) -> String {
        context.clientAddress(request, trustForwardedFor: trustForwardedFor)
    }

    private func cleared() -> Response {
        var response = Response(status: .noContent)
        cookie.clear(on: &response)
        return response
    }

    func requestReset(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Empty> {
        let input = try await request.decode(as: PasswordResetRequestInput.self, context: context)
        try await auth.requestReset(input, address: address(request, context))
        return EditedResponse(status: .accepted, response: Empty())
    }

    func confirmReset(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await auth.confirmReset(
            try await request.decode(as: PasswordResetConfirmInput.self, context: context), address: address(request, context))
        return .noContent
    }

    func me(_ request: Request, context: AppRequestContext) async throws -> UserEnvelope {
        UserEnvelope(user: try await auth.profile(try context.requireSession().userId))
    }

    func updateMe(_ request: Request, context: AppRequestContext) async throws -> UserEnvelope {
        let caller = try context.requireSession()
        let input = try await request.decode(as: UpdateMeInput.self, context: context)
        return UserEnvelope(user: try await auth.updateMe(caller, input))
    }

    func changePassword(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let caller = try context.requireSession()
        try await auth.changePassword(
            caller, try await request.decode(as: ChangePasswordInput.self, context: context), address: address(request, context))
        return .noContent
    }

    func sessions(_ request: Request, context: AppRequestContext) async throws -> Page<SessionDTO> {
        let caller = try context.requireSession()
        return try await auth.sessions(caller, page: try PageRequest(request))
    }

    func revokeSession(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let caller = try context.requireSession()
        try await auth.revokeSession(caller, id: try context.parameters.require("sessionId"), address: address(request, context))
        return .noContent
    }

    func removeUser(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await auth.removeUser(try context.parameters.require("userId"), by: context.session, address: address(request, context))
        return .noContent
    }
}
