-- What the national commendation statistics count of a person (issue 14 item 6): gender,
-- ethnic group (GSO code) and staff category (the rows of the Ministry of Home Affairs' forms
-- 0602/0603.N/BNV-TĐKT). Protected like identity numbers: set and read by the board only.
ALTER TABLE people ADD COLUMN gender TEXT CHECK (gender IN ('male', 'female'));
ALTER TABLE people ADD COLUMN ethnicity_code TEXT;
ALTER TABLE people ADD COLUMN staff_category TEXT;
