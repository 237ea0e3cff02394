-- Documents (issue 16): the board's versions of each document template (version 1 of every
-- kind is built in and has no row), the documents generated from records, and the verified
-- signature of a decision's signed copy.
CREATE TABLE document_templates (
    id           TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    filename     TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL,
    -- The placeholders it uses, space-separated, as checked on upload.
    placeholders TEXT NOT NULL,
    note         TEXT,
    uploaded_by  TEXT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (kind, version)
);
CREATE TABLE generated_documents (
    id               TEXT PRIMARY KEY NOT NULL,
    kind             TEXT NOT NULL,
    format           TEXT NOT NULL,
    -- The nomination, unit dossier, council session, decision or award it was made from.
    source_id        TEXT NOT NULL,
    -- Whose record it is (the nomination's or dossier's unit, the level running the session or
    -- deciding); NULL: the province's.
    unit_id          TEXT REFERENCES units (id),
    template_version INTEGER NOT NULL,
    filename         TEXT NOT NULL,
    content_type     TEXT NOT NULL,
    size_bytes       BIGINT NOT NULL,
    sha256           TEXT NOT NULL,
    storage_key      TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX generated_documents_source ON generated_documents (source_id, id);
CREATE TABLE decision_signatures (
    decision_id        TEXT PRIMARY KEY NOT NULL REFERENCES decisions (id),
    signer_name        TEXT NOT NULL,
    signer_subject     TEXT NOT NULL,
    issuer_subject     TEXT NOT NULL,
    serial_number      TEXT NOT NULL,
    certificate_sha256 TEXT NOT NULL,
    signed_at          TIMESTAMP NOT NULL,
    signed_at_source   TEXT NOT NULL,
    filename           TEXT NOT NULL,
    size_bytes         BIGINT NOT NULL,
    sha256             TEXT NOT NULL,
    storage_key        TEXT NOT NULL,
    uploaded_by        TEXT NOT NULL REFERENCES users (id),
    verified_at        TIMESTAMP NOT NULL
);
-- `awaiting_signature` until a verified signed copy is uploaded, where the deployer requires
-- one (THIDUA_REQUIRE_SIGNED_DECISIONS); every decision recorded before is final.
ALTER TABLE decisions ADD COLUMN status TEXT NOT NULL DEFAULT 'final';
