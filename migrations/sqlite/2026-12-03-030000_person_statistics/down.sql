ALTER TABLE people DROP COLUMN staff_category;
ALTER TABLE people DROP COLUMN ethnicity_code;
ALTER TABLE people DROP COLUMN gender;
