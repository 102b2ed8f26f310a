import Hummingbird

/// `/spaces/{id}/messages*`, `/spaces/{id}/events` and `/spaces/{id}/read`. Decode, call
/// `MessagesService`, encode.
struct MessagesController: Sendable {
    let messages: MessagesService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.post("spaces/:spaceId/messages", use: send)
        api.patch("spaces/:spaceId/messages/:messageId", use: edit)
        api.delete("spaces/:spaceId/messages/:messageId", use: delete)
        api.get("spaces/:spaceId/events", use: events)
        api.post("spaces/:spaceId/read", use: read)
    }

    private func spaceId(_ context: AppRequestContext) throws -> String { try context.parameters.require("spaceId") }

    func send(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SentMessage> {
        let id = try spaceId(context)
        let access = try await messages.spaces.requireMember(id, context.session)
        let input = try await request.decode(as: SendMessageInput.self, context: context)
        let (sent, isNew) = try await messages.send(input, as: access)
        return EditedResponse(status: isNew ? .created : .ok, response: sent)
    }

    func edit(_ request: Request, context: AppRequestContext) async throws -> SpaceEventDTO {
        let id = try spaceId(context)
        _ = try await messages.spaces.requireMember(id, context.session)
        let input = try await request.decode(as: EditMessageInput.self, context: context)
        return try await messages.edit(id, try context.parameters.require("messageId"), body: input.body, by: context.session)
    }

    func delete(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        _ = try await messages.edit(try spaceId(context), try context.parameters.require("messageId"), body: nil, by: context.session)
        return .noContent
    }

    /// `?after=SEQ` (oldest first, `nextCursor` is the next `after`) or `?before=SEQ` (older ones).
    func events(_ request: Request, context: AppRequestContext) async throws -> Page<SpaceEventDTO> {
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        func seq(_ name: String) -> Int64? {
            guard let raw = query[Substring(name)] else { return nil }
            guard let n = Int64(String(raw)), n >= 0 else {
                errors.append(FieldError(name, "field.invalidValue"))
                return nil
            }
            return n
        }
        let after = seq("after")
        let before = seq("before")
        var limit = 50
        if let raw = query["limit"] {
            if let n = Int(String(raw)), (1...200).contains(n) {
                limit = n
            } else {
                errors.append(FieldError("limit", "field.invalidValue"))
            }
        }
        if let raw = query["cursor"], !raw.isEmpty, after == nil, before == nil {
            errors.append(FieldError("cursor", "field.invalidValue"))
        }
        try Input.check(errors)
        let items = try await messages.events(try spaceId(context), after: after, before: before, limit: limit + 1, by: context.session)
        if before != nil {
            let page = Array(items.suffix(limit))
            return Page(items: page, nextCursor: items.count > limit ? page.first.map { String($0.seq) } : nil)
        }
        let page = Array(items.prefix(limit))
        return Page(items: page, nextCursor: items.count > limit ? page.last.map { String($0.seq) } : nil)
    }

    func read(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let id = try spaceId(context)
        _ = try await messages.spaces.requireMember(id, context.session)
        let input = try await request.decode(as: ReadInput.self, context: context)
        try await messages.markRead(id, seq: input.seq, by: context.session)
        return .noContent
    }
}
