ALTER TABLE award_type_versions DROP COLUMN posting_day_count;
DROP TABLE calendar_days;
