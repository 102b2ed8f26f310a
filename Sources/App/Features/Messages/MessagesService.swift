import Foundation

/// Messages of a space: sending (through the group-commit writer), editing, deleting, reading the
/// event log and read positions. Used by HTTP and the WebSocket alike. No HTTP, no SQL.
struct MessagesService: Sendable {
    let store: MessagesStore
    let writer: MessageWriter
    let spaces: SpacesService
    let hub: RealtimeHub
    let clock: AppClock

    /// Sends as a member whose access is known (from the request or the socket's memory); the store
    /// checks the membership again inside the writing transaction.
    func send(_ input: SendMessageInput, as access: SpaceAccess) async throws -> (SentMessage, isNew: Bool) {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try submit(input, as: access) { continuation.resume(with: $0) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Sends without waiting for the commit: input errors throw here, and `done` gets the stored
    /// message (`isNew` false for a resend) or the refusal once the message's batch is written.
    /// Messages submitted one after another are stored in that order (a socket pipelines its sends).
    func submit(
        _ input: SendMessageInput, as access: SpaceAccess, done: @escaping @Sendable (Result<(SentMessage, isNew: Bool), any Error>) -> Void
    ) throws {
        try Input.check(
            MessageRules.errors(clientMessageId: input.clientMessageId, body: input.body, attachments: input.attachmentIds?.count ?? 0))
        let item = MessagesStore.Send(
            spaceId: access.spaceId, senderId: access.userId, clientMessageId: input.clientMessageId, body: input.body,
            attachmentIds: input.attachmentIds ?? [], audienceId: input.privateTo)
        writer.submit(item) { result in
            done(
                result.flatMap { outcome in
                    switch outcome {
                    case .stored(let sent, let isNew): .success((sent, isNew))
                    case .failed(let error): .failure(error)
                    }
                })
        }
    }

    func send(_ spaceId: String, _ input: SendMessageInput, by caller: SessionUser?) async throws -> (SentMessage, isNew: Bool) {
        try await send(input, as: try await spaces.requireMember(spaceId, caller))
    }

    func edit(_ messageId: String, body: String?, as access: SpaceAccess) async throws -> SpaceEventDTO {
        if let body { try Input.check(MessageRules.bodyErrors(body)) }
        switch try await store.change(message: messageId, body: body, by: access, editWindow: MessageRules.editWindow, now: clock.now) {
        case .changed(let event): return event
        case .notFound: throw AppError.notFound("message.notFound")
        case .notAuthor: throw AppError.forbidden
        case .expired: throw AppError(.conflict, "message.editExpired")
        case .closed: throw AppError(.conflict, "space.closed")
        }
    }

    func edit(_ spaceId: String, _ messageId: String, body: String?, by caller: SessionUser?) async throws -> SpaceEventDTO {
        try await edit(messageId, body: body, as: try await spaces.requireMember(spaceId, caller))
    }

    /// Events for a member; an expert's read of a client's space goes to the access log.
    func events(_ spaceId: String, after: Int64?, before: Int64?, limit: Int, by caller: SessionUser?) async throws -> [SpaceEventDTO] {
        let access = try await spaces.requireMember(spaceId, caller)
        let events = try await store.events(access, after: after, before: before, limit: limit)
        try await spaces.logRead(.messages, access)
        return events
    }

    /// Replay for a socket's hello (the access comes from the socket's memory).
    func replay(_ access: SpaceAccess, after: Int64, limit: Int) async throws -> [SpaceEventDTO] {
        let events = try await store.events(access, after: after, before: nil, limit: limit)
        if !events.isEmpty { try await spaces.logRead(.messages, access) }
        return events
    }

    func markRead(_ seq: Int64, as access: SpaceAccess) async throws {
        guard seq >= 0 else { throw AppError.validation([FieldError("seq", "field.invalidValue")]) }
        let stored = try await store.markRead(access, seq: seq, now: clock.now)
        // A client's read position in a group space is for the experts (and the client) only.
        let audience = !access.isExpert && access.kind == .group ? access.userId : nil
        hub.broadcast(
            ReadFrame(spaceId: access.spaceId, userId: access.userId, seq: stored).json, space: access.spaceId, audienceId: audience)
    }

    func markRead(_ spaceId: String, seq: Int64, by caller: SessionUser?) async throws {
        try await markRead(seq, as: try await spaces.requireMember(spaceId, caller))
    }
}

/// `read {spaceId, userId, seq}`: a member's read position moved ("seen by").
struct ReadFrame: Encodable {
    var type = "read"
    let spaceId: String
    let userId: String
    let seq: Int64

    var json: String { String(decoding: (try? SpaceTransaction.encoder.encode(self)) ?? Data(), as: UTF8.self) }
}
