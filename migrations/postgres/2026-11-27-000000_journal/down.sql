DROP TABLE journal;
DROP FUNCTION journal_append_only();
