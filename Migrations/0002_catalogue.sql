-- The service catalogue (palvelumanuaali): taxonomies, services, articles.
-- Filterable facts are columns and link tables; the rest of a service's structured text is JSON
-- in TEXT columns. Versions, statuses and owners are in place for editing and approval.

-- Municipality codes of an organisation keep the order they were given in.
ALTER TABLE organization_municipality ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

CREATE TABLE municipality (
    code     TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    name_fi TEXT NOT NULL,
    name_sv TEXT,
    name_en TEXT
) STRICT;

CREATE TABLE category (
    id        TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES category (id) ON DELETE RESTRICT,
    position  INTEGER NOT NULL,
    name_fi   TEXT NOT NULL,
    name_sv   TEXT,
    name_en   TEXT
) STRICT;
CREATE INDEX category_parent ON category (parent_id);

CREATE TABLE life_situation (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    name_fi  TEXT NOT NULL,
    name_sv  TEXT,
    name_en  TEXT
) STRICT;

CREATE TABLE employment_status (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    name_fi  TEXT NOT NULL,
    name_sv  TEXT,
    name_en  TEXT
) STRICT;

CREATE TABLE service (
    id                  TEXT PRIMARY KEY,
    organization_id     TEXT NOT NULL REFERENCES organization (id) ON DELETE RESTRICT,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'review', 'published', 'hidden', 'archived')),
    name_fi             TEXT NOT NULL,
    name_sv             TEXT,
    name_en             TEXT,
    summary_fi          TEXT NOT NULL,
    summary_sv          TEXT,
    summary_en          TEXT,
    description_fi      TEXT NOT NULL,
    description_sv      TEXT,
    description_en      TEXT,
    keywords            TEXT NOT NULL,               -- JSON array of strings
    cost                TEXT NOT NULL CHECK (cost IN ('free', 'paid', 'partly-paid')),
    cost_description    TEXT NOT NULL,
    wheelchair          INTEGER NOT NULL CHECK (wheelchair IN (0, 1)),
    sign_language       INTEGER NOT NULL CHECK (sign_language IN (0, 1)),
    easy_finnish        INTEGER NOT NULL CHECK (easy_finnish IN (0, 1)),
    accessibility_notes TEXT NOT NULL,
    target_description  TEXT NOT NULL,
    age_min             INTEGER,
    age_max             INTEGER,
    delivery            TEXT NOT NULL,               -- JSON: duration, schedule, locations
    participation       TEXT NOT NULL,               -- JSON: howToApply, prerequisites, benefitsEffect, consents
    contacts            TEXT NOT NULL,               -- JSON array
    links               TEXT NOT NULL,               -- JSON array
    internal            TEXT NOT NULL,               -- JSON: experts only
    version             INTEGER NOT NULL CHECK (version >= 1),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    reviewed_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX service_organization ON service (organization_id, status);
CREATE INDEX service_status ON service (status, name_fi);

CREATE TABLE service_category (
    service_id  TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    category_id TEXT NOT NULL REFERENCES category (id) ON DELETE RESTRICT,
    position    INTEGER NOT NULL,
    PRIMARY KEY (service_id, category_id)
) STRICT;
CREATE INDEX service_category_category ON service_category (category_id);

CREATE TABLE service_municipality (
    service_id        TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    municipality_code TEXT NOT NULL REFERENCES municipality (code) ON DELETE RESTRICT,
    position          INTEGER NOT NULL,
    PRIMARY KEY (service_id, municipality_code)
) STRICT;
CREATE INDEX service_municipality_code ON service_municipality (municipality_code);

CREATE TABLE service_life_situation (
    service_id        TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    life_situation_id TEXT NOT NULL REFERENCES life_situation (id) ON DELETE RESTRICT,
    position          INTEGER NOT NULL,
    PRIMARY KEY (service_id, life_situation_id)
) STRICT;

CREATE TABLE service_employment_status (
    service_id           TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    employment_status_id TEXT NOT NULL REFERENCES employment_status (id) ON DELETE RESTRICT,
    position             INTEGER NOT NULL,
    PRIMARY KEY (service_id, employment_status_id)
) STRICT;

-- Languages the service is given in; position 0 is the main one.
CREATE TABLE service_language (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    language   TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (service_id, language)
) STRICT;

CREATE TABLE service_mode (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    mode       TEXT NOT NULL CHECK (mode IN ('in-person', 'remote', 'hybrid')),
    position   INTEGER NOT NULL,
    PRIMARY KEY (service_id, mode)
) STRICT;

CREATE TABLE article (
    id         TEXT PRIMARY KEY,
    title_fi   TEXT NOT NULL,
    title_sv   TEXT,
    title_en   TEXT,
    body       TEXT NOT NULL,                        -- Markdown
    audience   TEXT NOT NULL CHECK (audience IN ('public', 'internal')),
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE article_municipality (
    article_id        TEXT NOT NULL REFERENCES article (id) ON DELETE CASCADE,
    municipality_code TEXT NOT NULL REFERENCES municipality (code) ON DELETE RESTRICT,
    position          INTEGER NOT NULL,
    PRIMARY KEY (article_id, municipality_code)
) STRICT;
