import Foundation
import Hummingbird

/// What a short link stands for: a catalogue search or a favourite list shared by its read-only link.
enum ShortLinkKind: String, Codable, Sendable {
    case search, list
}

/// `POST /short-links`: either `search` (the query string of a catalogue search, as in the address
/// of the search page) or `listId` (a favourite list of the caller's that is shared).
struct CreateShortLinkInput: Codable, Sendable {
    var search: String?
    var listId: String?
}

struct ShortLinkDTO: ResponseCodable, Sendable, Equatable {
    let code: String
    let kind: ShortLinkKind
    /// The short address, `/s/{code}`, and the same with the server's origin.
    let path: String
    let url: String
    /// Where it leads: the search page with the search, or the shared list's page.
    let target: String
}
