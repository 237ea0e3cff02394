ALTER TABLE award_type_versions DROP COLUMN posting_stage;
