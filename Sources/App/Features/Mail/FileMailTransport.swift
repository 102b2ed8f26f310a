import Foundation

/// Writes each message as `<data-dir>/mail/<created>-<id>.eml`: the demo and development transport.
/// The name depends only on the mail, so a repeat after a crash overwrites the same file.
struct FileMailTransport: MailTransport {
    let directory: URL

    func send(_ message: RenderedMail) async throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let name = "\(message.createdAt.millis)-\(message.id).eml"
            try Data(message.data.utf8).write(to: directory.appending(path: name), options: .atomic)
        } catch {
            throw MailSendError(permanent: false, reason: "file.write")
        }
    }
}
