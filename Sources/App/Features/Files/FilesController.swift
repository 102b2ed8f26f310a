import Hummingbird
import MultipartKit
import NIOCore

/// `/spaces/{id}/files*`: decode (a streamed multipart body), call `FilesService`, encode (a streamed
/// file).
struct FilesController: Sendable {
    let files: FilesService

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.post("spaces/:spaceId/files", use: upload)
        api.get("spaces/:spaceId/files", use: list)
        api.get("spaces/:spaceId/files/:fileId", use: download)
    }

    private func spaceId(_ context: AppRequestContext) throws -> String { try context.parameters.require("spaceId") }

    /// The body is never collected (so `maxUploadSize` of the context does not apply): it is parsed,
    /// counted against `--max-upload-mb` and encrypted as it arrives.
    func upload(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<FileDTO> {
        let access = try await files.requireUploader(try spaceId(context), context.session)
        guard let boundary = MultipartUpload.boundary(request.headers[.contentType]) else { throw MultipartUpload.invalid }
        var source = MultipartUpload(
            body: request.body, boundary: boundary, maxBody: files.maxBytes + Int64(FileRules.maxFormOverhead))
        return EditedResponse(status: .created, response: try await files.upload(as: access, from: &source))
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Page<FileListItemDTO> {
        try await files.list(try spaceId(context), page: try PageRequest(request), by: context.session)
    }

    func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let file = try await files.download(try spaceId(context), try context.parameters.require("fileId"), by: context.session)
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        headers[.contentDisposition] = FileNames.contentDisposition(file.name)
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = "no-store"
        let write = file.write
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(contentLength: Int(file.size)) { writer in
                try await write { try await writer.write($0) }
                try await writer.finish(nil)
            })
    }
}

/// A `multipart/form-data` body read as it arrives through multipart-kit's streaming parser: the
/// bytes of the part named `file` are handed on as they come, `privateTo` and `attachment` are kept
/// as short fields, other parts are skipped. Nothing is collected whole.
struct MultipartUpload: UploadSource {
    static let invalid = AppError(.badRequest, "request.invalidMultipart")
    static let maxField = 200
    /// The form's fields besides `file`; any other part is skipped.
    static let shortFields: Set<String> = ["privateTo", "attachment"]

    private var iterator: RequestBody.AsyncIterator
    private let state: State
    private let maxBody: Int64
    private var received: Int64 = 0

    init(body: RequestBody, boundary: String, maxBody: Int64) {
        iterator = body.makeAsyncIterator()
        state = State(boundary: boundary)
        self.maxBody = maxBody
    }

    var fileName: String? { state.fileName }

    func field(_ name: String) -> String? { state.fields[name] }

    mutating func next() async throws -> [UInt8]? {
        while true {
            if let error = state.error { throw error }
            if !state.fileBytes.isEmpty {
                defer { state.fileBytes = [] }
                return state.fileBytes
            }
            guard let buffer = try await iterator.next() else {
                // A file part that never reached its closing boundary was cut off.
                if state.filePart == .started || !state.ended { throw Self.invalid }
                return nil
            }
            received += Int64(buffer.readableBytes)
            if received > maxBody { throw FilesService.tooLarge }
            do {
                try state.parser.execute(buffer)
            } catch {
                throw Self.invalid
            }
        }
    }

    /// The boundary of a `multipart/form-data` Content-Type (1–70 characters), or nil.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parameters = HeaderParameters(contentType)
        guard parameters.value.lowercased() == "multipart/form-data", let boundary = parameters["boundary"],
            (1...70).contains(boundary.count)
        else { return nil }
        return boundary
    }

    /// What the parser's callbacks collect. Used by one request's task only.
    final class State {
        enum FilePart { case none, started, done }

        let parser: MultipartParser
        var headers: [String: String] = [:]
        var current: String?
        var filePart = FilePart.none
        var fileName: String?
        var fileBytes: [UInt8] = []
        var fields: [String: String] = [:]
        var fieldBytes: [UInt8] = []
        var overhead = 0
        var ended = false
        var error: AppError?

        init(boundary: String) {
            parser = MultipartParser(boundary: boundary)
            parser.onHeader = { [unowned self] name, value in
                overhead += name.utf8.count + value.utf8.count
                headers[name.lowercased()] = value
                checkOverhead()
            }
            parser.onBody = { [unowned self] buffer in
                begin()
                if current == "file" {
                    fileBytes += buffer.readableBytesView
                } else {
                    overhead += buffer.readableBytes
                    if let name = current, MultipartUpload.shortFields.contains(name) { fieldBytes += buffer.readableBytesView }
                    checkOverhead()
                }
            }
            parser.onPartComplete = { [unowned self] in
                begin()
                if current == "file" {
                    filePart = .done
                } else if let name = current, MultipartUpload.shortFields.contains(name) {
                    if fieldBytes.count > Self.maxField { fail(AppError.validation([FieldError(name, "field.invalidValue")])) }
                    fields[name] = String(decoding: fieldBytes, as: UTF8.self)
                }
                headers = [:]
                current = nil
                fieldBytes = []
                // The parser says no more than this; a part that completes may be the last one.
                ended = true
            }
        }

        static var maxField: Int { MultipartUpload.maxField }

        /// Names the part from its headers at its first bytes (or at its end, when it is empty).
        private func begin() {
            guard current == nil else { return }
            ended = false
            let disposition = HeaderParameters(headers["content-disposition"] ?? "")
            guard disposition.value.lowercased() == "form-data", let name = disposition["name"] else {
                fail(MultipartUpload.invalid)
                current = ""
                return
            }
            current = name
            if name == "file" {
                if filePart != .none { fail(AppError.validation([FieldError("file", "field.tooMany")])) }
                filePart = .started
                fileName = disposition.fileName
            }
        }

        private func checkOverhead() {
            if overhead > FileRules.maxFormOverhead { fail(FilesService.tooLarge) }
        }

        private func fail(_ error: AppError) {
            if self.error == nil { self.error = error }
        }
    }
}

/// `value; name="quoted \"value\""; other=token` as in Content-Type and Content-Disposition.
struct HeaderParameters {
    let value: String
    private var parameters: [String: String] = [:]

    init(_ header: String) {
        var parts: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        value = parts[0].trimmingCharacters(in: .whitespaces)
        for part in parts.dropFirst() {
            guard let eq = part.firstIndex(of: "=") else { continue }
            let key = part[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            if parameters[key] == nil { parameters[key] = part[part.index(after: eq)...].trimmingCharacters(in: .whitespaces) }
        }
    }

    subscript(_ name: String) -> String? { parameters[name.lowercased()] }

    /// `filename*=UTF-8''…` (RFC 8187) when given, else `filename`, with the `%22`, `%0A` and `%0D`
    /// that browsers write for quotes and line breaks turned back (the name is sanitised later).
    var fileName: String? {
        if let extended = self["filename*"], extended.lowercased().hasPrefix("utf-8''"),
            let decoded = String(extended.dropFirst(7)).removingPercentEncoding
        {
            return decoded
        }
        return self["filename"].map {
            $0.replacingOccurrences(of: "%22", with: "\"").replacingOccurrences(of: "%0A", with: "\n").replacingOccurrences(
                of: "%0D", with: "\r")
        }
    }
}
