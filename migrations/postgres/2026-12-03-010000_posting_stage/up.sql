-- When the public posting happens (issue 14 item 3): before the council meets (Decree 98/2023
-- Art 46.2: at least 10 working days on the portal before the council) or, as before, after the
-- council's approval and before the decision. Rules data; only awards the council votes on
-- are concerned. Versions already stored keep the order they were judged under.
ALTER TABLE award_type_versions ADD COLUMN posting_stage TEXT NOT NULL DEFAULT 'before_decision'
    CHECK (posting_stage IN ('before_council', 'before_decision'));
