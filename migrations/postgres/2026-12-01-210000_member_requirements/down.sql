DROP TABLE person_disciplines;
ALTER TABLE award_type_versions DROP COLUMN member_requirement;
