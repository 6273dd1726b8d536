-- 0016_case_indexes: indexes the case lists rely on, for databases migrated before they were added.
-- case_task_account (the grid worker's `mine` box: tasks assigned to the caller) was added to 0012_cases.sql
-- after databases had been migrated with the earlier 0012 (the million-case bench databases among them);
-- without it that box scans case_task (115 ms a page at 1,000,000 cases instead of ~0.1 ms).  IF NOT EXISTS:
-- a database created with the current 0012 has it already.
-- No ANALYZE: the list queries are written for the planner without statistics (docs/cases.md "Visibility");
-- statistics could move them, so none are gathered here.
CREATE INDEX IF NOT EXISTS case_task_account ON case_task (account_id, state) WHERE account_id IS NOT NULL;
