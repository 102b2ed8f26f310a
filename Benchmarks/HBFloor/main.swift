// `make bench`'s floor of our HTTP stack: Hummingbird with its defaults and no middleware, answering
// /healthz with the same bytes as ours. http-floor prints it beside our server and nginx, so the table
// shows how much of the distance to nginx is the stack itself. Usage: HBFloor --port N
import Hummingbird

let arguments = CommandLine.arguments
let port = arguments.firstIndex(of: "--port").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? 8090
let router = Router()
let body = ByteBuffer(string: #"{"status":"ok"}"#)
router.get("healthz") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
