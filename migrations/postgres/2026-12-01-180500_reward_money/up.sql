-- Reward money (tiền thưởng): the base salary (lương cơ sở) by effective date, the bonus each
-- award of a decision carries (coefficient × base salary on the decision date, rounded), and
-- a reward fund ledger (quỹ thi đua, khen thưởng) per unit and year.
CREATE TABLE base_salaries (
    id             TEXT PRIMARY KEY NOT NULL,
    effective_from DATE NOT NULL UNIQUE,
    amount_vnd     BIGINT NOT NULL CHECK (amount_vnd > 0),
    legal_basis    TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
-- The levels since 2019 (Nghị định 38/2019/NĐ-CP, 24/2023/NĐ-CP, 73/2024/NĐ-CP); the board adds
-- the next one when the Government sets it.
INSERT INTO base_salaries (id, effective_from, amount_vnd, legal_basis, created_at) VALUES
    ('0190c1a0-0000-7000-8000-000000000001', '2019-07-01', 1490000, 'Nghị định 38/2019/NĐ-CP, Điều 3', '2026-12-01 00:00:00'),
    ('0190c1a0-0000-7000-8000-000000000002', '2023-07-01', 1800000, 'Nghị định 24/2023/NĐ-CP, Điều 3', '2026-12-01 00:00:00'),
    ('0190c1a0-0000-7000-8000-000000000003', '2024-07-01', 2340000, 'Nghị định 73/2024/NĐ-CP, Điều 3', '2026-12-01 00:00:00');

-- What an award was given with: null for awards older than this (or whose rules carry no bonus).
ALTER TABLE awards ADD COLUMN bonus_coefficient TEXT;
ALTER TABLE awards ADD COLUMN base_salary_vnd BIGINT;
ALTER TABLE awards ADD COLUMN bonus_vnd BIGINT;

-- The unit whose reward fund pays a decision's bonuses (that of the level that decides).
ALTER TABLE decisions ADD COLUMN paying_unit_id TEXT REFERENCES units (id);

CREATE TABLE reward_fund_entries (
    id          TEXT PRIMARY KEY NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES units (id),
    year        INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('income', 'payout', 'adjustment')),
    -- Signed: income adds, a payout takes away, an adjustment either.
    amount_vnd  BIGINT NOT NULL,
    description TEXT NOT NULL,
    entry_date  DATE NOT NULL,
    decision_id TEXT REFERENCES decisions (id),
    award_id    TEXT REFERENCES awards (id),
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX reward_fund_entries_unit_year ON reward_fund_entries (unit_id, year, entry_date, id);
