-- 0014_idempotency: Idempotency-Key of POST requests (DESIGN §5, §6 rule 8; domain/idempotency.c).
-- A row is written inside the operation's own transaction, so the key and what the request made commit
-- together or not at all; the primary key makes a racing duplicate fail (PostgreSQL: it waits on the
-- index for the first transaction, then fails) instead of a check-then-insert that two could pass.
-- caller: the account id ('a:17'), or the client address for endpoints without a caller ('ip:10.0.0.5').
-- request_hash: SHA-256 hex of the body; the same key with another body, method or path is refused.
-- status and result_id: what the first request answered, replayed to a retry; result_secret: a secret the
-- first answer showed once (a new case's tracking secret), encrypted like personal data, so the retry of a
-- lost answer shows it too.  Rows older than 24 hours are deleted by the housekeeping job.
CREATE TABLE idempotency_key (
    caller TEXT NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    result_id BIGINT,
    result_secret TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
