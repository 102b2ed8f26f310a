-- Editing the catalogue: every saved version of a service, the open edit of each service being
-- worked on, and what happened to each service (saved, submitted, approved, rejected, hidden …).
-- The `service` row stays what the catalogue shows: for a service that has never been published
-- (draft, review) its newest version; for a published, hidden or archived one the version approved
-- last, while an open edit waits in `service_work`. An import leaves these tables alone.

CREATE TABLE service_version (
    service_id    TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL CHECK (number >= 1),
    document      TEXT NOT NULL,                 -- the service in the exchange format (JSON)
    origin        TEXT NOT NULL CHECK (origin IN ('catalogue', 'created', 'edited', 'restored')),
    restored_from INTEGER,
    saved_by      TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    saved_at      INTEGER NOT NULL,
    PRIMARY KEY (service_id, number)
) STRICT;

-- The open edit of a service: its newest version and whether it waits for an approver.
CREATE TABLE service_work (
    service_id   TEXT PRIMARY KEY REFERENCES service (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('draft', 'review')),
    submitted_by TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    submitted_at INTEGER,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX service_work_state ON service_work (state, submitted_at);

CREATE TABLE service_event (
    id         TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    action     TEXT NOT NULL CHECK (action IN (
        'created', 'saved', 'submitted', 'approved', 'rejected', 'hidden', 'unhidden', 'archived', 'unarchived',
        'reviewed', 'versionRestored', 'imported')),
    actor_id   TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    comment    TEXT,
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX service_event_service ON service_event (service_id, at);
