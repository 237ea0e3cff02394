DROP INDEX awards_year;
DROP INDEX awards_type;
CREATE INDEX awards_type ON awards (award_type_id, year);
