UPDATE award_type_versions SET prerequisites = '[{"award_type_code":"LDTT","consecutive_years":1}]'
WHERE prerequisites LIKE '[{"award_type_code":"LDTT","consecutive_years":1,"window":"same_year",%'
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'CSTD_CO_SO');
UPDATE award_type_versions SET prerequisites = '[{"award_type_code":"CSTD_TINH","consecutive_years":2}]'
WHERE prerequisites LIKE '[{"award_type_code":"CSTD_TINH","consecutive_awards":2,%'
  AND award_type_id IN (SELECT id FROM award_types WHERE code = 'CSTD_TOAN_QUOC');
ALTER TABLE award_type_versions DROP COLUMN quota_on_failure;
