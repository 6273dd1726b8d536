-- 0022_assessment: assessment plans (考核方案), their tasks and indicators, the scores of each assessed unit and
-- every change of a score (domain/assessment/assessment.h, docs/assessment.md).  Times are Unix ms UTC;
-- periods are calendar days (YYYY-MM-DD, Asia/Shanghai, inclusive).

-- assess_plan: one programme of one assessing unit (下陆区) for one period, assessing the units of one level
-- below it (its streets, or its communities).  band_a..band_d: the lowest total of grades A..D (E below);
-- hard_cap: the best grade a unit with a failed hard indicator can get.  previous_plan_id: the plan the
-- period comparison compares with (NULL: the latest earlier plan of the same unit and level).
CREATE TABLE assess_plan (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    name TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    target_level TEXT NOT NULL CHECK (target_level IN ('street', 'community', 'grid', 'department')),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'closed')),
    band_a DOUBLE PRECISION NOT NULL DEFAULT 90,
    band_b DOUBLE PRECISION NOT NULL DEFAULT 80,
    band_c DOUBLE PRECISION NOT NULL DEFAULT 70,
    band_d DOUBLE PRECISION NOT NULL DEFAULT 60,
    hard_cap TEXT NOT NULL DEFAULT 'C' CHECK (hard_cap IN ('A', 'B', 'C', 'D', 'E')),
    previous_plan_id BIGINT REFERENCES assess_plan (id),
    created_by BIGINT REFERENCES account (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    activated_at BIGINT,
    computed_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (period_from <= period_to),
    CHECK (band_a >= band_b AND band_b >= band_c AND band_c >= band_d AND band_d >= 0 AND band_a <= 100)
);
CREATE INDEX assess_plan_unit ON assess_plan (unit_id, period_from);

-- assess_task: one task or indicator of a plan.  weight is the points it is worth (its maximum score);
-- target and comparison ('ge': the value must reach the target, 'le': must not exceed it); source 'manual'
-- (the responsible unit enters the value with evidence, the office reviews it) or 'measure:<code>'
-- (computed from docs/measures.md's measure of the assessed unit over the plan's period).
CREATE TABLE assess_task (
    id @ID@,
    plan_id BIGINT NOT NULL REFERENCES assess_plan (id),
    seq INTEGER NOT NULL CHECK (seq > 0),
    title TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    weight DOUBLE PRECISION NOT NULL CHECK (weight >= 0),
    is_hard INTEGER NOT NULL DEFAULT 0 CHECK (is_hard IN (0, 1)),
    target DOUBLE PRECISION NOT NULL,
    comparison TEXT NOT NULL DEFAULT 'ge' CHECK (comparison IN ('ge', 'le')),
    source TEXT NOT NULL CHECK (source = 'manual' OR source LIKE 'measure:%'),
    responsible TEXT,
    created_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (plan_id, seq)
);

-- assess_score: one task of one assessed unit.  status: 'computed' (a measure task), or a manual task's
-- 'pending' (nothing entered), 'submitted', 'approved', 'returned'.  has_value 0: no value (a measure
-- without a denominator, a manual task not entered).  met: the value meets the target.  Evidence files are
-- attachment_link rows (owner_type 'assess_score', role 'evidence').
CREATE TABLE assess_score (
    id @ID@,
    plan_id BIGINT NOT NULL REFERENCES assess_plan (id),
    task_id BIGINT NOT NULL REFERENCES assess_task (id),
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    status TEXT NOT NULL CHECK (status IN ('computed', 'pending', 'submitted', 'approved', 'returned')),
    has_value INTEGER NOT NULL DEFAULT 0,
    value DOUBLE PRECISION,
    score DOUBLE PRECISION NOT NULL DEFAULT 0,
    met INTEGER,
    note TEXT,
    submitted_by BIGINT REFERENCES account (id),
    submitted_at BIGINT,
    reviewed_by BIGINT REFERENCES account (id),
    reviewed_at BIGINT,
    review_note TEXT,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (task_id, unit_id)
);
CREATE INDEX assess_score_plan_unit ON assess_score (plan_id, unit_id);

-- assess_score_history: every change of a score, append-only (the audit log has the same changes in its
-- chain; this is what the scorecard's history drawer reads).  action: computed, submitted, approved,
-- returned.
CREATE TABLE assess_score_history (
    id @ID@,
    score_id BIGINT NOT NULL REFERENCES assess_score (id),
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    has_value INTEGER NOT NULL,
    value DOUBLE PRECISION,
    score DOUBLE PRECISION NOT NULL,
    note TEXT,
    account_id BIGINT REFERENCES account (id),
    at BIGINT NOT NULL
);
CREATE INDEX assess_score_history_score ON assess_score_history (score_id, id);
