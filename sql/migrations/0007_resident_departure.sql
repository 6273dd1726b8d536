-- 0007_resident_departure: a resident who has left the area (迁出本地) or died (死亡) is
-- no longer counted in the population (实有人口) but the record stays: history, the
-- audit trail and an exact ID-number search still find it, and a return undoes it.
-- NULL departure = present.

ALTER TABLE resident ADD COLUMN departure TEXT CHECK (departure IN ('moved_away', 'deceased'));
ALTER TABLE resident ADD COLUMN departed_on TEXT;      -- YYYY-MM-DD, the day of leaving or death
ALTER TABLE resident ADD COLUMN departure_note TEXT;
