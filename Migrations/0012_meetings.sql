-- Meetings of a space with their participants, experts' bookable slots, and each user's private
-- calendar feed. Times are UTC milliseconds; a meeting keeps its time zone (Europe/Helsinki) for
-- calendars. A private meeting of a group space names its client in audience_id, as other items do.

CREATE TABLE meeting (
    id                TEXT PRIMARY KEY,
    space_id          TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    title             TEXT NOT NULL,
    starts_at         INTEGER NOT NULL,
    ends_at           INTEGER NOT NULL,
    time_zone         TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('inPerson', 'phone', 'video')),
    -- The address, the phone number or the video link.
    location          TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    cancel_reason     TEXT,
    -- RFC 5545 SEQUENCE: raised on every change that participants' calendars must follow.
    sequence          INTEGER NOT NULL DEFAULT 0,
    audience_id       TEXT,
    seq               INTEGER NOT NULL,
    slot_id           TEXT,
    created_by        TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX meeting_space ON meeting (space_id, starts_at);

-- busy: 1 while the participant is an expert of a scheduled meeting they have not declined; the
-- double-booking check reads only these rows, with the meeting's times copied beside them.
CREATE TABLE meeting_participant (
    meeting_id        TEXT NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
    user_id           TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    is_expert         INTEGER NOT NULL,
    response          TEXT NOT NULL CHECK (response IN ('pending', 'accepted', 'declined', 'proposed')),
    proposed_starts_at INTEGER,
    responded_at      INTEGER,
    starts_at         INTEGER NOT NULL,
    ends_at           INTEGER NOT NULL,
    busy              INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
) STRICT;
CREATE INDEX meeting_participant_busy ON meeting_participant (user_id, busy, starts_at);

-- An expert's bookable time. meeting_id is the meeting a client booked it as (NULL: free).
CREATE TABLE meeting_slot (
    id                TEXT PRIMARY KEY,
    expert_id         TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    starts_at         INTEGER NOT NULL,
    ends_at           INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('inPerson', 'phone', 'video')),
    location          TEXT NOT NULL DEFAULT '',
    meeting_id        TEXT REFERENCES meeting (id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX meeting_slot_expert ON meeting_slot (expert_id, starts_at);

-- A user's calendar feed: the secret is in the URL; only its SHA-256 is kept. A new one replaces it.
CREATE TABLE calendar_feed (
    user_id           TEXT PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
    token_hash        TEXT NOT NULL UNIQUE,
    created_at        INTEGER NOT NULL
) STRICT;
