-- A cluster's annual covenant (giao ước thi đua, issue 15): the signed commitments of its
-- members, one covenant per cluster (a cluster is one year's), replaced as a whole with its
-- version; and the files a covenant or a campaign review rests on (the scanned signed copy, the
-- review's report), kept like every other stored file.
CREATE TABLE cluster_covenants (
    id          TEXT PRIMARY KEY NOT NULL,
    cluster_id  TEXT NOT NULL UNIQUE REFERENCES clusters (id),
    title       TEXT NOT NULL,
    signed_on   DATE NOT NULL,
    place       TEXT,
    content     TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE TABLE covenant_signatories (
    covenant_id  TEXT NOT NULL REFERENCES cluster_covenants (id),
    unit_id      TEXT NOT NULL REFERENCES units (id),
    position     INTEGER NOT NULL,
    signer_name  TEXT NOT NULL,
    signer_title TEXT NOT NULL,
    commitments  TEXT NOT NULL,
    PRIMARY KEY (covenant_id, unit_id)
);
CREATE TABLE stored_files_new (
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
    initiative_id  TEXT REFERENCES initiatives (id),
    dossier_id     TEXT REFERENCES unit_dossiers (id),
    review_id      TEXT REFERENCES campaign_reviews (id),
    covenant_id    TEXT REFERENCES cluster_covenants (id),
    CHECK ((achievement_id IS NOT NULL) + (nomination_id IS NOT NULL) + (initiative_id IS NOT NULL)
           + (dossier_id IS NOT NULL) + (review_id IS NOT NULL) + (covenant_id IS NOT NULL) = 1),
    CHECK ((kind IS NULL) = (nomination_id IS NULL AND dossier_id IS NULL))
);
INSERT INTO stored_files_new
    (id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
     created_at, initiative_id, dossier_id)
SELECT id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
       created_at, initiative_id, dossier_id
FROM stored_files;
DROP TABLE stored_files;
ALTER TABLE stored_files_new RENAME TO stored_files;
CREATE INDEX stored_files_achievement ON stored_files (achievement_id);
CREATE INDEX stored_files_nomination ON stored_files (nomination_id);
CREATE INDEX stored_files_initiative ON stored_files (initiative_id);
CREATE INDEX stored_files_dossier ON stored_files (dossier_id);
CREATE INDEX stored_files_review ON stored_files (review_id);
CREATE INDEX stored_files_covenant ON stored_files (covenant_id);
