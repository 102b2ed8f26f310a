import Hummingbird

/// `/organizations/*` and `/invitations/*`: decode, call `OrganizationsService`, encode.
struct OrganizationsController: Sendable {
    let organizations: OrganizationsService
    let signIn: AuthController

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("organizations", use: list)
        api.post("organizations", use: create)
        api.get("organizations/:orgId", use: get)
        api.patch("organizations/:orgId", use: update)
        api.get("organizations/:orgId/members", use: members)
        api.put("organizations/:orgId/members/:userId/roles", use: setRoles)
        api.delete("organizations/:orgId/members/:userId", use: removeMember)
        api.get("organizations/:orgId/invitations", use: invitations)
        api.post("organizations/:orgId/invitations", use: invite)
        api.delete("organizations/:orgId/invitations/:invitationId", use: revoke)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Page<OrganizationDTO> {
        try await organizations.list(page: try PageRequest(request))
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> OrganizationDTO {
        try await organizations.organization(id: try context.parameters.require("orgId"))
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<OrganizationDTO> {
        _ = try organizations.requirePlatformAdmin(context.session)
        let input = try await request.decode(as: CreateOrganizationInput.self, context: context)
        return EditedResponse(status: .created, response: try await organizations.create(input, by: context.session))
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> OrganizationDTO {
        _ = try organizations.requirePlatformAdmin(context.session)
        let input = try await request.decode(as: UpdateOrganizationInput.self, context: context)
        return try await organizations.update(id: try context.parameters.require("orgId"), input, by: context.session)
    }

    func members(_ request: Request, context: AppRequestContext) async throws -> Page<MemberDTO> {
        try await organizations.members(
            of: try context.parameters.require("orgId"), page: try PageRequest(request), by: context.session)
    }

    func setRoles(_ request: Request, context: AppRequestContext) async throws -> MemberDTO {
        let orgId = try context.parameters.require("orgId")
        _ = try await organizations.requireAdmin(context.session, of: orgId)
        let input = try await request.decode(as: SetRolesInput.self, context: context)
        return try await organizations.setRoles(
            input, of: try context.parameters.require("userId"), in: orgId, by: context.session, address: signIn.address(request, context))
    }

    func removeMember(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await organizations.removeMember(
            try context.parameters.require("userId"), from: try context.parameters.require("orgId"), by: context.session,
            address: signIn.address(request, context))
        return .noContent
    }

    func invitations(_ request: Request, context: AppRequestContext) async throws -> Page<InvitationDTO> {
        try await organizations.invitations(
            of: try context.parameters.require("orgId"), page: try PageRequest(request), by: context.session)
    }

    func invite(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<InvitationDTO> {
        let orgId = try context.parameters.require("orgId")
        _ = try await organizations.requireAdmin(context.session, of: orgId)
        let input = try await request.decode(as: CreateInvitationInput.self, context: context)
        return EditedResponse(
            status: .created,
            response: try await organizations.invite(input, to: orgId, by: context.session, address: signIn.address(request, context)))
    }

    func revoke(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await organizations.revoke(
            try context.parameters.require("invitationId"), in: try context.parameters.require("orgId"), by: context.session,
            address: signIn.address(request, context))
        return .noContent
    }
}
