-- 0027_command: the command centre's count of closures per unit and local day (docs/command.md "Counters"),
-- for 今日办结 — the rollups count cases by the day they were reported, a leader asks how many were closed
-- today.  Bumped in the closing step's transaction (domain/command/command.c, from domain/live.c) for the
-- case's location unit and every ancestor; a database loaded in bulk counts from its next closure on.
CREATE TABLE command_closed (
    unit_id BIGINT NOT NULL,
    day TEXT NOT NULL, -- 'YYYY-MM-DD', Asia/Shanghai
    closed BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
);
