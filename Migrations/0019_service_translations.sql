-- Fields of a service that a content producer has marked as needing a Swedish or English
-- translation. A request is resolved (deleted) by a saved version that changes that field's text
-- in that language; the organisation's translation queue lists the open ones.
CREATE TABLE service_translation (
    service_id   TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    field        TEXT NOT NULL,
    language     TEXT NOT NULL CHECK (language IN ('sv', 'en')),
    requested_by TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    requested_at INTEGER NOT NULL,
    PRIMARY KEY (service_id, language, field)
) STRICT;
CREATE INDEX service_translation_language ON service_translation (language, requested_at);
