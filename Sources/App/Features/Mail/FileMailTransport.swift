import Foundation

/// Writes each message as `<data-dir>/mail/<created>-<id>.eml`: the demo and development transport.
/// The name depends only on the mail, so a repeat after a crash overwrites the same file.
struct FileMailTransport: MailTransport {
    let directory: URL
    /// Test-only (`OHJAUSTILA_TEST_FILE_MAIL_DELAY_MS`): each message is journalled by Message-ID in
    /// `<mail-dir>/deliveries.log` and written, and then the send waits this long before it returns,
    /// as an SMTP server may before its final 250, so that a crash test can kill the server after a
    /// hand-over and before its mark-done, and count repeats. Nil in every real use.
    var testDelay: Duration?

    func send(_ message: RenderedMail) async throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if testDelay != nil { try journal(message) }
            let name = "\(message.createdAt.millis)-\(message.id).eml"
            try Data(message.data.utf8).write(to: directory.appending(path: name), options: .atomic)
        } catch {
            throw MailSendError(permanent: false, reason: "file.write")
        }
        if let testDelay { try await Task.sleep(for: testDelay) }
    }

    /// Appends the Message-ID before the file is written: a kill between the two counts as a hand-over.
    /// One runner sends at a time, so appends do not interleave.
    private func journal(_ message: RenderedMail) throws {
        let file = directory.appending(path: "deliveries.log")
        if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        let messageId =
            message.data.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID: ") }.map { String($0.dropFirst(12)) }
            ?? message.id
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((messageId + "\n").utf8))
    }
}
