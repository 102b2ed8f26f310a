import App
import Foundation

/// CPU seconds and RSS of a process, from /proc.
struct ProcessFigures {
    let pid: Int32?

    var cpuSeconds: Double {
        guard let pid, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    var rssKiB: Int {
        guard let pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ")[1]) ?? 0
        }
        return 0
    }

    static var selfCPU: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

/// The figures of one offered rate.
struct RateResult: Codable {
    var offered: Double
    var sent: Int
    var acked: Int
    var delivered: Int
    var expectedDeliveries: Int
    var persistedPerSecond: Double
    var deliveredPerSecond: Double
    var ackMs: [String: Double]
    var deliveryMs: [String: Double]
    var errors: [String: Int]
    var sendLagMaxMs: Double
    var clientCPUPercent: Double
    var serverCPUPercent: Double
    var serverRSSMiB: Double
    var socketsClosed: Int
}

/// Sends at `rate` a second for `duration` seconds, open loop: message k is due at t0 + k/rate and
/// its latencies run from that due time, whatever the sender or the server did before it. Then waits
/// for the acks and deliveries (until none came for 5 s, at most 60 s).
func runRate(
    _ client: LoadClient, senders: [(LoadSocket, String)], sockets: [LoadSocket], tag: String, rate: Double, duration: Double,
    receiversPerMessage: Int, server: ProcessFigures
) async -> RateResult {
    let count = max(1, Int(rate * duration))
    let body = "Hei, tässä kuormitustestin viesti, noin sadan merkin mittainen, jotta kehys on tavallisen viestin kokoinen."
    let frames = (0..<count).map { k in
        let (_, space) = senders[k % senders.count]
        return #"{"type":"send","spaceId":"\#(space)","clientMessageId":"\#(tag)-\#(k)","body":"\#(body)"}"#
    }
    let cpu0 = ProcessFigures.selfCPU
    let server0 = server.cpuSeconds
    let wall0 = nanos()
    let t0 = wall0 + 50_000_000
    let interval = 1e9 / rate
    client.tally.start(tag: tag, count: count, t0: t0, rate: rate)
    var lag: UInt64 = 0
    var k = 0
    while k < count {
        let now = nanos()
        let due = t0 + UInt64(Double(k) * interval)
        if now < due {
            try? await Task.sleep(nanoseconds: due - now)
            continue
        }
        lag = max(lag, now - due)
        try? await senders[k % senders.count].0.send(frames[k])
        k += 1
    }
    let expected = count * receiversPerMessage
    var seen = (-1, -1)
    var quietSince = nanos()
    let deadline = nanos() + 60_000_000_000
    while nanos() < deadline {
        let now = client.tally.state.withLock { ($0.acks, $0.deliveries) }
        if now.0 >= count && now.1 >= expected { break }
        if now != seen {
            seen = now
            quietSince = nanos()
        } else if nanos() - quietSince > 5_000_000_000 {
            break
        }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    let wall = Double(nanos() - wall0) / 1e9
    let s = client.tally.state.withLock { $0 }
    return RateResult(
        offered: rate, sent: count, acked: s.acks, delivered: s.deliveries, expectedDeliveries: expected,
        persistedPerSecond: s.acks > 0 && s.lastAck > t0 ? Double(s.acks) / (Double(s.lastAck - t0) / 1e9) : 0,
        deliveredPerSecond: s.deliveries > 0 && s.lastDelivery > t0 ? Double(s.deliveries) / (Double(s.lastDelivery - t0) / 1e9) : 0,
        ackMs: s.ack.figures, deliveryMs: s.delivery.figures, errors: s.errors, sendLagMaxMs: Double(lag) / 1e6,
        clientCPUPercent: 100 * (ProcessFigures.selfCPU - cpu0) / wall, serverCPUPercent: 100 * (server.cpuSeconds - server0) / wall,
        serverRSSMiB: Double(server.rssKiB) / 1024, socketsClosed: client.closedCount(sockets))
}

/// chat: both members of every one-to-one space connected; the rates in turn until ack p99 passes
/// `stopP99` ms. The members of a space send in turn, spaces one after another.
func chatScenario(_ fixture: LoadFixture, url: String, rates: [Double], duration: Double, stopP99: Double, server: ProcessFigures)
    async throws -> [String: Any]
{
    let client = LoadClient(baseURL: url, threads: 1)
    var sockets: [LoadSocket] = []
    var senders: [(LoadSocket, String)] = []
    for space in fixture.pairs {
        for member in space.members {
            let socket = LoadSocket(userId: member.userId, token: member.token, spaces: [space.id])
            sockets.append(socket)
            senders.append((socket, space.id))
        }
    }
    let start = nanos()
    try await client.connect(sockets)
    log("chat: \(sockets.count) sockets connected in \(seconds(since: start)) s")
    _ = await runRate(
        client, senders: senders, sockets: sockets, tag: "warm", rate: 100, duration: 2, receiversPerMessage: 1, server: server)
    var steps: [RateResult] = []
    for (i, rate) in rates.enumerated() {
        let r = await runRate(
            client, senders: senders, sockets: sockets, tag: "r\(i)", rate: rate, duration: duration, receiversPerMessage: 1,
            server: server)
        log(
            "chat: offered \(Int(rate))/s persisted \(Int(r.persistedPerSecond))/s ack p50/p99 \(r.ackMs["p50"]!)/\(r.ackMs["p99"]!) ms"
        )
        steps.append(r)
        if r.ackMs["p99"]! > stopP99 || r.acked < r.sent { break }
        try? await Task.sleep(nanoseconds: 1_000_000_000)
    }
    return ["spaces": fixture.pairs.count, "sockets": sockets.count, "durationPerRate": duration, "steps": try jsonObject(steps)]
}

/// fan-out: the group space's members with `devices` sockets each, plus `background` sockets of
/// one-to-one spaces, idle. Group members send in turn at each rate; every other member's sockets
/// should get each message.
func fanoutScenario(
    _ fixture: LoadFixture, url: String, devices: Int, background: Int, rates: [Double], duration: Double, server: ProcessFigures
) async throws -> [String: Any] {
    guard let group = fixture.group else { throw BenchError("the fixture has no group space") }
    let client = LoadClient(baseURL: url, threads: 1)
    var idle: [LoadSocket] = []
    outer: for space in fixture.pairs {
        for member in space.members {
            if idle.count >= background { break outer }
            idle.append(LoadSocket(userId: member.userId, token: member.token, spaces: [space.id]))
        }
    }
    var sockets: [LoadSocket] = []
    for member in group.members {
        for _ in 0..<devices { sockets.append(LoadSocket(userId: member.userId, token: member.token, spaces: [group.id])) }
    }
    try await client.connect(idle + sockets)
    log("fan-out: \(sockets.count) group sockets, \(idle.count) background sockets connected")
    let senders = sockets.map { ($0, group.id) }  // every device sends: each socket may send 20 frames a second
    let receivers = (group.members.count - 1) * devices
    var steps: [RateResult] = []
    for (i, rate) in rates.enumerated() {
        let r = await runRate(
            client, senders: senders, sockets: idle + sockets, tag: "f\(i)", rate: rate, duration: duration,
            receiversPerMessage: receivers, server: server)
        log("fan-out: offered \(Int(rate))/s delivered \(Int(r.deliveredPerSecond)) frames/s, p99 \(r.deliveryMs["p99"]!) ms")
        steps.append(r)
        try? await Task.sleep(nanoseconds: 500_000_000)
    }
    return [
        "groupSockets": sockets.count, "backgroundSockets": idle.count, "receiversPerMessage": receivers, "steps": try jsonObject(steps),
    ]
}

/// idle: `count` signed-in sockets (the fixture's sessions in turn), held `hold` seconds; the
/// server's RSS before and after, and how many the server closed.
func idleScenario(_ fixture: LoadFixture, url: String, count: Int, hold: Double, server: ProcessFigures) async throws -> [String: Any] {
    let members = fixture.pairs.flatMap { space in space.members.map { ($0, space.id) } }
    guard !members.isEmpty else { throw BenchError("the fixture has no spaces") }
    let client = LoadClient(baseURL: url, threads: 2)
    let sockets = (0..<count).map { i in
        let (member, space) = members[i % members.count]
        return LoadSocket(userId: member.userId, token: member.token, spaces: [space])
    }
    let before = server.rssKiB
    let start = nanos()
    try await client.connect(sockets, parallel: 128)
    let opened = seconds(since: start)
    let connected = server.rssKiB
    log("idle: \(count) sockets open in \(opened) s")
    let cpu0 = server.cpuSeconds
    try? await Task.sleep(nanoseconds: UInt64(hold * 1e9))
    let after = server.rssKiB
    return [
        "sockets": count, "openSeconds": opened, "holdSeconds": hold, "rssBeforeMiB": Double(before) / 1024,
        "rssOpenMiB": Double(connected) / 1024, "rssAfterHoldMiB": Double(after) / 1024,
        "kibPerConnection": Double(max(connected, after) - before) / Double(count),
        "serverCPUPercentIdle": 100 * (server.cpuSeconds - cpu0) / hold, "closedByServer": client.closedCount(sockets),
    ]
}

func jsonObject(_ value: some Encodable) throws -> Any {
    try JSONSerialization.jsonObject(with: JSONEncoder().encode(value))
}

func seconds(since start: UInt64) -> Double { (Double(nanos() - start) / 1e7).rounded() / 100 }

func log(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
