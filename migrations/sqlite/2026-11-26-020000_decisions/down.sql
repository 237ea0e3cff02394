ALTER TABLE awards DROP COLUMN nomination_id;
ALTER TABLE awards DROP COLUMN decision_id;
DROP TABLE decisions;
DROP TABLE posting_comments;
ALTER TABLE nominations DROP COLUMN posting_until;
