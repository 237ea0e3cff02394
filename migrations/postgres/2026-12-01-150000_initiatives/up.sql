-- Initiatives (sáng kiến): recognised by a body at a scope, by a decision, with their authors
-- and shares; a unit's record like its people. Evidence files are stored files owned by one.
CREATE TABLE initiatives (
    id              TEXT PRIMARY KEY NOT NULL,
    title           TEXT NOT NULL,
    -- The search key (no diacritics, lower case): domain::text::fold.
    title_folded    TEXT NOT NULL,
    unit_id         TEXT NOT NULL REFERENCES units (id),
    -- Lĩnh vực.
    field           TEXT NOT NULL,
    recognised_by   TEXT NOT NULL,
    scope           TEXT NOT NULL CHECK (scope IN ('co_so', 'tinh', 'toan_quoc')),
    decision_number TEXT NOT NULL,
    decision_date   DATE NOT NULL,
    year            INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX initiatives_unit ON initiatives (unit_id, title_folded);
CREATE INDEX initiatives_title ON initiatives (title_folded, id);

CREATE TABLE initiative_authors (
    initiative_id TEXT NOT NULL REFERENCES initiatives (id),
    person_id     TEXT NOT NULL REFERENCES people (id),
    -- Percent, a canonical decimal string; an initiative's shares sum to 100.
    share_percent TEXT NOT NULL,
    -- The order the authors were given in.
    position      INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);
CREATE INDEX initiative_authors_person ON initiative_authors (person_id);

-- A stored file belongs to exactly one of a report, a nomination or an initiative.
ALTER TABLE stored_files ADD COLUMN initiative_id TEXT REFERENCES initiatives (id);
ALTER TABLE stored_files DROP CONSTRAINT stored_files_check;
ALTER TABLE stored_files ADD CONSTRAINT stored_files_one_owner CHECK (
    (achievement_id IS NOT NULL)::int + (nomination_id IS NOT NULL)::int + (initiative_id IS NOT NULL)::int = 1);
CREATE INDEX stored_files_initiative ON stored_files (initiative_id);
