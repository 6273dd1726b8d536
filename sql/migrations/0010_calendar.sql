-- 0010_calendar: the working calendar (工作日历).  One row per date that differs from the Monday–Friday rule:
-- a holiday on a weekday (法定节假日) or a working weekend day (调休).  Rows with source 'chinese-days' come from
-- `gridgov import-calendar` (the chinese-days package); 'local' rows are an administrator's edits, which an
-- import never overwrites.  calendar_year records which years the package covered, so a year with no
-- holiday rows at all is still known to be covered, and a year without a row falls back to Mon–Fri.
CREATE TABLE calendar_day (
    day TEXT PRIMARY KEY CHECK (length(day) = 10),  -- YYYY-MM-DD, Asia/Shanghai
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('chinese-days', 'local')),
    updated_by BIGINT REFERENCES account (id),
    updated_at BIGINT NOT NULL
);

CREATE TABLE calendar_year (
    year INTEGER PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('chinese-days')),
    imported_at BIGINT NOT NULL
);
