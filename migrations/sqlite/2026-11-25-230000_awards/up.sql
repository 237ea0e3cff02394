-- The award catalogue (emulation titles and forms of commendation) with its rules as
-- versioned data, the people awards go to, and the award history.
CREATE TABLE award_types (
    id          TEXT PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('danh_hieu_thi_dua', 'hinh_thuc_khen_thuong')),
    subject     TEXT NOT NULL CHECK (subject IN ('individual', 'collective', 'household')),
    level       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- A rule change is a new version; what was judged under an old version keeps pointing to it.
CREATE TABLE award_type_versions (
    id                         TEXT PRIMARY KEY NOT NULL,
    award_type_id              TEXT NOT NULL REFERENCES award_types (id),
    version                    INTEGER NOT NULL,
    effective_from             TEXT NOT NULL,
    effective_until            TEXT,
    granting_authority         TEXT NOT NULL,
    legal_basis                TEXT NOT NULL,
    -- JSON: [{"award_type_code": "CSTD_CO_SO", "consecutive_years": 3}]
    prerequisites              TEXT NOT NULL,
    quota_of_code              TEXT,
    quota_percent              TEXT,
    council_vote_required      BOOLEAN NOT NULL,
    approval_threshold_percent TEXT,
    quorum_percent             TEXT,
    posting_days               INTEGER,
    bonus_multiplier           TEXT,
    created_by                 TEXT REFERENCES users (id),
    created_at                 TEXT NOT NULL,
    UNIQUE (award_type_id, version)
);

CREATE TABLE people (
    id               TEXT PRIMARY KEY NOT NULL,
    full_name        TEXT NOT NULL,
    full_name_folded TEXT NOT NULL,
    position         TEXT,
    unit_id          TEXT NOT NULL REFERENCES units (id),
    birth_year       INTEGER,
    -- Shown to admins only; never listed, never logged.
    identity_number  TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX people_unit ON people (unit_id, full_name_folded);

CREATE TABLE awards (
    id                    TEXT PRIMARY KEY NOT NULL,
    award_type_id         TEXT NOT NULL REFERENCES award_types (id),
    -- The rules it was given under; null for awards older than any rules the catalogue holds.
    award_type_version_id TEXT REFERENCES award_type_versions (id),
    recipient_kind        TEXT NOT NULL CHECK (recipient_kind IN ('person', 'unit', 'household')),
    person_id             TEXT REFERENCES people (id),
    -- The collective itself, or the unit the person or household belonged to.
    unit_id               TEXT NOT NULL REFERENCES units (id),
    household_name        TEXT,
    year                  INTEGER NOT NULL,
    decision_number       TEXT NOT NULL,
    decision_date         TEXT NOT NULL,
    decided_by            TEXT NOT NULL,
    revoked_at            TEXT,
    revoked_reason        TEXT,
    revoked_by            TEXT REFERENCES users (id),
    created_by            TEXT NOT NULL REFERENCES users (id),
    created_at            TEXT NOT NULL
);
CREATE INDEX awards_person ON awards (person_id, year);
CREATE INDEX awards_unit ON awards (unit_id, year);
CREATE INDEX awards_type ON awards (award_type_id, year);
