-- The two tables as they were, with their rows.
CREATE TABLE evidence_files (
    id             TEXT PRIMARY KEY NOT NULL,
    achievement_id TEXT NOT NULL REFERENCES achievements (id),
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    storage_key    TEXT NOT NULL UNIQUE,
    uploaded_by    TEXT NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX evidence_files_achievement ON evidence_files (achievement_id);

CREATE TABLE nomination_documents (
    id            TEXT PRIMARY KEY NOT NULL,
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    kind          TEXT NOT NULL,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    storage_key   TEXT NOT NULL UNIQUE,
    uploaded_by   TEXT NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL
);
CREATE INDEX nomination_documents_nomination ON nomination_documents (nomination_id);

INSERT INTO evidence_files
    (id, achievement_id, filename, content_type, size_bytes, sha256, storage_key, uploaded_by, created_at)
SELECT id, achievement_id, filename, content_type, size_bytes, sha256, storage_key, uploaded_by, created_at
FROM stored_files WHERE achievement_id IS NOT NULL;
INSERT INTO nomination_documents
    (id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by, created_at)
SELECT id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by, created_at
FROM stored_files WHERE nomination_id IS NOT NULL;

DROP TABLE stored_files;
