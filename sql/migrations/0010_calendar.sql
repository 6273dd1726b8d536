-- 0010_calendar: the working calendar (工作日历).  One row per date and source that differs from the
-- Monday–Friday rule: a holiday on a weekday (法定节假日) or a working weekend day (调休).  Rows with source
-- 'chinese-days' are written only by `gridgov import-calendar` (the chinese-days package); 'local' rows only by
-- an administrator (PUT/DELETE /api/v1/calendar/days/{date}).  Both may exist for one date: the local row
-- decides, and deleting it brings the package's answer back; an import never touches a local row.
CREATE TABLE calendar_day (
    day TEXT NOT NULL CHECK (length(day) = 10), -- YYYY-MM-DD, Asia/Shanghai
    source TEXT NOT NULL CHECK (source IN ('chinese-days', 'local')),
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL,
    updated_by BIGINT REFERENCES account (id), -- local edits: who
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (day, source)
);
