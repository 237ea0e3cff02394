-- Accounts, sessions (a login and its chain of rotated refresh tokens), login throttling,
-- and secrets the service generates once and shares between instances.
CREATE TABLE users (
    id                  TEXT PRIMARY KEY NOT NULL,
    username            TEXT NOT NULL UNIQUE,
    full_name           TEXT NOT NULL,
    email               TEXT,
    phone               TEXT,
    unit_id             TEXT REFERENCES units (id),
    roles               TEXT NOT NULL,
    active              BOOLEAN NOT NULL,
    password_hash       TEXT NOT NULL,
    -- Bumped to cut off every access token already issued (password change, role change…).
    token_version       INTEGER NOT NULL DEFAULT 1,
    version             INTEGER NOT NULL DEFAULT 1,
    password_changed_at TIMESTAMP NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id),
    client_addr    TEXT,
    created_at     TIMESTAMP NOT NULL,
    -- However often it is refreshed, a session ends by then.
    expires_at     TIMESTAMP NOT NULL,
    revoked_at     TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Only a SHA-256 of each refresh token is kept. A token is used once: rotated_at is set when
-- it is exchanged, and presenting it again revokes its whole session.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    rotated_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE login_throttle (
    throttle_key      TEXT PRIMARY KEY NOT NULL,
    failures          INTEGER NOT NULL,
    window_started_at TIMESTAMP NOT NULL
);

CREATE TABLE service_secrets (
    name       TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
