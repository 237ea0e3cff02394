DROP TABLE reward_fund_entries;
ALTER TABLE decisions DROP COLUMN paying_unit_id;
ALTER TABLE awards DROP COLUMN bonus_vnd;
ALTER TABLE awards DROP COLUMN base_salary_vnd;
ALTER TABLE awards DROP COLUMN bonus_coefficient;
DROP TABLE base_salaries;
