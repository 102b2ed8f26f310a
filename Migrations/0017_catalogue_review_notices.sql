-- Review reminders of catalogue services. A published or hidden service that nobody has marked
-- reviewed (or approved) for 120 days gets a notice to its organisation's content producers, at 135
-- days a second one, and at 150 days it is flagged outdated and its organisation's admins and the
-- platform admins are told. Each stage of a review cycle (the service's reviewed_at) is noted once
-- in service_review_notice by the sweep, in the transaction that queues its job; the job writes the
-- in-app notices (catalogue_notice) and the e-mails. A service whose every dated period (course
-- runs, application periods) has ended is told to its content producers the same way, once per
-- last day.

CREATE TABLE service_review_notice (
    service_id  TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    reviewed_at INTEGER NOT NULL,
    -- 0: every dated period of the service has ended (reviewed_at is then its last day, 00:00 UTC).
    stage       INTEGER NOT NULL CHECK (stage IN (0, 120, 135, 150)),
    noted_at    INTEGER NOT NULL,
    PRIMARY KEY (service_id, reviewed_at, stage)
) STRICT;

-- Services flagged outdated (150 days without review); experts see the flag in search and on the
-- service's page. Cleared by a review, an approval, or a newer review date from an import.
CREATE TABLE service_outdated (
    service_id TEXT PRIMARY KEY REFERENCES service (id) ON DELETE CASCADE,
    since      INTEGER NOT NULL
) STRICT;

-- In-app notices of the catalogue's editors, one per user, service, review cycle and kind.
CREATE TABLE catalogue_notice (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    service_id  TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('review', 'reviewAgain', 'outdated', 'periodsEnded')),
    reviewed_at INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    read_at     INTEGER,
    UNIQUE (user_id, service_id, reviewed_at, kind)
) STRICT;
CREATE INDEX catalogue_notice_user ON catalogue_notice (user_id, created_at);
CREATE INDEX catalogue_notice_service ON catalogue_notice (service_id);
CREATE INDEX service_reviewed_at ON service (reviewed_at);
