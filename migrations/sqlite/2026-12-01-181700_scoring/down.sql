ALTER TABLE achievement_latest DROP COLUMN denominator;
ALTER TABLE achievement_latest DROP COLUMN numerator;
ALTER TABLE achievements DROP COLUMN denominator;
ALTER TABLE achievements DROP COLUMN numerator;
ALTER TABLE indicators DROP COLUMN ratio;
DROP TABLE scoring_schemes;
