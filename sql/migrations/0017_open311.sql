-- 0017_open311: Open311 GeoReport v2 (/open311/v2/, docs/api.md "Open311").
-- A category is offered as an Open311 service when a resident may pick it (effective resident_selectable,
-- not retired: the same set POST /public/cases accepts); open311_keywords is its "keywords" (comma list).
ALTER TABLE category ADD COLUMN open311_keywords TEXT;

-- open311_key: one client application (a third-party app, a city portal).  The key itself (43 chars
-- base64url of 256 random bits) is shown once; only its sha256 is kept.  unit_id: the subtree the client may
-- file into and read; rate_per_minute: its POSTs per minute.
CREATE TABLE open311_key (
    id @ID@,
    name TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    key_hash TEXT NOT NULL UNIQUE,        -- sha256 hex of the key
    key_prefix TEXT NOT NULL,             -- its first 6 characters, to recognise it in the list
    rate_per_minute INTEGER NOT NULL DEFAULT 60,
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_by BIGINT REFERENCES account (id),
    last_used_at BIGINT
);

-- category_attribute: the questions of a service (GeoReport "service definition").  datatype: string,
-- number, datetime, text, singlevaluelist, multivaluelist; lists have their values in
-- category_attribute_value.
CREATE TABLE category_attribute (
    id @ID@,
    category_id BIGINT NOT NULL REFERENCES category (id),
    code TEXT NOT NULL,                   -- [A-Za-z0-9_], unique per category
    datatype TEXT NOT NULL CHECK (datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist',
                                               'multivaluelist')),
    required INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL,            -- the question as the client shows it
    datatype_description TEXT,
    sort INTEGER NOT NULL DEFAULT 0,
    UNIQUE (category_id, code)
);
CREATE TABLE category_attribute_value (
    attribute_id BIGINT NOT NULL REFERENCES category_attribute (id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (attribute_id, key)
);

-- open311_request: what the Open311 channel adds to a case it made (the case itself is an ordinary
-- case_item with channel open311).  token: GET tokens/{token}; email: encrypted like the reporter's contact.
CREATE TABLE open311_request (
    case_id BIGINT PRIMARY KEY REFERENCES case_item (id),
    key_id BIGINT NOT NULL REFERENCES open311_key (id),
    token TEXT NOT NULL UNIQUE,
    media_url TEXT,
    email_enc TEXT,
    created_at BIGINT NOT NULL
);
-- case_attribute: the answers to the service's questions (one row per value; a multivaluelist has several).
CREATE TABLE case_attribute (
    case_id BIGINT NOT NULL REFERENCES case_item (id),
    code TEXT NOT NULL,
    value TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX case_attribute_case ON case_attribute (case_id, sort);
-- the public listing (GET /open311/v2/requests): newest Open311 cases first
CREATE INDEX case_item_open311 ON case_item (created_at, id) WHERE channel = 'open311';
-- what a kept listing is valid for (api/open311.c): the newest change of an Open311 case
CREATE INDEX case_item_open311_updated ON case_item (updated_at) WHERE channel = 'open311';

-- the demo catalogue's questions and keywords
UPDATE category SET open311_keywords = '垃圾,卫生,rubbish,garbage' WHERE code = 'exposed_rubbish';
UPDATE category SET open311_keywords = '摊贩,占道,vendor' WHERE code = 'street_vending';
UPDATE category SET open311_keywords = '路灯,照明,streetlight' WHERE code = 'street_light';
INSERT INTO category_attribute (category_id, code, datatype, required, description, datatype_description, sort)
VALUES
 ((SELECT MIN(id) FROM category WHERE code = 'exposed_rubbish'), 'rubbish_type', 'singlevaluelist', 1,
  '垃圾类型 (type of rubbish)', NULL, 10),
 ((SELECT MIN(id) FROM category WHERE code = 'exposed_rubbish'), 'volume_m3', 'number', 0,
  '大约体积（立方米） (approximate volume, m³)', '0 to 1000', 20),
 ((SELECT MIN(id) FROM category WHERE code = 'exposed_rubbish'), 'seen_at', 'datetime', 0,
  '发现时间 (when seen)', 'RFC 3339, e.g. 2026-12-04T08:30:00+08:00', 30),
 ((SELECT MIN(id) FROM category WHERE code = 'street_vending'), 'goods', 'multivaluelist', 0,
  '经营内容 (what is sold)', NULL, 10),
 ((SELECT MIN(id) FROM category WHERE code = 'street_vending'), 'stall_note', 'string', 0,
  '摊位特征 (what the stall looks like)', NULL, 20);
INSERT INTO category_attribute_value (attribute_id, key, name, sort) VALUES
 ((SELECT MIN(id) FROM category_attribute WHERE code = 'rubbish_type'), 'household', '生活垃圾 Household', 10),
 ((SELECT MIN(id) FROM category_attribute WHERE code = 'rubbish_type'), 'construction', '建筑垃圾 Construction', 20),
 ((SELECT MIN(id) FROM category_attribute WHERE code = 'rubbish_type'), 'bulky', '大件垃圾 Bulky', 30),
 ((SELECT MIN(id) FROM category_attribute WHERE code = 'goods'), 'food', '餐饮小吃 Food', 10),
 ((SELECT MIN(id) FROM category_attribute WHERE code = 'goods'), 'fruit', '水果蔬菜 Fruit and vegetables', 20),
 ((SELECT MIN(id) FROM category_attribute WHERE code = 'goods'), 'other', '其他 Other', 30);
