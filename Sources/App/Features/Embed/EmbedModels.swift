import Foundation
import Hummingbird

/// A site whose pages may frame the catalogue's search widget.
struct EmbedSiteDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let origin: String
    let label: String
    let addedAt: Date
}

struct AddEmbedSiteInput: Codable, Sendable {
    var origin: String
    var label: String?
}
