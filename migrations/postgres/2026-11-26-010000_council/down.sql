DROP TABLE ballot_tallies;
DROP TABLE ballots_cast;
DROP TABLE council_items;
DROP TABLE council_members;
DROP TABLE council_sessions;
