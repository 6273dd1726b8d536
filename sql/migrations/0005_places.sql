-- 0005_places: buildings, houses (with QR house codes), households and residents
-- (实有人口) with personal data encrypted (DESIGN §2, §6.4).  A place belongs to the
-- grid it stands in; scope checks use that grid's unit path (denormalised into
-- unit_path so lists filter without joins; it is rewritten only when a grid is
-- restructured and its places are reassigned).

-- building (楼栋)
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
    use_type TEXT NOT NULL DEFAULT 'residential',  -- residential | commercial | mixed | public | other
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
    house_code TEXT NOT NULL UNIQUE,  -- grid code + building code + entrance/floor/room, stable
    qr_token TEXT NOT NULL UNIQUE,    -- random, printed on the door; rotating it invalidates old codes
    entrance TEXT,
    floor INTEGER,
    room TEXT NOT NULL,
    use_type TEXT NOT NULL DEFAULT 'residence',  -- residence | rental | shop | vacant | other
    area_m2 DOUBLE PRECISION,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    retired_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX house_building ON house (building_id);
CREATE INDEX house_path ON house (unit_path);

-- household (户): lives in a house; head is a resident.
CREATE TABLE household (
    id @ID@,
    house_id BIGINT NOT NULL REFERENCES house(id),
    unit_path @CTEXT@ NOT NULL,
    head_resident_id BIGINT,
    kind TEXT NOT NULL DEFAULT 'family',   -- family | collective | rental
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    dissolved_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX household_house ON household (house_id);
CREATE INDEX household_path ON household (unit_path);

-- resident (实有人口).  id_number and phone: secretbox ciphertext + keyed blind index.
CREATE TABLE resident (
    id @ID@,
    unit_path @CTEXT@ NOT NULL,          -- path of the grid of the current house (or of the registering unit)
    household_id BIGINT REFERENCES household(id),
    house_id BIGINT REFERENCES house(id),
    relation TEXT,                        -- to the household head: head | spouse | child | parent | other ...
    name TEXT NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date TEXT NOT NULL,             -- YYYY-MM-DD
    ethnicity TEXT,
    id_number_enc TEXT,
    id_number_bidx TEXT,
    phone_enc TEXT,
    phone_bidx TEXT,
    resident_type TEXT NOT NULL DEFAULT 'registered' CHECK (resident_type IN ('registered', 'migrant', 'foreign')),
    registered_address TEXT,              -- 户籍地
    household_registration_matches INTEGER NOT NULL DEFAULT 1,  -- 1 人户一致, 0 人户分离
    party_member INTEGER NOT NULL DEFAULT 0,
    volunteer INTEGER NOT NULL DEFAULT 0,
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

-- household membership history (迁入/迁出)
CREATE TABLE household_move (
    id @ID@,
    resident_id BIGINT NOT NULL REFERENCES resident(id),
    household_id BIGINT NOT NULL REFERENCES household(id),
    moved_in_at BIGINT NOT NULL,
    moved_out_at BIGINT,
    reason TEXT
);
CREATE INDEX household_move_resident ON household_move (resident_id);

-- tag dictionary (特殊人群标签), admin-managed, and tags on residents
CREATE TABLE tag (
    id @ID@,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    sensitive INTEGER NOT NULL DEFAULT 0,  -- exact address of residents with this tag is personal data
    retired_at BIGINT,
    created_at BIGINT NOT NULL
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
