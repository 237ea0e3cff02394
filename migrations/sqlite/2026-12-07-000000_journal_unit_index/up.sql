-- The audit trail filtered by unit (`GET /audit-entries?unit_id=`), newest first. Without it both
-- backends walked the journal backwards from its newest entry and filtered by unit: at
-- 10,000,000 entries a commune dissolved in 2025 had 1.07 M newer entries to step over (0.7–1.9 s
-- a page; docs/plans/postgres-1m.md). With it the page is the unit's own newest entries, in order.
CREATE INDEX journal_unit ON journal (unit_id, seq);
