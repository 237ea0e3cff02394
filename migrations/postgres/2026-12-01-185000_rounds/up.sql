-- Annual rounds (đợt xét khen thưởng cuối năm): the board opens one for a year, its award types
-- and a deadline, with a quota per type; each unit sends one dossier listing many nominees. Each
-- line of a dossier is a nomination, so the council, posting and decision cycle applies to it
-- unchanged.
CREATE TABLE award_rounds (
    id         TEXT PRIMARY KEY NOT NULL,
    title      TEXT NOT NULL,
    year       INTEGER NOT NULL,
    deadline   DATE NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    version    INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
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
    quota_unconfirmed      BOOLEAN NOT NULL DEFAULT FALSE,
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
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
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
-- whole unit), with its kind.
ALTER TABLE stored_files ADD COLUMN dossier_id TEXT REFERENCES unit_dossiers (id);
ALTER TABLE stored_files DROP CONSTRAINT stored_files_one_owner;
ALTER TABLE stored_files ADD CONSTRAINT stored_files_one_owner CHECK (
    (achievement_id IS NOT NULL)::int + (nomination_id IS NOT NULL)::int + (initiative_id IS NOT NULL)::int
    + (dossier_id IS NOT NULL)::int = 1);
ALTER TABLE stored_files DROP CONSTRAINT stored_files_check1;
ALTER TABLE stored_files ADD CONSTRAINT stored_files_kind CHECK (
    (kind IS NULL) = (nomination_id IS NULL AND dossier_id IS NULL));
CREATE INDEX stored_files_dossier ON stored_files (dossier_id);
