DROP INDEX decisions_run_by;
DROP INDEX award_rounds_run_by;
DROP INDEX campaigns_run_by;
ALTER TABLE award_type_versions DROP COLUMN granting_levels;
ALTER TABLE decisions DROP COLUMN run_by_unit_id;
ALTER TABLE award_rounds DROP COLUMN run_by_unit_id;
ALTER TABLE campaigns DROP COLUMN run_by_unit_id;
