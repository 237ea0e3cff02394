DROP INDEX stored_files_covenant;
DROP INDEX stored_files_review;
DELETE FROM stored_files WHERE review_id IS NOT NULL OR covenant_id IS NOT NULL;
ALTER TABLE stored_files DROP CONSTRAINT stored_files_one_owner;
ALTER TABLE stored_files DROP COLUMN covenant_id;
ALTER TABLE stored_files DROP COLUMN review_id;
ALTER TABLE stored_files ADD CONSTRAINT stored_files_one_owner CHECK (
    (achievement_id IS NOT NULL)::int + (nomination_id IS NOT NULL)::int + (initiative_id IS NOT NULL)::int
    + (dossier_id IS NOT NULL)::int = 1);
DROP TABLE covenant_signatories;
DROP TABLE cluster_covenants;
