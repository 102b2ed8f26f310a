import Foundation
import Hummingbird

/// The answer to a send: the message's place in its space.
struct SentMessage: ResponseCodable, Sendable, Equatable {
    let spaceId: String
    let seq: Int64
    let messageId: String
    let clientMessageId: String
    let createdAt: Date

    init(_ row: MessageRecord) {
        spaceId = row.spaceId
        seq = row.seq
        messageId = row.id
        clientMessageId = row.clientMessageId
        createdAt = Date(millis: row.createdAt)
    }
}

struct SendMessageInput: Decodable, Sendable {
    let clientMessageId: String
    let body: String
    let attachmentIds: [String]?
    let privateTo: String?
}

struct EditMessageInput: Decodable, Sendable {
    let body: String
}

struct ReadInput: Decodable, Sendable {
    let seq: Int64
}

/// Limits of a message.
enum MessageRules {
    static let maxBody = 8000
    static let maxClientMessageId = 100
    static let maxAttachments = 10
    static let editWindow: TimeInterval = 24 * 3600

    static func errors(clientMessageId: String, body: String, attachments: Int) -> [FieldError] {
        var errors: [FieldError] = []
        if clientMessageId.isEmpty || clientMessageId.count > maxClientMessageId {
            errors.append(FieldError("clientMessageId", "field.invalidValue"))
        }
        errors += bodyErrors(body)
        if attachments > maxAttachments { errors.append(FieldError("attachmentIds", "field.tooMany")) }
        return errors
    }

    static func bodyErrors(_ body: String) -> [FieldError] {
        if body.trimmed.isEmpty { return [FieldError("body", "field.required")] }
        if body.count > maxBody { return [FieldError("body", "message.tooLong")] }
        return []
    }
}
