-- 0002_identity: the unit tree (minimal; the hierarchy issue fills it), accounts,
-- role grants, sessions, login throttling and the hash-chained audit log.
-- Times are BIGINT Unix milliseconds UTC (docs/decisions.md).

-- unit (单位/区划/网格): one tree for the whole administration.
-- path is the materialised path of ids ('/1/7/93/'): a subtree is a prefix,
-- queried as a range (path >= '/1/7/' AND path < '/1/70'), which needs
-- byte-order comparison: @CTEXT@ is TEXT COLLATE "C" on PostgreSQL.
CREATE TABLE unit (
    id @ID@,
    parent_id BIGINT REFERENCES unit(id),
    level TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    path @CTEXT@ NOT NULL,
    geometry TEXT,
    centroid_lat DOUBLE PRECISION,
    centroid_lon DOUBLE PRECISION,
    valid_from BIGINT NOT NULL,
    retired_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX unit_parent ON unit (parent_id);
CREATE INDEX unit_path ON unit (path);

-- The root of the tree: every other unit descends from it.
INSERT INTO unit (parent_id, level, code, name, path, valid_from, created_at)
VALUES (NULL, 'root', '000000000000', '全国', '/', 0, 0);
UPDATE unit SET path = '/' || id || '/' WHERE parent_id IS NULL;

-- account (账号): who logs in.  phone is personal data: encrypted + blind index.
CREATE TABLE account (
    id @ID@,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    phone_enc TEXT,
    phone_bidx TEXT,
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'locked', 'disabled')),
    must_change_password INTEGER NOT NULL DEFAULT 1,
    home_unit_id BIGINT NOT NULL REFERENCES unit(id),
    password_changed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX account_home_unit ON account (home_unit_id);
CREATE INDEX account_phone_bidx ON account (phone_bidx);

-- role_grant (授权): (account, role, unit) — the role covers the unit's subtree.
CREATE TABLE role_grant (
    id @ID@,
    account_id BIGINT NOT NULL REFERENCES account(id),
    role TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    granted_by BIGINT REFERENCES account(id),
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, role, unit_id)
);
CREATE INDEX role_grant_unit ON role_grant (unit_id);

-- session (会话): the token is stored only as its SHA-256.
CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES account(id),
    via_cookie INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    client_ip TEXT,
    user_agent TEXT
);
CREATE INDEX session_account ON session (account_id);

-- login_throttle: failed-login counters per account ('u:NAME') and per client address ('ip:ADDR').
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);

-- audit_log (审计日志): append-only, each row carries the hash of the one before.
-- audit_head holds the chain's head; updating it first serialises writers, so the
-- chain never forks even with many nodes on one PostgreSQL.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    account_id BIGINT,
    username TEXT,
    client_ip TEXT,
    action TEXT NOT NULL,
    object_type TEXT,
    object_id TEXT,
    unit_id BIGINT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_unit ON audit_log (unit_id, seq);
CREATE INDEX audit_log_account ON audit_log (account_id, seq);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
