-- Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): one row per (caller, method,
-- path, key). Inserted before the handler runs (the primary key makes a concurrent duplicate
-- fail), completed with the response to replay, deleted when the handler failed (5xx) so the
-- client may retry, and purged once expired.
CREATE TABLE idempotency_keys (
    caller      TEXT NOT NULL,
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    idem_key    TEXT NOT NULL,
    -- SHA-256 of the query string and body: the same key with another request is refused.
    fingerprint TEXT NOT NULL,
    -- NULL while the first request is in flight.
    status      INTEGER,
    -- JSON [[name, value], …] of the headers replayed (Content-Type, Location, ETag).
    headers     TEXT,
    body        BYTEA,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, method, path, idem_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
