-- Security events (ASVS 7.2.1): sign-ins, throttling, session and password changes, invitations and
-- role changes. Written in the same transaction as the change they record. Rows hold ids and an
-- address, never passwords, tokens or message text; they are deleted after the retention period.
-- No foreign keys: an event outlives the account, session or invitation it names.
CREATE TABLE security_event (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN (
                        'signIn', 'signInFailed', 'throttled', 'signOut', 'signOutEverywhere', 'sessionRevoked',
                        'passwordChanged', 'passwordReset', 'invitationSent', 'invitationAccepted', 'invitationRevoked',
                        'roleChanged', 'memberRemoved', 'userRemoved', 'oneTimeCodeSent', 'oneTimeCodeFailed')),
    occurred_at     INTEGER NOT NULL,
    actor_id        TEXT,
    subject_id      TEXT,
    organization_id TEXT,
    session_id      TEXT,
    target_id       TEXT,
    address         TEXT,
    detail          TEXT
) STRICT;
CREATE INDEX security_event_time ON security_event (occurred_at);
CREATE INDEX security_event_subject ON security_event (subject_id, occurred_at);
CREATE INDEX security_event_actor ON security_event (actor_id, occurred_at);
