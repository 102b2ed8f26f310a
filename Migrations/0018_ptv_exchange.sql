-- Services exchanged with the national service registry (PTV): the registry's id of each service
-- an import wrote or matched, so that the next import of the same file finds the same services.
CREATE TABLE service_ptv (
    ptv_id      TEXT PRIMARY KEY,
    service_id  TEXT NOT NULL UNIQUE REFERENCES service (id) ON DELETE CASCADE,
    imported_at INTEGER NOT NULL
) STRICT;
