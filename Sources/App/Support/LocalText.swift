/// The languages of the user interface and of catalogue texts.
public enum Language: String, Codable, Sendable, CaseIterable {
    case fi, sv, en
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

    /// The text in `language`, falling back to Finnish.
    func localized(_ language: Language) -> String {
        switch language {
        case .fi: fi
        case .sv: sv ?? fi
        case .en: en ?? fi
        }
    }
}
