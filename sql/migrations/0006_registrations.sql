-- 0006_registrations: registrations submitted by residents through the QR code on
-- their door (扫码登记), decided by a grid worker, and the counters that rate-limit
-- the public (no login) endpoints.
--
-- unit_path records the house's grid path at submission; scope checks use the
-- house's current path (a restructured grid moves its houses, and their pending
-- registrations with them).  The ID number and the phone are stored
-- like a resident's: secretbox ciphertext + keyed blind index, never plaintext.

CREATE TABLE registration (
    id @ID@,
    house_id BIGINT NOT NULL REFERENCES house(id),
    unit_path @CTEXT@ NOT NULL,           -- the house's grid path when submitted
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    name TEXT NOT NULL,
    id_number_enc TEXT NOT NULL,
    id_number_bidx TEXT NOT NULL,
    phone_enc TEXT,
    phone_bidx TEXT,
    relation TEXT NOT NULL,               -- to the household head, as the registrant says
    note TEXT,                            -- what the registrant added
    client_ip TEXT,                       -- where the submission came from (abuse handling)
    submitted_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by BIGINT REFERENCES account(id),
    decision_note TEXT,                   -- the reason of a rejection, or a note on the approval
    resident_id BIGINT REFERENCES resident(id),   -- what an approval created or updated
    household_id BIGINT REFERENCES household(id),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX registration_status ON registration (status, id);
CREATE INDEX registration_house ON registration (house_id);
-- one pending registration per person and house: a second submission replaces the first
CREATE UNIQUE INDEX registration_pending ON registration (house_id, id_number_bidx) WHERE status = 'pending';

-- rate_limit: fixed-window request counters for the public endpoints, per client address
-- ('lookup:ADDR', 'submit:ADDR') and per house ('house:ID').
CREATE TABLE rate_limit (
    key TEXT PRIMARY KEY,
    hits INTEGER NOT NULL,
    window_start BIGINT NOT NULL
);
CREATE INDEX rate_limit_window ON rate_limit (window_start);
