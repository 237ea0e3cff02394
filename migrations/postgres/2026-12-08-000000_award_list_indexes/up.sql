-- The awards list filtered by year, or by award type and year (`GET /awards?year=…`,
-- `…&award_type_id=…`), newest first. Without an index ending in `id`, PostgreSQL walked the
-- primary key backwards and filtered: at 1,000,000 awards a year ten years back had 500,000
-- newer awards to step over (0.2 s; 4.3 s with the award type). The list reads the page's ids
-- first from these alone (`revoked_at` is in them so the default list, which leaves revoked
-- awards out, needs no row), then the rows by id.
DROP INDEX awards_type;
CREATE INDEX awards_type ON awards (award_type_id, year, id, revoked_at);
CREATE INDEX awards_year ON awards (year, id, revoked_at);
