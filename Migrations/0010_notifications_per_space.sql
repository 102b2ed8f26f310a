-- In-app notifications become one row per member and space instead of one per event: the latest
-- event that notified (its seq, kind and actor) and how many notifying events came since the member
-- last read them, updated in place. A row per event wrote a row for every member of a group with
-- every message (20 rows and four B-trees each for a group of 20); this writes one small row in place.
CREATE TABLE notification_per_space (
    user_id    TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    space_id   TEXT NOT NULL REFERENCES space (id) ON DELETE CASCADE,
    -- The latest event that notified: its seq, kind and actor.
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    actor_id   TEXT,
    -- Notifying events since the member last read the space's notifications (0 once read).
    count      INTEGER NOT NULL CHECK (count >= 0),
    updated_at INTEGER NOT NULL,
    read_at    INTEGER,
    PRIMARY KEY (user_id, space_id)
) STRICT, WITHOUT ROWID;

INSERT INTO notification_per_space (user_id, space_id, seq, kind, actor_id, count, updated_at, read_at)
SELECT n.user_id, n.space_id, n.seq, n.kind, n.actor_id, u.unread, n.created_at,
       CASE WHEN u.unread = 0 THEN COALESCE(n.read_at, n.created_at) END
FROM notification n
JOIN (SELECT user_id, space_id, MAX(seq) AS seq, SUM(read_at IS NULL) AS unread FROM notification GROUP BY user_id, space_id) u
  ON u.user_id = n.user_id AND u.space_id = n.space_id AND u.seq = n.seq;

DROP TABLE notification;
ALTER TABLE notification_per_space RENAME TO notification;
-- For the cascade when a space is deleted.
CREATE INDEX notification_space ON notification (space_id);
