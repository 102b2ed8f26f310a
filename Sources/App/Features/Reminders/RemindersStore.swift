import Crypto
import Foundation
import GRDB

/// All SQL of reminders and of the notifications that leave the app: users' settings, the in-app
/// reminder entries, the `reminder` jobs planned with each task and meeting, and the push and mail
/// jobs that carry an alert out.
///
/// A reminder is a durable job planned in the transaction that creates or changes its task or
/// meeting (`plan`), keyed by the item's version, so a change drops the pending ones and plans anew.
/// When it runs (`fire`) it checks the item is still as planned, writes the in-app entry (one per
/// job key, however often the job runs) and, in the same transaction, queues the push and mail jobs,
/// due after the user's quiet hours.
struct RemindersStore: Sendable {
    let db: AppDatabase

    static let kind = "reminder"

    // MARK: Settings

    func settings(of user: String) async throws -> NotificationSettings {
        try await db.writer.read { db in try Self.settings(of: user, db) }
    }

    static func settings(of user: String, _ db: Database) throws -> NotificationSettings {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM notification_setting WHERE user_id = ?", arguments: [user]) else {
            return .defaults
        }
        let start: Int? = row["quiet_start"]
        let end: Int? = row["quiet_end"]
        let leads = (try? JSONDecoder().decode([Int].self, from: Data((row["meeting_leads"] as String).utf8))) ?? []
        return NotificationSettings(
            email: row["email"], push: row["push"], quietHours: start.flatMap { s in end.map { QuietHours(start: s, end: $0) } },
            meetingLeads: leads, taskLead: row["task_lead"])
    }

    /// Saves the settings and plans the user's coming reminders again with them, in one write.
    func save(_ s: NotificationSettings, of user: String, now: Date) async throws {
        try await db.writer.write { db in
            let leads = String(decoding: try JSONEncoder().encode(s.meetingLeads), as: UTF8.self)
            try db.execute(
                literal: """
                    INSERT INTO notification_setting (user_id, email, push, quiet_start, quiet_end, meeting_leads, task_lead, updated_at)
                    VALUES (\(user), \(s.email), \(s.push), \(s.quietHours?.start), \(s.quietHours?.end), \(leads), \(s.taskLead), \(now.millis))
                    ON CONFLICT (user_id) DO UPDATE SET
                      email = excluded.email, push = excluded.push, quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
                      meeting_leads = excluded.meeting_leads, task_lead = excluded.task_lead, updated_at = excluded.updated_at
                    """)
            let meetings = try String.fetchAll(
                db,
                sql: """
                    SELECT p.meeting_id FROM meeting_participant p JOIN meeting m ON m.id = p.meeting_id
                    WHERE p.user_id = ? AND m.status = 'scheduled' AND m.starts_at > ?
                    """, arguments: [user, now.millis])
            for id in meetings { try Self.plan(meeting: id, now: now, db) }
            let tasks = try TaskRecord.fetchAll(
                db, sql: "SELECT * FROM space_task WHERE assignee_id = ? AND status = 'open'", arguments: [user])
            for task in tasks { try Self.plan(task: task, now: now, db) }
        }
    }

    // MARK: Planning, inside the item's write

    /// Plans the reminder of a task for its assignee: at the task's own reminder time, else the
    /// assignee's lead before the due time (at once when that has passed but the due time has not).
    /// Keyed by the assignee and the task's times: a change of those drops the pending reminder and
    /// plans a new one; other changes find the same key (and one already sent is not sent again).
    /// A done or unassigned task has none.
    static func plan(task t: TaskRecord, now: Date, _ db: Database) throws {
        try drop(task: t.id, db)
        guard t.status == TaskStatus.open.rawValue, let user = t.assigneeId else { return }
        var when: Int64
        if let remindAt = t.remindAt {
            guard remindAt > now.millis else { return }
            when = remindAt
        } else {
            guard let due = t.dueAt, due > now.millis, let lead = try settings(of: user, db).taskLead else { return }
            when = max(due - Int64(lead) * 60_000, now.millis)
        }
        try JobStore.enqueue(
            kind: kind, key: "task:\(t.id):\(user):\(t.dueAt.map(String.init) ?? "-"):\(t.remindAt.map(String.init) ?? "-")",
            payload: ReminderJobInput(kind: .taskDue, itemId: t.id, userId: user, dueAt: t.dueAt, remindAt: t.remindAt),
            due: Date(millis: when), maxAttempts: 10, createdAt: now, db)
    }

    /// Drops the pending reminders of a task (done, removed or changed).
    static func drop(task id: String, _ db: Database) throws {
        try JobStore.cancelPending(kind: kind, keyPrefix: "task:\(id):", db)
    }

    /// Plans the reminders of a meeting for each participant who has not declined, at each of their
    /// leads that is still ahead. A cancelled meeting has none.
    static func plan(meeting id: String, now: Date, _ db: Database) throws {
        try JobStore.cancelPending(kind: kind, keyPrefix: "meeting:\(id):", db)
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT starts_at, sequence FROM meeting WHERE id = ? AND status = 'scheduled'", arguments: [id])
        else { return }
        let starts: Int64 = row["starts_at"]
        let sequence: Int64 = row["sequence"]
        let users = try String.fetchAll(
            db, sql: "SELECT user_id FROM meeting_participant WHERE meeting_id = ? AND response <> 'declined' ORDER BY user_id",
            arguments: [id])
        for user in users {
            for lead in try settings(of: user, db).meetingLeads {
                let when = starts - Int64(lead) * 60_000
                guard when > now.millis else { continue }
                try JobStore.enqueue(
                    kind: kind, key: "meeting:\(id):\(sequence):\(user):\(lead)",
                    payload: ReminderJobInput(kind: .meeting, itemId: id, userId: user, version: sequence), due: Date(millis: when),
                    maxAttempts: 10, createdAt: now, db)
            }
        }
    }

    // MARK: Running a reminder

    /// Writes the in-app reminder of a job and queues its push and mail, when the item is still as
    /// planned and the user still a member of its open space. False when nothing was written: the
    /// item changed, or the job ran before (its entry exists).
    func fire(_ input: ReminderJobInput, key: String, id: String, now: Date, baseURL: String) async throws -> Bool {
        try await db.writer.write { db in
            let item: Row?
            switch input.kind {
            case .taskDue:
                item = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT space_id, title, COALESCE(due_at, remind_at) AS at FROM space_task
                        WHERE id = ? AND status = 'open' AND assignee_id = ? AND due_at IS ? AND remind_at IS ?
                        """, arguments: [input.itemId, input.userId, input.dueAt, input.remindAt])
            case .meeting:
                item = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT m.space_id, m.title, m.starts_at AS at FROM meeting m
                        JOIN meeting_participant p ON p.meeting_id = m.id AND p.user_id = ? AND p.response <> 'declined'
                        WHERE m.id = ? AND m.status = 'scheduled' AND m.sequence = ? AND m.starts_at > ?
                        """, arguments: [input.userId, input.itemId, input.version, now.millis])
            }
            guard let item else { return false }
            let space: String = item["space_id"]
            let member =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT 1 FROM space_member m JOIN space s ON s.id = m.space_id AND s.status = 'open'
                        WHERE m.space_id = ? AND m.user_id = ? AND m.left_at IS NULL
                        """, arguments: [space, input.userId]) ?? false
            guard member else { return false }
            try db.execute(
                sql: """
                    INSERT INTO reminder (id, job_key, user_id, space_id, kind, item_id, title, at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_key) DO NOTHING
                    """,
                arguments: [
                    id, key, input.userId, space, input.kind.rawValue, input.itemId, item["title"] as String, item["at"] as Int64,
                    now.millis,
                ])
            guard db.changesCount > 0 else { return false }
            try Self.deliver(.reminder, to: input.userId, space: space, key: key, now: now, baseURL: baseURL, db)
            return true
        }
    }

    // MARK: Alerts out of the app

    /// Queues the push jobs (one per device) and the mail of one alert, by the user's settings, due
    /// when their quiet hours end. The texts say only that there is a message or a reminder.
    static func deliver(
        _ kind: AlertKind, to user: String, space: String, key: String, now: Date, baseURL: String, _ db: Database
    ) throws {
        let settings = try settings(of: user, db)
        guard settings.push || settings.email,
            let row = try Row.fetchOne(db, sql: "SELECT email, language FROM app_user WHERE id = ?", arguments: [user])
        else { return }
        let language = Language(rawValue: row["language"]) ?? .fi
        let due = settings.quietHours?.release(after: now) ?? now
        let path = "/spaces/\(space)"
        if settings.push {
            for subscription in try PushStore.subscriptionIds(of: user, db) {
                try JobStore.enqueue(
                    kind: PushStore.kind, key: "\(key):\(subscription)",
                    payload: PushJobInput(subscriptionId: subscription, kind: kind, path: path, language: language, topic: topic(key)),
                    due: due, maxAttempts: PushStore.maxAttempts, createdAt: now, db)
            }
        }
        if settings.email {
            let text = MailTexts.alert(kind, language, link: baseURL + path)
            try MailStore.enqueue(
                OutgoingMail(id: "alert-" + topic(key), recipient: row["email"], subject: text.subject, body: text.body, createdAt: now),
                due: due, db)
        }
    }

    /// A short stable name of an alert (RFC 8030 Topic: at most 32 base64url characters), so a push
    /// service replaces a repeat instead of showing it twice.
    static func topic(_ key: String) -> String {
        String(Secrets.base64url(Array(SHA256.hash(data: Data(key.utf8)))).prefix(32))
    }

    /// Unread messages that nobody read for a while go out once per unread run: each notification
    /// whose latest event is a message (or a file sent as one) gets its alert queued and is marked
    /// alerted (reading the space clears the mark). Other changes wait in the app; meetings and
    /// tasks have their reminders. Returns how many.
    func alertUnread(updatedBefore cutoff: Date, now: Date, baseURL: String, limit: Int = 500) async throws -> Int {
        // Found in a read (a scan of the table, not holding up the writer), then each one checked
        // again and alerted in one write.
        let due = try await db.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT user_id, space_id FROM notification
                    WHERE read_at IS NULL AND alerted_at IS NULL AND updated_at <= ? AND count > 0 AND kind IN ('message', 'fileAdded')
                    LIMIT ?
                    """, arguments: [cutoff.millis, limit]
            ).map { (user: $0["user_id"] as String, space: $0["space_id"] as String) }
        }
        guard !due.isEmpty else { return 0 }
        return try await db.writer.write { db in
            let check = try db.cachedStatement(
                sql: """
                    SELECT n.seq FROM notification n
                    JOIN space_member m ON m.space_id = n.space_id AND m.user_id = n.user_id AND m.left_at IS NULL
                    JOIN space s ON s.id = n.space_id AND s.status = 'open'
                    WHERE n.user_id = ? AND n.space_id = ? AND n.read_at IS NULL AND n.alerted_at IS NULL AND n.updated_at <= ?
                    """)
            var alerted = 0
            for (user, space) in due {
                // A member who left, a closed space: not alerted, and not looked at again.
                let seq = try Int64.fetchOne(check, arguments: [user, space, cutoff.millis])
                if let seq {
                    try Self.deliver(
                        .message, to: user, space: space, key: "message:\(user):\(space):\(seq)", now: now, baseURL: baseURL, db)
                    alerted += 1
                }
                try db.execute(
                    sql: """
                        UPDATE notification SET alerted_at = ?
                        WHERE user_id = ? AND space_id = ? AND read_at IS NULL AND alerted_at IS NULL AND updated_at <= ?
                        """, arguments: [now.millis, user, space, cutoff.millis])
            }
            return due.count
        }
    }

    // MARK: The in-app list

    /// The user's reminders of the spaces they are still a member of, newest first, and how many are unread.
    func list(user: String, page: PageRequest) async throws -> ([ReminderDTO], unread: Int) {
        try await db.writer.read { db in
            let items = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, s.title AS space_title FROM reminder r
                    JOIN space s ON s.id = r.space_id
                    JOIN space_member m ON m.space_id = r.space_id AND m.user_id = r.user_id AND m.left_at IS NULL
                    WHERE r.user_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?
                    """, arguments: [user, page.limit + 1, page.offset]
            ).map { row in
                ReminderDTO(
                    id: row["id"], kind: ReminderKind(rawValue: row["kind"]) ?? .taskDue, spaceId: row["space_id"],
                    spaceTitle: row["space_title"], itemId: row["item_id"], title: row["title"], at: Date(millis: row["at"]),
                    createdAt: Date(millis: row["created_at"]), readAt: (row["read_at"] as Int64?).map(Date.init(millis:)))
            }
            return (items, try Self.unread(user: user, db))
        }
    }

    static func unread(user: String, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM reminder r
                JOIN space_member m ON m.space_id = r.space_id AND m.user_id = r.user_id AND m.left_at IS NULL
                WHERE r.user_id = ? AND r.read_at IS NULL
                """, arguments: [user]) ?? 0
    }

    func markRead(user: String, ids: [String]?, now: Date) async throws {
        try await db.writer.write { db in
            if let ids {
                let update = try db.cachedStatement(sql: "UPDATE reminder SET read_at = ? WHERE user_id = ? AND id = ? AND read_at IS NULL")
                for id in ids { try update.execute(arguments: [now.millis, user, id]) }
            } else {
                try db.execute(sql: "UPDATE reminder SET read_at = ? WHERE user_id = ? AND read_at IS NULL", arguments: [now.millis, user])
            }
        }
    }

    /// Deletes in-app reminders older than `cutoff`.
    func purge(before cutoff: Date) async throws -> Int {
        try await db.writer.write { db in
            try db.execute(sql: "DELETE FROM reminder WHERE created_at < ?", arguments: [cutoff.millis])
            return db.changesCount
        }
    }
}
