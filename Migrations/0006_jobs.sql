-- Durable jobs: one table for all background work that must survive a restart (mail first).
-- A job is enqueued in the transaction of the change that causes it, claimed one at a time with a
-- lease, and marked done in its own transaction. The mail outbox's rows move here.

CREATE TABLE job (
    id              INTEGER PRIMARY KEY,
    -- Which handler performs it ('mail', …).
    kind            TEXT NOT NULL,
    -- Unique per kind: enqueuing the same key again does nothing. A mail's key is the local part
    -- of its Message-ID, so a repeat after a crash carries the same Message-ID.
    idempotency_key TEXT NOT NULL,
    -- JSON of the handler's input; emptied ('{}') once the job is done or dead, because it may
    -- hold a secret (a sign-in link).
    payload         TEXT NOT NULL,
    -- pending: waits for due_at; running: leased until leased_until, then claimable again;
    -- done: performed; dead: refused for good, or out of attempts.
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'dead')),
    due_at          INTEGER NOT NULL,
    -- Claims so far, the current one included.
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    leased_until    INTEGER,
    lease_owner     TEXT,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    UNIQUE (kind, idempotency_key)
) STRICT;
CREATE INDEX job_due ON job (state, due_at);
CREATE INDEX job_lease ON job (state, leased_until);
CREATE INDEX job_finished ON job (kind, finished_at);

-- Queued, sent and failed mail of the old outbox, oldest first. A mail that was leased waits for
-- the end of its lease. (json_object is SQLite's json_build_object.)
INSERT INTO job (kind, idempotency_key, payload, state, due_at, attempts, max_attempts, last_error, created_at, finished_at)
SELECT
    'mail',
    message_id,
    CASE status
        WHEN 'pending' THEN json_object(
            'id', id, 'recipient', recipient, 'subject', subject, 'body', body_text, 'createdAt', created_at)
        ELSE '{}'
    END,
    CASE status WHEN 'pending' THEN 'pending' WHEN 'sent' THEN 'done' ELSE 'dead' END,
    CASE WHEN locked_until IS NOT NULL AND locked_until > due_at THEN locked_until ELSE due_at END,
    attempts,
    30,
    last_error,
    created_at,
    CASE status WHEN 'pending' THEN NULL ELSE COALESCE(sent_at, due_at) END
FROM mail_outbox
ORDER BY created_at, id;

DROP TABLE mail_outbox;
