-- Allowing a site to frame the search widget, and taking that away, are security events. SQLite
-- cannot change a CHECK, so the table is rebuilt with the two new kinds (same columns, same rows,
-- same indexes).
CREATE TABLE security_event_rebuilt (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN (
                        'signIn', 'signInFailed', 'throttled', 'signOut', 'signOutEverywhere', 'sessionRevoked',
                        'passwordChanged', 'passwordReset', 'invitationSent', 'invitationAccepted', 'invitationRevoked',
                        'roleChanged', 'memberRemoved', 'userRemoved', 'oneTimeCodeSent', 'oneTimeCodeFailed',
                        'embedSiteAdded', 'embedSiteRemoved')),
    occurred_at     INTEGER NOT NULL,
    actor_id        TEXT,
    subject_id      TEXT,
    organization_id TEXT,
    session_id      TEXT,
    target_id       TEXT,
    address         TEXT,
    detail          TEXT
) STRICT;
INSERT INTO security_event_rebuilt (id, kind, occurred_at, actor_id, subject_id, organization_id, session_id, target_id, address, detail)
    SELECT id, kind, occurred_at, actor_id, subject_id, organization_id, session_id, target_id, address, detail FROM security_event;
DROP TABLE security_event;
ALTER TABLE security_event_rebuilt RENAME TO security_event;
CREATE INDEX security_event_time ON security_event (occurred_at);
CREATE INDEX security_event_subject ON security_event (subject_id, occurred_at);
CREATE INDEX security_event_actor ON security_event (actor_id, occurred_at);
