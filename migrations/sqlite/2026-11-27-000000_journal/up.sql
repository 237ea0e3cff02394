-- The journal: one row per change to a record, written in the transaction that makes the
-- change. It is both the audit trail (who, when, from where, before and after) and the outbox
-- behind the change feed and webhooks (rows with a `feed` audience). Append-only.
CREATE TABLE journal (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  TEXT NOT NULL,
    action       TEXT NOT NULL,
    record_kind  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    -- The unit that owns the record, when a unit does; no foreign key: entries outlive records.
    unit_id      TEXT,
    -- Who may see the entry in the change feed: registry (everyone), unit (the unit and the
    -- province), admin; NULL keeps it out of the feed (audit only).
    feed         TEXT,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT,
    client_addr  TEXT,
    request_id   TEXT,
    before_value TEXT,
    after_value  TEXT
);
CREATE INDEX journal_record ON journal (record_kind, record_id, seq);
CREATE INDEX journal_actor ON journal (actor_id, seq);
CREATE INDEX journal_occurred ON journal (occurred_at, seq);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
