import Foundation
import GRDB

/// All SQL of the platform admins' changes to the taxonomies. Each change bumps the catalogue's
/// revision in its transaction, so every reader's snapshot is read again.
struct TaxonomyStore: Sendable {
    let db: AppDatabase

    enum SaveResult: Sendable {
        case saved(TaxonomyItemDTO, created: Bool)
        case unknownParent
        case cycle
    }

    func save(_ kind: TaxonomyKind, id: String, _ input: TaxonomyItemInput) async throws -> SaveResult {
        try await db.writer.write { db in
            let table = kind.table
            let key = kind.key
            let existing = try Row.fetchOne(db, sql: "SELECT position FROM \(table) WHERE \(key) = ?", arguments: [id])
            if kind == .categories, let parent = input.parent {
                // Up from the new parent: the item itself must not be met (nor an unknown one).
                var next: String? = parent
                var seen: Set<String> = []
                while let p = next {
                    if p == id { return .cycle }
                    guard seen.insert(p).inserted,
                        let row = try Row.fetchOne(db, sql: "SELECT parent_id FROM category WHERE id = ?", arguments: [p])
                    else { return p == parent ? .unknownParent : .cycle }
                    next = row["parent_id"]
                }
            }
            let last = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(position) + 1, 0) FROM \(table)") ?? 0
            let position = input.position ?? existing?["position"] ?? last
            var columns = [key, "position", "name_fi", "name_sv", "name_en"]
            var values: [(any DatabaseValueConvertible)?] = [id, position, input.name.fi, input.name.sv, input.name.en]
            if kind == .categories {
                columns.append("parent_id")
                values.append(input.parent)
            }
            let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            try db.execute(
                sql: """
                    INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
                    ON CONFLICT (\(key)) DO UPDATE SET \(updates)
                    """, arguments: StatementArguments(values))
            try db.execute(sql: "UPDATE catalogue_state SET revision = revision + 1 WHERE id = 1")
            return .saved(
                TaxonomyItemDTO(kind: kind.rawValue, id: id, name: input.name, parent: input.parent, position: position),
                created: existing == nil)
        }
    }

    enum RemoveResult: Sendable {
        case removed
        case notFound
        case inUse(TaxonomyUseDTO)
    }

    func remove(_ kind: TaxonomyKind, id: String) async throws -> RemoveResult {
        try await db.writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(kind.table) WHERE \(kind.key) = ?)", arguments: [id]) == true
            else { return .notFound }
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql, arguments: [id]) ?? 0 }
            var use = TaxonomyUseDTO()
            switch kind {
            case .municipalities:
                use.services = try count("SELECT COUNT(DISTINCT service_id) FROM service_municipality WHERE municipality_code = ?")
                use.articles = try count("SELECT COUNT(DISTINCT article_id) FROM article_municipality WHERE municipality_code = ?")
                use.organizations = try count(
                    "SELECT COUNT(DISTINCT organization_id) FROM organization_municipality WHERE municipality_code = ?")
            case .categories:
                use.services = try count("SELECT COUNT(DISTINCT service_id) FROM service_category WHERE category_id = ?")
                use.subcategories = try count("SELECT COUNT(*) FROM category WHERE parent_id = ?")
            case .lifeSituations:
                use.services = try count("SELECT COUNT(DISTINCT service_id) FROM service_life_situation WHERE life_situation_id = ?")
            case .employmentStatuses:
                use.services = try count(
                    "SELECT COUNT(DISTINCT service_id) FROM service_employment_status WHERE employment_status_id = ?")
            }
            guard use.isEmpty else { return .inUse(use) }
            try db.execute(sql: "DELETE FROM \(kind.table) WHERE \(kind.key) = ?", arguments: [id])
            try db.execute(sql: "UPDATE catalogue_state SET revision = revision + 1 WHERE id = 1")
            return .removed
        }
    }
}
