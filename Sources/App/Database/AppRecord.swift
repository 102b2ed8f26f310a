import GRDB

/// A row type: snake_case columns (PostgreSQL folds unquoted names), camelCase properties.
protocol AppRecord: Codable, FetchableRecord, PersistableRecord, Sendable {}

extension AppRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}
