-- A unit's officer pages through their unit's nominations and awards newest first (keyset on
-- id). With only (unit_id, year), PostgreSQL walked the primary key backwards and filtered
-- each row by unit (issue 19): these serve the page from the unit's own entries, in order.
CREATE INDEX nominations_unit_recent ON nominations (unit_id, id);
CREATE INDEX awards_unit_recent ON awards (unit_id, id);
