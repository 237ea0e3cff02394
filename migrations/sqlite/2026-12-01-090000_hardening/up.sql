-- Standing councils and ballots that stay secret (docs/awards.md, "Ballot secrecy").
--
-- A council belongs to a unit (the province's council, a department's, a commune's) for a term,
-- with its seats; a session takes its members from the council in force when it opens.
CREATE TABLE councils (
    id             TEXT PRIMARY KEY NOT NULL,
    unit_id        TEXT NOT NULL REFERENCES units (id),
    name           TEXT NOT NULL,
    -- The decision that constituted it (e.g. "45/QĐ-UBND"), as written.
    established_by TEXT,
    term_start     TEXT NOT NULL,
    term_end       TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL,
    CHECK (term_start <= term_end)
);
CREATE INDEX councils_unit ON councils (unit_id, term_start);

CREATE TABLE council_seats (
    council_id TEXT NOT NULL REFERENCES councils (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL CHECK (role IN ('chair', 'vice_chair', 'member')),
    PRIMARY KEY (council_id, user_id)
);

ALTER TABLE council_sessions ADD COLUMN council_id TEXT REFERENCES councils (id);
-- Voting ends at this time; the session closes before it only once every member has voted.
ALTER TABLE council_sessions ADD COLUMN voting_deadline TEXT;
-- Tallies of fewer ballots are withheld.
ALTER TABLE council_sessions ADD COLUMN min_ballots INTEGER NOT NULL DEFAULT 3;
-- Sessions open before this migration get a week from now.
UPDATE council_sessions SET voting_deadline = strftime('%Y-%m-%d %H:%M:%f', 'now', '+7 days') WHERE status = 'open';

-- The choices, until the session closes: no member, no time, and a random key, in a table
-- without rowid, so that neither key order nor row order follows the order of casting. At close
-- they are counted into ballot_tallies and deleted (secure_delete, then a WAL checkpoint).
CREATE TABLE ballot_box (
    id            TEXT PRIMARY KEY NOT NULL,
    session_id    TEXT NOT NULL REFERENCES council_sessions (id),
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    approve       BOOLEAN NOT NULL
) WITHOUT ROWID;
CREATE INDEX ballot_box_item ON ballot_box (session_id, nomination_id);

-- Who has voted, ordered by member rather than by rowid (the order of casting).
CREATE TABLE ballots_cast_by_member (
    session_id    TEXT NOT NULL REFERENCES council_sessions (id),
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, nomination_id, user_id)
) WITHOUT ROWID;
INSERT INTO ballots_cast_by_member (session_id, nomination_id, user_id) SELECT session_id, nomination_id, user_id FROM ballots_cast;
DROP TABLE ballots_cast;
ALTER TABLE ballots_cast_by_member RENAME TO ballots_cast;

-- Quotas on the public's comments count by address and by posting.
CREATE INDEX posting_comments_client ON posting_comments (client_addr, created_at);
