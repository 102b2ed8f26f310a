import Foundation
import Hummingbird

/// The four lists that classify the catalogue, as the address names them.
enum TaxonomyKind: String, Sendable, CaseIterable {
    case municipalities, categories, lifeSituations, employmentStatuses

    var table: String {
        switch self {
        case .municipalities: "municipality"
        case .categories: "category"
        case .lifeSituations: "life_situation"
        case .employmentStatuses: "employment_status"
        }
    }

    var key: String { self == .municipalities ? "code" : "id" }
}

/// `PUT /admin/taxonomy/{kind}/{id}`: the item's names, a category's parent (none: a main category)
/// and its place in the list (by default, a new item goes last and an old one stays where it is).
struct TaxonomyItemInput: Codable, Sendable {
    var name: LocalText
    var parent: String?
    var position: Int?
}

struct TaxonomyItemDTO: ResponseCodable, Sendable, Equatable {
    let kind: String
    let id: String
    let name: LocalText
    @Nullable var parent: String?
    let position: Int
}

/// What still uses an item that cannot be removed (409 `taxonomy.inUse`).
struct TaxonomyUseDTO: Codable, Sendable, Equatable {
    var services = 0
    var articles = 0
    var organizations = 0
    var subcategories = 0
    var isEmpty: Bool { services + articles + organizations + subcategories == 0 }
}
