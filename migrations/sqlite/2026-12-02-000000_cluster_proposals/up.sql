-- The cluster's proposal for Cờ thi đua (issue 15): the members of an emulation cluster vote for,
-- or score, each other, and the board closes the count; a flag nominated for a unit the cluster
-- did not propose is flagged. How the members choose is rules data of the flag's award type.
ALTER TABLE award_type_versions ADD COLUMN cluster_proposal TEXT;

CREATE TABLE cluster_proposals (
    id               TEXT PRIMARY KEY NOT NULL,
    cluster_id       TEXT NOT NULL REFERENCES clusters (id),
    award_type_id    TEXT NOT NULL REFERENCES award_types (id),
    method           TEXT NOT NULL CHECK (method IN ('vote', 'mutual_scoring')),
    status           TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    -- Once closed: the unit proposed, the ranking (JSON, domain::cluster_votes::RankedMember) and, on a tie
    -- the board broke, its reason.
    proposed_unit_id TEXT REFERENCES units (id),
    ranking          TEXT,
    tie_break_reason TEXT,
    opened_by        TEXT NOT NULL REFERENCES users (id),
    opened_at        TIMESTAMP NOT NULL,
    closed_by        TEXT REFERENCES users (id),
    closed_at        TIMESTAMP,
    version          INTEGER NOT NULL,
    UNIQUE (cluster_id, award_type_id)
);

-- One ballot per member unit (cast again, it replaces the last while the count is open). What
-- it says is read only by the count: no endpoint shows a unit's ballot.
CREATE TABLE cluster_ballots (
    proposal_id    TEXT NOT NULL REFERENCES cluster_proposals (id),
    voter_unit_id  TEXT NOT NULL REFERENCES units (id),
    choice         TEXT NOT NULL,
    cast_by        TEXT NOT NULL REFERENCES users (id),
    cast_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (proposal_id, voter_unit_id)
);

-- The seeded rules (created by the system, not the board) of the two flags: the members vote.
UPDATE award_type_versions SET cluster_proposal = '{"method": "vote", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 26 (Cờ thi đua cấp tỉnh: tập thể dẫn đầu phong trào thi đua của cụm, khối thi đua do tỉnh tổ chức); cách bình chọn trong cụm (bỏ phiếu hay chấm điểm chéo) theo hướng dẫn của tỉnh, chưa xác nhận", "unconfirmed": true}'
WHERE created_by IS NULL AND cluster_proposal IS NULL
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'CO_THI_DUA_TINH');
UPDATE award_type_versions SET cluster_proposal = '{"method": "vote", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 25 (Cờ thi đua của Chính phủ: tập thể dẫn đầu phong trào thi đua của cụm, khối thi đua); cách bình chọn trong cụm theo hướng dẫn của tỉnh, chưa xác nhận", "unconfirmed": true}'
WHERE created_by IS NULL AND cluster_proposal IS NULL
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'CO_THI_DUA_CP');
