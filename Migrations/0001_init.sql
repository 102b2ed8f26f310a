-- Accounts, organisations, sessions, invitations, password resets and the mail outbox.
-- Timestamps are milliseconds since 1970 (UTC). Written in the subset PostgreSQL 15 also runs.

CREATE TABLE organization (
    id          TEXT PRIMARY KEY,
    name_fi     TEXT NOT NULL,
    name_sv     TEXT,
    name_en     TEXT,
    sector      TEXT NOT NULL CHECK (sector IN ('public', 'private', 'third')),
    kind        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE organization_municipality (
    organization_id   TEXT NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    municipality_code TEXT NOT NULL,
    PRIMARY KEY (organization_id, municipality_code)
) STRICT;

CREATE TABLE app_user (
    id                TEXT PRIMARY KEY,
    email             TEXT NOT NULL,
    email_normalized  TEXT NOT NULL UNIQUE,
    display_name      TEXT NOT NULL,
    language          TEXT NOT NULL DEFAULT 'fi' CHECK (language IN ('fi', 'sv', 'en')),
    password_hash     TEXT,
    is_platform_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_platform_admin IN (0, 1)),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE membership (
    organization_id TEXT NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('expert', 'contentProducer', 'serviceProvider', 'approver', 'orgAdmin')),
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (organization_id, user_id, role)
) STRICT;
CREATE INDEX membership_user ON membership (user_id);

CREATE TABLE session (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT
) STRICT;
CREATE INDEX session_user ON session (user_id);

-- One mechanism for every invitation: to an organisation role now, to a guidance space later.
CREATE TABLE invitation (
    id               TEXT PRIMARY KEY,
    token_hash       TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('organization', 'space')),
    target_id        TEXT NOT NULL,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    roles            TEXT NOT NULL,
    language         TEXT NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    invited_by       TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    accepted_at      INTEGER,
    accepted_by      TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    revoked_at       INTEGER
) STRICT;
CREATE INDEX invitation_target ON invitation (kind, target_id, created_at);

CREATE TABLE password_reset (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;

-- Durable outbox: one row per e-mail; claimed with a lease, marked sent in its own transaction.
CREATE TABLE mail_outbox (
    id           TEXT PRIMARY KEY,
    message_id   TEXT NOT NULL UNIQUE,
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body_text    TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    due_at       INTEGER NOT NULL,
    locked_until INTEGER,
    sent_at      INTEGER,
    last_error   TEXT
) STRICT;
CREATE INDEX mail_outbox_due ON mail_outbox (status, due_at);
