ALTER TABLE idempotency_keys DROP COLUMN committed_records;
ALTER TABLE idempotency_keys DROP COLUMN committed_at;
ALTER TABLE idempotency_keys DROP COLUMN token;

CREATE SEQUENCE journal_seq_seq OWNED BY journal.seq;
SELECT setval('journal_seq_seq', (SELECT COALESCE(MAX(seq), 0) + 1 FROM journal), false);
ALTER TABLE journal ALTER COLUMN seq SET DEFAULT nextval('journal_seq_seq');
DROP FUNCTION journal_next_position();
DROP FUNCTION journal_horizon();
DROP FUNCTION journal_tx_base();
DROP FUNCTION journal_seq_base();
