-- The service plan of a space: services picked from the catalogue (with every status change) and
-- tasks (with comments). As with files, a private item of a group space names its client in
-- audience_id (seen by that client and the experts), and seq is the item's event, so a member added
-- "from now on" does not see what came before.

CREATE TABLE space_pick (
    id              TEXT PRIMARY KEY,
    space_id        TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    -- No foreign key: a pick outlives its service (it then shows "no longer available").
    service_id      TEXT NOT NULL,
    -- The service's name (LocalText JSON) and version when picked: the name still shows when the
    -- service is gone, and a newer version is "changed since picked" until an expert has looked.
    service_name    TEXT NOT NULL,
    service_version INTEGER NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    position        INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('suggested', 'interested', 'applied', 'started', 'completed', 'declined')),
    audience_id     TEXT,
    seq             INTEGER NOT NULL,
    picked_by       TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX space_pick_space ON space_pick (space_id, position);
-- One pick of a service per space and audience.
CREATE UNIQUE INDEX space_pick_unique ON space_pick (space_id, service_id, COALESCE(audience_id, ''));

-- Every status a pick has had, the first one included.
CREATE TABLE space_pick_change (
    id          INTEGER PRIMARY KEY,
    pick_id     TEXT NOT NULL REFERENCES space_pick (id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    changed_by  TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    changed_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX space_pick_change_pick ON space_pick_change (pick_id, id);

CREATE TABLE space_task (
    id           TEXT PRIMARY KEY,
    space_id     TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    -- A member of the space (a member who left stays named).
    assignee_id  TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    due_at       INTEGER,
    pick_id      TEXT REFERENCES space_pick (id) ON DELETE SET NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'done')),
    audience_id  TEXT,
    seq          INTEGER NOT NULL,
    created_by   TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    done_at      INTEGER,
    done_by      TEXT REFERENCES app_user (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX space_task_space ON space_task (space_id, status, due_at);
CREATE INDEX space_task_assignee ON space_task (assignee_id, status, due_at);

CREATE TABLE space_task_comment (
    id          TEXT PRIMARY KEY,
    task_id     TEXT NOT NULL REFERENCES space_task (id) ON DELETE CASCADE,
    author_id   TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    body        TEXT NOT NULL,
    -- The seq of its taskCommented event: the comments' order.
    seq         INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX space_task_comment_task ON space_task_comment (task_id, seq);

-- The access log names what was read; picks and tasks are new kinds (a CHECK is changed by copying
-- the table).
CREATE TABLE access_log_new (
    id               TEXT PRIMARY KEY,
    space_id         TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    reader_id        TEXT NOT NULL,
    reader_name      TEXT NOT NULL,
    organization_id  TEXT,
    kind             TEXT NOT NULL CHECK (kind IN ('messages', 'files', 'file', 'members', 'space', 'consent', 'picks', 'tasks', 'meetings')),
    read_at          INTEGER NOT NULL
) STRICT;
INSERT INTO access_log_new (id, space_id, reader_id, reader_name, organization_id, kind, read_at)
    SELECT id, space_id, reader_id, reader_name, organization_id, kind, read_at FROM access_log;
DROP TABLE access_log;
ALTER TABLE access_log_new RENAME TO access_log;
CREATE INDEX access_log_space ON access_log (space_id, read_at);
CREATE INDEX access_log_time ON access_log (read_at);
