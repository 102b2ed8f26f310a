-- Editing articles like services: an owner organisation (NULL: the region's own, edited by platform
-- admins), a status (draft until first published; unpublished hides a published one), the number
-- of the version the row holds, every saved version, and the open edit of a published article.
-- Readers see published articles only; an import writes published ones and leaves these alone.
ALTER TABLE article ADD COLUMN organization_id TEXT REFERENCES organization (id) ON DELETE SET NULL;
ALTER TABLE article ADD COLUMN status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'unpublished'));
ALTER TABLE article ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX article_organization ON article (organization_id, status);

CREATE TABLE article_version (
    article_id    TEXT NOT NULL REFERENCES article (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL CHECK (number >= 1),
    document      TEXT NOT NULL,                 -- ArticleContent as JSON
    origin        TEXT NOT NULL CHECK (origin IN ('catalogue', 'created', 'edited', 'restored')),
    restored_from INTEGER,
    saved_by      TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    saved_at      INTEGER NOT NULL,
    PRIMARY KEY (article_id, number)
) STRICT;

-- A published (or unpublished) article's newer version waiting to be published.
CREATE TABLE article_draft (
    article_id TEXT PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
