import Foundation
import Hummingbird
import NIOCore

/// A file of a space. The bytes are on disk (`FileStorage`), encrypted under a key of their own that
/// the master key wraps (`wrappedKey`).
struct SpaceFileRecord: AppRecord {
    static let databaseTableName = "space_file"
    var id: String
    var spaceId: String
    var uploaderId: String?
    var audienceId: String?
    var name: String
    var contentType: String
    var size: Int64
    var wrappedKey: Data
    var storageName: String
    var seq: Int64?
    var createdAt: Int64
}

/// The answer to an upload.
struct FileDTO: ResponseCodable, Sendable, Equatable {
    let id: String
    let name: String
    let size: Int64
    let contentType: String
}

/// One row of a space's file list.
struct FileListItemDTO: Codable, Sendable, Equatable {
    let id: String
    let name: String
    let size: Int64
    let contentType: String
    @Nullable var uploaderId: String?
    /// The client a private file of a group space is for (seen by that client and the experts).
    @Nullable var audienceId: String?
    let createdAt: Date
}

/// The bytes of an upload as they arrive, and the form's other fields. The controller makes one from
/// a multipart body, so the service sees no HTTP.
protocol UploadSource {
    /// The next bytes of the file; nil when the whole request has been read.
    mutating func next() async throws -> [UInt8]?
    /// The file's name as the client gave it (known once its bytes begin).
    var fileName: String? { get }
    /// A short text field of the form; complete once `next()` has returned nil.
    func field(_ name: String) -> String?
}

/// A file ready to be sent: checked whole before the first byte goes out, then decrypted again
/// chunk by chunk as it is written.
struct FileDownload: Sendable {
    let name: String
    let contentType: String
    let size: Int64
    let write: @Sendable (_ each: (ByteBuffer) async throws -> Void) async throws -> Void
}

/// Limits of uploads.
enum FileRules {
    static let maxName = 200
    /// Bytes of form fields other than the file (the multipart headers and `privateTo`).
    static let maxFormOverhead = 64 * 1024
}

/// File names as stored and as sent back in `Content-Disposition`.
enum FileNames {
    /// The name kept for a file: the last path component only, without control or format characters
    /// (bidi overrides included), quotes or characters that Windows forbids, NFC, at most 200
    /// characters with its extension kept, and with an extension that fits the sniffed type
    /// (`report.html` holding a PDF becomes `report.html.pdf`).
    static func sanitize(_ raw: String?, type: FileType) -> String {
        let last = (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = ""
        for scalar in last.precomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: continue
            default: break
            }
            if scalar == "\"" { continue }
            cleaned.unicodeScalars.append("<>:|?*".unicodeScalars.contains(scalar) ? "_" : scalar)
        }
        cleaned = String(cleaned.trimmingCharacters(in: .whitespaces).drop { $0 == "." || $0 == " " })
        var stem = cleaned
        var ext = ""
        if let dot = cleaned.lastIndex(of: "."), dot != cleaned.startIndex {
            let candidate = String(cleaned[cleaned.index(after: dot)...])
            if !candidate.isEmpty, candidate.count <= 10, !candidate.contains(" ") {
                stem = String(cleaned[..<dot])
                ext = candidate
            }
        }
        if !type.extensions.contains(ext.lowercased()) {
            if !ext.isEmpty { stem += "." + ext }
            ext = type.extensions[0]
        }
        stem = stem.trimmingCharacters(in: .whitespaces)
        if stem.isEmpty { stem = "file" }
        let room = FileRules.maxName - ext.count - 1
        if stem.count > room { stem = String(stem.prefix(room)).trimmingCharacters(in: .whitespaces) }
        return stem + "." + ext
    }

    /// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266).
    static func contentDisposition(_ name: String) -> String {
        "attachment; filename=\"\(asciiFallback(name))\"; filename*=UTF-8''\(percentEncoded(name))"
    }

    /// Letters without their diacritics where that makes them ASCII (ä → a), anything else outside
    /// printable ASCII, quotes, backslashes and percent signs as `_`.
    static func asciiFallback(_ name: String) -> String {
        var out = ""
        for character in name {
            var text = String(character)
            if !text.allSatisfy(\.isASCII) { text = text.folding(options: .diacriticInsensitive, locale: nil) }
            for scalar in text.unicodeScalars {
                let printable = scalar.value >= 0x20 && scalar.value < 0x7F && !"\"\\%".unicodeScalars.contains(scalar)
                out.unicodeScalars.append(printable ? scalar : "_")
            }
        }
        return out
    }

    /// RFC 8187 `attr-char`s as they are, every other UTF-8 byte as %XX.
    static func percentEncoded(_ name: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)
        return name.utf8.map { plain.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }
}
