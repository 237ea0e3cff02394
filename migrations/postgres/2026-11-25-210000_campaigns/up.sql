-- Emulation clusters/blocks (cụm, khối thi đua) and campaigns (phong trào, đợt thi đua) with
-- their indicators (chỉ tiêu) and the units' registrations (đăng ký thi đua).
CREATE TABLE clusters (
    id              TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    year            INTEGER NOT NULL,
    leading_unit_id TEXT REFERENCES units (id),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (year, name)
);

CREATE TABLE cluster_members (
    cluster_id TEXT NOT NULL REFERENCES clusters (id),
    unit_id    TEXT NOT NULL REFERENCES units (id),
    PRIMARY KEY (cluster_id, unit_id)
);
CREATE INDEX cluster_members_unit ON cluster_members (unit_id);

CREATE TABLE campaigns (
    id                    TEXT PRIMARY KEY NOT NULL,
    title                 TEXT NOT NULL,
    title_folded          TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('thuong_xuyen', 'chuyen_de')),
    description           TEXT,
    plan_number           TEXT,
    plan_date             DATE,
    plan_signer           TEXT,
    launching_authority   TEXT NOT NULL,
    scope                 TEXT,
    start_date            DATE NOT NULL,
    end_date              DATE NOT NULL,
    registration_deadline DATE,
    interim_review_on     DATE,
    final_review_on       DATE,
    participation         TEXT NOT NULL CHECK (participation IN ('all_units', 'all_departments', 'all_communes', 'units', 'clusters')),
    status                TEXT NOT NULL CHECK (status IN ('draft', 'launched', 'closed', 'cancelled')),
    version               INTEGER NOT NULL DEFAULT 1,
    created_by            TEXT NOT NULL REFERENCES users (id),
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    CHECK (start_date <= end_date)
);
CREATE INDEX campaigns_status ON campaigns (status, start_date);

-- The units, or the clusters, taking part when participation is 'units' or 'clusters'.
CREATE TABLE campaign_units (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    unit_id     TEXT NOT NULL REFERENCES units (id),
    PRIMARY KEY (campaign_id, unit_id)
);
CREATE TABLE campaign_clusters (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    cluster_id  TEXT NOT NULL REFERENCES clusters (id),
    PRIMARY KEY (campaign_id, cluster_id)
);

-- Who moved a campaign from one status to another, when, and why.
CREATE TABLE campaign_transitions (
    id          TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    actor_id    TEXT NOT NULL REFERENCES users (id),
    reason      TEXT,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX campaign_transitions_campaign ON campaign_transitions (campaign_id, at);

-- Targets and values are exact decimals kept as canonical text (e.g. '12.5'), identical on both
-- databases; arithmetic happens in the service with decimal types, never binary floats.
CREATE TABLE indicators (
    id              TEXT PRIMARY KEY NOT NULL,
    campaign_id     TEXT NOT NULL REFERENCES campaigns (id),
    name            TEXT NOT NULL,
    unit_of_measure TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('quantity', 'percentage', 'yes_no')),
    direction       TEXT NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    province_target TEXT,
    position        INTEGER NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX indicators_campaign ON indicators (campaign_id, position);

CREATE TABLE registrations (
    id            TEXT PRIMARY KEY NOT NULL,
    campaign_id   TEXT NOT NULL REFERENCES campaigns (id),
    unit_id       TEXT NOT NULL REFERENCES units (id),
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'returned')),
    -- JSON array of the titles the unit aims for.
    aimed_titles  TEXT NOT NULL,
    note          TEXT,
    return_reason TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    submitted_at  TIMESTAMP,
    decided_by    TEXT REFERENCES users (id),
    decided_at    TIMESTAMP,
    UNIQUE (campaign_id, unit_id)
);
CREATE INDEX registrations_unit ON registrations (unit_id);

CREATE TABLE registration_targets (
    registration_id TEXT NOT NULL REFERENCES registrations (id),
    indicator_id    TEXT NOT NULL REFERENCES indicators (id),
    target          TEXT NOT NULL,
    PRIMARY KEY (registration_id, indicator_id)
);
