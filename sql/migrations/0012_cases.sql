-- 0012_cases: the case loop (事件/诉求/工单, docs/cases.md).  One row per case in case_item ("case" is an SQL
-- keyword; the domain word stays "case"), its tasks (a dispatch to a unit: the lead 主办 or an assisting unit
-- 协办), its append-only timeline, the possible duplicates flagged at creation, the configured hotline lines,
-- and the per-day counter behind the case numbers (GG + local YYYYMMDD + 6-digit serial).
-- Times are Unix ms UTC; paths are materialised unit paths ('/1/7/93/', byte-ordered for range scans).

-- hotline_line: a configured hotline (12345 at each county, local lines such as 仙游's 8251825).
CREATE TABLE hotline_line (
    id @ID@,
    name TEXT NOT NULL,
    number TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES unit (id), -- the unit the line serves (its calls are routed within it)
    retired_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- case_counter: the last serial given out on a local day; bumped with UPDATE … RETURNING in the creating
-- transaction (a row lock on PostgreSQL, the write lock on SQLite), inserted on the day's first case.
CREATE TABLE case_counter (
    day TEXT PRIMARY KEY, -- 'YYYYMMDD', Asia/Shanghai
    last BIGINT NOT NULL
);

CREATE TABLE case_item (
    id @ID@,
    number TEXT NOT NULL UNIQUE,          -- GG20261204000017
    secret_hash TEXT NOT NULL,            -- sha256 hex of the tracking secret (the secret is shown once)
    channel TEXT NOT NULL CHECK (channel IN ('app', 'hotline', 'patrol', 'walk_in', 'open311', 'video_alarm')),
    line_id BIGINT REFERENCES hotline_line (id),
    external_no TEXT,                     -- the hotline's own work-order number
    category_id BIGINT NOT NULL REFERENCES category (id),
    category_version_id BIGINT NOT NULL REFERENCES category_version (id),
    priority TEXT NOT NULL,
    description TEXT NOT NULL,
    address TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    place_id BIGINT,                      -- the house, when known
    unit_id BIGINT NOT NULL REFERENCES unit (id),                 -- location unit (grid or community)
    unit_path @CTEXT@ NOT NULL,
    owner_unit_id BIGINT NOT NULL REFERENCES unit (id),           -- who dispatches and verifies now
    owner_unit_path @CTEXT@ NOT NULL,
    handler_unit_id BIGINT REFERENCES unit (id),                  -- the lead task's unit, denormalised
    handler_unit_path @CTEXT@,
    handler_account_id BIGINT REFERENCES account (id),
    state TEXT NOT NULL,
    suspended_from TEXT,
    suspended_left_ms BIGINT,
    reporter_account_id BIGINT REFERENCES account (id),
    anonymous INTEGER NOT NULL DEFAULT 0,
    reporter_name_enc TEXT,               -- encrypted like residents' phones
    reporter_phone_enc TEXT,
    reporter_phone_bidx TEXT,             -- blind index: the dispatcher's caller lookup
    response_limit INTEGER NOT NULL,      -- the limits pinned from the category version
    response_unit TEXT NOT NULL,
    handling_limit INTEGER NOT NULL,
    handling_unit TEXT NOT NULL,
    response_due_at BIGINT,
    registered_at BIGINT,
    due_at BIGINT,
    yellow_at BIGINT,
    calendar_fallback INTEGER NOT NULL DEFAULT 0,
    extension_pending INTEGER NOT NULL DEFAULT 0,
    extension_ms BIGINT,
    extension_reason TEXT,
    supervised INTEGER NOT NULL DEFAULT 0,
    supervise_due_at BIGINT,
    rework_count INTEGER NOT NULL DEFAULT 0,
    merged_into BIGINT REFERENCES case_item (id),
    rating TEXT CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    rating_comment TEXT,
    rated_at BIGINT,
    closed_at BIGINT,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- One index per way in: the area (search, the "all" box), the dispatcher's boxes (owner + state), the
-- handler's box (lead unit + state), the clocks (overdue: due_at, near due: yellow_at), the reporter's own
-- list, the caller lookup, duplicates (category + state + time) and the hotline's work-order number.  The
-- box indexes lead with state (an IN list of a few states, then a path range), so a box reads only its rows.
CREATE INDEX case_item_unit ON case_item (unit_path, id);
CREATE INDEX case_item_owner ON case_item (state, owner_unit_path, id);
CREATE INDEX case_item_handler ON case_item (state, handler_unit_path, id);
CREATE INDEX case_item_due ON case_item (state, due_at);
CREATE INDEX case_item_yellow ON case_item (state, yellow_at);
CREATE INDEX case_item_reporter ON case_item (reporter_account_id, id);
CREATE INDEX case_item_phone ON case_item (reporter_phone_bidx);
CREATE INDEX case_item_category ON case_item (category_id, state, created_at);
CREATE INDEX case_item_line ON case_item (line_id, external_no);
CREATE INDEX case_item_supervised ON case_item (id) WHERE supervised = 1;

CREATE TABLE case_task (
    id @ID@,
    case_id BIGINT NOT NULL REFERENCES case_item (id),
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    unit_path @CTEXT@ NOT NULL,
    account_id BIGINT REFERENCES account (id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'assist')),
    state TEXT NOT NULL CHECK (state IN ('open', 'received', 'reported', 'withdrawn')),
    note TEXT,
    created_at BIGINT NOT NULL,
    reported_at BIGINT
);
CREATE INDEX case_task_unit ON case_task (unit_path, state, case_id);
CREATE INDEX case_task_case ON case_task (case_id);
CREATE INDEX case_task_account ON case_task (account_id, state) WHERE account_id IS NOT NULL;

-- case_event: the timeline, append-only.  The creation is the first event ('report').
CREATE TABLE case_event (
    id @ID@,
    case_id BIGINT NOT NULL REFERENCES case_item (id),
    at BIGINT NOT NULL,
    account_id BIGINT,
    actor_name TEXT,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    unit_id BIGINT,
    account_target BIGINT,
    note TEXT,
    public INTEGER NOT NULL DEFAULT 0,    -- shown on the public tracking page
    detail TEXT                           -- JSON
);
CREATE INDEX case_event_case ON case_event (case_id, id);

-- case_duplicate: written both ways (a, b) and (b, a) when b is created near an open a of the same category.
CREATE TABLE case_duplicate (
    case_id BIGINT NOT NULL REFERENCES case_item (id),
    other_id BIGINT NOT NULL REFERENCES case_item (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, other_id)
);

INSERT INTO app_setting (key, value, updated_at) VALUES ('case_yellow_share', '0.8', 0);
INSERT INTO app_setting (key, value, updated_at) VALUES ('case_reopen_days', '7', 0);
INSERT INTO app_setting (key, value, updated_at) VALUES ('duplicate_radius_m', '100', 0);
INSERT INTO app_setting (key, value, updated_at) VALUES ('duplicate_window_hours', '72', 0);
