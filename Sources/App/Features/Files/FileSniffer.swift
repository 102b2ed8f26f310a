import Foundation

/// The types a space accepts. Decided from the content only, never from the client's Content-Type
/// or the file name.
enum FileType: String, Sendable, CaseIterable {
    case pdf, png, jpeg, docx, xlsx, pptx, doc, xls, ppt, odt, ods, odp, odg, text

    var contentType: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .doc: "application/msword"
        case .xls: "application/vnd.ms-excel"
        case .ppt: "application/vnd.ms-powerpoint"
        case .odt: "application/vnd.oasis.opendocument.text"
        case .ods: "application/vnd.oasis.opendocument.spreadsheet"
        case .odp: "application/vnd.oasis.opendocument.presentation"
        case .odg: "application/vnd.oasis.opendocument.graphics"
        case .text: "text/plain; charset=utf-8"
        }
    }

    /// Extensions a name may keep for this type; any other gets the first one appended.
    var extensions: [String] {
        switch self {
        case .jpeg: ["jpg", "jpeg"]
        case .ppt: ["ppt", "pps"]
        case .text: ["txt", "text", "csv", "tsv", "md", "log"]
        default: [rawValue]
        }
    }
}

/// Decides a file's type from its bytes as they stream past, holding at most the first 64 KiB, the
/// last 64 KiB and one 8 KiB window in memory:
///
/// - PDF `%PDF-`, PNG and JPEG by their signatures at the start;
/// - a ZIP (`PK\3\4`) is an OpenDocument file when its first entry is `mimetype`, stored
///   uncompressed, holding one of the allowed `application/vnd.oasis.opendocument.*` types; it is
///   docx, xlsx or pptx when its entry names (from the central directory in the last 64 KiB, else
///   from the local headers in the first 64 KiB) hold `[Content_Types].xml` and entries under
///   `word/`, `xl/` or `ppt/`. Macro-enabled files (`vbaProject.bin`, OpenDocument `Basic/` or
///   `Scripts/`) are refused;
/// - an OLE2 compound file (doc, xls, ppt) by its signature, and which one by a stream name
///   (`WordDocument`, `Workbook`/`Book`, `PowerPoint Document`) in its first directory sectors;
/// - plain text: the whole file is valid UTF-8 with no NUL, no control character but tab, CR and
///   LF, and it does not look like markup or a script (`<` or `#!` first, or `<html`, `<svg`,
///   `<script`, `<?xml`, `<!doctype`, `<iframe` in its first 64 KiB).
///
/// Anything else is refused.
struct FileSniffer {
    static let headLimit = 64 * 1024
    static let tailLimit = 64 * 1024
    static let windowLength = 8 * 1024

    private(set) var size: Int64 = 0
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    private var text = TextCheck()
    /// The first directory sectors of an OLE2 file, wherever they are.
    private var window: (offset: Int64, bytes: [UInt8])?

    mutating func feed(_ bytes: [UInt8]) {
        let start = size
        if head.count < Self.headLimit { head += bytes.prefix(Self.headLimit - head.count) }
        tail += bytes
        if tail.count > 2 * Self.tailLimit { tail.removeFirst(tail.count - Self.tailLimit) }
        size += Int64(bytes.count)
        text.feed(bytes)
        if window == nil, head.count >= 512, head.starts(with: Self.cfbMagic), let offset = Self.cfbDirectoryOffset(head) {
            window = (offset, [])
        }
        if let (offset, captured) = window, captured.count < Self.windowLength {
            // Bytes of this input inside [offset + captured.count, offset + windowLength).
            let from = max(offset + Int64(captured.count), start)
            let to = min(offset + Int64(Self.windowLength), size)
            if from < to, from == offset + Int64(captured.count) {
                window = (offset, captured + bytes[Int(from - start)..<Int(to - start)])
            }
        }
    }

    /// True when no allowed type can match whatever follows: the upload can stop now.
    var isHopeless: Bool {
        guard head.count >= 8 else { return false }
        return !text.valid && !Self.binarySignatures.contains { head.starts(with: $0) }
    }

    /// The type, once every byte was fed; nil when the content is not allowed.
    func decide() -> FileType? {
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: Self.pngMagic) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: Self.zipMagic) { return zipType() }
        if head.starts(with: Self.cfbMagic) { return cfbType() }
        if size > 0, text.complete, !Self.looksLikeMarkup(head) { return .text }
        return nil
    }

    // MARK: Signatures

    static let pngMagic: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let cfbMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    static let binarySignatures: [[UInt8]] = [Array("%PDF-".utf8), pngMagic, [0xFF, 0xD8, 0xFF], zipMagic, cfbMagic]

    // MARK: ZIP containers

    static let openDocumentTypes: [String: FileType] = [
        "application/vnd.oasis.opendocument.text": .odt, "application/vnd.oasis.opendocument.spreadsheet": .ods,
        "application/vnd.oasis.opendocument.presentation": .odp, "application/vnd.oasis.opendocument.graphics": .odg,
    ]

    private func zipType() -> FileType? {
        let names = centralDirectoryNames() ?? localHeaderNames()
        if names.contains(where: { $0.hasSuffix("vbaProject.bin") || $0.hasPrefix("Basic/") || $0.hasPrefix("Scripts/") }) { return nil }
        if let mimetype = openDocumentMimetype() {
            return Self.openDocumentTypes[mimetype]
        }
        guard names.contains("[Content_Types].xml") else { return nil }
        if names.contains(where: { $0.hasPrefix("word/") }) { return .docx }
        if names.contains(where: { $0.hasPrefix("xl/") }) { return .xlsx }
        if names.contains(where: { $0.hasPrefix("ppt/") }) { return .pptx }
        return nil
    }

    /// The content of a first entry named `mimetype` stored without compression.
    private func openDocumentMimetype() -> String? {
        guard let method = Self.uint16(head, 8), method == 0, let compressed = Self.uint32(head, 18),
            let nameLength = Self.uint16(head, 26), let extraLength = Self.uint16(head, 28), head.count >= 30 + Int(nameLength),
            String(decoding: head[30..<30 + Int(nameLength)], as: UTF8.self) == "mimetype", compressed < 200
        else { return nil }
        let start = 30 + Int(nameLength) + Int(extraLength)
        let end = start + Int(compressed)
        guard end <= head.count else { return nil }
        return String(decoding: head[start..<end], as: UTF8.self)
    }

    /// Entry names from the central directory, when it lies within the last 64 KiB.
    private func centralDirectoryNames() -> [String]? {
        let eocd: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
        guard tail.count >= 22 else { return nil }
        var i = tail.count - 22
        let lowest = max(0, tail.count - 22 - 0xFFFF)
        while i >= lowest, !tail[i..<i + 4].elementsEqual(eocd) { i -= 1 }
        guard i >= lowest, let count = Self.uint16(tail, i + 10), let cdSize = Self.uint32(tail, i + 12), cdSize != 0xFFFF_FFFF,
            i - Int(cdSize) >= 0
        else { return nil }
        var names: [String] = []
        var p = i - Int(cdSize)
        for _ in 0..<count {
            guard p + 46 <= i, tail[p..<p + 4].elementsEqual([0x50, 0x4B, 0x01, 0x02]), let n = Self.uint16(tail, p + 28),
                let m = Self.uint16(tail, p + 30), let k = Self.uint16(tail, p + 32), p + 46 + Int(n) <= i
            else { return nil }
            names.append(String(decoding: tail[p + 46..<p + 46 + Int(n)], as: UTF8.self))
            p += 46 + Int(n) + Int(m) + Int(k)
        }
        return names
    }

    /// Entry names from the local headers that the first 64 KiB shows.
    private func localHeaderNames() -> [String] {
        var names: [String] = []
        var p = 0
        while p + 30 <= head.count, head[p..<p + 4].elementsEqual(Self.zipMagic), let flags = Self.uint16(head, p + 6),
            let compressed = Self.uint32(head, p + 18), let n = Self.uint16(head, p + 26), let m = Self.uint16(head, p + 28),
            p + 30 + Int(n) <= head.count
        {
            names.append(String(decoding: head[p + 30..<p + 30 + Int(n)], as: UTF8.self))
            // With a data descriptor the sizes come after the data: the next header cannot be found.
            if flags & 0x08 != 0 && compressed == 0 { break }
            p += 30 + Int(n) + Int(m) + Int(compressed)
        }
        return names
    }

    // MARK: OLE2 compound files

    /// Where the first directory sector starts: (first directory sector + 1) << sector shift.
    private static func cfbDirectoryOffset(_ head: [UInt8]) -> Int64? {
        guard let shift = uint16(head, 0x1E), shift == 9 || shift == 12, let sector = uint32(head, 0x30), sector < 0xFFFF_FFFA else {
            return nil
        }
        return (Int64(sector) + 1) << Int64(shift)
    }

    private func cfbType() -> FileType? {
        guard let (_, bytes) = window else { return nil }
        func has(_ name: String) -> Bool {
            let utf16: [UInt8] = name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            return bytes.count >= utf16.count
                && (0...bytes.count - utf16.count).contains { bytes[$0..<$0 + utf16.count].elementsEqual(utf16) }
        }
        if has("WordDocument") { return .doc }
        if has("Workbook") || has("Book") { return .xls }
        if has("PowerPoint Document") { return .ppt }
        return nil
    }

    // MARK: Text

    private static func looksLikeMarkup(_ head: [UInt8]) -> Bool {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let first = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        if first.first == UInt8(ascii: "<") || first.starts(with: Array("#!".utf8)) { return true }
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        let markers = ["<html", "<svg", "<script", "<?xml", "<!doctype", "<iframe"].map { Array($0.utf8) }
        for i in lower.indices where lower[i] == UInt8(ascii: "<") {
            if markers.contains(where: { lower[i...].starts(with: $0) }) { return true }
        }
        return false
    }

    // MARK: Little-endian fields

    private static func uint16(_ b: [UInt8], _ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= b.count else { return nil }
        return UInt16(b[at]) | UInt16(b[at + 1]) << 8
    }

    private static func uint32(_ b: [UInt8], _ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= b.count else { return nil }
        return UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }
}

/// Streaming check that bytes are UTF-8 text: well-formed (no overlong forms, no surrogates), with no
/// NUL, no C0 control but tab, LF and CR, no DEL and no C1 control.
struct TextCheck {
    private(set) var valid = true
    private var need = 0
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF

    /// Every byte fed so far is text, and no character is cut off at the end.
    var complete: Bool { valid && need == 0 }

    mutating func feed(_ bytes: [UInt8]) {
        for b in bytes {
            guard valid else { return }
            if need > 0 {
                guard b >= low && b <= high else {
                    valid = false
                    return
                }
                low = 0x80
                high = 0xBF
                need -= 1
                continue
            }
            switch b {
            case 0x09, 0x0A, 0x0D, 0x20...0x7E: continue
            case 0xC2:
                // U+0080–U+009F are the C1 controls.
                (need, low) = (1, 0xA0)
            case 0xC3...0xDF: need = 1
            case 0xE0: (need, low) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE, 0xEF: need = 2
            case 0xED: (need, high) = (2, 0x9F)
            case 0xF0: (need, low) = (3, 0x90)
            case 0xF1...0xF3: need = 3
            case 0xF4: (need, high) = (3, 0x8F)
            default: valid = false
            }
        }
    }
}
