-- Scoring schemes (thang điểm): a campaign's criteria groups, indicator weights, point scales,
-- bonus and penalty points, as data the board writes. Each write is a new version; the
-- latest scores progress, and older ones stay for the reviews that used them.
CREATE TABLE scoring_schemes (
    id          TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    version     INTEGER NOT NULL,
    -- The checked scheme as JSON (domain::scoring::GroupSpec list, canonical decimals).
    groups      TEXT NOT NULL,
    note        TEXT,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    UNIQUE (campaign_id, version)
);

-- A percentage indicator entered as numerator and denominator (tử số, mẫu số): units report
-- both, and it is aggregated as the ratio of the sums.
ALTER TABLE indicators ADD COLUMN ratio BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE achievements ADD COLUMN numerator TEXT;
ALTER TABLE achievements ADD COLUMN denominator TEXT;
ALTER TABLE achievement_latest ADD COLUMN numerator TEXT;
ALTER TABLE achievement_latest ADD COLUMN denominator TEXT;
