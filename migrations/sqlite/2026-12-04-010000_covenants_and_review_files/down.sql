CREATE TABLE stored_files_old (
    id             TEXT PRIMARY KEY NOT NULL,
    achievement_id TEXT REFERENCES achievements (id),
    nomination_id  TEXT REFERENCES nominations (id),
    kind           TEXT,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    storage_key    TEXT NOT NULL UNIQUE,
    uploaded_by    TEXT NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL,
    initiative_id  TEXT REFERENCES initiatives (id),
    dossier_id     TEXT REFERENCES unit_dossiers (id),
    CHECK ((achievement_id IS NOT NULL) + (nomination_id IS NOT NULL) + (initiative_id IS NOT NULL)
           + (dossier_id IS NOT NULL) = 1),
    CHECK ((kind IS NULL) = (nomination_id IS NULL AND dossier_id IS NULL))
);
INSERT INTO stored_files_old
    (id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
     created_at, initiative_id, dossier_id)
SELECT id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
       created_at, initiative_id, dossier_id
FROM stored_files WHERE review_id IS NULL AND covenant_id IS NULL;
DROP TABLE stored_files;
ALTER TABLE stored_files_old RENAME TO stored_files;
CREATE INDEX stored_files_achievement ON stored_files (achievement_id);
CREATE INDEX stored_files_nomination ON stored_files (nomination_id);
CREATE INDEX stored_files_initiative ON stored_files (initiative_id);
CREATE INDEX stored_files_dossier ON stored_files (dossier_id);
DROP TABLE covenant_signatories;
DROP TABLE cluster_covenants;
