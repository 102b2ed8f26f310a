-- Experts' favourite services, in named lists, and the services each signed-in staff member
-- viewed last. Visitors keep their favourites in the browser.

CREATE TABLE favourite_list (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    -- The id the creating client gave, so that a resent create returns the same list.
    client_id   TEXT,
    name        TEXT NOT NULL,
    -- A read-only link's secret; NULL while the list is not shared.
    share_token TEXT UNIQUE,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (owner_id, client_id)
) STRICT;
CREATE INDEX favourite_list_owner ON favourite_list (owner_id, created_at);

CREATE TABLE favourite_item (
    list_id    TEXT NOT NULL REFERENCES favourite_list (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (list_id, service_id)
) STRICT;
CREATE INDEX favourite_item_service ON favourite_item (service_id);

-- At most 20 rows per user: the newest views.
CREATE TABLE recently_viewed (
    user_id    TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    viewed_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, service_id)
) STRICT;
CREATE INDEX recently_viewed_user ON recently_viewed (user_id, viewed_at);
