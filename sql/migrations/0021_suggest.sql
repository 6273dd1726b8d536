-- 0021_suggest: dispatch suggestions (智能派单, docs/suggest.md).  One row per county: the last training of
-- its category and handling-unit model (domain/suggest/suggest.h) with its hit rates on the held-out tenth of
-- the county's closed cases, so every node and a restart show them.  The model itself lives in each node's
-- memory and is rebuilt from the cases (training is deterministic and takes about a second per 20,000 cases).
-- claimed_at: a node that took the schedule's turn for the county and is training now (NULL when idle).
-- Times are Unix ms UTC; rates are 0..1.
CREATE TABLE suggest_model (
    county_id BIGINT PRIMARY KEY REFERENCES unit (id),
    trained_at BIGINT NOT NULL,           -- 0: claimed, never finished
    trained_by TEXT NOT NULL,             -- 'schedule', 'demo' or the username of an administrator's retrain
    n_train BIGINT NOT NULL DEFAULT 0,
    n_test BIGINT NOT NULL DEFAULT 0,
    n_test_unit BIGINT NOT NULL DEFAULT 0,
    cat_top1 DOUBLE PRECISION NOT NULL DEFAULT 0,
    cat_top3 DOUBLE PRECISION NOT NULL DEFAULT 0,
    unit_top1 DOUBLE PRECISION NOT NULL DEFAULT 0,
    unit_top3 DOUBLE PRECISION NOT NULL DEFAULT 0,
    n_categories INTEGER NOT NULL DEFAULT 0,
    n_units INTEGER NOT NULL DEFAULT 0,
    train_ms BIGINT NOT NULL DEFAULT 0,
    model_bytes BIGINT NOT NULL DEFAULT 0,
    claimed_at BIGINT
);

-- a county's model is retrained on schedule when it is older than this many hours
INSERT INTO app_setting (key, value, updated_at) VALUES ('suggest_retrain_hours', '24', 0);
