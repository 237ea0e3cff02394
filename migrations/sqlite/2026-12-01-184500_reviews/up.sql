-- Reviews of a campaign (sơ kết, tổng kết): date, title, narrative, the documents they rest on,
-- and the campaign's progress as of the review date, frozen as computed then.
CREATE TABLE campaign_reviews (
    id                TEXT PRIMARY KEY NOT NULL,
    campaign_id       TEXT NOT NULL REFERENCES campaigns (id),
    kind              TEXT NOT NULL CHECK (kind IN ('so_ket', 'tong_ket')),
    held_on           TEXT NOT NULL,
    title             TEXT NOT NULL,
    narrative         TEXT NOT NULL,
    -- JSON: [{title, number, date}].
    documents         TEXT NOT NULL,
    scoring_scheme_id TEXT REFERENCES scoring_schemes (id),
    -- JSON: the progress answer as of held_on, unredacted (readers get their share).
    snapshot          TEXT NOT NULL,
    created_by        TEXT NOT NULL REFERENCES users (id),
    created_at        TEXT NOT NULL
);
CREATE INDEX campaign_reviews_campaign ON campaign_reviews (campaign_id, held_on);
