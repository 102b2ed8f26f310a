import Foundation
import Hummingbird

/// A group: every word means the others. An expansion: `source` also finds what its words find.
enum SynonymKind: String, Codable, Sendable {
    case group, expansion
}

/// One entry of the region's synonyms, as the admin API shows it.
struct SynonymDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let language: Language
    let kind: SynonymKind
    /// The word an expansion expands; null for a group.
    @Nullable var source: String?
    let words: [String]
    /// 1 when created, one more at every change: send it back with a change.
    let version: Int
    let createdAt: Date
    let updatedAt: Date
}

struct SynonymListDTO: ResponseCodable, Sendable {
    /// The version of the whole set: one more at every change of any entry.
    let setVersion: Int64
    let items: [SynonymDTO]
}

/// Creates an entry, or (with `version`) changes one.
struct SynonymInput: Decodable, Sendable {
    let language: Language
    let kind: SynonymKind
    let source: String?
    let words: [String]
    /// The version the change was made on; required for a change.
    let version: Int?
}

/// Who changed an entry: a platform admin, or nobody for the starter set and the command line.
struct SynonymActorDTO: Codable, Sendable, Equatable {
    let id: String
    let name: String
}

/// One change of the synonyms, with the entry before and after it.
struct SynonymChangeDTO: Codable, Sendable, Equatable {
    let id: Int64
    let setVersion: Int64
    let synonymId: String
    let action: String
    @Nullable var before: SynonymDTO?
    @Nullable var after: SynonymDTO?
    @Nullable var actor: SynonymActorDTO?
    /// api, import (the command line) or starter (the starter set on first start).
    let source: String
    let at: Date
}

/// A query that found nothing or few services, with how often it was searched in the period.
/// Anonymous: nothing of who searched is kept.
struct SearchMissDTO: Codable, Sendable, Equatable {
    let query: String
    let language: Language
    let occurrences: Int
    /// The fewest services it found in the period (0: nothing).
    let results: Int
    /// The last day it was searched (Europe/Helsinki, yyyy-mm-dd).
    let lastDay: String
}

struct SearchMissesDTO: ResponseCodable, Sendable {
    let days: Int
    /// Queries searched fewer times than this in the period are not shown: a rare query can identify a person.
    let minOccurrences: Int
    let items: [SearchMissDTO]
}

/// The synonyms file (`DemoData/synonyms.json`, `ohjaustila import synonyms`): per language, groups
/// and one-way expansions.
struct SynonymFile: Codable, Sendable {
    struct Expansion: Codable, Sendable {
        let from: String
        let to: [String]
    }
    struct LanguageSet: Codable, Sendable {
        var groups: [[String]] = []
        var expansions: [Expansion] = []

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            groups = try c.decodeIfPresent([[String]].self, forKey: .groups) ?? []
            expansions = try c.decodeIfPresent([Expansion].self, forKey: .expansions) ?? []
        }
    }
    let schemaVersion: Int
    let languages: [String: LanguageSet]
}

struct SynonymRecord: AppRecord, Equatable {
    static let databaseTableName = "search_synonym"
    var id: String
    var language: String
    var kind: String
    var source: String?
    var words: String
    var version: Int
    var createdAt: Int64
    var updatedAt: Int64

    var wordList: [String] { (try? JSONDecoder().decode([String].self, from: Data(words.utf8))) ?? [] }

    var dto: SynonymDTO {
        SynonymDTO(
            id: id, language: Language(rawValue: language) ?? .fi, kind: SynonymKind(rawValue: kind) ?? .group, source: source,
            words: wordList, version: version, createdAt: Date(millis: createdAt), updatedAt: Date(millis: updatedAt))
    }

    static func encode(_ words: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(words), as: UTF8.self)) ?? "[]"
    }
}
