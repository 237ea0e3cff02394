DROP INDEX posting_comments_client;
CREATE TABLE ballots_cast_rowid (
    session_id    TEXT NOT NULL REFERENCES council_sessions (id),
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, nomination_id, user_id)
);
INSERT INTO ballots_cast_rowid SELECT session_id, nomination_id, user_id FROM ballots_cast;
DROP TABLE ballots_cast;
ALTER TABLE ballots_cast_rowid RENAME TO ballots_cast;
DROP TABLE ballot_box;
ALTER TABLE council_sessions DROP COLUMN min_ballots;
ALTER TABLE council_sessions DROP COLUMN voting_deadline;
ALTER TABLE council_sessions DROP COLUMN council_id;
DROP TABLE council_seats;
DROP TABLE councils;
