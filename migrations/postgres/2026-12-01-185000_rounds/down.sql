DELETE FROM stored_files WHERE dossier_id IS NOT NULL;
DROP INDEX stored_files_dossier;
ALTER TABLE stored_files DROP CONSTRAINT stored_files_kind;
ALTER TABLE stored_files ADD CONSTRAINT stored_files_check1 CHECK ((kind IS NULL) = (nomination_id IS NULL));
ALTER TABLE stored_files DROP CONSTRAINT stored_files_one_owner;
ALTER TABLE stored_files DROP COLUMN dossier_id;
ALTER TABLE stored_files ADD CONSTRAINT stored_files_one_owner CHECK (
    (achievement_id IS NOT NULL)::int + (nomination_id IS NOT NULL)::int + (initiative_id IS NOT NULL)::int = 1);
DROP TABLE dossier_lines;
DROP TABLE unit_dossiers;
DROP TABLE award_round_types;
DROP TABLE award_rounds;
