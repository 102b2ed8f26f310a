import Foundation
import Logging

/// The mail kind of job: renders the queued mail with its fixed Message-ID and hands it to the transport.
struct MailSender: JobHandler {
    let transport: any MailTransport
    let from: String
    /// How long sent and failed mail is kept (without its body); nil: the runner's default.
    var retention: TimeInterval?

    var kind: String { MailStore.kind }

    func perform(_ job: Job) async throws {
        let mail = try job.input(as: MailJobInput.self).mail
        let domain = MailRenderer.domain(of: from)
        try await transport.send(MailRenderer.render(mail, from: from, messageId: mail.messageId(domain: domain), language: nil))
    }
}

/// The wakeup that services give after queuing mail: the job runner's.
typealias MailWakeup = JobWakeup

/// Sends queued mail from the calling task, one at a time, through the same path as the background
/// job runner: for tests and tools that drive the outbox by hand.
struct MailRunner: Sendable {
    let jobs: JobRunner

    init(
        store: MailStore, transport: any MailTransport, from: String, clock: AppClock, wakeup: MailWakeup, logger: Logger,
        retention: TimeInterval, lease: TimeInterval = 120
    ) {
        jobs = JobRunner(
            store: JobStore(db: store.db), handlers: [MailSender(transport: transport, from: from, retention: retention)], clock: clock,
            wakeup: wakeup, logger: logger, lease: lease, retention: retention)
    }

    /// Sends the next due mail; false when none was due.
    func sendOne() async throws -> Bool { try await jobs.runOne() }
}
