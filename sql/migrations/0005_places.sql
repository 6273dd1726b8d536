-- 0005_places: buildings, houses (with QR house codes), households and residents
-- (实有人口) with personal data encrypted (DESIGN §2, §6.4).  A place belongs to the
-- grid it stands in; scope checks use that grid's unit path (denormalised into
-- unit_path so lists filter without joins; it is rewritten only when a grid is
-- restructured and its places are reassigned).

-- building (楼栋): in a grid or micro-grid.
CREATE TABLE building (
    id @ID@,
    grid_id BIGINT NOT NULL REFERENCES unit(id),
    unit_path @CTEXT@ NOT NULL,
    code TEXT NOT NULL,              -- stable building code within the grid, e.g. "B012"
    name TEXT NOT NULL,              -- "下陆小区 12栋"
    address TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    floors INTEGER,
    use_type TEXT NOT NULL DEFAULT 'residential'
        CHECK (use_type IN ('residential', 'commercial', 'mixed', 'public', 'other')),
    house_seq INTEGER NOT NULL DEFAULT 0,  -- last serial given to a house of this building (house codes)
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    retired_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (grid_id, code)
);
CREATE INDEX building_path ON building (unit_path);

-- house (房屋/户室): entrance (单元), floor, room; a stable house code and a random QR token.
CREATE TABLE house (
    id @ID@,
    building_id BIGINT NOT NULL REFERENCES building(id),
    unit_path @CTEXT@ NOT NULL,
    house_code TEXT NOT NULL UNIQUE,  -- grid code + building code + serial in the building; never changes
    qr_token TEXT NOT NULL UNIQUE,    -- random, printed on the door; rotating it invalidates old codes
    entrance TEXT,
    floor INTEGER,
    room TEXT NOT NULL,
    use_type TEXT NOT NULL DEFAULT 'residence'
        CHECK (use_type IN ('residence', 'rental', 'shop', 'vacant', 'other')),
    area_m2 DOUBLE PRECISION,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    retired_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX house_building ON house (building_id);
CREATE INDEX house_path ON house (unit_path);
-- one live house per (building, entrance, room); entrance may be absent, hence the COALESCE
CREATE UNIQUE INDEX house_room ON house (building_id, COALESCE(entrance, ''), room) WHERE retired_at IS NULL;

-- household (户): lives in a house; head is a resident who is a member.
CREATE TABLE household (
    id @ID@,
    house_id BIGINT NOT NULL REFERENCES house(id),
    unit_path @CTEXT@ NOT NULL,
    head_resident_id BIGINT,
    kind TEXT NOT NULL DEFAULT 'family' CHECK (kind IN ('family', 'collective', 'rental')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    dissolved_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX household_house ON household (house_id);
CREATE INDEX household_path ON household (unit_path);

-- resident (实有人口), fields after GB/T 31000-2015 where they apply.
-- id_number and phone: secretbox ciphertext + keyed blind index (exact search, uniqueness).
CREATE TABLE resident (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES unit(id),  -- the grid of the current house, or the registering unit
    unit_path @CTEXT@ NOT NULL,                   -- that unit's path
    household_id BIGINT REFERENCES household(id),
    house_id BIGINT REFERENCES house(id),
    relation TEXT,                        -- to the household head: head | spouse | child | parent | other ...
    name TEXT NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date TEXT NOT NULL,             -- YYYY-MM-DD
    ethnicity TEXT,                       -- 民族 (GB/T 3304 name)
    nationality TEXT,                     -- ISO 3166-1 alpha-3, CHN for citizens
    id_type TEXT NOT NULL DEFAULT 'resident_id' CHECK (id_type IN ('resident_id', 'passport', 'other')),
    id_number_enc TEXT,
    id_number_bidx TEXT,
    phone_enc TEXT,
    phone_bidx TEXT,
    resident_type TEXT NOT NULL DEFAULT 'registered' CHECK (resident_type IN ('registered', 'migrant', 'foreign')),
    registered_address TEXT,              -- 户籍地
    current_address TEXT,                 -- 现住址, when it is not (yet) a house in the system
    household_registration_matches INTEGER NOT NULL DEFAULT 1,  -- 1 人户一致, 0 人户分离
    party_member INTEGER NOT NULL DEFAULT 0,
    volunteer INTEGER NOT NULL DEFAULT 0,
    education TEXT,
    marital_status TEXT,
    occupation TEXT,
    employer TEXT,
    moved_in_at BIGINT,
    moved_out_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX resident_id_number ON resident (id_number_bidx);
CREATE INDEX resident_phone ON resident (phone_bidx);
CREATE INDEX resident_path ON resident (unit_path);
CREATE INDEX resident_household ON resident (household_id);
CREATE INDEX resident_house ON resident (house_id);

-- household membership history (迁入/迁出); the open row (moved_out_at NULL) is the current membership
CREATE TABLE household_move (
    id @ID@,
    resident_id BIGINT NOT NULL REFERENCES resident(id),
    household_id BIGINT NOT NULL REFERENCES household(id),
    relation TEXT,
    moved_in_at BIGINT NOT NULL,
    moved_out_at BIGINT,
    in_reason TEXT,
    out_reason TEXT
);
CREATE INDEX household_move_resident ON household_move (resident_id);
CREATE INDEX household_move_household ON household_move (household_id, id);
-- a person is a member of one household at a time (DESIGN §6.8: a constraint, not a check)
CREATE UNIQUE INDEX household_move_open ON household_move (resident_id) WHERE moved_out_at IS NULL;

-- tag dictionary (特殊人群标签), admin-managed, and tags on residents
CREATE TABLE tag (
    id @ID@,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    sensitive INTEGER NOT NULL DEFAULT 0,  -- exact address of residents with this tag is personal data
    retired_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO tag (code, name, name_en, sensitive, created_at) VALUES
    ('elderly_alone', '独居老人', 'Elderly living alone', 1, 0),
    ('left_behind_elderly', '留守老人', 'Left-behind elderly', 1, 0),
    ('left_behind_child', '留守儿童', 'Left-behind child', 1, 0),
    ('disabled', '残疾人', 'Person with disability', 1, 0),
    ('subsistence', '低保', 'Subsistence allowance', 1, 0),
    ('veteran', '退役军人', 'Veteran', 0, 0),
    ('minor', '未成年人', 'Minor', 0, 0),
    ('key_person', '重点人员', 'Key person', 1, 0);

CREATE TABLE resident_tag (
    resident_id BIGINT NOT NULL REFERENCES resident(id),
    tag_id BIGINT NOT NULL REFERENCES tag(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (resident_id, tag_id)
);
CREATE INDEX resident_tag_tag ON resident_tag (tag_id);
