-- 0029_legal_attendance: whether a booked consultation's visitor came (docs/centres.md "Legal services"):
-- attendance NULL (not recorded), 'checked_in' (签到, at checked_in_at) or 'no_show' (爽约, after the slot
-- began).  A column beside status rather than new status values: status's CHECK is part of the table on
-- SQLite (changing it rebuilds the table under the partial unique index that refuses double bookings), and
-- a slot stays booked either way — a consultation record still ends a checked-in appointment ('done').
ALTER TABLE legal_appointment ADD COLUMN attendance TEXT CHECK (attendance IN ('checked_in', 'no_show'));
ALTER TABLE legal_appointment ADD COLUMN checked_in_at BIGINT;
