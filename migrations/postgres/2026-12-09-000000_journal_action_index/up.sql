-- The audit trail filtered by action (`GET /audit-entries?action=`), newest first. Without it both
-- backends walked the journal backwards from its newest entry and filtered by action: at
-- 10,000,000 entries a frequent action (`nomination.decided`) stepped over ~11,000 entries for a
-- page (1.6× its time at 10,000), and an action that happened once ten years ago stepped over all
-- of them. With it the page is the action's own newest entries, in order.
CREATE INDEX journal_action ON journal (action, seq);
