-- Guidance spaces: one-to-one, group and network spaces, their members, the consent records, the
-- gap-free event log with messages, read positions, in-app notifications and the access log.

CREATE TABLE space (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('oneToOne', 'group', 'network')),
    title            TEXT NOT NULL,
    owner_id         TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    outcome          TEXT,
    max_clients      INTEGER NOT NULL,
    -- The seq of the latest event: the next event takes last_seq + 1 in the transaction that stores it.
    last_seq         INTEGER NOT NULL DEFAULT 0,
    last_activity_at INTEGER NOT NULL,
    created_by       TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    closed_at        INTEGER
) STRICT;

-- A member row stays when the member leaves or is removed (left_at set), so that names in the
-- history still resolve; access needs left_at IS NULL.
CREATE TABLE space_member (
    space_id         TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('owner', 'expert', 'client')),
    -- The organisation an expert represents in this space.
    organization_id  TEXT REFERENCES organization (id) ON DELETE SET NULL,
    -- Events with seq <= visible_after are hidden from this member ("from now on").
    visible_after    INTEGER NOT NULL DEFAULT 0,
    read_seq         INTEGER NOT NULL DEFAULT 0,
    added_by         TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    joined_at        INTEGER NOT NULL,
    left_at          INTEGER,
    PRIMARY KEY (space_id, user_id)
) STRICT;
CREATE INDEX space_member_user ON space_member (user_id, left_at);

-- What the client agreed to when the space was opened (or when they were added to a group space).
CREATE TABLE space_consent (
    id               TEXT PRIMARY KEY,
    space_id         TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    client_email     TEXT NOT NULL,
    client_id        TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    method           TEXT NOT NULL CHECK (method IN ('inPerson', 'phone', 'electronic')),
    text_version     TEXT NOT NULL,
    text             TEXT NOT NULL,
    language         TEXT NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    recorded_by      TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    recorded_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX space_consent_space ON space_consent (space_id);

-- The space's log. A private item (a direct message in a group space) names its client in
-- audience_id: only that client and the experts see it. Events about a message (sent, edited,
-- deleted) name it in message_id and keep no text: the text is read from `message`, so an edit or
-- a delete shows in every replay and no earlier text is ever served.
CREATE TABLE space_event (
    space_id     TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    actor_id     TEXT,
    audience_id  TEXT,
    message_id   TEXT,
    data         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (space_id, seq)
) STRICT;

CREATE TABLE message (
    id                TEXT PRIMARY KEY,
    space_id          TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,
    sender_id         TEXT NOT NULL,
    client_message_id TEXT NOT NULL,
    audience_id       TEXT,
    body              TEXT,
    attachments       TEXT NOT NULL DEFAULT '[]',
    created_at        INTEGER NOT NULL,
    edited_at         INTEGER,
    deleted_at        INTEGER,
    UNIQUE (space_id, sender_id, client_message_id)
) STRICT;
CREATE INDEX message_space_seq ON message (space_id, seq);

-- Earlier texts of edited and deleted messages, kept for the audit; never served to members.
CREATE TABLE message_revision (
    message_id  TEXT NOT NULL REFERENCES message (id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL,
    body        TEXT NOT NULL,
    replaced_at INTEGER NOT NULL,
    replaced_by TEXT,
    PRIMARY KEY (message_id, revision)
) STRICT;

-- In-app notifications: created in the transaction of the event, once per user and event.
CREATE TABLE notification (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    space_id    TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    actor_id    TEXT,
    created_at  INTEGER NOT NULL,
    read_at     INTEGER,
    UNIQUE (user_id, space_id, seq)
) STRICT;
CREATE INDEX notification_user ON notification (user_id, created_at);
CREATE INDEX notification_unread ON notification (user_id) WHERE read_at IS NULL;

-- Every read of a client's space by an expert. No foreign keys: a record outlives the space's
-- members; it is deleted only after the retention period.
CREATE TABLE access_log (
    id               TEXT PRIMARY KEY,
    space_id         TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    reader_id        TEXT NOT NULL,
    reader_name      TEXT NOT NULL,
    organization_id  TEXT,
    kind             TEXT NOT NULL CHECK (kind IN ('messages', 'files', 'file', 'members', 'space', 'consent')),
    read_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX access_log_space ON access_log (space_id, read_at);
CREATE INDEX access_log_time ON access_log (read_at);

-- Files: the bytes are on disk, encrypted with a key of their own that the master key wraps.
CREATE TABLE space_file (
    id             TEXT PRIMARY KEY,
    space_id       TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    uploader_id    TEXT,
    audience_id    TEXT,
    name           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    wrapped_key    BLOB NOT NULL,
    storage_name   TEXT NOT NULL,
    seq            INTEGER,
    created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX space_file_space ON space_file (space_id, created_at);
