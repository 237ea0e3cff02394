-- Public posting of approved nominations (with the public's comments) and the decisions that
-- grant them, each turning its nominations into awards.
ALTER TABLE nominations ADD COLUMN posting_until TEXT;

CREATE TABLE posting_comments (
    id            TEXT PRIMARY KEY NOT NULL,
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    author_name   TEXT,
    content       TEXT NOT NULL,
    client_addr   TEXT,
    created_at    TEXT NOT NULL,
    reviewed_by   TEXT REFERENCES users (id),
    reviewed_at   TEXT,
    review_note   TEXT
);
CREATE INDEX posting_comments_nomination ON posting_comments (nomination_id, created_at);

CREATE TABLE decisions (
    id         TEXT PRIMARY KEY NOT NULL,
    number     TEXT NOT NULL UNIQUE,
    decided_on TEXT NOT NULL,
    signer     TEXT NOT NULL,
    authority  TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);

ALTER TABLE awards ADD COLUMN decision_id TEXT REFERENCES decisions (id);
ALTER TABLE awards ADD COLUMN nomination_id TEXT REFERENCES nominations (id);
