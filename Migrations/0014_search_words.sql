-- Search in a person's own words: the region's synonyms and colloquial words, their change log, and
-- the anonymous record of searches that found nothing or little.

-- Bumped by every change to the synonyms, so a search answer kept at an older set is not reused
-- (the catalogue's `revision` is not bumped: the snapshot does not depend on synonyms).
ALTER TABLE catalogue_state ADD COLUMN search_words_version INTEGER NOT NULL DEFAULT 0;

-- One entry per row: a group (every word means the others) or an expansion (`source` finds what
-- its words find, not the other way round). `words` is a JSON array of lower-case words or short
-- phrases; a source is one word.
CREATE TABLE search_synonym (
    id          TEXT PRIMARY KEY,
    language    TEXT NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    kind        TEXT NOT NULL CHECK (kind IN ('group', 'expansion')),
    source      TEXT,
    words       TEXT NOT NULL,
    -- 1 when created, one more at every change (optimistic concurrency of the admin API).
    version     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK ((kind = 'expansion') = (source IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX search_synonym_source ON search_synonym (language, source) WHERE source IS NOT NULL;

-- Every change, with the entry before and after (JSON) and who made it (NULL: the starter set or
-- `ohjaustila import synonyms`). `set_version` is `catalogue_state.search_words_version` after it.
CREATE TABLE search_synonym_change (
    id           INTEGER PRIMARY KEY,
    set_version  INTEGER NOT NULL,
    synonym_id   TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('created', 'updated', 'deleted')),
    before       TEXT,
    after        TEXT,
    actor_id     TEXT,
    source       TEXT NOT NULL CHECK (source IN ('api', 'import', 'starter')),
    at           INTEGER NOT NULL
) STRICT;
CREATE INDEX search_synonym_change_at ON search_synonym_change (at DESC, id DESC);

-- Set when the starter set (DemoData/synonyms.json) has been loaded into this database.
CREATE TABLE search_words_seed (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seeded_at  INTEGER NOT NULL
) STRICT;

-- Searches that found nothing or few services, counted per day. Anonymous by construction: the
-- normalised query, its UI language, the day (Europe/Helsinki) and the result count, nothing of
-- who searched. Rows older than 13 months are erased.
CREATE TABLE search_miss (
    query        TEXT NOT NULL,
    language     TEXT NOT NULL,
    day          TEXT NOT NULL,
    results      INTEGER NOT NULL,
    occurrences  INTEGER NOT NULL,
    PRIMARY KEY (query, language, day, results)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_miss_day ON search_miss (day);
