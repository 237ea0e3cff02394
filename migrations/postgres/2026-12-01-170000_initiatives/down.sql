DELETE FROM stored_files WHERE initiative_id IS NOT NULL;
DROP INDEX stored_files_initiative;
ALTER TABLE stored_files DROP CONSTRAINT stored_files_one_owner;
ALTER TABLE stored_files DROP COLUMN initiative_id;
ALTER TABLE stored_files ADD CONSTRAINT stored_files_check CHECK ((achievement_id IS NULL) <> (nomination_id IS NULL));
DROP TABLE initiative_authors;
DROP TABLE initiatives;
ALTER TABLE award_type_versions DROP COLUMN initiative_requirement;
