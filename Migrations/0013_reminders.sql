-- Reminders and the channels that carry notifications out of the app: each user's settings, the
-- push subscriptions of their devices, and the in-app reminder entries.

-- A user without a row has the defaults (e-mail and push on, quiet 21–08, meetings 24 h and 1 h
-- ahead, tasks 24 h ahead).
CREATE TABLE notification_setting (
    user_id       TEXT PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
    email         INTEGER NOT NULL CHECK (email IN (0, 1)),
    push          INTEGER NOT NULL CHECK (push IN (0, 1)),
    -- Quiet hours in minutes after midnight, Europe/Helsinki; NULL: none. Push and e-mail wait
    -- until they end; in-app entries do not.
    quiet_start   INTEGER CHECK (quiet_start BETWEEN 0 AND 1439),
    quiet_end     INTEGER CHECK (quiet_end BETWEEN 0 AND 1439),
    -- JSON array of minutes before a meeting starts.
    meeting_leads TEXT NOT NULL,
    -- Minutes before a task is due; NULL: no task reminders (unless the task names a time).
    task_lead     INTEGER,
    updated_at    INTEGER NOT NULL
) STRICT;

-- One row per device (browser) that subscribed: RFC 8030 endpoint and the RFC 8291 keys. It
-- outlives the session that made it (pushes are for when the person is away), but signing out
-- everywhere or a new password forgets every device but the one of the session kept.
CREATE TABLE push_subscription (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    session_id      TEXT NOT NULL,
    endpoint        TEXT NOT NULL UNIQUE,
    p256dh          TEXT NOT NULL,
    auth            TEXT NOT NULL,
    label           TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    last_success_at INTEGER
) STRICT;
CREATE INDEX push_subscription_user ON push_subscription (user_id, created_at);

-- In-app reminders: one per reminder job (job_key), however often the job runs.
CREATE TABLE reminder (
    id         TEXT PRIMARY KEY,
    job_key    TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    space_id   TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('taskDue', 'meeting')),
    item_id    TEXT NOT NULL,
    title      TEXT NOT NULL,
    -- The task's due time or the meeting's start.
    at         INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
) STRICT;
CREATE INDEX reminder_user ON reminder (user_id, created_at);
CREATE INDEX reminder_space ON reminder (space_id);

-- A task may name when to remind its assignee (else the assignee's own lead before the due time).
ALTER TABLE space_task ADD COLUMN remind_at INTEGER;

-- Unread messages that nobody read for a while go out by push and e-mail, once per unread run:
-- alerted_at is set when they go and cleared when the member reads the space. No index: every
-- message rewrites its recipients' rows (read_at among the columns set), so an index that names
-- read_at or updated_at would be written with every message; the alert sweep reads the table
-- outside the write instead.
ALTER TABLE notification ADD COLUMN alerted_at INTEGER;
