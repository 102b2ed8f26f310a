import Foundation

/// An e-mail waiting in the outbox, already written in the recipient's language.
struct OutgoingMail: Sendable {
    let id: String
    let recipient: String
    let subject: String
    let body: String
    let createdAt: Date

    /// `Message-ID` is fixed when the mail is queued, so a repeat after a crash carries the same one.
    func messageId(domain: String) -> String { "<\(id)@\(domain)>" }
}

/// The payload of a mail job. `createdAt` is in milliseconds, like the migrated outbox rows.
struct MailJobInput: Codable, Sendable {
    let id: String
    let recipient: String
    let subject: String
    let body: String
    let createdAt: Int64

    init(_ mail: OutgoingMail) {
        id = mail.id
        recipient = mail.recipient
        subject = mail.subject
        body = mail.body
        createdAt = mail.createdAt.millis
    }

    var mail: OutgoingMail { OutgoingMail(id: id, recipient: recipient, subject: subject, body: body, createdAt: Date(millis: createdAt)) }
}

/// A failed hand-over. Permanent failures (5xx answers) are not retried.
struct MailSendError: JobFailure, Sendable {
    let permanent: Bool
    let reason: String

    var isPermanent: Bool { permanent }
}

/// Something that delivers a rendered RFC 5322 message.
protocol MailTransport: Sendable {
    func send(_ message: RenderedMail) async throws
}

/// The bytes of one message and its envelope.
struct RenderedMail: Sendable {
    let id: String
    let envelopeFrom: String
    let recipient: String
    let createdAt: Date
    let data: String
}

enum MailRenderer {
    /// The address part of `Name <addr>` or a bare address.
    static func address(_ from: String) -> String {
        if let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close {
            return String(from[from.index(after: open)..<close])
        }
        return from.trimmingCharacters(in: .whitespaces)
    }

    static func domain(of from: String) -> String {
        address(from).split(separator: "@").last.map(String.init) ?? "localhost"
    }

    /// A MIME message: UTF-8 text, base64 body, RFC 2047 subject.
    static func render(_ mail: OutgoingMail, from: String, messageId: String, language: String?) -> RenderedMail {
        let date = rfc5322Date(mail.createdAt)
        var lines = [
            "From: \(encodeDisplayName(from))",
            "To: \(mail.recipient)",
            "Subject: \(encodeWord(mail.subject))",
            "Date: \(date)",
            "Message-ID: \(messageId)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
        ]
        if let language { lines.append("Content-Language: \(language)") }
        let body = Data(mail.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let data = lines.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
        return RenderedMail(id: mail.id, envelopeFrom: address(from), recipient: mail.recipient, createdAt: mail.createdAt, data: data)
    }

    static func encodeWord(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) { return text }
        return "=?utf-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func encodeDisplayName(_ from: String) -> String {
        guard let open = from.lastIndex(of: "<") else { return from }
        let name = from[..<open].trimmingCharacters(in: .whitespaces)
        if name.isEmpty { return String(from[open...]) }
        return "\(encodeWord(name)) \(from[open...])"
    }

    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss +0000"
        return f.string(from: date)
    }
}
