-- Service accounts (OAuth 2.0 client credentials): machines that read the API. The secret is
-- kept only as a SHA-256 (it is 256 random bits, so a slow hash adds nothing). Rotating bumps
-- secret_generation, which every access token carries: older tokens stop working.
CREATE TABLE service_clients (
    id                TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    -- Granted scopes, sorted and space-separated (`read events:read`).
    scopes            TEXT NOT NULL,
    -- Bound to one unit: the client sees only that unit's records.
    unit_id           TEXT REFERENCES units (id),
    secret_hash       TEXT NOT NULL,
    secret_generation INTEGER NOT NULL DEFAULT 1,
    created_by        TEXT NOT NULL REFERENCES users (id),
    created_at        TIMESTAMP NOT NULL,
    secret_rotated_at TIMESTAMP NOT NULL,
    revoked_at        TIMESTAMP
);
