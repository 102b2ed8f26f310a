import Foundation

/// Turns text into search terms: Finnish words by their base forms and compound parts (Voikko),
/// Swedish and English words by their Snowball stems. The same analysis serves the index and the
/// query, so an inflected or compounded word meets its base form.
public final class Analyzer: Sendable {
    public enum Language: String, Sendable { case fi, sv, en }

    private let voikko: VoikkoPool
    private let swedish: Snowball
    private let english: Snowball

    public init(voikkoHandles: Int = 4) throws {
        voikko = try VoikkoPool(size: voikkoHandles)
        swedish = try Snowball("swedish")
        english = try Snowball("english")
    }

    /// The lower-case words of a text: runs of letters and digits.
    /// Words of each language that say nothing of what is searched for ("haluan", "jag", "need"),
    /// read from `StopWords/<language>.txt` (one word a line; `#` starts a comment).
    public static let stopWords: [Language: Set<String>] = {
        var all: [Language: Set<String>] = [:]
        for language in [Language.fi, .sv, .en] {
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "txt", subdirectory: "StopWords"),
                let text = try? String(contentsOf: url, encoding: .utf8)
            else { continue }
            all[language] = Set(
                text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") })
        }
        return all
    }()

    /// Whether a (lower-case) word is a stop word of any of the languages.
    public static func isStopWord(_ word: String) -> Bool {
        stopWords.values.contains { $0.contains(word) }
    }

    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber {
                current.append(ch)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Index terms of one word in `language`. The word itself is always one of them.
    /// The stem a Snowball stemmer gives a word in Swedish or English.
    public func stem(_ word: String, in language: Language) -> String {
        switch language {
        case .fi: word
        case .sv: swedish.stem(word)
        case .en: english.stem(word)
        }
    }

    public func terms(of word: String, in language: Language) -> Set<String> {
        switch language {
        case .fi: finnish(word).terms
        case .sv: [word, swedish.stem(word)]
        case .en: [word, english.stem(word)]
        }
    }

    /// What a Finnish word is made of.
    public struct Finnish: Sendable, Equatable {
        /// Surface, base forms, compound parts and their base forms.
        public var terms: Set<String>
        /// The base forms of the whole word.
        public var baseForms: Set<String>
        /// Stems to match as prefixes from a query ("kuntout" of "kuntoutus" also finds "kuntoutuja").
        public var stems: Set<String>
        public var known: Bool
    }

    public func finnish(_ word: String) -> Finnish {
        var result = Finnish(terms: [word], baseForms: [], stems: [], known: false)
        for analysis in voikko.any.analyze(word) {
            result.known = true
            let base = analysis.baseForm.lowercased()
            result.terms.insert(base)
            result.baseForms.insert(base)
            let members = Self.members(analysis.wordBases)
            guard !members.isEmpty else { continue }
            // The last member's base form is what is left of the whole base form after the others.
            var prefix = ""
            for member in members.dropLast() {
                result.terms.insert(member.surface)
                if let lemma = member.lemma { result.terms.insert(lemma) }
                prefix += member.surface
            }
            if let last = members.last {
                if members.count > 1, base.hasPrefix(prefix), base.count > prefix.count {
                    result.terms.insert(String(base.dropFirst(prefix.count)))
                }
                if last.root.count >= 4 { result.stems.insert(last.root) }
            }
        }
        result.terms = result.terms.filter { $0.count >= 2 }
        return result
    }

    /// One compound member of Voikko's WORDBASES: its surface (with derivational suffixes), its root
    /// surface (without them) and the lemma Voikko gives for the root.
    struct Member: Equatable {
        var surface: String
        var root: String
        var lemma: String?
    }

    /// Parses WORDBASES such as "+mielen(mieli)+terve(terve)+ys(+ys)+kuntoutu(kuntoutua)+ja(+ja)"
    /// into members mielen, terveys, kuntoutuja. A "(+x)" part is a derivational suffix of the
    /// member before it; a bare part of one or two letters is a linking sound of the one before.
    static func members(_ wordBases: String) -> [Member] {
        var members: [Member] = []
        for part in Self.parts(wordBases.lowercased()) {
            let (surface, paren) = part
            if let paren, paren.hasPrefix("+"), !members.isEmpty {
                members[members.count - 1].surface += surface
            } else if paren == nil, surface.count <= 2, !members.isEmpty {
                members[members.count - 1].surface += surface
                members[members.count - 1].root += surface
            } else if !surface.isEmpty {
                members.append(Member(surface: surface, root: surface, lemma: paren))
            }
        }
        return members
    }

    /// "+a(b)+c" → [("a", "b"), ("c", nil)]; a "+" inside parentheses does not split.
    static func parts(_ text: String) -> [(String, String?)] {
        var parts: [(String, String?)] = []
        var surface = ""
        var paren: String?
        var depth = 0
        for ch in text {
            if depth > 0 {
                if ch == ")" {
                    depth -= 1
                } else {
                    paren = (paren ?? "") + String(ch)
                }
            } else if ch == "(" {
                depth = 1
                paren = ""
            } else if ch == "+" {
                if !surface.isEmpty || paren != nil { parts.append((surface, paren)) }
                surface = ""
                paren = nil
            } else {
                surface.append(ch)
            }
        }
        if !surface.isEmpty || paren != nil { parts.append((surface, paren)) }
        return parts
    }
}
