import Foundation
import Hummingbird

/// One invalid field of a request body.
public struct FieldError: Codable, Sendable, Equatable {
    public let field: String
    public let code: String
    public init(_ field: String, _ code: String) {
        self.field = field
        self.code = code
    }
}

/// The only error type that crosses into HTTP. `code` is stable: the web client translates it.
public struct AppError: Error, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public var errors: [FieldError] = []
    public var retryAfter: Int?
    /// A JSON object that goes into the problem as its `details` member (a conflict's two sides).
    public var details: Data?

    public init(_ status: HTTPResponse.Status, _ code: String, errors: [FieldError] = [], retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.errors = errors
        self.retryAfter = retryAfter
    }

    init(_ status: HTTPResponse.Status, _ code: String, details: some Encodable) {
        self.init(status, code)
        self.details = try? JSONEncoder().encode(details)
    }

    static func notFound(_ code: String = "notFound") -> AppError { AppError(.notFound, code) }
    static let authRequired = AppError(.unauthorized, "auth.required")
    static let forbidden = AppError(.forbidden, "access.forbidden")
    static let invalidJSON = AppError(.badRequest, "request.invalidJSON")
    static let internalError = AppError(.internalServerError, "server.internal")
    static func validation(_ errors: [FieldError]) -> AppError { AppError(.unprocessableContent, "request.validation", errors: errors) }
}

/// RFC 9457 problem details, with our stable `code`.
struct Problem: Codable, Sendable {
    let type: String
    let title: String
    let status: Int
    let code: String
    let errors: [FieldError]?
}

extension AppError: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try problemJSON())))
    }

    /// The problem+json body (also written by the connection guard, which answers below the router).
    func problemJSON() throws -> Data {
        let problem = Problem(
            type: "https://ohjaustila.fi/problems/\(code)",
            title: ProblemTitles.title(for: code, status: status),
            status: Int(status.code),
            code: code,
            errors: errors.isEmpty ? nil : errors
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(problem)
        guard let details, var object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else { return body }
        object["details"] = try JSONSerialization.jsonObject(with: details)
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}

/// English titles for people reading raw responses; the UI translates `code` instead.
enum ProblemTitles {
    static let titles: [String: String] = [
        "request.invalidJSON": "The request body is not valid JSON for this operation",
        "request.validation": "Some fields are not valid",
        "request.tooLarge": "The request body is too large",
        "request.originRejected": "Requests from another site are not accepted",
        "request.malformed": "The request could not be read",
        "auth.required": "Sign-in required",
        "auth.invalidCredentials": "Wrong e-mail address or password",
        "auth.rateLimited": "Too many sign-in attempts; try again later",
        "auth.wrongPassword": "The current password is wrong",
        "access.forbidden": "You are not allowed to do this",
        "token.invalid": "The link is not valid or has already been used",
        "token.expired": "The link has expired",
        "member.lastAdmin": "An organisation must keep at least one admin",
        "organization.exists": "An organisation with this id exists already",
        "server.internal": "Internal error",
        "server.unavailable": "Service unavailable",
        "user.removeSelf": "You cannot remove your own account here",
        "code.invalid": "The code is wrong",
        "code.expired": "The code has expired or was tried too many times; ask for a new one",
        "server.busy": "The server is busy; try again in a moment",
        "method.notAllowed": "Method not allowed",
        "space.closed": "The space is closed and read-only",
        "space.full": "The group space has no room for another client",
        "space.notGroup": "Only a group space takes more clients",
        "space.ownerCannotLeave": "The responsible expert hands ownership over before leaving",
        "space.clientIsExpert": "This address belongs to an expert account, not a client",
        "member.exists": "The person is a member already",
        "member.notExpert": "The person is not an expert of any organisation",
        "message.editExpired": "A message can be edited for 24 hours",
        "request.invalidMultipart": "The request body is not a valid multipart/form-data form",
        "file.tooLarge": "The file is larger than this server accepts",
        "file.typeNotAllowed": "This type of file is not accepted",
        "file.notFound": "Not found",
        "file.corrupt": "The stored file is damaged and cannot be sent",
        "pick.exists": "The service is in this plan already",
        "pick.tooMany": "The plan has as many services as it can hold",
        "meeting.conflict": "An expert taking part already has a meeting at that time",
        "meeting.cancelled": "The meeting has been cancelled",
        "meeting.cancelTooLate": "It is too late to cancel this booking here; contact the expert",
        "meeting.notParticipant": "Only the meeting's participants answer it",
        "slot.taken": "Somebody else booked this time just now",
        "slot.clientsOnly": "Clients book free times; experts add meetings",
    ]

    static func title(for code: String, status: HTTPResponse.Status) -> String {
        titles[code] ?? (code.hasSuffix("otFound") ? "Not found" : status.reasonPhrase)
    }
}
