-- Eligibility looks for the same nominee's other nominations (the duplicate check, a
-- prerequisite still under review) by person, award type and year. Without this index each
-- check scans every nomination of the type and year: a round of 10,000 lines judged them in
-- quadratic time (docs/benchmarks.md, "Annual round").
CREATE INDEX nominations_nominee ON nominations (person_id, award_type_id, year);
