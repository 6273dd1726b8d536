-- 0013_attachments: uploaded files (photos, PDFs) and what they are linked to (domain/attachment.h).
-- The content lives on disk once per sha256 under <data_dir>/attachments/ab/cd/<sha256>, outside the web
-- root; a row is one upload of it (two uploads of the same photo are two rows, one file).  A row stays
-- unlinked (linked_at NULL) until a case operation claims it; unlinked rows older than a day are purged
-- with their file when no other row has the same sha256.
CREATE TABLE attachment (
    id @ID@,
    sha256 TEXT NOT NULL,                 -- 64 lower-case hex digits: file name and ETag
    mime TEXT NOT NULL,                   -- sniffed (libmagic), one of the allow-list
    size BIGINT NOT NULL,
    name TEXT,                            -- the original file name, sanitised
    uploaded_by BIGINT REFERENCES account (id),
    upload_token_hash TEXT,               -- anonymous uploads: sha256 hex of the token the uploader quotes
    client_ip TEXT,
    linked_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachment_sha256 ON attachment (sha256);
CREATE INDEX attachment_unlinked ON attachment (created_at) WHERE linked_at IS NULL;

CREATE TABLE attachment_link (
    attachment_id BIGINT NOT NULL REFERENCES attachment (id),
    owner_type TEXT NOT NULL,             -- 'case_event' (owner_id = case_event.id) …
    owner_id BIGINT NOT NULL,
    role TEXT NOT NULL,                   -- report | before | after | feedback | note …
    created_at BIGINT NOT NULL,
    PRIMARY KEY (attachment_id, owner_type, owner_id)
);
CREATE INDEX attachment_link_owner ON attachment_link (owner_type, owner_id);
