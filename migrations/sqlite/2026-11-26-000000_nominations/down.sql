DROP TABLE nomination_transitions;
DROP TABLE nomination_documents;
DROP TABLE nomination_achievements;
DROP TABLE nominations;
