ALTER TABLE idempotency_keys DROP COLUMN committed_records;
ALTER TABLE idempotency_keys DROP COLUMN committed_at;
ALTER TABLE idempotency_keys DROP COLUMN token;
