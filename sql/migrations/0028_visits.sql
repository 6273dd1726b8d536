-- 0028_visits: the grid worker's household visits (入户走访) — docs/visits.md; domain/visits/visit.c.
-- Times are Unix ms UTC.

-- visit: one call at a house.  household_id is NULL when the worker found nobody at home and no household
-- could be named (a house's visit).  grid_id and unit_path are the house's, copied when the visit is made,
-- so the scope filters need no join (like the house's own unit_path).  findings and needs are free text
-- about people (the elderly living alone, a disabled resident's needs), kept encrypted like counselling
-- notes.  case_id: the case made from the visit's needs (转为事件), at most one.
CREATE TABLE visit (
    id @ID@,
    house_id BIGINT NOT NULL REFERENCES house (id),
    household_id BIGINT REFERENCES household (id),
    grid_id BIGINT NOT NULL REFERENCES unit (id),
    unit_path @CTEXT@ NOT NULL,
    account_id BIGINT NOT NULL REFERENCES account (id),
    visited_at BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('routine', 'special_care', 'dispute_followup', 'policy', 'safety',
                                       'epidemic', 'other')),
    met INTEGER NOT NULL CHECK (met IN (0, 1)),
    findings_enc TEXT,
    needs_enc TEXT,
    case_id BIGINT REFERENCES case_item (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX visit_path ON visit (unit_path, visited_at);
CREATE INDEX visit_household ON visit (household_id, visited_at);
CREATE INDEX visit_house ON visit (house_id, visited_at);
CREATE INDEX visit_account ON visit (account_id, id);

-- visit_resident: whom the worker met (members of the visited household when it was made).
CREATE TABLE visit_resident (
    visit_id BIGINT NOT NULL REFERENCES visit (id),
    resident_id BIGINT NOT NULL REFERENCES resident (id),
    PRIMARY KEY (visit_id, resident_id)
);
