-- Webhooks: admin-managed subscriptions, one delivery row per (feed event, matching active
-- subscription) written in the journal append's transaction (the outbox), and a log of
-- every attempt to send a delivery.
CREATE TABLE webhook_subscriptions (
    id          TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    -- Comma-separated event-type filters (`campaign.launched`, `nomination.*`); empty: all.
    event_types TEXT NOT NULL,
    active      BOOLEAN NOT NULL,
    description TEXT,
    -- The signing secret, kept as issued: it must be read back to sign (docs/webhooks.md).
    secret      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    -- The journal entry sent; no foreign key needed, the journal is append-only.
    event_seq       BIGINT NOT NULL,
    -- pending, delivered, failed (gave up)
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    -- The dispatcher that claimed it and until when; an expired lease is claimable again.
    lease_owner     TEXT,
    lease_until     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    UNIQUE (subscription_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);

CREATE TABLE webhook_attempts (
    id           TEXT PRIMARY KEY,
    delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt      INTEGER NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    duration_ms  BIGINT NOT NULL,
    -- The receiver's HTTP status, or the error when there was no answer.
    status_code  INTEGER,
    error        TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
