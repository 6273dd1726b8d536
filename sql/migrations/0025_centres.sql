-- 0025_centres: the governance centres' one window (一窗受理), petitions (信访), legal services (法治超市),
-- counselling referrals and grid screening reports (矛盾纠纷排查) — docs/centres.md; domain/centres/*.
-- Times are Unix ms UTC; dates are 'YYYY-MM-DD' in Asia/Shanghai.

-- centre: the governance centre (综治中心) of a community, street or county unit, one per unit; areas is the
-- comma list of its functional areas' codes (command, petition, legal, mediation, grid, counselling).
CREATE TABLE centre (
    id @ID@,
    unit_id BIGINT NOT NULL UNIQUE REFERENCES unit (id),
    name TEXT NOT NULL,
    areas TEXT NOT NULL DEFAULT '',
    address TEXT,
    phone TEXT,
    created_at BIGINT NOT NULL
);

-- centre_counter: the last serial of a number prefix (YC matters, XF petitions) on a local day.
CREATE TABLE centre_counter (
    prefix TEXT NOT NULL,
    day TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (prefix, day)
);

-- matter: one visitor's matter registered once at a centre's window and routed.  The visitor's contact is
-- encrypted like a resident's (name_enc, phone_enc; phone_bidx the blind index).  target_type/target_id: what
-- it was routed to (dispute, case, petition, appointment, referral; NULL for legal aid or not yet routed).
CREATE TABLE matter (
    id @ID@,
    number TEXT NOT NULL UNIQUE,
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    visitor_name_enc TEXT,
    visitor_phone_enc TEXT,
    visitor_phone_bidx TEXT,
    summary TEXT NOT NULL,
    route TEXT NOT NULL CHECK (route IN ('mediation', 'legal_aid', 'consultation', 'petition', 'counselling', 'case')),
    status TEXT NOT NULL CHECK (status IN ('routed', 'closed')),
    target_type TEXT,
    target_id BIGINT,
    target_number TEXT,
    due_at BIGINT,
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX matter_unit ON matter (unit_id, id);

-- matter_event: a matter's timeline (registered, routed, escalated, referred, closed); detail a JSON object.
CREATE TABLE matter_event (
    id @ID@,
    matter_id BIGINT NOT NULL REFERENCES matter (id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    account_id BIGINT REFERENCES account (id),
    at BIGINT NOT NULL
);
CREATE INDEX matter_event_matter ON matter_event (matter_id, id);

-- petition: a letter, visit or online petition (信访) with its statutory limits as dates (docs/centres.md):
-- accept_due (15 days from receipt), handle_due (60 days from acceptance, +30 once when extended), review_due.
-- The petitioner's identity is encrypted; id_bidx/phone_bidx/name_bidx are blind indexes for duplicates and
-- the petition role's search.  duplicate_of: the first petition of the same person that is still open.
CREATE TABLE petition (
    id @ID@,
    number TEXT NOT NULL UNIQUE,
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    kind TEXT NOT NULL CHECK (kind IN ('letter', 'visit', 'online')),
    name_enc TEXT NOT NULL,
    name_bidx TEXT NOT NULL,
    id_number_enc TEXT,
    id_bidx TEXT,
    phone_enc TEXT,
    phone_bidx TEXT,
    subject TEXT NOT NULL,
    content TEXT NOT NULL,
    received_on TEXT NOT NULL,
    accept_due TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('registered', 'accepted', 'not_accepted', 'replied', 'review', 'closed')),
    decided_on TEXT,
    decision_note TEXT,
    handle_due TEXT,
    extended INTEGER NOT NULL DEFAULT 0,
    extension_reason TEXT,
    reply_text TEXT,
    reply_on TEXT,
    reply_attachment_id BIGINT,
    review_requested_on TEXT,
    review_due TEXT,
    review_result TEXT,
    duplicate_of BIGINT REFERENCES petition (id),
    matter_id BIGINT REFERENCES matter (id),
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX petition_unit ON petition (unit_id, id);
CREATE INDEX petition_id_bidx ON petition (id_bidx) WHERE id_bidx IS NOT NULL;
CREATE INDEX petition_phone_bidx ON petition (phone_bidx) WHERE phone_bidx IS NOT NULL;
CREATE INDEX petition_name_bidx ON petition (name_bidx);

CREATE TABLE petition_event (
    id @ID@,
    petition_id BIGINT NOT NULL REFERENCES petition (id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    account_id BIGINT REFERENCES account (id),
    at BIGINT NOT NULL
);
CREATE INDEX petition_event_petition ON petition_event (petition_id, id);

-- legal services (法治超市): counters of a centre's unit, the professionals on duty at them, their published
-- slots (capacity 1), appointments, the walk-in queue and consultation records.
CREATE TABLE legal_counter (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE legal_professional (
    id @ID@,
    counter_id BIGINT NOT NULL REFERENCES legal_counter (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('lawyer', 'notary', 'judge', 'legal_adviser')),
    org TEXT,
    account_id BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL
);
CREATE TABLE legal_slot (
    id @ID@,
    professional_id BIGINT NOT NULL REFERENCES legal_professional (id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE UNIQUE INDEX legal_slot_start ON legal_slot (professional_id, starts_at);
CREATE INDEX legal_slot_time ON legal_slot (starts_at);
-- appointment: a resident's own (account_id) or a desk booking for a walk-in (visitor_name).
CREATE TABLE legal_appointment (
    id @ID@,
    slot_id BIGINT NOT NULL REFERENCES legal_slot (id),
    account_id BIGINT REFERENCES account (id),
    visitor_name TEXT,
    topic TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'done')),
    matter_id BIGINT REFERENCES matter (id),
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL,
    cancelled_at BIGINT
);
-- a slot holds one booking: the database refuses a second while the first stands (both databases)
CREATE UNIQUE INDEX legal_appointment_booked ON legal_appointment (slot_id) WHERE status = 'booked';
CREATE INDEX legal_appointment_account ON legal_appointment (account_id, id) WHERE account_id IS NOT NULL;
-- the walk-in queue: a number per counter per day, called in order.
CREATE TABLE legal_ticket (
    id @ID@,
    counter_id BIGINT NOT NULL REFERENCES legal_counter (id),
    day TEXT NOT NULL,
    seq INTEGER NOT NULL,
    name TEXT,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'done', 'skipped')),
    created_at BIGINT NOT NULL,
    called_at BIGINT,
    UNIQUE (counter_id, day, seq)
);
CREATE TABLE legal_consultation (
    id @ID@,
    counter_id BIGINT NOT NULL REFERENCES legal_counter (id),
    professional_id BIGINT REFERENCES legal_professional (id),
    appointment_id BIGINT REFERENCES legal_appointment (id),
    ticket_id BIGINT REFERENCES legal_ticket (id),
    matter_id BIGINT REFERENCES matter (id),
    question TEXT NOT NULL,
    advice TEXT NOT NULL,
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL
);

-- counselling_referral: a referral to psychological counselling from a matter or a consultation.  reason_enc
-- and notes_enc (encrypted) are read by the counsellor role only; everyone else sees that it exists and its
-- status.
CREATE TABLE counselling_referral (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    matter_id BIGINT REFERENCES matter (id),
    consultation_id BIGINT REFERENCES legal_consultation (id),
    reason_enc TEXT,
    notes_enc TEXT,
    status TEXT NOT NULL CHECK (status IN ('referred', 'in_progress', 'closed')),
    counsellor_id BIGINT REFERENCES account (id),
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX counselling_referral_unit ON counselling_referral (unit_id, id);

-- screening_report: a grid's dispute screening (矛盾纠纷排查) of a period ('YYYY-MM'): found disputes (items: a
-- JSON array of {title, summary, dispute_id}) or an explicit zero report (零报告).  One per grid and period.
CREATE TABLE screening_report (
    id @ID@,
    grid_id BIGINT NOT NULL REFERENCES unit (id),
    period TEXT NOT NULL,
    found INTEGER NOT NULL,
    items TEXT NOT NULL DEFAULT '[]',
    reported_by BIGINT REFERENCES account (id),
    reported_at BIGINT NOT NULL,
    UNIQUE (grid_id, period)
);
