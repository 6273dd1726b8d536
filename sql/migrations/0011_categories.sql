-- 0011_categories: the catalogue of matters a case is about (事项分类) and their handling policies.
-- One admin-managed tree: the 12345 appeal types at the top (咨询, 求助, 投诉, 举报, 建议, 表扬), the
-- domains of grid work under them (市容环境, 街面秩序 …) and concrete leaves (暴露垃圾, 占道经营 …).
-- Each policy column may be NULL: the node then inherits its parent's effective value (domain/cases/
-- category.c works it out); a limit inherits together with its unit.  A top-level node sets every
-- required policy field, so every node has a complete effective policy.
CREATE TABLE category (
    id @ID@,
    parent_id BIGINT REFERENCES category (id),
    code TEXT NOT NULL,                  -- stable, [a-z0-9_], unique among siblings
    name TEXT NOT NULL,
    name_en TEXT,
    sort INTEGER NOT NULL DEFAULT 0,
    response_limit INTEGER,              -- 响应时限
    response_unit TEXT CHECK (response_unit IN ('working_hours', 'working_days')),
    handling_limit INTEGER,              -- 办理时限
    handling_unit TEXT CHECK (handling_unit IN ('working_hours', 'working_days')),
    first_handler TEXT CHECK (first_handler IN ('grid', 'community', 'dispatcher')),
    department_kind TEXT,                -- the kind of department that usually handles it (城管, 住建 …)
    priority TEXT CHECK (priority IN ('normal', 'urgent')),
    resident_selectable INTEGER,         -- residents may pick it when they report
    open_condition TEXT,                 -- 立案条件
    close_condition TEXT,                -- 结案条件
    retired_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX category_parent ON category (parent_id);

-- category_version: the effective policy of a category frozen when it took effect.  A case points at
-- the version it was opened under, so a later edit of a limit never moves a running case's deadline.
-- A new row is written for every node whose effective policy an edit changed (the node and the
-- descendants that inherit from it).
CREATE TABLE category_version (
    id @ID@,
    category_id BIGINT NOT NULL REFERENCES category (id),
    seq INTEGER NOT NULL,                -- 1, 2, … per category
    response_limit INTEGER NOT NULL,
    response_unit TEXT NOT NULL,
    handling_limit INTEGER NOT NULL,
    handling_unit TEXT NOT NULL,
    first_handler TEXT NOT NULL,
    department_kind TEXT,
    priority TEXT NOT NULL,
    resident_selectable INTEGER NOT NULL,
    open_condition TEXT,
    close_condition TEXT,
    created_at BIGINT NOT NULL,
    created_by BIGINT,                   -- the account whose edit made it (NULL: the catalogue's seed)
    UNIQUE (category_id, seq)
);

-- The seed, in three statements so each level can find its parent by code (unique in the seed).
-- the 12345 appeal types, each with its 12345 limits
INSERT INTO category (parent_id, code, name, name_en, sort, response_limit, response_unit, handling_limit,
                      handling_unit, first_handler, department_kind, priority, resident_selectable,
                      open_condition, close_condition, created_at, updated_at) VALUES
 (NULL, 'consultation', '咨询', 'Consultation', 10, 2, 'working_hours', 2, 'working_days', 'dispatcher', NULL,
  'normal', 1, '诉求人询问政策、办事流程等，有明确问题', '已答复诉求人并记录答复内容', 0, 0),
 (NULL, 'help', '求助', 'Request for help', 20, 2, 'working_hours', 10, 'working_days', 'community', NULL,
  'normal', 1, '诉求人遇到困难需要帮助，地点和诉求明确', '已提供帮助或说明无法帮助的原因，并回访诉求人', 0, 0),
 (NULL, 'complaint', '投诉', 'Complaint', 30, 2, 'working_hours', 15, 'working_days', 'grid', NULL,
  'normal', 1, '有明确的地点和被投诉事项，属于本辖区', '问题已处置并有处置后照片，或说明依据并回访诉求人', 0, 0),
 (NULL, 'report', '举报', 'Report of wrongdoing', 40, 2, 'working_hours', 15, 'working_days', 'dispatcher',
  NULL, 'normal', 1, '有明确的被举报对象或地点', '已核查并将核查结果告知举报人（匿名除外）', 0, 0),
 (NULL, 'suggestion', '建议', 'Suggestion', 50, 1, 'working_days', 15, 'working_days', 'dispatcher', NULL,
  'normal', 1, '建议内容明确', '已研究并答复建议人', 0, 0),
 (NULL, 'praise', '表扬', 'Praise', 60, 1, 'working_days', 5, 'working_days', 'dispatcher', NULL,
  'normal', 1, '有明确的表扬对象', '已转达被表扬单位或个人', 0, 0);
-- domains (most under 投诉: what residents and grid workers report most)
INSERT INTO category (parent_id, code, name, name_en, sort, response_limit, response_unit, handling_limit,
                      handling_unit, first_handler, department_kind, priority, resident_selectable,
                      open_condition, close_condition, created_at, updated_at) VALUES
 ((SELECT id FROM category WHERE code = 'complaint'), 'city_appearance', '市容环境', 'City appearance', 10, NULL, NULL, NULL, NULL, NULL, '城管', NULL, NULL,
  NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'complaint'), 'street_order', '街面秩序', 'Street order', 20, 1, 'working_hours', 4, 'working_hours', NULL, '城管', NULL,
  NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'complaint'), 'construction', '施工管理', 'Construction', 30, NULL, NULL, 5, 'working_days', NULL, '住建', NULL, NULL,
  NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'complaint'), 'public_facilities', '公用设施', 'Public facilities', 40, NULL, NULL, 3, 'working_days', NULL, '市政',
  NULL, NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'complaint'), 'greenery', '园林绿化', 'Parks and greenery', 50, NULL, NULL, 5, 'working_days', NULL, '园林', NULL,
  NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'complaint'), 'housing', '房屋管理', 'Housing', 60, NULL, NULL, 10, 'working_days', 'community', '住建', NULL, NULL,
  NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'help'), 'disputes', '矛盾纠纷', 'Disputes', 10, NULL, NULL, 10, 'working_days', 'community', '司法', NULL, NULL,
  '纠纷双方明确，属于本辖区', '双方达成调解协议，或已引导通过法律途径解决', 0, 0),
 ((SELECT id FROM category WHERE code = 'complaint'), 'safety_hazards', '安全隐患', 'Safety hazards', 70, 1, 'working_hours', 1, 'working_days', 'grid', '应急',
  'urgent', NULL, NULL, '隐患已消除或已落实管控措施，有现场照片', 0, 0),
 ((SELECT id FROM category WHERE code = 'help'), 'livelihood', '民生服务', 'Livelihood services', 20, NULL, NULL, NULL, NULL, NULL, '民政', NULL, NULL,
  NULL, NULL, 0, 0);
-- concrete matters
INSERT INTO category (parent_id, code, name, name_en, sort, response_limit, response_unit, handling_limit,
                      handling_unit, first_handler, department_kind, priority, resident_selectable,
                      open_condition, close_condition, created_at, updated_at) VALUES
 ((SELECT id FROM category WHERE code = 'city_appearance'), 'exposed_rubbish', '暴露垃圾', 'Exposed rubbish', 10, 1, 'working_hours', 4, 'working_hours', NULL,
  NULL, NULL, NULL, NULL, '垃圾已清运，有清运后照片', 0, 0),
 ((SELECT id FROM category WHERE code = 'city_appearance'), 'overflowing_bins', '垃圾桶满溢', 'Overflowing bins', 20, 1, 'working_hours', 4, 'working_hours',
  NULL, NULL, NULL, NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'city_appearance'), 'illegal_ads', '乱张贴小广告', 'Illegal posters', 30, NULL, NULL, 2, 'working_days', NULL, NULL, NULL,
  NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'city_appearance'), 'dirty_road', '道路不洁', 'Dirty road', 40, NULL, NULL, 1, 'working_days', NULL, '环卫', NULL, NULL,
  NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'street_order'), 'street_vending', '占道经营', 'Street vending', 10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, '占道摊点已清理，有现场照片', 0, 0),
 ((SELECT id FROM category WHERE code = 'street_order'), 'out_of_store', '店外经营', 'Trading outside the shop', 20, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'street_order'), 'illegal_parking', '乱停放非机动车', 'Badly parked bicycles', 30, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'construction'), 'materials_piled', '乱堆物料', 'Building materials piled up', 10, NULL, NULL, 2, 'working_days', NULL,
  NULL, NULL, NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'construction'), 'construction_noise', '施工扰民', 'Construction noise', 20, NULL, NULL, 3, 'working_days', NULL,
  '生态环境', NULL, NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'construction'), 'muck_spill', '渣土撒漏', 'Spilled muck', 30, NULL, NULL, 1, 'working_days', NULL, NULL, NULL, NULL,
  NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'public_facilities'), 'manhole_cover', '井盖缺损', 'Damaged manhole cover', 10, 1, 'working_hours', 1, 'working_days',
  NULL, NULL, 'urgent', NULL, NULL, '井盖已更换或已设置警示围挡', 0, 0),
 ((SELECT id FROM category WHERE code = 'public_facilities'), 'street_light', '路灯不亮', 'Street light out', 20, NULL, NULL, 3, 'working_days', NULL, NULL, NULL,
  NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'public_facilities'), 'road_damage', '道路破损', 'Damaged road', 30, NULL, NULL, 5, 'working_days', NULL, NULL, NULL, NULL,
  NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'greenery'), 'greenery_damage', '绿地损毁', 'Damaged green space', 10, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'greenery'), 'dangerous_tree', '树木倒伏', 'Fallen or leaning tree', 20, 1, 'working_hours', 1, 'working_days',
  NULL, NULL, 'urgent', NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'housing'), 'illegal_building', '违法建设', 'Unauthorised building', 10, NULL, NULL, 15, 'working_days', 'grid',
  '城管', NULL, NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'housing'), 'water_leak', '房屋漏水', 'Leaking building', 20, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'disputes'), 'neighbour_dispute', '邻里纠纷', 'Neighbour dispute', 10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'disputes'), 'family_dispute', '婚姻家庭纠纷', 'Family dispute', 20, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'disputes'), 'property_dispute', '物业纠纷', 'Property management dispute', 30, NULL, NULL, NULL, NULL, NULL, '住建',
  NULL, NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'disputes'), 'wage_arrears', '劳资纠纷', 'Unpaid wages', 40, NULL, NULL, NULL, NULL, NULL, '人社', NULL, NULL, NULL,
  NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'safety_hazards'), 'fire_lane_blocked', '消防通道堵塞', 'Blocked fire lane', 10, NULL, NULL, NULL, NULL, NULL, '消防', NULL,
  NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'safety_hazards'), 'gas_hazard', '燃气安全隐患', 'Gas hazard', 20, NULL, NULL, NULL, NULL, NULL, '燃气', NULL, NULL, NULL,
  NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'safety_hazards'), 'ebike_charging', '电动车违规充电', 'Unsafe e-bike charging', 30, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'livelihood'), 'elderly_care', '养老服务', 'Elderly care', 10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'livelihood'), 'social_assistance', '社会救助', 'Social assistance', 20, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, 0, 0),
 ((SELECT id FROM category WHERE code = 'livelihood'), 'certificates', '证明开具', 'Certificates', 30, NULL, NULL, 3, 'working_days', NULL, NULL, NULL, NULL,
  NULL, NULL, 0, 0);

-- Version 1 of every seeded category: its effective policy, each value its own or its nearest ancestor's.
INSERT INTO category_version (category_id, seq, response_limit, response_unit, handling_limit, handling_unit,
                              first_handler, department_kind, priority, resident_selectable, open_condition,
                              close_condition, created_at)
WITH RECURSIVE eff (id, response_limit, response_unit, handling_limit, handling_unit, first_handler,
                    department_kind, priority, resident_selectable, open_condition, close_condition) AS (
    SELECT id, response_limit, response_unit, handling_limit, handling_unit, first_handler, department_kind,
           priority, resident_selectable, open_condition, close_condition
    FROM category WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, COALESCE(c.response_limit, e.response_limit), COALESCE(c.response_unit, e.response_unit),
           COALESCE(c.handling_limit, e.handling_limit), COALESCE(c.handling_unit, e.handling_unit),
           COALESCE(c.first_handler, e.first_handler), COALESCE(c.department_kind, e.department_kind),
           COALESCE(c.priority, e.priority), COALESCE(c.resident_selectable, e.resident_selectable),
           COALESCE(c.open_condition, e.open_condition), COALESCE(c.close_condition, e.close_condition)
    FROM category c JOIN eff e ON c.parent_id = e.id
)
SELECT id, 1, response_limit, response_unit, handling_limit, handling_unit, first_handler, department_kind,
       priority, resident_selectable, open_condition, close_condition, 0
FROM eff;
