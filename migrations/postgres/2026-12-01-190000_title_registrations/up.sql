-- Title registrations (đăng ký danh hiệu thi đua): at the start of a year a unit registers
-- itself and its people for the titles they aim for, in one list; the board accepts it. The
-- year-end round checks its lines against it. Not a campaign's registration (registrations):
-- those carry a unit's targets for a campaign's indicators.
CREATE TABLE title_registrations (
    id          TEXT PRIMARY KEY NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES units (id),
    year        INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('submitted', 'accepted')),
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    accepted_by TEXT REFERENCES users (id),
    accepted_at TIMESTAMP,
    UNIQUE (unit_id, year)
);
CREATE INDEX title_registrations_year ON title_registrations (year, unit_id);

-- Who aims for what: a person of the unit, or the unit itself (no person) for a collective title.
CREATE TABLE title_registration_entries (
    registration_id TEXT NOT NULL REFERENCES title_registrations (id),
    position        INTEGER NOT NULL,
    award_type_id   TEXT NOT NULL REFERENCES award_types (id),
    person_id       TEXT REFERENCES people (id),
    PRIMARY KEY (registration_id, position)
);
CREATE INDEX title_registration_entries_title ON title_registration_entries (award_type_id, person_id);
