import Foundation

/// Which texts of a service have Finnish and which have a translation: what a translation request
/// may name, what a save resolves, and which languages a service page is complete in.
enum ServiceTranslations {
    /// Each text as a path without its language (`summary`, `contacts[0].role`) with its texts by
    /// language. Keywords are words, not a text, and are left out.
    static func texts(_ c: ServiceContent, includeInternal: Bool) -> [String: [Language: String]] {
        var out: [String: [Language: String]] = [:]
        for (path, value) in ServiceDiff.fields(c) {
            guard let dot = path.lastIndex(of: "."), let language = Language(rawValue: String(path[path.index(after: dot)...])) else {
                continue
            }
            let field = String(path[..<dot])
            if field.hasPrefix("keywords") || (!includeInternal && field.hasPrefix("internal.")) { continue }
            if !value.trimmed.isEmpty { out[field, default: [:]][language] = value }
        }
        return out
    }

    /// The texts that have Finnish, in the form's order.
    static func fields(_ c: ServiceContent, includeInternal: Bool = true) -> [String] {
        let all = texts(c, includeInternal: includeInternal)
        var seen: Set<String> = []
        return ServiceDiff.fields(c).compactMap { path, _ in
            guard let dot = path.lastIndex(of: ".") else { return nil }
            let field = String(path[..<dot])
            return all[field]?[.fi] != nil && seen.insert(field).inserted ? field : nil
        }
    }

    /// The languages in which every public text that has Finnish has its own text; Finnish first.
    static func completeLanguages(_ c: ServiceContent) -> [Language] {
        let all = texts(c, includeInternal: false).values.filter { $0[.fi] != nil }
        return Language.allCases.filter { language in all.allSatisfy { $0[language] != nil } }
    }

    /// The requests (field, language) that a change from `old` to `new` resolves: the field's text
    /// in that language is there and is not what it was.
    static func resolved(_ requests: [(field: String, language: Language)], old: ServiceContent, new: ServiceContent)
        -> [(field: String, language: Language)]
    {
        let before = texts(old, includeInternal: true)
        let after = texts(new, includeInternal: true)
        return requests.filter { r in
            guard let text = after[r.field]?[r.language] else { return false }
            return before[r.field]?[r.language] != text
        }
    }
}
