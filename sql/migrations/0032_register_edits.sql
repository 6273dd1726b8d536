-- 0032_register_edits: what the dispute register and the one window still lacked (issue 11).
-- A dispute registered by mistake is revoked (撤销), never deleted: revoked_at and the reason stay on the row and
-- its timeline, and the dispute leaves the register's counts (its rollup snapshot is zero,
-- domain/mediation/dispute.c).  A one-window matter gets a tracking secret like a case's (the SHA-256 of
-- number ":" code, domain/cases/case_number.h); matters registered before have none and are not tracked publicly.
ALTER TABLE dispute ADD COLUMN revoked_at BIGINT;
ALTER TABLE dispute ADD COLUMN revoked_reason TEXT;
ALTER TABLE dispute ADD COLUMN revoked_by BIGINT REFERENCES account (id);
ALTER TABLE matter ADD COLUMN secret_hash TEXT;
