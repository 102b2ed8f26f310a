/// An allow-list sanitiser for the HTML that Ink renders from an article's Markdown.
///
/// The input is tokenised (text, start tags, end tags, comments) and written out again from the
/// tokens, so nothing reaches the page in the form it came in:
/// - elements: only those named in `elements`; any other tag is shown as text;
/// - attributes: only those named for the element; every value is entity-decoded, checked, and
///   written out again fully escaped and double-quoted, so the browser sees exactly the value checked;
/// - link and image addresses: http, https, mailto, tel, or relative to this site; the scheme is
///   checked after decoding entities (`jav&#x61;script:`) and dropping control characters and white
///   space. A link with any other address keeps its text, an image becomes its alt text;
/// - `id`, `name`, `style`, event handlers and every other attribute are dropped; comments too;
/// - end tags close only elements that are open, and every element left open is closed at the end.
enum HTMLSanitizer {
    /// Allowed elements and the attributes each may keep.
    static let elements: [String: Set<String>] = [
        "p": [], "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [], "em": [], "strong": [], "s": [], "del": [],
        "code": ["class"], "pre": [], "blockquote": [], "ul": [], "ol": ["start"], "li": [], "hr": [], "br": [],
        "a": ["href"], "img": ["src", "alt"], "table": [], "thead": [], "tbody": [], "tr": [], "th": ["align"], "td": ["align"],
    ]
    static let voidElements: Set<String> = ["br", "hr", "img"]
    static let allowedSchemes: Set<String> = ["http", "https", "mailto", "tel"]

    static func sanitize(_ html: String) -> String {
        var reader = Reader(Array(html.unicodeScalars))
        var out = ""
        /// Open elements, innermost last; a link whose address was refused is open but not written.
        var open: [(name: String, written: Bool)] = []
        while let token = reader.next() {
            switch token {
            case .text(let text):
                out += escapeText(text)
            case .comment:
                break
            case .start(let name, let attributes, let raw):
                guard let allowed = elements[name] else {
                    out += escapeText(raw)
                    continue
                }
                guard let kept = keep(name, attributes, allowed: allowed) else {
                    // A refused image shows its alt text; a refused link its content.
                    if name == "img", let alt = attributes.first(where: { $0.name == "alt" })?.value { out += escapeText(alt) }
                    if name == "a" { open.append((name, false)) }
                    continue
                }
                out += "<" + name + kept.map { " \($0.name)=\"\(escapeAttribute($0.value))\"" }.joined() + ">"
                if !voidElements.contains(name) { open.append((name, true)) }
            case .end(let name, let raw):
                guard elements[name] != nil else {
                    out += escapeText(raw)
                    continue
                }
                guard let at = open.lastIndex(where: { $0.name == name }) else { continue }
                for element in open[at...].reversed() where element.written { out += "</\(element.name)>" }
                open.removeSubrange(at...)
            }
        }
        for element in open.reversed() where element.written { out += "</\(element.name)>" }
        return out
    }

    /// The attributes an element keeps, or nil when the element itself must go (a link or image
    /// without an allowed address).
    static func keep(_ name: String, _ attributes: [Attribute], allowed: Set<String>) -> [Attribute]? {
        var kept: [Attribute] = []
        for a in attributes where allowed.contains(a.name) && !kept.contains(where: { $0.name == a.name }) {
            switch a.name {
            case "href", "src":
                guard let address = safeAddress(a.value) else { continue }
                kept.append(Attribute(name: a.name, value: address))
            case "class":
                if a.value.hasPrefix("language-"), a.value.count <= 40,
                    a.value.unicodeScalars.allSatisfy({
                        ($0.isASCII && $0.properties.isAlphabetic) || "0123456789-_+#".unicodeScalars.contains($0)
                    })
                {
                    kept.append(a)
                }
            case "start":
                if !a.value.isEmpty, a.value.count <= 9, a.value.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) { kept.append(a) }
            case "align":
                if ["left", "center", "right"].contains(a.value) { kept.append(a) }
            default:
                kept.append(a)
            }
        }
        if name == "a" || name == "img", !kept.contains(where: { $0.name == (name == "a" ? "href" : "src") }) { return nil }
        return kept
    }

    /// The address as it will be written, or nil when it is not allowed: control characters are
    /// dropped (browsers drop tabs and newlines inside addresses) and the ends trimmed; the scheme,
    /// looked for with all white space removed, must be one of `allowedSchemes`; an address without
    /// one must stay on this site (no `//host`, no backslash, which browsers read as a slash) and
    /// not be empty (an unresolved reference).
    static func safeAddress(_ value: String) -> String? {
        let cleaned = String(String.UnicodeScalarView(value.unicodeScalars.filter { !isControl($0) }))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let compact = String(String.UnicodeScalarView(cleaned.unicodeScalars.filter { !$0.properties.isWhitespace })).lowercased()
        // Stricter than the URL standard: a colon before the first slash means a scheme, even where
        // `?`, `#` or `&` would make it part of a relative address (`jav&#x61;script:` written literally).
        if let colon = compact.firstIndex(of: ":"), !compact[..<colon].contains("/") {
            return allowedSchemes.contains(String(compact[..<colon])) ? cleaned : nil
        }
        if compact.isEmpty || compact.hasPrefix("//") || compact.contains("\\") { return nil }
        return cleaned
    }

    static func isControl(_ c: Unicode.Scalar) -> Bool { c.value < 0x20 || (0x7F...0x9F).contains(c.value) }

    static func escapeText(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func escapeAttribute(_ text: String) -> String {
        escapeText(text).replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    // MARK: Tokens

    struct Attribute: Equatable {
        let name: String
        /// Entity-decoded.
        let value: String
    }

    enum Token: Equatable {
        /// Entity-decoded text.
        case text(String)
        case comment
        /// `raw` is the tag as written, for showing a refused tag as text.
        case start(name: String, attributes: [Attribute], raw: String)
        case end(name: String, raw: String)
    }

    struct Reader {
        let s: [Unicode.Scalar]
        var i = 0

        init(_ s: [Unicode.Scalar]) { self.s = s }

        mutating func next() -> Token? {
            guard i < s.count else { return nil }
            if s[i] == "<" {
                let start = i
                if let token = tag() { return token }
                i = start + 1
                return .text("<")
            }
            let start = i
            while i < s.count, s[i] != "<" { i += 1 }
            return .text(Entities.decode(s[start..<i]))
        }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

        static func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }
        static func isNameStart(_ c: Unicode.Scalar) -> Bool { c.isASCII && c.properties.isAlphabetic }

        /// A tag at `<`, or nil (and the reader anywhere) when what follows is not one.
        mutating func tag() -> Token? {
            let start = i
            i += 1
            if peek() == "!" && peek(1) == "-" && peek(2) == "-" {
                i += 3
                while i < s.count, !(s[i] == "-" && peek(1) == "-" && peek(2) == ">") { i += 1 }
                i = min(s.count, i + 3)
                return .comment
            }
            let closing = peek() == "/"
            if closing { i += 1 }
            guard let first = peek(), Self.isNameStart(first) else { return nil }
            let name = readName()
            var attributes: [Attribute] = []
            while true {
                while let c = peek(), Self.isSpace(c) || c == "/" { i += 1 }
                guard let c = peek() else { return nil }
                if c == ">" {
                    i += 1
                    break
                }
                let attributeName = readAttributeName()
                guard !attributeName.isEmpty else { return nil }
                while let c = peek(), Self.isSpace(c) { i += 1 }
                var value = ""
                if peek() == "=" {
                    i += 1
                    while let c = peek(), Self.isSpace(c) { i += 1 }
                    guard let v = readValue() else { return nil }
                    value = v
                }
                attributes.append(Attribute(name: attributeName, value: value))
            }
            let raw = String(String.UnicodeScalarView(s[start..<i]))
            return closing ? .end(name: name, raw: raw) : .start(name: name, attributes: attributes, raw: raw)
        }

        mutating func readName() -> String {
            let start = i
            while let c = peek(), !Self.isSpace(c), c != "/", c != ">" { i += 1 }
            return String(String.UnicodeScalarView(s[start..<i])).lowercased()
        }

        mutating func readAttributeName() -> String {
            let start = i
            // As HTML does: a name runs to white space, `/`, `>` or `=` (an `=` first is part of it).
            if peek() == "=" { i += 1 }
            while let c = peek(), !Self.isSpace(c), c != "/", c != ">", c != "=" { i += 1 }
            return String(String.UnicodeScalarView(s[start..<i])).lowercased()
        }

        mutating func readValue() -> String? {
            if let quote = peek(), quote == "\"" || quote == "'" {
                i += 1
                let start = i
                while i < s.count, s[i] != quote { i += 1 }
                guard i < s.count else { return nil }
                let value = Entities.decode(s[start..<i])
                i += 1
                return value
            }
            let start = i
            while let c = peek(), !Self.isSpace(c), c != ">" { i += 1 }
            return Entities.decode(s[start..<i])
        }
    }

    /// Character references as browsers read them: decimal and hexadecimal ones (with or without
    /// the closing `;`) and the named ones that matter here; an unknown name stays as written.
    enum Entities {
        static let named: [String: String] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "colon": ":", "tab": "\t",
            "newline": "\n", "sol": "/", "bsol": "\\", "lpar": "(", "rpar": ")", "period": ".", "comma": ",", "num": "#",
            "quest": "?", "equals": "=", "semi": ";", "excl": "!", "percnt": "%", "commat": "@",
        ]

        static func decode(_ s: ArraySlice<Unicode.Scalar>) -> String {
            var out = String.UnicodeScalarView()
            var i = s.startIndex
            while i < s.endIndex {
                guard s[i] == "&" else {
                    out.append(s[i])
                    i += 1
                    continue
                }
                var j = i + 1
                if j < s.endIndex, s[j] == "#" {
                    j += 1
                    let hex = j < s.endIndex && (s[j] == "x" || s[j] == "X")
                    if hex { j += 1 }
                    let digitsStart = j
                    var value: UInt32 = 0
                    while j < s.endIndex, let d = Self.digit(s[j], hex: hex) {
                        value = min(value &* (hex ? 16 : 10) &+ d, 0x11_0000)
                        j += 1
                    }
                    if j > digitsStart {
                        if j < s.endIndex, s[j] == ";" { j += 1 }
                        out.append(Unicode.Scalar(value).flatMap { $0.value == 0 ? nil : $0 } ?? "\u{FFFD}")
                        i = j
                        continue
                    }
                } else {
                    while j < s.endIndex, j - i <= 10, s[j].isASCII, s[j].properties.isAlphabetic { j += 1 }
                    // Names are matched case-insensitively here: stricter than HTML, which only makes more
                    // addresses look suspicious.
                    let name = String(String.UnicodeScalarView(s[(i + 1)..<j])).lowercased()
                    if let text = named[name] {
                        if j < s.endIndex, s[j] == ";" { j += 1 }
                        out.append(contentsOf: text.unicodeScalars)
                        i = j
                        continue
                    }
                }
                out.append("&")
                i += 1
            }
            return String(out)
        }

        static func digit(_ c: Unicode.Scalar, hex: Bool) -> UInt32? {
            switch c {
            case "0"..."9": c.value - 48
            case "a"..."f" where hex: c.value - 87
            case "A"..."F" where hex: c.value - 55
            default: nil
            }
        }
    }
}
