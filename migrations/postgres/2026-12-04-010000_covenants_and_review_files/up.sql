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
ALTER TABLE stored_files ADD COLUMN review_id TEXT REFERENCES campaign_reviews (id);
ALTER TABLE stored_files ADD COLUMN covenant_id TEXT REFERENCES cluster_covenants (id);
ALTER TABLE stored_files DROP CONSTRAINT stored_files_one_owner;
ALTER TABLE stored_files ADD CONSTRAINT stored_files_one_owner CHECK (
    (achievement_id IS NOT NULL)::int + (nomination_id IS NOT NULL)::int + (initiative_id IS NOT NULL)::int
    + (dossier_id IS NOT NULL)::int + (review_id IS NOT NULL)::int + (covenant_id IS NOT NULL)::int = 1);
CREATE INDEX stored_files_review ON stored_files (review_id);
CREATE INDEX stored_files_covenant ON stored_files (covenant_id);
