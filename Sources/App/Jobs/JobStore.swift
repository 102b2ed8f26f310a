import Foundation
import GRDB

/// All SQL of the durable jobs. A job is enqueued in the transaction of the change that causes it;
/// a runner claims one at a time with a lease, so after a crash only the one in flight can run again.
struct JobStore: Sendable {
    let db: AppDatabase

    /// Queues a job inside the caller's transaction. A job of the same kind and key that is already
    /// stored (pending, running, or done within its retention) wins: nothing is written, and false is
    /// returned.
    @discardableResult
    static func enqueue(
        kind: String, key: String, payload: some Encodable, due: Date, maxAttempts: Int = 10, createdAt: Date? = nil,
        _ db: Database
    ) throws -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(payload), as: UTF8.self)
        try db.execute(
            literal: """
                INSERT INTO job (kind, idempotency_key, payload, state, due_at, attempts, max_attempts, created_at)
                VALUES (\(kind), \(key), \(json), 'pending', \(due.millis), 0, \(maxAttempts), \((createdAt ?? due).millis))
                ON CONFLICT (kind, idempotency_key) DO NOTHING
                """)
        return db.changesCount > 0
    }

    /// Deletes the pending jobs of `kind` whose key starts with `keyPrefix` (planned work that a
    /// change made void), inside the caller's transaction. A running one is left to finish; its
    /// handler checks that its work still stands.
    static func cancelPending(kind: String, keyPrefix: String, _ db: Database) throws {
        // A key range rather than LIKE, so the (kind, idempotency_key) index finds them.
        try db.execute(
            literal: """
                DELETE FROM job WHERE kind = \(kind) AND state = 'pending'
                  AND idempotency_key >= \(keyPrefix) AND idempotency_key < \(keyPrefix + "\u{10FFFF}")
                """)
    }

    /// Takes the next due job of one of `kinds` (pending and due, or running with its lease ended) and
    /// leases it to `owner` until `now + lease`. A job whose lease ended on its last attempt is dead.
    func claimNext(kinds: [String], now: Date, lease: TimeInterval, owner: String) async throws -> Job? {
        try await db.writer.write { db in
            while true {
                let due: SQLRequest<Row> = """
                    SELECT id, kind, idempotency_key, payload, attempts, max_attempts, created_at FROM job
                    WHERE kind IN \(kinds)
                      AND ((state = 'pending' AND due_at <= \(now.millis)) OR (state = 'running' AND leased_until <= \(now.millis)))
                    ORDER BY due_at, id LIMIT 1
                    """
                guard let row = try due.fetchOne(db) else { return nil }
                let id: Int64 = row["id"]
                let attempts: Int = row["attempts"]
                let maxAttempts: Int = row["max_attempts"]
                if attempts >= maxAttempts {
                    try db.execute(
                        literal: """
                            UPDATE job SET state = 'dead', payload = '{}', finished_at = \(now.millis), leased_until = NULL,
                                lease_owner = NULL, last_error = 'lease.expired'
                            WHERE id = \(id)
                            """)
                    continue
                }
                try db.execute(
                    literal: """
                        UPDATE job SET state = 'running', attempts = attempts + 1, leased_until = \((now + lease).millis),
                            lease_owner = \(owner)
                        WHERE id = \(id)
                        """)
                return Job(
                    id: id, kind: row["kind"], key: row["idempotency_key"], payload: row["payload"], attempts: attempts + 1,
                    maxAttempts: maxAttempts, createdAt: Date(millis: row["created_at"]))
            }
        }
    }

    /// Marks a job done and empties its payload. False when `owner` no longer holds it (its lease
    /// ended and another runner took it).
    @discardableResult
    func markDone(_ job: Job, owner: String, now: Date) async throws -> Bool {
        try await db.writer.write { db in
            try db.execute(
                literal: """
                    UPDATE job SET state = 'done', payload = '{}', finished_at = \(now.millis), leased_until = NULL,
                        lease_owner = NULL, last_error = NULL
                    WHERE id = \(job.id) AND state = 'running' AND lease_owner = \(owner)
                    """)
            return db.changesCount > 0
        }
    }

    /// Records a failed attempt: the job is due again at `retryAt`, or dead when the failure is
    /// permanent or it has had all its attempts. Nil when `owner` no longer holds it.
    @discardableResult
    func markFailed(_ job: Job, owner: String, reason: String, permanent: Bool, retryAt: Date, now: Date) async throws -> JobState? {
        let state: JobState = permanent || job.attempts >= job.maxAttempts ? .dead : .pending
        return try await db.writer.write { db in
            if state == .dead {
                try db.execute(
                    literal: """
                        UPDATE job SET state = 'dead', payload = '{}', finished_at = \(now.millis), leased_until = NULL,
                            lease_owner = NULL, last_error = \(reason)
                        WHERE id = \(job.id) AND state = 'running' AND lease_owner = \(owner)
                        """)
            } else {
                try db.execute(
                    literal: """
                        UPDATE job SET state = 'pending', due_at = \(retryAt.millis), leased_until = NULL, lease_owner = NULL,
                            last_error = \(reason)
                        WHERE id = \(job.id) AND state = 'running' AND lease_owner = \(owner)
                        """)
            }
            return db.changesCount > 0 ? state : nil
        }
    }

    /// Deletes done and dead jobs that finished longer ago than their kind's retention
    /// (`retention[kind]`, else `otherwise`). Returns how many went.
    @discardableResult
    func purge(now: Date, retention: [String: TimeInterval], otherwise: TimeInterval) async throws -> Int {
        try await db.writer.write { db in
            var deleted = 0
            for (kind, keep) in retention.sorted(by: { $0.key < $1.key }) {
                try db.execute(
                    literal: """
                        DELETE FROM job WHERE kind = \(kind) AND state IN ('done', 'dead') AND finished_at < \((now - keep).millis)
                        """)
                deleted += db.changesCount
            }
            let named = Array(retention.keys)
            let others: SQL = named.isEmpty ? "" : "AND kind NOT IN \(named)"
            try db.execute(
                literal: """
                    DELETE FROM job WHERE state IN ('done', 'dead') AND finished_at < \((now - otherwise).millis) \(others)
                    """)
            return deleted + db.changesCount
        }
    }

    /// The earliest time a job of `kinds` becomes claimable, for the runner's sleep.
    func nextDue(kinds: [String]) async throws -> Date? {
        try await db.writer.read { db in
            let next: SQLRequest<Int64> = """
                SELECT MIN(CASE WHEN state = 'pending' THEN due_at ELSE leased_until END) FROM job
                WHERE kind IN \(kinds) AND state IN ('pending', 'running')
                """
            return try next.fetchOne(db)
        }.map(Date.init(millis:))
    }

    /// The stored rows of one kind, oldest first (tests and inspection).
    func rows(kind: String) async throws -> [JobRow] {
        try await db.writer.read { db in
            let rows: SQLRequest<Row> = "SELECT * FROM job WHERE kind = \(kind) ORDER BY id"
            return try rows.fetchAll(db).map { row in
                JobRow(
                    id: row["id"], kind: row["kind"], key: row["idempotency_key"], payload: row["payload"],
                    state: JobState(rawValue: row["state"]) ?? .dead, dueAt: Date(millis: row["due_at"]), attempts: row["attempts"],
                    maxAttempts: row["max_attempts"], leasedUntil: (row["leased_until"] as Int64?).map(Date.init(millis:)),
                    leaseOwner: row["lease_owner"], lastError: row["last_error"],
                    finishedAt: (row["finished_at"] as Int64?).map(Date.init(millis:)))
            }
        }
    }
}
