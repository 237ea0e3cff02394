-- Evidence files and dossier documents in one table: a stored file belongs either to a report
-- (evidence) or to a nomination (a dossier document, with its kind). Ids are kept, so download
-- URLs already handed out keep working.
CREATE TABLE stored_files (
    id             TEXT PRIMARY KEY NOT NULL,
    achievement_id TEXT REFERENCES achievements (id),
    nomination_id  TEXT REFERENCES nominations (id),
    -- A dossier document's kind; none for evidence.
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
CREATE INDEX stored_files_achievement ON stored_files (achievement_id);
CREATE INDEX stored_files_nomination ON stored_files (nomination_id);

INSERT INTO stored_files
    (id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
     created_at)
SELECT id, achievement_id, NULL, NULL, filename, content_type, size_bytes, sha256, storage_key, uploaded_by, created_at
FROM evidence_files;
INSERT INTO stored_files
    (id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
     created_at)
SELECT id, NULL, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by, created_at
FROM nomination_documents;

DROP TABLE evidence_files;
DROP TABLE nomination_documents;
