-- Sign-in through the provincial identity provider (OpenID Connect). An identity is the pair
-- (issuer, subject) of the provider's ID tokens; it reaches at most one account, and an account
-- has at most one identity per provider.
CREATE TABLE user_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer, subject),
    UNIQUE (user_id, issuer)
);

-- ID tokens already exchanged for a session, until they expire: each works once.
CREATE TABLE id_token_uses (
    token_hash TEXT PRIMARY KEY NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX id_token_uses_expiry ON id_token_uses (expires_at);
