import Foundation
import Hummingbird

/// `?limit=&cursor=` of every list. The cursor is opaque to clients.
struct PageRequest: Sendable, Hashable {
    var limit: Int
    var offset: Int

    static let defaultLimit = 20

    init(limit: Int = PageRequest.defaultLimit, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        limit = Self.defaultLimit
        offset = 0
        if let raw = query["limit"] {
            if let n = Int(String(raw)), (1...100).contains(n) {
                limit = n
            } else {
                errors.append(FieldError("limit", "field.invalidValue"))
            }
        }
        if let raw = query["cursor"], !raw.isEmpty {
            if let n = Self.decode(String(raw)) { offset = n } else { errors.append(FieldError("cursor", "field.invalidValue")) }
        }
        if !errors.isEmpty { throw AppError.validation(errors) }
    }

    /// The cursor of the page after this one, when `fetched` (asked for limit + 1) shows there is one.
    func next(after fetched: Int) -> String? {
        fetched > limit ? Self.encode(offset + limit) : nil
    }

    static func encode(_ offset: Int) -> String { Data("o:\(offset)".utf8).base64EncodedString() }

    static func decode(_ cursor: String) -> Int? {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("o:"), let n = Int(text.dropFirst(2)), n >= 0, n <= 1_000_000
        else { return nil }
        return n
    }
}

/// `{ items, nextCursor }`.
struct Page<Item: Codable & Sendable>: ResponseCodable, Sendable {
    let items: [Item]
    @Nullable var nextCursor: String?

    init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// Builds a page from rows fetched with `limit + 1`.
    init(_ fetched: [Item], _ page: PageRequest) {
        items = Array(fetched.prefix(page.limit))
        nextCursor = page.next(after: fetched.count)
    }

}
