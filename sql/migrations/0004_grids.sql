-- 0004_grids: grids and micro-grids (网格/微网格) on the map, their restructuring
-- history, and who serves them (grid_assignment).  DESIGN §2.
--
-- A grid IS a unit row: level 'grid' under a community, or 'micro_grid' under a
-- grid.  unit.geometry holds its GeoJSON (Multi)Polygon exactly as validated by
-- src/geo/geo.c (canonical, coordinates rounded to 8 decimals);
-- centroid_lat/centroid_lon a label point inside it.  Codes: a grid is its
-- community's 12-digit code + a 3-digit serial (15 digits, GB/T 2260 county 6 +
-- street 3 + community 3 + grid 3); a micro-grid is its grid's code + a 3-digit
-- serial (18 digits).  Serials are never reused: a retired grid keeps its code.

-- Bounding box and area, kept with the geometry so overlap candidates are found
-- in SQL without reading every polygon; version for optimistic concurrency on edits.
ALTER TABLE unit ADD COLUMN bbox_min_lng DOUBLE PRECISION;
ALTER TABLE unit ADD COLUMN bbox_min_lat DOUBLE PRECISION;
ALTER TABLE unit ADD COLUMN bbox_max_lng DOUBLE PRECISION;
ALTER TABLE unit ADD COLUMN bbox_max_lat DOUBLE PRECISION;
ALTER TABLE unit ADD COLUMN area_m2 DOUBLE PRECISION;
ALTER TABLE unit ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX unit_shape ON unit (level, bbox_min_lng) WHERE geometry IS NOT NULL AND retired_at IS NULL;

-- unit_restructure: one restructuring operation (a split, a merge, a street's
-- N→M redraw, a redraw of one grid's border).  parent_id is where it happened;
-- unit_path its path, for scoped reading.
CREATE TABLE unit_restructure (
    id @ID@,
    parent_id BIGINT NOT NULL REFERENCES unit(id),
    unit_path @CTEXT@ NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('create', 'split', 'merge', 'restructure', 'redraw', 'retire')),
    retired_count INTEGER NOT NULL,
    created_count INTEGER NOT NULL,
    note TEXT,
    at BIGINT NOT NULL,
    by_account_id BIGINT REFERENCES account(id)
);
CREATE INDEX unit_restructure_path ON unit_restructure (unit_path);

-- unit_lineage: old grid → new grid, one row per pair whose areas overlap (or
-- every pair when shapes are missing).  A retired grid nobody inherits has a
-- row with new_unit_id NULL; a redraw is old = new with the shape before it.
-- Rows are never updated or deleted, and nothing that points at an old grid
-- (cases, buildings, grants, assignments) is rewritten: old grids stay
-- readable with retired_at set.
CREATE TABLE unit_lineage (
    id @ID@,
    restructure_id BIGINT NOT NULL REFERENCES unit_restructure(id),
    old_unit_id BIGINT REFERENCES unit(id),
    new_unit_id BIGINT REFERENCES unit(id),
    operation TEXT NOT NULL CHECK (operation IN ('create', 'split', 'merge', 'restructure', 'redraw', 'retire')),
    old_geometry TEXT,
    at BIGINT NOT NULL,
    by_account_id BIGINT REFERENCES account(id)
);
CREATE INDEX unit_lineage_old ON unit_lineage (old_unit_id);
CREATE INDEX unit_lineage_new ON unit_lineage (new_unit_id);

-- grid_assignment: who serves a grid or micro-grid (网格长, 网格员, 单元长, 楼栋长,
-- 户长联系人).  Grid leaders and workers are accounts; chiefs and contacts are
-- often residents without one, so a person may be given by name (and phone,
-- encrypted with a blind index like every phone number, DESIGN §6.4) instead.
-- Dates are Asia/Shanghai calendar days 'YYYY-MM-DD': starts_on is the first
-- day served, ends_on the first day NOT served (NULL: open-ended), so ending an
-- assignment today takes effect at once.  building_id (a building of 0005) and
-- entrance say which building/entrance a chief looks after.
CREATE TABLE grid_assignment (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    unit_path @CTEXT@ NOT NULL,
    duty TEXT NOT NULL CHECK (duty IN ('grid_leader', 'grid_worker', 'unit_chief', 'building_chief',
                                       'household_head_contact')),
    account_id BIGINT REFERENCES account(id),
    person_name TEXT,
    person_phone_enc TEXT,
    person_phone_bidx TEXT,
    building_id BIGINT,
    entrance TEXT,
    note TEXT,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    created_at BIGINT NOT NULL,
    created_by BIGINT REFERENCES account(id),
    ended_at BIGINT,
    ended_by BIGINT REFERENCES account(id),
    CHECK (account_id IS NOT NULL OR person_name IS NOT NULL),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX grid_assignment_unit ON grid_assignment (unit_id, duty);
CREATE INDEX grid_assignment_account ON grid_assignment (account_id);
CREATE INDEX grid_assignment_path ON grid_assignment (unit_path);
-- one open-ended assignment per (grid, duty, account), and one open-ended grid leader per grid
CREATE UNIQUE INDEX grid_assignment_open ON grid_assignment (unit_id, duty, account_id)
    WHERE ends_on IS NULL AND account_id IS NOT NULL;
CREATE UNIQUE INDEX grid_assignment_leader ON grid_assignment (unit_id)
    WHERE ends_on IS NULL AND duty = 'grid_leader';

-- Bumped in the same transaction as every change to a grid's shape or status;
-- each node's point-in-grid index compares it at most once a second and rebuilds
-- when it moved (src/geo/grid_index.h).
INSERT INTO app_setting (key, value, updated_at) VALUES ('grid_generation', '0', 0);
