DROP TABLE cluster_ballots;
DROP TABLE cluster_proposals;
ALTER TABLE award_type_versions DROP COLUMN cluster_proposal;
