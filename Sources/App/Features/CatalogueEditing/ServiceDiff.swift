import Foundation

/// One changed field between two versions of a service. `field` is its path in `ServiceContent`
/// (`name.sv`, `contacts[0].email`, `targetGroup.municipalityCodes`); a list of codes or words is one
/// field, shown as its items joined. A text's change is also given word by word in `words`.
struct FieldChange: Codable, Sendable, Equatable {
    let field: String
    @Nullable var before: String?
    @Nullable var after: String?
    /// For texts of more than one word: the words in order, each kept, added or removed.
    @Nullable var words: [WordChange]?
}

/// A run of words of a text that were kept (`same`), added or removed.
struct WordChange: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable { case same, added, removed }
    let kind: Kind
    let text: String
}

/// Field-level differences between two versions of a service's (or an article's) content, texts
/// word by word.
enum ServiceDiff {
    static func changes(from old: ServiceContent, to new: ServiceContent) -> [FieldChange] {
        changes(from: fields(old), to: fields(new))
    }

    static func changes<T: Encodable>(from old: T, to new: T, order: [String]) -> [FieldChange] {
        changes(from: fields(old, order: order), to: fields(new, order: order))
    }

    static func changes(from before: [(String, String)], to after: [(String, String)]) -> [FieldChange] {
        var paths = before.map(\.0)
        let known = Set(paths)
        paths += after.map(\.0).filter { !known.contains($0) }
        let a = Dictionary(before, uniquingKeysWith: { x, _ in x })
        let b = Dictionary(after, uniquingKeysWith: { x, _ in x })
        return paths.compactMap { path in
            let x = a[path]
            let y = b[path]
            guard x != y else { return nil }
            var change = FieldChange(field: path, before: x, after: y)
            let oldWords = words(x ?? "")
            let newWords = words(y ?? "")
            if oldWords.count > 1 || newWords.count > 1 { change.words = wordChanges(oldWords, newWords) }
            return change
        }
    }

    /// Every field of the content with its value as text, in the order of the form.
    static func fields(_ content: ServiceContent) -> [(String, String)] { fields(content, order: order) }

    static func fields<T: Encodable>(_ content: T, order: [String]) -> [(String, String)] {
        guard let data = try? JSONEncoder().encode(content), let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return []
        }
        var out: [(String, String)] = []
        value.flatten(path: "", order: order, into: &out)
        return out
    }

    /// The content's fields in the order the form shows them; nested keys alphabetically.
    static let order = [
        "name", "summary", "description", "categoryIds", "keywords", "cost", "costDescription", "accessibility", "targetGroup",
        "delivery", "participation", "contacts", "links", "internal",
    ]

    /// A JSON document, decoded only to be walked.
    private enum JSONValue: Decodable {
        case text(String)
        case number(Double)
        case bool(Bool)
        case null
        case list([JSONValue])
        case object([String: JSONValue])

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let b = try? c.decode(Bool.self) {
                self = .bool(b)
            } else if let n = try? c.decode(Double.self) {
                self = .number(n)
            } else if let s = try? c.decode(String.self) {
                self = .text(s)
            } else if let l = try? c.decode([JSONValue].self) {
                self = .list(l)
            } else {
                self = .object(try c.decode([String: JSONValue].self))
            }
        }

        var scalar: String? {
            switch self {
            case .text(let s): s
            case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
            case .bool(let b): b ? "true" : "false"
            case .null, .list, .object: nil
            }
        }

        func flatten(path: String, order: [String] = [], into out: inout [(String, String)]) {
            switch self {
            case .object(let object):
                let keys = object.keys.sorted {
                    (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1)
                }
                for key in keys { object[key]!.flatten(path: path.isEmpty ? key : "\(path).\(key)", into: &out) }
            case .list(let list):
                let scalars = list.compactMap(\.scalar)
                if scalars.count == list.count {
                    // A list of codes or words is one field.
                    if !list.isEmpty { out.append((path, scalars.joined(separator: ", "))) }
                } else {
                    for (i, item) in list.enumerated() { item.flatten(path: "\(path)[\(i)]", into: &out) }
                }
            case .null:
                return
            default:
                if let text = scalar, !text.isEmpty { out.append((path, text)) }
            }
        }
    }

    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// The words of `new` against `old` (Myers' difference, the standard library's), runs joined.
    static func wordChanges(_ old: [String], _ new: [String]) -> [WordChange] {
        let difference = new.difference(from: old)
        var removed: Set<Int> = []
        var inserted: Set<Int> = []
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var out: [WordChange] = []
        func emit(_ kind: WordChange.Kind, _ word: String) {
            if let last = out.last, last.kind == kind {
                out[out.count - 1] = WordChange(kind: kind, text: last.text + " " + word)
            } else {
                out.append(WordChange(kind: kind, text: word))
            }
        }
        var i = 0
        var j = 0
        while i < old.count || j < new.count {
            if i < old.count, removed.contains(i) {
                emit(.removed, old[i])
                i += 1
            } else if j < new.count, inserted.contains(j) {
                emit(.added, new[j])
                j += 1
            } else {
                if i < old.count { emit(.same, old[i]) }
                i += 1
                j += 1
            }
        }
        return out
    }
}
