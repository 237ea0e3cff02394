DROP TABLE council_attendance;
ALTER TABLE ballot_tallies DROP COLUMN passed;
