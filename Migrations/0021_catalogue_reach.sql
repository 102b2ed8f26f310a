-- The catalogue's reach: how often each service's page is opened (a count per service and day, with
-- nothing of who opened it), short links standing for a search or a shared favourite list, and the
-- sites whose pages may frame the embeddable search widget.

CREATE TABLE service_view_day (
    -- No foreign key: the counts of a service removed by an import stay in the statistics' past.
    service_id TEXT NOT NULL,
    day        TEXT NOT NULL,                 -- yyyy-mm-dd in Europe/Helsinki
    views      INTEGER NOT NULL CHECK (views >= 0),
    PRIMARY KEY (service_id, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX service_view_day_day ON service_view_day (day);

CREATE TABLE short_link (
    code       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('search', 'list')),
    target     TEXT NOT NULL,                 -- search: its query string; list: the favourite list's id
    created_by TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
) STRICT;
-- One code per search and per list: asking again gives the same link.
CREATE UNIQUE INDEX short_link_target ON short_link (kind, target);

CREATE TABLE embed_site (
    id         TEXT PRIMARY KEY,
    origin     TEXT NOT NULL UNIQUE,          -- scheme://host[:port], as a browser sends it
    label      TEXT NOT NULL,
    added_by   TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    added_at   INTEGER NOT NULL
) STRICT;

-- How many spaces picked each service, in the statistics.
CREATE INDEX space_pick_service ON space_pick (service_id, created_at);
