import Foundation
import GRDB

/// All SQL of the mail outbox. A mail is claimed with a lease, one at a time, so after a crash only
/// the one in flight can go out again.
struct MailStore: Sendable {
    let db: AppDatabase

    /// With the back-off below (5 s doubling to at most an hour) this keeps trying for about a day.
    static let maxAttempts = 30

    /// Queues a mail inside the caller's transaction, with the change that caused it.
    static func enqueue(_ mail: OutgoingMail, _ db: Database) throws {
        try db.execute(
            literal: """
                INSERT INTO mail_outbox (id, message_id, recipient, subject, body_text, created_at, due_at)
                VALUES (\(mail.id), \(mail.id), \(mail.recipient), \(mail.subject), \(mail.body), \(mail.createdAt.millis), \(mail.createdAt.millis))
                """)
    }

    /// Takes the next due mail and leases it for `lease` seconds.
    func claimNext(now: Date, lease: TimeInterval) async throws -> (mail: OutgoingMail, attempts: Int)? {
        try await db.writer.write { db in
            let due: SQLRequest<Row> = """
                SELECT id, recipient, subject, body_text, created_at, attempts FROM mail_outbox
                WHERE status = 'pending' AND due_at <= \(now.millis) AND (locked_until IS NULL OR locked_until <= \(now.millis))
                ORDER BY due_at, id LIMIT 1
                """
            let row = try due.fetchOne(db)
            guard let row else { return nil }
            let id: String = row["id"]
            let attempts: Int = row["attempts"]
            try db.execute(
                literal: "UPDATE mail_outbox SET locked_until = \((now + lease).millis), attempts = attempts + 1 WHERE id = \(id)")
            let mail = OutgoingMail(
                id: id, recipient: row["recipient"], subject: row["subject"], body: row["body_text"],
                createdAt: Date(millis: row["created_at"]))
            return (mail, attempts + 1)
        }
    }

    /// Marks a mail sent and drops its body: a sent link's token should not stay readable at rest.
    func markSent(id: String, now: Date) async throws {
        try await db.writer.write { db in
            try db.execute(
                literal:
                    "UPDATE mail_outbox SET status = 'sent', sent_at = \(now.millis), body_text = '', locked_until = NULL WHERE id = \(id)")
        }
    }

    /// Schedules another attempt with exponential back-off, or gives up.
    func retryLater(id: String, attempts: Int, permanent: Bool, reason: String, now: Date) async throws {
        let delay = min(pow(2, Double(attempts - 1)) * 5, 3600)
        let giveUp = permanent || attempts >= Self.maxAttempts
        try await db.writer.write { db in
            if giveUp {
                try db.execute(
                    literal:
                        "UPDATE mail_outbox SET status = 'failed', body_text = '', locked_until = NULL, last_error = \(reason) WHERE id = \(id)"
                )
            } else {
                try db.execute(
                    literal: """
                        UPDATE mail_outbox SET due_at = \((now + delay).millis), locked_until = NULL, last_error = \(reason)
                        WHERE id = \(id)
                        """)
            }
        }
    }

    /// Forgets sent and failed mails older than the retention period.
    func purge(before: Date) async throws {
        try await db.writer.write { db in
            try db.execute(literal: "DELETE FROM mail_outbox WHERE status <> 'pending' AND created_at < \(before.millis)")
        }
    }

    /// The earliest due time of a pending mail, for the runner's sleep.
    func nextDue() async throws -> Date? {
        try await db.writer.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT MIN(CASE WHEN locked_until > due_at THEN locked_until ELSE due_at END)
                    FROM mail_outbox WHERE status = 'pending'
                    """)
        }.map(Date.init(millis:))
    }
}
