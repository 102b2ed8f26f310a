import Foundation
import GRDB

/// Mail is a kind of durable job (see `JobStore`): one job per message, keyed by the mail's id, the
/// local part of its Message-ID, so a repeat after a crash carries the same Message-ID.
struct MailStore: Sendable {
    let db: AppDatabase

    static let kind = "mail"
    /// With the runner's back-off (5 s doubling to at most an hour) this keeps trying for about a day.
    static let maxAttempts = 30

    /// Queues a mail inside the caller's transaction, with the change that caused it, to go at `due`
    /// (by default at once).
    static func enqueue(_ mail: OutgoingMail, due: Date? = nil, _ db: Database) throws {
        try JobStore.enqueue(
            kind: kind, key: mail.id, payload: MailJobInput(mail), due: due ?? mail.createdAt, maxAttempts: maxAttempts,
            createdAt: mail.createdAt, db)
    }

    /// The mail jobs as stored, oldest first (tests and inspection).
    func jobs() async throws -> [JobRow] { try await JobStore(db: db).rows(kind: Self.kind) }
}
