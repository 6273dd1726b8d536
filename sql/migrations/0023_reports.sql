-- 0023_reports: generated reports (docs/reports.md).  One row per unit, period and kind (the monthly report of
-- a county or a street for one calendar month, Asia/Shanghai); its PDF and XLSX are kept in the row itself (a
-- report is tens of kilobytes, and every node of a cluster reads the same database) with their SHA-256.
-- status: pending (asked for, waiting for the worker) → running → done | failed (error says why).
-- Times are Unix ms UTC.
CREATE TABLE report (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    unit_path @CTEXT@ NOT NULL,         -- the unit's path at request time: the list's scope filter
    period TEXT NOT NULL,               -- 'YYYY-MM'
    kind TEXT NOT NULL DEFAULT 'monthly' CHECK (kind IN ('monthly')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    origin TEXT NOT NULL CHECK (origin IN ('schedule', 'request')),
    requested_by BIGINT REFERENCES account (id),
    pdf @BLOB@,
    pdf_sha256 TEXT,
    pdf_size BIGINT,
    xlsx @BLOB@,
    xlsx_sha256 TEXT,
    xlsx_size BIGINT,
    error TEXT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    generated_at BIGINT,
    updated_at BIGINT NOT NULL,
    UNIQUE (unit_id, period, kind)
);
CREATE INDEX report_status ON report (status, id);
CREATE INDEX report_path ON report (unit_path, period);
