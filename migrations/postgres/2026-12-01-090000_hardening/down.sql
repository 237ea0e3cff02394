DROP INDEX posting_comments_client;
DROP TABLE ballot_box;
ALTER TABLE council_sessions DROP COLUMN min_ballots;
ALTER TABLE council_sessions DROP COLUMN voting_deadline;
ALTER TABLE council_sessions DROP COLUMN council_id;
DROP TABLE council_seats;
DROP TABLE councils;
