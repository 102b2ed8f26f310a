import Foundation

/// Platform admins keep the region's municipalities, category tree, life situations and employment
/// statuses. An item in use by a service, article or organisation (or a category with
/// subcategories) is not removed. No HTTP, no SQL.
struct TaxonomyService: Sendable {
    let store: TaxonomyStore

    static let maxName = 200

    func save(_ kindName: String, id: String, _ input: TaxonomyItemInput, by caller: SessionUser?) async throws
        -> (TaxonomyItemDTO, created: Bool)
    {
        let kind = try Self.kind(kindName, caller)
        var errors: [FieldError] = []
        let validId =
            kind == .municipalities
            ? id.count == 3 && id.allSatisfy { $0.isASCII && $0.isNumber }
            : !id.isEmpty && id.count <= 100 && id.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
        if !validId { errors.append(FieldError("id", "taxonomy.invalidId")) }
        var name = input.name
        name.fi = name.fi.trimmed
        name.sv = name.sv?.trimmed.nilIfEmpty
        name.en = name.en?.trimmed.nilIfEmpty
        if name.fi.isEmpty { errors.append(FieldError("name.fi", "field.required")) }
        for (language, text) in [("fi", name.fi), ("sv", name.sv ?? ""), ("en", name.en ?? "")] where text.count > Self.maxName {
            errors.append(FieldError("name.\(language)", "field.tooLong"))
        }
        if let position = input.position, !(0...100_000).contains(position) { errors.append(FieldError("position", "field.invalidValue")) }
        let parent = input.parent?.trimmed.nilIfEmpty
        if parent != nil && kind != .categories { errors.append(FieldError("parent", "field.invalidValue")) }
        if !errors.isEmpty { throw AppError.validation(errors) }
        switch try await store.save(kind, id: id, TaxonomyItemInput(name: name, parent: parent, position: input.position)) {
        case .saved(let item, let created): return (item, created)
        case .unknownParent: throw AppError.validation([FieldError("parent", "field.unknownCode")])
        case .cycle: throw AppError.validation([FieldError("parent", "taxonomy.cycle")])
        }
    }

    func remove(_ kindName: String, id: String, by caller: SessionUser?) async throws {
        let kind = try Self.kind(kindName, caller)
        guard id.count <= 100 else { throw AppError.notFound("taxonomy.notFound") }
        switch try await store.remove(kind, id: id) {
        case .removed: return
        case .notFound: throw AppError.notFound("taxonomy.notFound")
        case .inUse(let use): throw AppError(.conflict, "taxonomy.inUse", details: use)
        }
    }

    /// Only platform admins; an unknown list is a 404.
    static func kind(_ name: String, _ caller: SessionUser?) throws -> TaxonomyKind {
        guard let caller else { throw AppError.authRequired }
        guard caller.isPlatformAdmin else { throw AppError.forbidden }
        guard let kind = TaxonomyKind(rawValue: name) else { throw AppError.notFound("taxonomy.notFound") }
        return kind
    }
}
