-- Minutes of a council session (issue 14 item 2): who attended, what the absent wrote, and the
-- result of each line. The result is kept with the tally when the session closes.
ALTER TABLE ballot_tallies ADD COLUMN passed BOOLEAN;

CREATE TABLE council_attendance (
    session_id      TEXT NOT NULL REFERENCES council_sessions (id),
    user_id         TEXT NOT NULL REFERENCES users (id),
    present         BOOLEAN NOT NULL,
    -- An absent member's written opinion (ý kiến bằng văn bản), as the secretary recorded it.
    written_opinion TEXT,
    recorded_by     TEXT NOT NULL REFERENCES users (id),
    recorded_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, user_id)
);
