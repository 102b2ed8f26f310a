import Crypto
import Foundation
import Hummingbird

/// Serves `/sw.js` with its cache version set to a content hash of the web client, computed at start:
/// a changed shell file can no longer ship under an old cache name, because the name is the files' hash.
/// `sw.js` holds the line `const VERSION = '__SHELL_VERSION__';` and nothing needs bumping by hand.
struct ServiceWorkerMiddleware<Context: RequestContext>: RouterMiddleware {
    static var placeholder: String { "__SHELL_VERSION__" }
    let script: ByteBuffer?

    init(publicDir: URL) {
        let version = Self.shellHash(publicDir)
        let source = try? String(contentsOf: publicDir.appending(path: "sw.js"), encoding: .utf8)
        script = source.map { ByteBuffer(string: $0.replacingOccurrences(of: Self.placeholder, with: version)) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let script, request.uri.path == "/sw.js", request.method == .get || request.method == .head else {
            return try await next(request, context)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/javascript; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: request.method == .head ? ByteBuffer() : script))
    }

    /// SHA-256 over every file of the web client (path and content, in path order) but the worker
    /// itself and the API document; the first 16 hex digits.
    static func shellHash(_ publicDir: URL) -> String {
        let root = publicDir.standardizedFileURL.path
        var paths: [String] = []
        if let walker = FileManager.default.enumerator(atPath: root) {
            while let relative = walker.nextObject() as? String {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue
                else { continue }
                if relative == "sw.js" || relative == "openapi.json" { continue }
                paths.append(relative)
            }
        }
        var hasher = SHA256()
        for path in paths.sorted() {
            hasher.update(data: Data(path.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: (try? Data(contentsOf: URL(filePath: root + "/" + path))) ?? Data())
            hasher.update(data: Data([0]))
        }
        return hasher.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
