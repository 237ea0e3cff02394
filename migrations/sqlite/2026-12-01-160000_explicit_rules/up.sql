-- The annual round, first slice: the rules made explicit.
-- What going beyond a quota does (a warning the board may acknowledge, or a refusal); until now
-- it was always a warning.
ALTER TABLE award_type_versions ADD COLUMN quota_on_failure TEXT NOT NULL DEFAULT 'warning';

-- Two prerequisites were seeded wrong (issue 13), from the day the law took effect: Chiến sĩ thi
-- đua cơ sở needs Lao động tiên tiến of the SAME year (Art 23), not the year before; Chiến sĩ
-- thi đua toàn quốc needs two CONSECUTIVE AWARDS of Chiến sĩ thi đua cấp tỉnh (each on its own
-- three-year streak, Art 21), not the title in two consecutive years. Only the seeded rules are
-- corrected in place (they were never right); a version the board wrote itself is left alone.
UPDATE award_type_versions SET prerequisites = '[{"award_type_code":"LDTT","consecutive_years":1,"window":"same_year","on_failure":"refusal","legal_basis":"Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 23: đạt tiêu chuẩn Lao động tiên tiến trong năm xét tặng","unconfirmed":false}]'
WHERE prerequisites = '[{"award_type_code":"LDTT","consecutive_years":1}]'
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'CSTD_CO_SO');
UPDATE award_type_versions SET prerequisites = '[{"award_type_code":"CSTD_TINH","consecutive_awards":2,"award_span_years":3,"window":"previous_years","on_failure":"refusal","legal_basis":"Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 21: hai lần liên tục đạt danh hiệu Chiến sĩ thi đua cấp tỉnh (mỗi lần trên ba năm liên tục Chiến sĩ thi đua cơ sở); năm xét tặng sau lần thứ hai chưa xác nhận","unconfirmed":true}]'
WHERE prerequisites = '[{"award_type_code":"CSTD_TINH","consecutive_years":2}]'
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'CSTD_TOAN_QUOC');
