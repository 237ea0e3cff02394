-- Annual rounds (đợt xét khen thưởng cuối năm): the board opens one for a year, its award types
-- and a deadline, with a quota per type; each unit sends one dossier listing many nominees. Each
-- line of a dossier is a nomination, so the council, posting and decision cycle applies to it
-- unchanged.
CREATE TABLE award_rounds (
    id         TEXT PRIMARY KEY NOT NULL,
    title      TEXT NOT NULL,
    year       INTEGER NOT NULL,
    deadline   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    version    INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX award_rounds_year ON award_rounds (year, id);

-- The award types a round takes, each with its quota: at most `quota_percent` of the unit's
-- holders of `quota_of_award_type_id` that year (taken from the rules in force when the round
-- opened, or given by the board), with its legal basis and whether that basis is confirmed.
CREATE TABLE award_round_types (
    round_id               TEXT NOT NULL REFERENCES award_rounds (id),
    award_type_id          TEXT NOT NULL REFERENCES award_types (id),
    quota_of_award_type_id TEXT REFERENCES award_types (id),
    quota_percent          TEXT,
    quota_legal_basis      TEXT,
    quota_unconfirmed      BOOLEAN NOT NULL DEFAULT 0,
    position               INTEGER NOT NULL,
    PRIMARY KEY (round_id, award_type_id),
    CHECK ((quota_of_award_type_id IS NULL) = (quota_percent IS NULL))
);

-- One dossier per unit and round.
CREATE TABLE unit_dossiers (
    id           TEXT PRIMARY KEY NOT NULL,
    round_id     TEXT NOT NULL REFERENCES award_rounds (id),
    unit_id      TEXT NOT NULL REFERENCES units (id),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    submitted_at TEXT,
    UNIQUE (round_id, unit_id)
);
CREATE INDEX unit_dossiers_unit ON unit_dossiers (unit_id);

-- A dossier's lines: each a nomination of the unit, numbered in the order given.
CREATE TABLE dossier_lines (
    nomination_id TEXT PRIMARY KEY NOT NULL REFERENCES nominations (id),
    dossier_id    TEXT NOT NULL REFERENCES unit_dossiers (id),
    line_no       INTEGER NOT NULL,
    UNIQUE (dossier_id, line_no)
);

-- A stored file may also be a dossier's shared document (tờ trình, biên bản bình xét of the
-- whole unit), with its kind. SQLite cannot change a CHECK in place: the table is rebuilt with
-- the same rows and ids.
CREATE TABLE stored_files_new (
    id             TEXT PRIMARY KEY NOT NULL,
    achievement_id TEXT REFERENCES achievements (id),
    nomination_id  TEXT REFERENCES nominations (id),
    -- A dossier document's kind; none for evidence.
    kind           TEXT,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    storage_key    TEXT NOT NULL UNIQUE,
    uploaded_by    TEXT NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL,
    initiative_id  TEXT REFERENCES initiatives (id),
    dossier_id     TEXT REFERENCES unit_dossiers (id),
    CHECK ((achievement_id IS NOT NULL) + (nomination_id IS NOT NULL) + (initiative_id IS NOT NULL)
           + (dossier_id IS NOT NULL) = 1),
    CHECK ((kind IS NULL) = (nomination_id IS NULL AND dossier_id IS NULL))
);
INSERT INTO stored_files_new
    (id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
     created_at, initiative_id)
SELECT id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
       created_at, initiative_id
FROM stored_files;
DROP TABLE stored_files;
ALTER TABLE stored_files_new RENAME TO stored_files;
CREATE INDEX stored_files_achievement ON stored_files (achievement_id);
CREATE INDEX stored_files_nomination ON stored_files (nomination_id);
CREATE INDEX stored_files_initiative ON stored_files (initiative_id);
CREATE INDEX stored_files_dossier ON stored_files (dossier_id);
