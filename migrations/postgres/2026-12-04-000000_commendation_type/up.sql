-- The type of commendation (loại hình khen thưởng, Law on Emulation and Commendation 2022,
-- Art 8) of a nomination and of the award it became: what the national statistics forms
-- (Biểu 0602/0603.N/BNV-TĐKT, rows "chia theo phương thức khen thưởng") count. NULL: not
-- recorded (awards and nominations from before this column, unless derived below).
ALTER TABLE nominations ADD COLUMN commendation_type TEXT CHECK (commendation_type IN
    ('regular', 'thematic', 'ad_hoc', 'foreign', 'lifetime', 'length_of_service', 'resistance'));
ALTER TABLE awards ADD COLUMN commendation_type TEXT CHECK (commendation_type IN
    ('regular', 'thematic', 'ad_hoc', 'foreign', 'lifetime', 'length_of_service', 'resistance'));
-- What the records already say: a line of an annual round is a regular commendation; a
-- nomination under a campaign is regular or thematic as the campaign is.
UPDATE nominations SET commendation_type = 'regular'
    WHERE id IN (SELECT nomination_id FROM dossier_lines);
UPDATE nominations SET commendation_type = (
        SELECT CASE campaigns.kind WHEN 'chuyen_de' THEN 'thematic' ELSE 'regular' END
        FROM campaigns WHERE campaigns.id = nominations.campaign_id)
    WHERE commendation_type IS NULL AND campaign_id IS NOT NULL;
UPDATE awards SET commendation_type = (
        SELECT nominations.commendation_type FROM nominations WHERE nominations.id = awards.nomination_id)
    WHERE nomination_id IS NOT NULL;
