import Hummingbird

/// `/spaces/{id}/meetings`, `/meetings*`, `/slots*`, `/me/calendar-feed` and the feed itself,
/// `/calendar/{secret}.ics`. Decode, call `MeetingsService`, encode.
struct MeetingsController: Sendable {
    let meetings: MeetingsService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.post("spaces/:spaceId/meetings", use: create)
        api.get("spaces/:spaceId/meetings", use: list)
        api.get("meetings", use: mine)
        api.get("meetings/:meetingId", use: get)
        api.patch("meetings/:meetingId", use: update)
        api.post("meetings/:meetingId/cancel", use: cancel)
        api.post("meetings/:meetingId/respond", use: respond)
        api.get("meetings/:meetingId/ics", use: ics)
        api.post("slots", use: addSlots)
        api.get("slots", use: slots)
        api.delete("slots/:slotId", use: deleteSlot)
        api.post("slots/:slotId/book", use: book)
        api.get("me/calendar-feed", use: feed)
        api.post("me/calendar-feed", use: renewFeed)
        api.delete("me/calendar-feed", use: removeFeed)
        api.get("calendar/:feed", use: feedDocument)
    }

    private func meetingId(_ context: AppRequestContext) throws -> String { try context.parameters.require("meetingId") }

    func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<MeetingDTO> {
        let spaceId: String = try context.parameters.require("spaceId")
        _ = try await meetings.spaces.requireWriter(spaceId, context.session)
        let input = try await request.decode(as: CreateMeetingInput.self, context: context)
        return EditedResponse(status: .created, response: try await meetings.create(spaceId, input, by: context.session))
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Page<MeetingDTO> {
        try await meetings.list(try context.parameters.require("spaceId"), page: try PageRequest(request), by: context.session)
    }

    func mine(_ request: Request, context: AppRequestContext) async throws -> Page<MeetingDTO> {
        try await meetings.mine(page: try PageRequest(request), by: context.session)
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> MeetingDTO {
        try await meetings.get(try meetingId(context), by: context.session)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> MeetingDTO {
        let input = try await request.decode(as: UpdateMeetingInput.self, context: context)
        return try await meetings.update(try meetingId(context), input, by: context.session)
    }

    func cancel(_ request: Request, context: AppRequestContext) async throws -> MeetingDTO {
        let input = try await request.decode(as: CancelMeetingInput.self, context: context)
        return try await meetings.cancel(try meetingId(context), input, by: context.session)
    }

    func respond(_ request: Request, context: AppRequestContext) async throws -> MeetingDTO {
        let input = try await request.decode(as: RespondInput.self, context: context)
        return try await meetings.respond(try meetingId(context), input, by: context.session)
    }

    func ics(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try meetingId(context)
        return calendarResponse(try await meetings.ics(id, by: context.session), filename: "ohjaustila-\(id.prefix(12)).ics")
    }

    private func calendarResponse(_ text: String, filename: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/calendar; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if let filename { headers[.contentDisposition] = "attachment; filename=\"\(filename)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func addSlots(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Items<SlotDTO>> {
        _ = try context.requireSession()
        let input = try await request.decode(as: CreateSlotsInput.self, context: context)
        return EditedResponse(status: .created, response: try await meetings.addSlots(input, by: context.session))
    }

    func slots(_ request: Request, context: AppRequestContext) async throws -> Page<SlotDTO> {
        let spaceId = request.uri.queryParameters["spaceId"].map(String.init)
        return try await meetings.slots(
            spaceId: spaceId?.isEmpty == true ? nil : spaceId, page: try PageRequest(request), by: context.session)
    }

    func deleteSlot(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await meetings.deleteSlot(try context.parameters.require("slotId"), by: context.session)
        return .noContent
    }

    func book(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<MeetingDTO> {
        _ = try context.requireSession()
        let input = try await request.decode(as: BookSlotInput.self, context: context)
        return EditedResponse(
            status: .created, response: try await meetings.book(try context.parameters.require("slotId"), input, by: context.session))
    }

    func feed(_ request: Request, context: AppRequestContext) async throws -> CalendarFeedDTO {
        try await meetings.feed(by: context.session)
    }

    func renewFeed(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CalendarFeedDTO> {
        EditedResponse(status: .created, response: try await meetings.renewFeed(by: context.session))
    }

    func removeFeed(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await meetings.removeFeed(by: context.session)
        return .noContent
    }

    /// No session: the secret in the path is the key (a phone's calendar subscribes to it).
    func feedDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name: String = try context.parameters.require("feed")
        guard name.hasSuffix(".ics") else { throw AppError.notFound("calendar.notFound") }
        return calendarResponse(try await meetings.feedDocument(token: String(name.dropLast(4))), filename: nil)
    }
}
