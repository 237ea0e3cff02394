-- The working-day calendar (domain::calendar): the days that are not what their weekday says —
-- public holidays, weekdays off in exchange or compensation, Saturdays worked in exchange. The
-- province board keeps it; the national holidays are reference data (thidua seed).
CREATE TABLE calendar_days (
    day         DATE PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('holiday', 'day_off', 'workday')),
    name        TEXT NOT NULL,
    -- Null for the shipped reference data.
    updated_by  TEXT REFERENCES users (id),
    updated_at  TIMESTAMP NOT NULL
);

-- How a version's posting_days are counted. Versions the board wrote keep what they meant
-- (calendar days); the seeded ones follow Decree 98/2023/NĐ-CP, Art 46.2 (working days).
ALTER TABLE award_type_versions ADD COLUMN posting_day_count TEXT NOT NULL DEFAULT 'calendar'
    CHECK (posting_day_count IN ('working', 'calendar'));
UPDATE award_type_versions SET posting_day_count = 'working' WHERE created_by IS NULL;
