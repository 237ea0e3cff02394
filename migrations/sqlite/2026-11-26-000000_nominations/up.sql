-- Nominations (đề nghị khen thưởng): a nominee proposed for an award, its dossier, the
-- achievements it rests on, its eligibility as judged at submission, and every status change.
CREATE TABLE nominations (
    id                    TEXT PRIMARY KEY NOT NULL,
    award_type_id         TEXT NOT NULL REFERENCES award_types (id),
    -- The rules it was judged under, fixed at submission.
    award_type_version_id TEXT REFERENCES award_type_versions (id),
    nominee_kind          TEXT NOT NULL CHECK (nominee_kind IN ('person', 'unit', 'household')),
    person_id             TEXT REFERENCES people (id),
    unit_id               TEXT NOT NULL REFERENCES units (id),
    household_name        TEXT,
    year                  INTEGER NOT NULL,
    campaign_id           TEXT REFERENCES campaigns (id),
    -- Declared by the unit: the nominee is under discipline, inspection or complaint.
    under_discipline      BOOLEAN NOT NULL,
    status                TEXT NOT NULL,
    -- JSON {"blocking": [...], "warnings": [...]} as computed at the last submission.
    eligibility           TEXT,
    version               INTEGER NOT NULL DEFAULT 1,
    created_by            TEXT NOT NULL REFERENCES users (id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX nominations_unit ON nominations (unit_id, year);
CREATE INDEX nominations_type ON nominations (award_type_id, year, status);
CREATE INDEX nominations_status ON nominations (status, year, id);

CREATE TABLE nomination_achievements (
    nomination_id  TEXT NOT NULL REFERENCES nominations (id),
    achievement_id TEXT NOT NULL REFERENCES achievements (id),
    PRIMARY KEY (nomination_id, achievement_id)
);
CREATE INDEX nomination_achievements_achievement ON nomination_achievements (achievement_id);

CREATE TABLE nomination_documents (
    id            TEXT PRIMARY KEY NOT NULL,
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    kind          TEXT NOT NULL,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    storage_key   TEXT NOT NULL UNIQUE,
    uploaded_by   TEXT NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL
);
CREATE INDEX nomination_documents_nomination ON nomination_documents (nomination_id);

CREATE TABLE nomination_transitions (
    id            TEXT PRIMARY KEY NOT NULL,
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    from_status   TEXT NOT NULL,
    to_status     TEXT NOT NULL,
    actor_id      TEXT NOT NULL REFERENCES users (id),
    reason        TEXT,
    at            TEXT NOT NULL
);
CREATE INDEX nomination_transitions_nomination ON nomination_transitions (nomination_id, at);
