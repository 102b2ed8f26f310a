import Foundation

/// The languages of the user interface and of catalogue texts.
public enum Language: String, Codable, Sendable, CaseIterable {
    case fi, sv, en
}

/// Words (a service's keywords) in Finnish and optionally Swedish and English.
public struct LocalWords: Codable, Sendable, Equatable {
    public var fi: [String]
    public var sv: [String]?
    public var en: [String]?

    public init(fi: [String], sv: [String]? = nil, en: [String]? = nil) {
        self.fi = fi
        self.sv = sv
        self.en = en
    }

    /// The words of every language, Finnish first.
    var all: [String] { fi + (sv ?? []) + (en ?? []) }

    /// Each language's words with the language (for the validator's paths and the indexer).
    var languages: [(Language, [String])] { [(.fi, fi), (.sv, sv ?? []), (.en, en ?? [])] }
}

/// Text in Finnish and optionally Swedish and English.
public struct LocalText: Codable, Sendable, Equatable {
    public var fi: String
    public var sv: String?
    public var en: String?

    public init(fi: String, sv: String? = nil, en: String? = nil) {
        self.fi = fi
        self.sv = sv
        self.en = en
    }

    /// No text in any language.
    static let empty = LocalText(fi: "")

    /// Whether there is a text of its own in `language` (not blank).
    func has(_ language: Language) -> Bool {
        switch language {
        case .fi: !fi.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .sv: !(sv ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .en: !(en ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
    }

    /// The text in `language`, falling back to Finnish.
    func localized(_ language: Language) -> String {
        switch language {
        case .fi: fi
        case .sv: sv ?? fi
        case .en: en ?? fi
        }
    }
}
