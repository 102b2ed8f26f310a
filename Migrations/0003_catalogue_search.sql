-- The catalogue's word index (SQLite FTS5). Derived from the service tables and rebuilt from them;
-- never the source of truth. Each column holds the analysed terms of that part of the service in
-- all its languages: Finnish base forms and compound parts (Voikko), Swedish and English stems
-- (Snowball), and the words as written.
CREATE VIRTUAL TABLE service_search USING fts5(
    name,
    keywords,
    organization,
    summary,
    description,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- A stable integer key per service for the index's rowid (a TEXT-keyed table's own rowid can change).
CREATE TABLE service_search_key (
    search_key INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL UNIQUE REFERENCES service (id) ON DELETE CASCADE
) STRICT;

-- The index's vocabulary, for typo tolerance (terms one edit away from a query word).
CREATE VIRTUAL TABLE service_search_vocab USING fts5vocab(service_search, 'row');

-- Bumped by every change to the catalogue, so a running server notices an import made by the CLI.
CREATE TABLE catalogue_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
) STRICT;
INSERT INTO catalogue_state (id, revision) VALUES (1, 0);
