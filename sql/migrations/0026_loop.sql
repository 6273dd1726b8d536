-- 0026_loop: the case loop's live side (issue 10's leftovers, docs/cases.md "Deadlines"): the scheduler's
-- once-per-deadline steps past the marks (the overdue reminder, automatic escalation), their settings, the
-- extension expiry counted in working hours, and outbox trimming (docs/operations.md).  Times are Unix ms UTC.

-- case_sla_step: an overdue reminder or an automatic escalation the scheduler made (domain/cases/sla.h).  As
-- case_mark, the primary key makes "once per deadline" a constraint across restarts and nodes.
CREATE TABLE case_sla_step (
    case_id BIGINT NOT NULL REFERENCES case_item (id),
    kind TEXT NOT NULL CHECK (kind IN ('remind', 'escalate')),
    due_at BIGINT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (case_id, kind, due_at)
);

-- working hours past due_at before the reminder / the escalation; 0 = off
INSERT INTO app_setting (key, value, updated_at) VALUES ('case_overdue_reminder_hours', '0', 0);
INSERT INTO app_setting (key, value, updated_at) VALUES ('case_escalate_after_overdue_hours', '0', 0);
-- the expiry is now working hours: the old default (24 wall hours, about one day) becomes one working day
UPDATE app_setting SET value = '8' WHERE key = 'case_extension_expiry_hours' AND value = '24' AND updated_at = 0;

-- outbox rows older than this many days whose deliveries all succeeded are deleted by housekeeping; 0 = keep
INSERT INTO app_setting (key, value, updated_at) VALUES ('outbox_keep_days', '90', 0);
CREATE INDEX outbox_created ON outbox (created_at);
CREATE INDEX webhook_delivery_outbox ON webhook_delivery (outbox_id);
