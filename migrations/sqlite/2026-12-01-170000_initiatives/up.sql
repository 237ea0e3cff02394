-- Initiatives (sáng kiến): recognised by a body at a scope, by a decision, with their authors
-- and shares; a unit's record like its people. Evidence files are stored files owned by one.
CREATE TABLE initiatives (
    id              TEXT PRIMARY KEY NOT NULL,
    title           TEXT NOT NULL,
    -- The search key (no diacritics, lower case): domain::text::fold.
    title_folded    TEXT NOT NULL,
    unit_id         TEXT NOT NULL REFERENCES units (id),
    -- Lĩnh vực.
    field           TEXT NOT NULL,
    recognised_by   TEXT NOT NULL,
    scope           TEXT NOT NULL CHECK (scope IN ('co_so', 'tinh', 'toan_quoc')),
    decision_number TEXT NOT NULL,
    decision_date   TEXT NOT NULL,
    year            INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX initiatives_unit ON initiatives (unit_id, title_folded);
CREATE INDEX initiatives_title ON initiatives (title_folded, id);

CREATE TABLE initiative_authors (
    initiative_id TEXT NOT NULL REFERENCES initiatives (id),
    person_id     TEXT NOT NULL REFERENCES people (id),
    -- Percent, a canonical decimal string; an initiative's shares sum to 100.
    share_percent TEXT NOT NULL,
    -- The order the authors were given in.
    position      INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, person_id)
);
CREATE INDEX initiative_authors_person ON initiative_authors (person_id);

-- A stored file belongs to exactly one of a report, a nomination or an initiative. SQLite
-- cannot change a CHECK in place: the table is rebuilt with the same rows and ids.
CREATE TABLE stored_files_new (
    id             TEXT PRIMARY KEY NOT NULL,
    achievement_id TEXT REFERENCES achievements (id),
    nomination_id  TEXT REFERENCES nominations (id),
    -- A dossier document's kind; none for evidence.
    kind           TEXT,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    storage_key    TEXT NOT NULL UNIQUE,
    uploaded_by    TEXT NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL,
    initiative_id  TEXT REFERENCES initiatives (id),
    CHECK ((achievement_id IS NOT NULL) + (nomination_id IS NOT NULL) + (initiative_id IS NOT NULL) = 1),
    CHECK ((kind IS NULL) = (nomination_id IS NULL))
);
INSERT INTO stored_files_new
    (id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
     created_at)
SELECT id, achievement_id, nomination_id, kind, filename, content_type, size_bytes, sha256, storage_key, uploaded_by,
       created_at
FROM stored_files;
DROP TABLE stored_files;
ALTER TABLE stored_files_new RENAME TO stored_files;
CREATE INDEX stored_files_achievement ON stored_files (achievement_id);
CREATE INDEX stored_files_nomination ON stored_files (nomination_id);
CREATE INDEX stored_files_initiative ON stored_files (initiative_id);

-- What the nominee's initiatives must be (JSON, domain::initiatives::InitiativeRequirement).
ALTER TABLE award_type_versions ADD COLUMN initiative_requirement TEXT;
-- The seeded rules (created by the system, not the board) of the emulation-fighter titles gain
-- theirs; the validity windows are unconfirmed and say so.
UPDATE award_type_versions SET initiative_requirement = '{"minimum_scope":"co_so","validity_years":1,"dossier_proof_accepted":true,"on_failure":"refusal","legal_basis":"Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23: có sáng kiến được công nhận, hoặc đề tài, công trình khoa học đã được nghiệm thu (minh chứng trong hồ sơ); thời hạn hiệu lực chưa xác nhận","unconfirmed":true}'
WHERE created_by IS NULL AND initiative_requirement IS NULL
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'CSTD_CO_SO');
UPDATE award_type_versions SET initiative_requirement = '{"minimum_scope":"tinh","validity_years":3,"dossier_proof_accepted":true,"on_failure":"refusal","legal_basis":"Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 22: sáng kiến có phạm vi ảnh hưởng trong tỉnh; thời hạn hiệu lực chưa xác nhận","unconfirmed":true}'
WHERE created_by IS NULL AND initiative_requirement IS NULL
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'CSTD_TINH');
UPDATE award_type_versions SET initiative_requirement = '{"minimum_scope":"toan_quoc","validity_years":6,"dossier_proof_accepted":true,"on_failure":"refusal","legal_basis":"Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 21: sáng kiến có phạm vi ảnh hưởng toàn quốc; thời hạn hiệu lực chưa xác nhận","unconfirmed":true}'
WHERE created_by IS NULL AND initiative_requirement IS NULL
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'CSTD_TOAN_QUOC');
