import App
import Foundation

// `make bench`: catalogue search over the demo catalogue multiplied to 20,000 services.
let arguments = CommandLine.arguments
let services = arguments.count > 1 ? Int(arguments[1]) ?? 20_000 : 20_000
let catalogue = URL(filePath: arguments.count > 2 ? arguments[2] : "DemoData/catalogue.json")
let dir = FileManager.default.temporaryDirectory.appending(path: "ohjaustila-bench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: dir) }
try await CatalogueBenchmark.run(demoCatalogue: catalogue, services: services, dataDir: dir) { print($0) }
