import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// SMTP submission (RFC 5321 / 6409): STARTTLS or implicit TLS through swift-nio-ssl, AUTH PLAIN.
/// One connection per message; a 4xx answer or a network failure is retried by the runner,
/// a 5xx answer to the recipient or the message is permanent.
struct SMTPMailTransport: MailTransport {
    let host: String
    let port: Int
    let security: AppConfiguration.SMTPSecurity
    let username: String?
    let password: String?
    let caFile: URL?
    /// The name this client gives in EHLO.
    let heloName: String
    var timeout: Duration = .seconds(30)

    func send(_ message: RenderedMail) async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.deliver(message) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw MailSendError(permanent: false, reason: "smtp.timeout")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let error as MailSendError {
            throw error
        } catch {
            throw MailSendError(permanent: false, reason: "smtp.\(type(of: error))")
        }
    }

    func tlsContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile.path) }
        return try NIOSSLContext(configuration: tls)
    }

    private func deliver(_ message: RenderedMail) async throws {
        let context = security == .none ? nil : try tlsContext()
        let implicitTLS = security == .tls
        let host = host
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS, let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var session = SMTPSession(lines: inbound.makeAsyncIterator(), outbound: outbound)
            _ = try await session.reply([220])
            var capabilities = try await session.command("EHLO \(heloName)", expect: 250)
            if security == .starttls, let context {
                guard capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw MailSendError(permanent: false, reason: "smtp.noStartTLS")
                }
                _ = try await session.command("STARTTLS", expect: 220)
                let raw = channel.channel
                try await raw.eventLoop.submit {
                    try raw.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: context, serverHostname: host), position: .first)
                }.get()
                capabilities = try await session.command("EHLO \(heloName)", expect: 250)
            }
            if let username, let password {
                let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                _ = try await session.command("AUTH PLAIN \(token)", expect: 235)
            }
            _ = try await session.command("MAIL FROM:<\(message.envelopeFrom)>", expect: 250)
            // Only a refusal of this recipient or of this message is final; a refused sign-in or sender
            // is a configuration problem that an administrator can fix, so those are retried.
            try await Self.final { _ = try await session.command("RCPT TO:<\(message.recipient)>", expect: 250, 251) }
            _ = try await session.command("DATA", expect: 354)
            try await Self.final { _ = try await session.command(Self.dotStuffed(message.data) + "\r\n.", expect: 250) }
            _ = try? await session.command("QUIT", expect: 221)
        }
    }

    /// Runs one step whose 5xx answer means the message can never be delivered.
    static func final(_ step: () async throws -> Void) async throws {
        do {
            try await step()
        } catch let error as MailSendError where error.reason.hasPrefix("smtp.5") {
            throw MailSendError(permanent: true, reason: error.reason)
        }
    }

    /// Lines starting with "." get another "." (RFC 5321 §4.5.2).
    static func dotStuffed(_ data: String) -> String {
        var text = data
        if text.hasSuffix("\r\n") { text.removeLast() }  // "\r\n" is one Character
        return text.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }
}

/// Reads multi-line replies ("250-…" … "250 …") and writes commands.
private struct SMTPSession {
    var lines: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// Reads one reply; its last line's code must be one of `codes`.
    mutating func reply(_ codes: [Int]) async throws -> [String] {
        var texts: [String] = []
        while true {
            guard let buffer = try await lines.next() else { throw MailSendError(permanent: false, reason: "smtp.closed") }
            var line = String(buffer: buffer)
            if line.hasSuffix("\r") { line.removeLast() }
            guard line.count >= 3, let code = Int(line.prefix(3)) else { throw MailSendError(permanent: false, reason: "smtp.garbled") }
            texts.append(String(line.dropFirst(4)))
            if line.count > 3 && line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
            if codes.contains(code) { return texts }
            throw MailSendError(permanent: false, reason: "smtp.\(code)")
        }
    }

    mutating func command(_ text: String, expect codes: Int...) async throws -> [String] {
        try await outbound.write(ByteBuffer(string: text + "\r\n"))
        return try await reply(codes)
    }
}
