import Hummingbird

/// `/spaces*`: spaces, members, consents and the access log. Decode, call `SpacesService`, encode.
struct SpacesController: Sendable {
    let spaces: SpacesService
    let trustForwardedFor: Bool

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.post("spaces", use: create)
        api.get("spaces", use: list)
        api.get("spaces/:spaceId", use: get)
        api.patch("spaces/:spaceId", use: rename)
        api.post("spaces/:spaceId/close", use: close)
        api.get("spaces/:spaceId/members", use: members)
        api.post("spaces/:spaceId/members", use: addExpert)
        api.post("spaces/:spaceId/clients", use: addClient)
        api.delete("spaces/:spaceId/members/:userId", use: remove)
        api.post("spaces/:spaceId/leave", use: leave)
        api.post("spaces/:spaceId/owner", use: transferOwner)
        api.get("spaces/:spaceId/consents", use: consents)
        api.get("spaces/:spaceId/access-log", use: accessLog)
        api.get("consent-text", use: consentText)
    }

    private func spaceId(_ context: AppRequestContext) throws -> String { try context.parameters.require("spaceId") }

    func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SpaceDTO> {
        _ = try context.requireSession()
        let input = try await request.decode(as: CreateSpaceInput.self, context: context)
        let space = try await spaces.create(
            input, by: context.session, address: context.clientAddress(request, trustForwardedFor: trustForwardedFor))
        return EditedResponse(status: .created, response: space)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Page<SpaceSummaryDTO> {
        let raw = request.uri.queryParameters["status"].map(String.init)
        let status = try raw.map { value in
            guard let s = SpaceStatus(rawValue: value) else { throw AppError.validation([FieldError("status", "field.invalidValue")]) }
            return s
        }
        return try await spaces.list(status: status, page: try PageRequest(request), by: context.session)
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> SpaceDTO {
        try await spaces.get(try spaceId(context), by: context.session)
    }

    func rename(_ request: Request, context: AppRequestContext) async throws -> SpaceDTO {
        let id = try spaceId(context)
        _ = try await spaces.requireMember(id, context.session)
        return try await spaces.rename(id, try await request.decode(as: RenameSpaceInput.self, context: context), by: context.session)
    }

    func close(_ request: Request, context: AppRequestContext) async throws -> SpaceDTO {
        let id = try spaceId(context)
        _ = try await spaces.requireMember(id, context.session)
        return try await spaces.close(id, try await request.decode(as: CloseSpaceInput.self, context: context), by: context.session)
    }

    func members(_ request: Request, context: AppRequestContext) async throws -> Items<MemberDTOSpace> {
        try await spaces.members(try spaceId(context), by: context.session)
    }

    func addExpert(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<MemberDTOSpace> {
        let id = try spaceId(context)
        _ = try await spaces.requireOwner(id, context.session)
        let input = try await request.decode(as: AddMemberInput.self, context: context)
        return EditedResponse(status: .created, response: try await spaces.addExpert(id, input, by: context.session))
    }

    func addClient(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try spaceId(context)
        _ = try await spaces.requireOwner(id, context.session)
        let input = try await request.decode(as: ClientInput.self, context: context)
        switch try await spaces.addClient(
            id, input, by: context.session, address: context.clientAddress(request, trustForwardedFor: trustForwardedFor))
        {
        case .joined(let member): return try EditedResponse(status: .created, response: member).response(from: request, context: context)
        case .invited(let invitationId):
            return try EditedResponse(status: .accepted, response: InvitedDTO(invitationId: invitationId)).response(
                from: request, context: context)
        }
    }

    func remove(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await spaces.remove(try context.parameters.require("userId"), from: try spaceId(context), by: context.session)
        return .noContent
    }

    func leave(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await spaces.leave(try spaceId(context), by: context.session)
        return .noContent
    }

    func transferOwner(_ request: Request, context: AppRequestContext) async throws -> SpaceDTO {
        let id = try spaceId(context)
        _ = try await spaces.requireOwner(id, context.session)
        return try await spaces.transferOwner(
            id, try await request.decode(as: TransferOwnerInput.self, context: context), by: context.session)
    }

    func consents(_ request: Request, context: AppRequestContext) async throws -> Items<ConsentDTO> {
        try await spaces.consents(try spaceId(context), by: context.session)
    }

    func accessLog(_ request: Request, context: AppRequestContext) async throws -> Page<AccessLogEntryDTO> {
        try await spaces.accessLog(try spaceId(context), page: try PageRequest(request), by: context.session)
    }

    /// The consent text the expert goes through with the client, in the asked language.
    func consentText(_ request: Request, context: AppRequestContext) async throws -> ConsentTextDTO {
        _ = try context.requireSession()
        let language = request.uri.queryParameters["language"].flatMap { Language(rawValue: String($0)) } ?? .fi
        return ConsentTextDTO(version: ConsentText.version, text: ConsentText.text(language))
    }
}
