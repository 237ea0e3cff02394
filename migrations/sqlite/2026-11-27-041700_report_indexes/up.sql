-- Reports count awards and nominations by group; these covering indexes answer the counts from
-- the index alone, in group order. Not partial on `revoked_at IS NULL`: with stale statistics
-- PostgreSQL then combined it with other award lookups (a person's history) and slowed them.
CREATE INDEX awards_report ON awards (year, award_type_id, unit_id, revoked_at);
CREATE INDEX nominations_report ON nominations (status, award_type_id, year);
