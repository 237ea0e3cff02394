-- Levels of administration (issue 14 item 1): departments and communes run their own emulation
-- since the 2025 reform. Campaigns, award rounds and decisions say which unit's level runs them
-- (NULL: the province board); councils already belong to a unit. Who may grant each award type
-- is rules data: the levels whose head signs its decision (Law on Emulation and Commendation
-- 2022, Art 80), backfilled from the type's level.
ALTER TABLE campaigns ADD COLUMN run_by_unit_id TEXT REFERENCES units (id);
ALTER TABLE award_rounds ADD COLUMN run_by_unit_id TEXT REFERENCES units (id);
ALTER TABLE decisions ADD COLUMN run_by_unit_id TEXT REFERENCES units (id);
ALTER TABLE award_type_versions ADD COLUMN granting_levels TEXT NOT NULL DEFAULT 'province';

UPDATE award_type_versions SET granting_levels = CASE
    (SELECT level FROM award_types WHERE award_types.id = award_type_versions.award_type_id)
    WHEN 'co_so' THEN 'commune,department'
    WHEN 'xa' THEN 'commune'
    WHEN 'toan_quoc' THEN 'central'
    ELSE 'province' END;

CREATE INDEX campaigns_run_by ON campaigns (run_by_unit_id);
CREATE INDEX award_rounds_run_by ON award_rounds (run_by_unit_id);
CREATE INDEX decisions_run_by ON decisions (run_by_unit_id);
