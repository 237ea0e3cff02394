ALTER TABLE awards DROP COLUMN commendation_type;
ALTER TABLE nominations DROP COLUMN commendation_type;
