-- Administrative units (province, district, commune) and provincial departments, with validity
-- periods; unit_links records which units replaced which (the 2025 mergers).
CREATE TABLE units (
    id          TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('province', 'district', 'commune', 'department')),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    unit_type   TEXT NOT NULL,
    parent_id   TEXT REFERENCES units (id),
    valid_from  DATE,
    valid_until DATE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until)
);
-- At most one open-ended unit per code and kind; the service also refuses overlapping periods.
CREATE UNIQUE INDEX units_open_code ON units (kind, code) WHERE valid_until IS NULL;
CREATE INDEX units_kind_code ON units (kind, code, id);
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE unit_links (
    predecessor_id TEXT NOT NULL REFERENCES units (id),
    successor_id   TEXT NOT NULL REFERENCES units (id),
    part           TEXT NOT NULL CHECK (part IN ('full', 'partial')),
    effective_on   DATE NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id),
    CHECK (predecessor_id <> successor_id)
);
CREATE INDEX unit_links_successor ON unit_links (successor_id);
