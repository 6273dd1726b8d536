-- 0020_rollups: the daily case rollups, each case's contribution to them and the open-case load gauge
-- (docs/measures.md; domain/measures/rollup.c keeps all three in the transaction of every case write).
-- Times are Unix ms UTC; day is the local date (Asia/Shanghai) 'YYYY-MM-DD' of the case's report.

-- case_rollup: counts and working-time sums of the cases reported on day in unit's subtree.  A case is
-- counted at its location unit (case_item.unit_id: the grid or community it was routed to) AND at every
-- ancestor of it up to the root, so a county's figure is the county's own rows, never a subtree scan.
-- Each (unit, day) has a total row (category_id = 0, channel = '') beside the rows per category × channel.
-- A case stays in the row of its report day: a closure, rating or rework later changes that day's row
-- (cohort counting: "of the cases reported in the period, how many are closed …").
CREATE TABLE case_rollup (
    unit_id BIGINT NOT NULL,
    category_id BIGINT NOT NULL,          -- 0: all categories
    channel TEXT NOT NULL,                -- '': all channels
    day TEXT NOT NULL,
    reported BIGINT NOT NULL DEFAULT 0,
    registered BIGINT NOT NULL DEFAULT 0,
    dispatched BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0,
    closed_on_time BIGINT NOT NULL DEFAULT 0,
    overdue BIGINT NOT NULL DEFAULT 0,
    reworked BIGINT NOT NULL DEFAULT 0,
    returned BIGINT NOT NULL DEFAULT 0,
    reopened BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    merged BIGINT NOT NULL DEFAULT 0,
    responded BIGINT NOT NULL DEFAULT 0,
    responded_on_time BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    basically_satisfied BIGINT NOT NULL DEFAULT 0,
    unsatisfied BIGINT NOT NULL DEFAULT 0,
    patrol BIGINT NOT NULL DEFAULT 0,     -- reported by a grid worker's patrol
    self_handled BIGINT NOT NULL DEFAULT 0,
    handled BIGINT NOT NULL DEFAULT 0,    -- closed with a handling clock: the denominator of the average
    response_ms BIGINT NOT NULL DEFAULT 0,
    handling_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, category_id, channel, day)
);
CREATE INDEX case_rollup_day ON case_rollup (unit_id, day);

-- case_fact: what one case contributes now (the same columns as a rollup row, 0/1 each, plus its open-case
-- gauge flags), so a change adds new minus old to the rollups.  gridgov rollup-check recomputes it from
-- case_item, case_event, case_task and case_mark.
CREATE TABLE case_fact (
    case_id BIGINT PRIMARY KEY,
    unit_id BIGINT NOT NULL,
    unit_path @CTEXT@ NOT NULL,
    category_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    day TEXT NOT NULL,
    flags BIGINT NOT NULL,                -- one bit per counter (domain/measures/rollup.c)
    response_ms BIGINT NOT NULL DEFAULT 0,
    handling_ms BIGINT NOT NULL DEFAULT 0
);
-- the breakdowns of a community or grid (whose rollups keep totals only): a range on the path and days
CREATE INDEX case_fact_unit ON case_fact (unit_path, day);

-- case_load: the gauge of open cases now, per unit, at every ancestor too: open (not closed, rated, rejected
-- or merged), overdue (running and marked red by the scheduler for its current deadline), yellow (marked
-- yellow for it, not red).  The command centre's map colours grids with it.
CREATE TABLE case_load (
    unit_id BIGINT PRIMARY KEY,
    open BIGINT NOT NULL DEFAULT 0,
    overdue BIGINT NOT NULL DEFAULT 0,
    yellow BIGINT NOT NULL DEFAULT 0
);

-- '0' until the rollups of the cases already stored are built (gridgov migrate / serve do it once, then '1')
INSERT INTO app_setting (key, value, updated_at) VALUES ('rollups_built', '0', 0);
