-- 0024_mediation: the dispute register (矛盾纠纷, GB/T 31000 data items), the roster of mediators and their
-- committees, mediation work (assignments, sessions, the 人民调解协议书, performance follow-ups, judicial
-- confirmation), the timeline, and the measures rollup (docs/mediation.md).
-- Times are Unix ms UTC; days are local 'YYYY-MM-DD' (Asia/Shanghai); paths are materialised unit paths.

-- dispute_counter: the last serial given out on a local day (numbers TJ + YYYYMMDD + 6 digits).
CREATE TABLE dispute_counter (
    day TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- mediation_committee: 人民调解委员会 of a community/street/county, or an industry/professional committee.
CREATE TABLE mediation_committee (
    id @ID@,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('people', 'industry')),
    speciality TEXT,                      -- industry committees: property, marriage_family, labour, medical …
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    unit_path @CTEXT@ NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX mediation_committee_unit ON mediation_committee (unit_path, id);

-- mediator: a roster entry; optionally an account (the mediator role) and a resident record (household:
-- the conflict-of-interest check).
CREATE TABLE mediator (
    id @ID@,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('people_mediator', 'lawyer', 'legal_adviser', 'retired_judge',
                                       'veteran_party_member', 'other')),
    specialities TEXT NOT NULL DEFAULT '',   -- comma-separated dispute types
    phone_enc TEXT,
    account_id BIGINT REFERENCES account (id),
    resident_id BIGINT REFERENCES resident (id),
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    unit_path @CTEXT@ NOT NULL,
    retired_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX mediator_unit ON mediator (unit_path, id);
CREATE INDEX mediator_account ON mediator (account_id);

CREATE TABLE mediator_committee (
    mediator_id BIGINT NOT NULL REFERENCES mediator (id),
    committee_id BIGINT NOT NULL REFERENCES mediation_committee (id),
    PRIMARY KEY (mediator_id, committee_id)
);

CREATE TABLE dispute (
    id @ID@,
    number TEXT NOT NULL UNIQUE,          -- TJ20261204000017
    title TEXT NOT NULL,
    type TEXT NOT NULL,
    scale TEXT NOT NULL DEFAULT 'small' CHECK (scale IN ('small', 'medium', 'large', 'major')),
    people_count INTEGER NOT NULL DEFAULT 0,
    summary TEXT NOT NULL,
    units_involved TEXT,
    occurred_on TEXT,
    place TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    grid_id BIGINT REFERENCES unit (id),
    unit_id BIGINT NOT NULL REFERENCES unit (id),   -- the handling level (community, street, county)
    unit_path @CTEXT@ NOT NULL,
    origin_unit_path @CTEXT@ NOT NULL,              -- where it was first handled: keeps read after escalation
    committee_id BIGINT REFERENCES mediation_committee (id),
    risk_level TEXT NOT NULL DEFAULT 'low' CHECK (risk_level IN ('low', 'medium', 'high')),
    source TEXT NOT NULL,
    referral_from TEXT,
    case_id BIGINT REFERENCES case_item (id),
    matter_id BIGINT,
    method TEXT NOT NULL DEFAULT 'mediation',
    responsible_org TEXT,
    lead_mediator_id BIGINT REFERENCES mediator (id),
    state TEXT NOT NULL DEFAULT 'registered' CHECK (state IN ('registered', 'mediating', 'closed')),
    outcome TEXT CHECK (outcome IN ('success', 'failure', 'litigation', 'withdrawn')),
    outcome_text TEXT,
    evaluation TEXT,
    outcome_at BIGINT,
    due_at BIGINT NOT NULL,
    day TEXT NOT NULL,                    -- registration day (local): the measures' period key
    judicial_requested INTEGER NOT NULL DEFAULT 0,
    judicial_on TEXT,
    judicial_outcome TEXT CHECK (judicial_outcome IN ('confirmed', 'rejected')),
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dispute_unit ON dispute (unit_path, id);
CREATE INDEX dispute_origin ON dispute (origin_unit_path, id);
CREATE INDEX dispute_day ON dispute (unit_path, day);
CREATE INDEX dispute_case ON dispute (case_id);
CREATE INDEX dispute_lead ON dispute (lead_mediator_id, state);

-- dispute_party: a person (linked to a resident when known; ID number and phone encrypted + blind index) or an
-- organisation.
CREATE TABLE dispute_party (
    id @ID@,
    dispute_id BIGINT NOT NULL REFERENCES dispute (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
    role TEXT NOT NULL DEFAULT 'party' CHECK (role IN ('applicant', 'respondent', 'party')),
    name TEXT NOT NULL,
    id_number_enc TEXT,
    id_number_bidx TEXT,
    phone_enc TEXT,
    address TEXT,
    resident_id BIGINT REFERENCES resident (id),
    org_code TEXT
);
CREATE INDEX dispute_party_dispute ON dispute_party (dispute_id, seq);
CREATE INDEX dispute_party_bidx ON dispute_party (id_number_bidx);

CREATE TABLE dispute_mediator (
    dispute_id BIGINT NOT NULL REFERENCES dispute (id),
    mediator_id BIGINT NOT NULL REFERENCES mediator (id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'assist')),
    coi_warning TEXT,                     -- the conflict-of-interest warning given at assignment, if any
    assigned_at BIGINT NOT NULL,
    PRIMARY KEY (dispute_id, mediator_id)
);
CREATE INDEX dispute_mediator_mediator ON dispute_mediator (mediator_id);

CREATE TABLE dispute_session (
    id @ID@,
    dispute_id BIGINT NOT NULL REFERENCES dispute (id),
    at BIGINT NOT NULL,                   -- scheduled (or held) instant
    place TEXT,
    attendance TEXT,
    minutes TEXT,
    held INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX dispute_session_dispute ON dispute_session (dispute_id, at);
CREATE INDEX dispute_session_at ON dispute_session (at);

-- dispute_agreement: the 人民调解协议书 (one per dispute); terms a JSON array of strings.
CREATE TABLE dispute_agreement (
    dispute_id BIGINT PRIMARY KEY REFERENCES dispute (id),
    number TEXT NOT NULL,
    facts TEXT NOT NULL,
    terms TEXT NOT NULL,
    performance TEXT,
    performance_due TEXT,
    copies INTEGER NOT NULL DEFAULT 3,
    signed_on TEXT NOT NULL,
    party_signatures TEXT NOT NULL DEFAULT '[]', -- JSON array of names who signed
    mediator_signature TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE dispute_followup (
    id @ID@,
    dispute_id BIGINT NOT NULL REFERENCES dispute (id),
    due_on TEXT NOT NULL,
    result TEXT CHECK (result IN ('performed', 'partial', 'not_performed')),
    note TEXT,
    done_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX dispute_followup_dispute ON dispute_followup (dispute_id, due_on);
CREATE INDEX dispute_followup_due ON dispute_followup (due_on) WHERE result IS NULL;

CREATE TABLE dispute_event (
    id @ID@,
    dispute_id BIGINT NOT NULL REFERENCES dispute (id),
    at BIGINT NOT NULL,
    account_id BIGINT,
    actor_name TEXT,
    action TEXT NOT NULL,
    unit_id BIGINT,
    note TEXT,
    detail TEXT
);
CREATE INDEX dispute_event_dispute ON dispute_event (dispute_id, id);

-- mediation_rollup: counts per (unit, registration day, type) for the unit and every ancestor of the
-- dispute's handling unit, kept in the same transaction as every dispute write (the measures never scan).
CREATE TABLE mediation_rollup (
    unit_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    type TEXT NOT NULL,
    registered BIGINT NOT NULL DEFAULT 0,
    mediated BIGINT NOT NULL DEFAULT 0,
    success BIGINT NOT NULL DEFAULT 0,
    failure BIGINT NOT NULL DEFAULT 0,
    litigation BIGINT NOT NULL DEFAULT 0,
    withdrawn BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0,
    on_time BIGINT NOT NULL DEFAULT 0,
    agreements BIGINT NOT NULL DEFAULT 0,
    performed BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day, type)
);
