-- The write path (mirrors the PostgreSQL migration of the same name). SQLite has one writer at
-- a time, so journal positions keep their AUTOINCREMENT order and need nothing here.
--
-- Idempotency keys: each reservation has its own token, and the write it guards marks the key
-- committed in its own transaction (db::write), with the records it changed. A key so marked is
-- never run again nor released.
ALTER TABLE idempotency_keys ADD COLUMN token TEXT;
ALTER TABLE idempotency_keys ADD COLUMN committed_at TEXT;
-- JSON [[kind, id], …] of the records the committed request changed (its journal entries).
ALTER TABLE idempotency_keys ADD COLUMN committed_records TEXT;
