-- The write path without a global lock (see docs/journal.md, "Order and concurrency").
--
-- 1. Journal positions follow transaction ids. An entry's `seq` is
--        journal_seq_base() + (its transaction's id << 16) + its index in the transaction
--    so every entry of an older transaction (by id) sorts below every entry of a newer one. A
--    reader stops below the oldest transaction still in progress in this database
--    (`journal_horizon()`): every transaction with a smaller id has finished, so nothing new can
--    ever appear below that point, and writers need no lock to keep readers from skipping one.
--    The base puts new positions above every entry written before this migration.
DO $$
BEGIN
    EXECUTE format(
        'CREATE FUNCTION journal_seq_base() RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        'SELECT ' || (SELECT COALESCE(MAX(seq), 0) + 1 FROM journal)::text || '::bigint');
END $$;

-- The first position of the current transaction's entries (gives the transaction an id if it
-- has none yet).
CREATE FUNCTION journal_tx_base() RETURNS bigint LANGUAGE sql VOLATILE AS
    'SELECT journal_seq_base() + (pg_current_xact_id()::text::bigint << 16)';

-- The feed's horizon: every entry below the position this returns is settled, once the
-- statement that called it has finished: written by a transaction that had finished, or that
-- will never write below it. Call it in a statement of its own and read the feed in a later one
-- (a fresh snapshot): see docs/journal.md for the proof. It takes the oldest transaction id
-- still held by a backend of this database (pg_stat_activity.backend_xid, widened to a full
-- xid8 relative to the snapshot), or the first unassigned id if there is none; transactions in
-- other databases of the cluster do not hold it back.
CREATE FUNCTION journal_horizon() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    WITH s AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax)
    SELECT journal_seq_base() + (LEAST(
        s.xmax,
        -- (the nearest full id to xmax with these low 32 bits)
        (SELECT MIN(CASE WHEN w.x - s.xmax > 2147483648 THEN w.x - 4294967296
                         WHEN s.xmax - w.x > 2147483648 THEN w.x + 4294967296
                         ELSE w.x END)
           FROM (SELECT (s.xmax & ~4294967295::bigint) | a.backend_xid::text::bigint AS x
                   FROM pg_stat_activity a
                  WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL) w)
    ) << 16)
    FROM s
$$;

-- The next position of the current transaction's entries: its base plus a counter kept in a
-- transaction-local setting (reset when the transaction ends, rolled back with a savepoint).
-- The column's default, so inserts name no position; no sequence is drawn from any more. A
-- transaction may append 65,536 entries; one more would collide with the next transaction id's
-- first position and fail on the primary key.
CREATE FUNCTION journal_next_position() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    i bigint := COALESCE(NULLIF(current_setting('thidua.journal_index', true), ''), '0')::bigint;
BEGIN
    PERFORM set_config('thidua.journal_index', (i + 1)::text, true);
    RETURN journal_tx_base() + i;
END $$;
ALTER TABLE journal ALTER COLUMN seq SET DEFAULT journal_next_position();
DROP SEQUENCE journal_seq_seq;

-- 2. Idempotency keys: each reservation has its own token, and the write it guards marks the
--    key committed in its own transaction (db::write), with the records it changed. A key so
--    marked is never run again nor released.
ALTER TABLE idempotency_keys ADD COLUMN token TEXT;
ALTER TABLE idempotency_keys ADD COLUMN committed_at TIMESTAMP;
-- JSON [[kind, id], …] of the records the committed request changed (its journal entries).
ALTER TABLE idempotency_keys ADD COLUMN committed_records TEXT;
