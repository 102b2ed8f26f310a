import App
import Foundation

// The benchmarks' Swift side (docs/performance.md; `make bench` drives it through Benchmarks/bench.py):
//   Bench search  [--services 20000] [--catalogue DemoData/catalogue.json] [--json OUT]
//   Bench seed    --data-dir D --out FIXTURE [--pairs 2000] [--group-clients 20] [--group-experts 3] [--history 0]
//   Bench chat    --url U --fixture F [--rates 300,1000,2000] [--duration 10] [--stop-p99 50] [--pid P] [--json OUT]
//   Bench fanout  --url U --fixture F [--devices 2] [--background 2000] [--rates 100,200] [--duration 5] [--pid P] [--json OUT]
//   Bench idle    --url U --fixture F [--sockets 10000] [--hold 35] [--pid P] [--json OUT]
// The load runs over loopback only, each run bounded in time and count.

struct Arguments {
    var command = "search"
    var values: [String: String] = [:]

    init(_ list: [String]) {
        var rest = list.dropFirst()
        if let first = rest.first, !first.hasPrefix("--") {
            command = first
            rest = rest.dropFirst()
        }
        var positional = 0
        while let arg = rest.first {
            rest = rest.dropFirst()
            if arg.hasPrefix("--"), let value = rest.first {
                values[String(arg.dropFirst(2))] = value
                rest = rest.dropFirst()
            } else {  // `Bench 20000 DemoData/catalogue.json`, as before
                values[positional == 0 ? "services" : "catalogue"] = arg
                positional += 1
            }
        }
        if Int(command) != nil {
            values["services"] = command
            command = "search"
        }
    }

    func string(_ key: String, _ fallback: String? = nil) throws -> String {
        guard let value = values[key] ?? fallback else { throw BenchError("--\(key) is needed") }
        return value
    }
    func int(_ key: String, _ fallback: Int) throws -> Int {
        guard let text = values[key] else { return fallback }
        guard let value = Int(text) else { throw BenchError("--\(key): not a number: \(text)") }
        return value
    }
    func double(_ key: String, _ fallback: Double) throws -> Double {
        guard let text = values[key] else { return fallback }
        guard let value = Double(text) else { throw BenchError("--\(key): not a number: \(text)") }
        return value
    }
    func rates(_ fallback: String) throws -> [Double] {
        try (values["rates"] ?? fallback).split(separator: ",").map {
            guard let rate = Double($0), rate > 0 else { throw BenchError("--rates: not a rate: \($0)") }
            return rate
        }
    }
    var server: ProcessFigures { ProcessFigures(pid: values["pid"].flatMap { Int32($0) }) }
    var fixture: LoadFixture {
        get throws { try JSONDecoder().decode(LoadFixture.self, from: Data(contentsOf: URL(filePath: try string("fixture")))) }
    }
}

func write(_ object: Any, to path: String?) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    if let path { try data.write(to: URL(filePath: path)) } else { print(String(decoding: data, as: UTF8.self)) }
}

/// Raises the open-file limit to the hard limit (10,000 sockets need as many descriptors).
func raiseOpenFiles() {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

let args = Arguments(CommandLine.arguments)
raiseOpenFiles()
do {
    switch args.command {
    case "search":
        let dir = FileManager.default.temporaryDirectory.appending(path: "ohjaustila-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = try await CatalogueBenchmark.run(
            demoCatalogue: URL(filePath: try args.string("catalogue", "DemoData/catalogue.json")),
            services: try args.int("services", 20_000), dataDir: dir
        ) { print($0) }
        if let out = args.values["json"] { try write(rows, to: out) }
    case "seed":
        let root = URL(filePath: FileManager.default.currentDirectoryPath)
        var config = try AppConfiguration.resolve(
            flags: [
                .dataDir: try args.string("data-dir"),
                .migrationsDir: try args.string("migrations-dir", root.appending(path: "Migrations").path),
            ], demo: true)
        config.runsBackgroundServices = false
        let components = try await AppComponents.make(config)
        let start = nanos()
        let fixture = try await components.seedLoad(
            pairs: try args.int("pairs", 2000), groupClients: try args.int("group-clients", 20),
            groupExperts: try args.int("group-experts", 3), history: try args.int("history", 0),
            catalogue: URL(filePath: try args.string("catalogue", root.appending(path: "DemoData/catalogue.json").path))
        ) { log("seed: \($0)") }
        try JSONEncoder().encode(fixture).write(to: URL(filePath: try args.string("out")))
        log("seed: done in \(seconds(since: start)) s")
    case "chat":
        let result = try await chatScenario(
            try args.fixture, url: try args.string("url"), rates: try args.rates("300,1000,2000"),
            duration: try args.double("duration", 10), stopP99: try args.double("stop-p99", 50), server: args.server)
        try write(result, to: args.values["json"])
    case "fanout":
        let result = try await fanoutScenario(
            try args.fixture, url: try args.string("url"), devices: try args.int("devices", 2),
            background: try args.int("background", 2000), rates: try args.rates("100,200"), duration: try args.double("duration", 5),
            server: args.server)
        try write(result, to: args.values["json"])
    case "idle":
        let result = try await idleScenario(
            try args.fixture, url: try args.string("url"), count: try args.int("sockets", 10_000), hold: try args.double("hold", 35),
            server: args.server)
        try write(result, to: args.values["json"])
    default:
        throw BenchError("unknown command \(args.command): search, seed, chat, fanout or idle")
    }
    exit(0)
} catch {
    log("Bench \(args.command): \(error)")
    exit(1)
}
