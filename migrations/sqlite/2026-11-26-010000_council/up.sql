-- Council sessions and secret ballots. Who voted and what was voted are kept apart: ballots_cast
-- records only that a member voted on a nomination; ballot_tallies only the counts. No row
-- anywhere links a member to a choice.
CREATE TABLE council_sessions (
    id         TEXT PRIMARY KEY NOT NULL,
    title      TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    closed_by  TEXT REFERENCES users (id),
    closed_at  TEXT
);

CREATE TABLE council_members (
    session_id TEXT NOT NULL REFERENCES council_sessions (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, user_id)
);

CREATE TABLE council_items (
    session_id    TEXT NOT NULL REFERENCES council_sessions (id),
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    PRIMARY KEY (session_id, nomination_id)
);
CREATE INDEX council_items_nomination ON council_items (nomination_id);

CREATE TABLE ballots_cast (
    session_id    TEXT NOT NULL REFERENCES council_sessions (id),
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, nomination_id, user_id)
);

CREATE TABLE ballot_tallies (
    session_id    TEXT NOT NULL REFERENCES council_sessions (id),
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    yes_count     INTEGER NOT NULL,
    no_count      INTEGER NOT NULL,
    PRIMARY KEY (session_id, nomination_id)
);
