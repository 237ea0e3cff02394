-- Achievements (thành tích): a unit's (or one of its people's) value for an indicator as of a
-- date, with evidence files, verified or returned by the board.
CREATE TABLE achievements (
    id            TEXT PRIMARY KEY NOT NULL,
    campaign_id   TEXT NOT NULL REFERENCES campaigns (id),
    unit_id       TEXT NOT NULL REFERENCES units (id),
    indicator_id  TEXT NOT NULL REFERENCES indicators (id),
    person_name   TEXT,
    value         TEXT NOT NULL,
    as_of         TEXT NOT NULL,
    narrative     TEXT,
    status        TEXT NOT NULL CHECK (status IN ('submitted', 'verified', 'returned')),
    return_reason TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    reported_by   TEXT NOT NULL REFERENCES users (id),
    verified_by   TEXT REFERENCES users (id),
    verified_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
-- Progress reads the latest verified value per unit and indicator.
CREATE INDEX achievements_progress ON achievements (campaign_id, status, unit_id, indicator_id, as_of, id);
CREATE INDEX achievements_unit ON achievements (unit_id);

-- The file itself lives in the evidence store (disk or S3); this row says where and what.
CREATE TABLE evidence_files (
    id             TEXT PRIMARY KEY NOT NULL,
    achievement_id TEXT NOT NULL REFERENCES achievements (id),
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    storage_key    TEXT NOT NULL UNIQUE,
    uploaded_by    TEXT NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX evidence_files_achievement ON evidence_files (achievement_id);

-- The latest verified value per campaign, unit and indicator (latest by as_of, then id), kept
-- as reports are verified, so progress reads one row per target instead of every report.
CREATE TABLE achievement_latest (
    campaign_id    TEXT NOT NULL REFERENCES campaigns (id),
    unit_id        TEXT NOT NULL REFERENCES units (id),
    indicator_id   TEXT NOT NULL REFERENCES indicators (id),
    achievement_id TEXT NOT NULL REFERENCES achievements (id),
    as_of          TEXT NOT NULL,
    value          TEXT NOT NULL,
    PRIMARY KEY (campaign_id, unit_id, indicator_id)
);
