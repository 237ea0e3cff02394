-- Collective titles judged from the unit's members (domain::collectives): what a version's
-- rules ask of the members (JSON, MemberRequirement), and the people's discipline records.
ALTER TABLE award_type_versions ADD COLUMN member_requirement TEXT;

CREATE TABLE person_disciplines (
    id              TEXT PRIMARY KEY NOT NULL,
    person_id       TEXT NOT NULL REFERENCES people (id),
    -- The year the discipline counts against (that of its decision, unless the board says).
    year            INTEGER NOT NULL,
    form            TEXT NOT NULL CHECK (form IN ('khien_trach', 'canh_cao', 'ha_bac_luong', 'giang_chuc', 'cach_chuc', 'buoc_thoi_viec')),
    decision_number TEXT NOT NULL,
    decided_on      DATE NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX person_disciplines_person ON person_disciplines (person_id, year);

-- The seeded rules (created by the system, not the board) of the two collective titles gain theirs.
UPDATE award_type_versions SET member_requirement = '{"title_code": "LDTT", "min_percent": "70", "strictly_more": false, "at_least_one_code": "CSTD_CO_SO", "no_discipline_from": "canh_cao", "on_failure": "refusal", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15 (Điều 27, số điều chưa xác nhận): 100% cá nhân hoàn thành nhiệm vụ (Hội đồng đánh giá), ít nhất 70% đạt «Lao động tiên tiến», có cá nhân đạt «Chiến sĩ thi đua cơ sở»; tiêu chí không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên chưa xác nhận", "unconfirmed": true}'
WHERE created_by IS NULL AND member_requirement IS NULL
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'TTLDXS');
UPDATE award_type_versions SET member_requirement = '{"title_code": "LDTT", "min_percent": "50", "strictly_more": true, "no_discipline_from": "canh_cao", "on_failure": "warning", "legal_basis": "Tiêu chí theo Luật Thi đua, khen thưởng 2003 (sửa đổi), Điều 28: trên 50% cá nhân đạt «Lao động tiên tiến», không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên; tiêu chí tương ứng của Luật 06/2022/QH15 (Điều 27) chưa xác nhận", "unconfirmed": true}'
WHERE created_by IS NULL AND member_requirement IS NULL
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'TTLDTT');
