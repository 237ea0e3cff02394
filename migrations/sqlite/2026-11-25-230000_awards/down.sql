DROP TABLE awards;
DROP TABLE people;
DROP TABLE award_type_versions;
DROP TABLE award_types;
