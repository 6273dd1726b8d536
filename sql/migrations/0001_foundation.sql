-- 0001_foundation: settings the server keeps in the database.
-- (schema_migrations itself is created by the migration runner.)
CREATE TABLE app_setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
