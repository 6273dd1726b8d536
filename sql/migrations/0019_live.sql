-- 0019_live: staff notifications, the deadline scheduler's once-only marks, and the scope of each outbox row
-- that the live stream filters on (domain/notification.h, domain/cases/deadline.h, api/stream.c).
-- Times are Unix ms UTC.

-- notification: one line in a staff member's notification centre.  kind is a code the web app translates
-- (new_task, supervised, returned, rated, near_due, overdue); params a JSON object of the values its text
-- needs (case number, category …), never finished text.
CREATE TABLE notification (
    id @ID@,
    account_id BIGINT NOT NULL REFERENCES account (id),
    kind TEXT NOT NULL,
    case_id BIGINT REFERENCES case_item (id),
    params TEXT NOT NULL DEFAULT '{}',
    read_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX notification_account ON notification (account_id, id);
CREATE INDEX notification_unread ON notification (account_id, id) WHERE read_at IS NULL;

-- case_mark: a deadline mark the scheduler made (yellow: near due, red: overdue).  The primary key makes
-- "fires once" a constraint: a restart, a catch-up or a second node cannot mark a case twice for one deadline.
-- due_at is the deadline the mark was made for: an extension moves due_at and a new mark may follow.
CREATE TABLE case_mark (
    case_id BIGINT NOT NULL REFERENCES case_item (id),
    kind TEXT NOT NULL CHECK (kind IN ('yellow', 'red')),
    due_at BIGINT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (case_id, kind, due_at)
);

-- outbox.scope: who may see a case event on the live stream, written with the row: the case's location
-- and owner paths, its task units' paths and its reporter, as 'u=/1/7/;o=/1/;t=/1/7/9/,/1/8/;r=12'.
ALTER TABLE outbox ADD COLUMN scope TEXT;

-- an extension request nobody answered within this many hours lapses (domain/cases/sla.h); 0 = never
INSERT INTO app_setting (key, value, updated_at) VALUES ('case_extension_expiry_hours', '24', 0);
