import Hummingbird

/// `/invitations/*`: what a person holding an invitation link can do, whatever its kind. Listing,
/// sending and revoking invitations live with the feature that owns the target.
struct InvitationsController: Sendable {
    let invitations: InvitationsService
    let signIn: AuthController

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.post("invitations/inspect", use: inspect)
        api.post("invitations/code", use: sendCode)
        api.post("invitations/accept", use: accept)
    }

    func inspect(_ request: Request, context: AppRequestContext) async throws -> InvitationPreviewDTO {
        try await invitations.preview(try await request.decode(as: InvitationTokenInput.self, context: context))
    }

    func sendCode(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<InvitationCodeSentDTO> {
        let input = try await request.decode(as: InvitationTokenInput.self, context: context)
        return EditedResponse(
            status: .accepted, response: try await invitations.sendCode(input, address: signIn.address(request, context)))
    }

    func accept(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await request.decode(as: AcceptInvitationInput.self, context: context)
        let signedIn = try await invitations.accept(
            input, address: signIn.address(request, context), userAgent: request.headers[.userAgent])
        return try signIn.signedInResponse(signedIn, request: request, context: context)
    }
}
