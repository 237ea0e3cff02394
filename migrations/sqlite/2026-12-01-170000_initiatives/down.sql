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
    CHECK ((achievement_id IS NULL) <> (nomination_id IS NULL)),
    CHECK ((kind IS NULL) = (nomination_id IS NULL))
);
INSERT INTO stored_files_old
    (id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
     created_at)
SELECT id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
       created_at
FROM stored_files WHERE initiative_id IS NULL;
DROP TABLE stored_files;
ALTER TABLE stored_files_old RENAME TO stored_files;
CREATE INDEX stored_files_achievement ON stored_files (achievement_id);
CREATE INDEX stored_files_nomination ON stored_files (nomination_id);
DROP TABLE initiative_authors;
DROP TABLE initiatives;
ALTER TABLE award_type_versions DROP COLUMN initiative_requirement;
