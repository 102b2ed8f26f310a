-- A catalogue import writes the services it adds ahead of its switch, a few hundred per short
-- transaction (see CatalogueImportStore). Such a service carries its import's batch and is not part
-- of the catalogue until the switch marks the batch switched in: every query that reads services
-- for the catalogue filters on it (CatalogueSearchStore.live). A failed import deletes its batch.
CREATE TABLE catalogue_import_batch (
    id          TEXT PRIMARY KEY,
    switched_in INTEGER NOT NULL CHECK (switched_in IN (0, 1)),
    created_at  INTEGER NOT NULL
) STRICT;

ALTER TABLE service ADD COLUMN import_batch TEXT REFERENCES catalogue_import_batch (id);
CREATE INDEX service_import_batch ON service (import_batch) WHERE import_batch IS NOT NULL;
