/*
 * attachment.h — uploaded files (photos, PDFs) and their links to what they
 * document (a case event's report, before/after photos, feedback …).
 * DESIGN §6 rule 6: a size limit, the type sniffed (libmagic) against an
 * allow-list, stored by hash outside the web root, served as a download-safe
 * response (Content-Disposition, nosniff) only to callers who may see it.
 *
 * Life of an attachment
 *  1. Upload (api/attachments.c): the body streams to a temp file while it is
 *     hashed; gg_attachment_store sniffs it, puts the content in place once
 *     per sha256 (<data_dir>/attachments/ab/cd/<sha256>, fsynced with its
 *     directory before the row is inserted) and inserts an *unlinked* row
 *     owned by the uploader: the account, or for an anonymous resident the
 *     upload token (only its sha256 is stored).
 *  2. Claim (gg_attachment_claim, called by the cases/workflow operations
 *     inside their own transaction): the caller names the ids it uploaded and
 *     the owner (owner_type "case_event", owner_id = case_event.id, role).
 *  3. Read: metadata and content go to the uploader while unlinked, and once
 *     linked to whoever may see one of its owners, as decided by the checker
 *     registered for the owner type (gg_attachment_owner_register).  Anyone
 *     else gets 404, never 403: an id says nothing about others' uploads.
 *  4. Housekeeping (gg_attachment_purge): unlinked rows older than a day go,
 *     and their file when no other row has the same sha256.
 *
 * Contract for callers (cases, workflow): everything below that takes a gg_op_t runs on op->c inside
 * the caller's transaction and never commits or rolls back.  op->auth may be NULL for an anonymous
 * resident (public intake): then only upload_token proves ownership.
 */
#ifndef GG_DOMAIN_ATTACHMENT_H
#define GG_DOMAIN_ATTACHMENT_H

#include <stddef.h>
#include <stdint.h>

#include "domain/domain.h"
#include "domain/op.h"

/* At most this many ids per gg_attachment_claim call (a case report or an action: 9 photos). */
#define GG_ATTACHMENT_MAX_PER_CLAIM 9
/* The default of attachment_max_bytes (config): 8 MiB. */
#define GG_ATTACHMENT_DEFAULT_MAX_BYTES (8 * 1024 * 1024)
/* A file name is kept up to this many characters (code points), cut beyond. */
#define GG_ATTACHMENT_NAME_MAX 200

typedef struct gg_attachment {
    int64_t id;
    const char *sha256;  /* 64 lower-case hex digits: also the ETag and the file's name on disk */
    const char *mime;    /* the sniffed type, one of the allow-list */
    int64_t size;        /* bytes */
    const char *name;    /* the original file name, sanitised; NULL when none was given */
    int64_t uploaded_by; /* account id; 0 for an anonymous upload */
    int64_t linked_at;   /* 0 while unlinked */
    int64_t created_at;  /* Unix ms */
    /* filled by gg_attachment_list (the link the row was found through), NULL/0 elsewhere */
    const char *owner_type;
    int64_t owner_id;
    const char *role;
} gg_attachment_t;

/* ---- process-wide settings (set once by `serve` before the first request) ---- */

/* The upload limit in bytes (config attachment_max_bytes; <= 0 keeps the default). */
void gg_attachment_set_max_bytes(int64_t max_bytes);
int64_t gg_attachment_max_bytes(void);

/* ---- pure helpers (unit-tested: tests/unit/test_attachment.c) ---- */

/* 1 when mime (a sniffed type, no parameters) is on the allow-list: image/jpeg, image/png, image/webp,
 * image/heic, image/heif, application/pdf. */
int gg_attachment_mime_allowed(const char *mime);
/* The declared Content-Type agrees with the sniffed type: the same type after parameters are cut and case
 * folded, or an alias (image/jpg, image/pjpeg → image/jpeg; image/heic ↔ image/heif, heic-sequence), or
 * a declaration that says nothing (NULL, "", application/octet-stream).  Informative only: the sniffed
 * type is what is stored and served (decision "Attachments: the sniffed type wins"). */
int gg_attachment_declared_agrees(const char *declared, const char *sniffed);
/* The name as stored: the last path segment (after / or \), control characters, quotes and the
 * characters Windows forbids (<>:"|?*) replaced by '_', leading dots and spaces cut, at most
 * GG_ATTACHMENT_NAME_MAX code points (invalid UTF-8 → NULL, "" → NULL). */
const char *gg_attachment_clean_name(gg_arena_t *a, const char *name);
/* The Content-Disposition value: `inline; filename="<ascii fallback>"; filename*=UTF-8''<pct-encoded>`
 * for name (a cleaned name; NULL → "attachment-<id>" with the type's extension). */
const char *gg_attachment_disposition(gg_arena_t *a, const char *name, int64_t id, const char *mime);
/* The file of sha256 under data_dir: "<data_dir>/attachments/ab/cd/<sha256>". */
const char *gg_attachment_path(gg_arena_t *a, const char *data_dir, const char *sha256);
/* 1 when s is 64 lower-case hex digits. */
int gg_attachment_sha256_valid(const char *s);

/* ---- upload ---- */

/* libmagic: the MIME type of the first n bytes of a file ("image/png"; "application/octet-stream" when it
 * cannot tell).  One magic_t per thread, opened on first use and closed when the thread ends: libmagic
 * handles are not thread-safe, and a mutex would queue every upload behind one sniff.  Returns a static
 * or arena string; -1 with 500 when the magic database cannot be loaded. */
int gg_attachment_sniff(gg_arena_t *a, const void *buf, size_t n, const char **mime, gg_error_t *err);

typedef struct gg_attachment_upload {
    int fd;                      /* the body, readable from offset 0 (the server's unlinked spool file) */
    int64_t size;                /* its length in bytes */
    const unsigned char *sha256; /* 32 bytes hashed while it streamed in; NULL: computed here */
    const char *declared_type;   /* Content-Type as sent; may be NULL */
    const char *name;            /* ?name= as sent; may be NULL (cleaned here) */
    int64_t account_id;          /* the uploader, 0 when anonymous */
    const char *upload_token;    /* anonymous: the token (plain); its sha256 is stored */
    const char *client_ip;
} gg_attachment_upload_t;

/* Check and keep one upload: empty → 400 `file` reason "empty"; over the limit → 413 `file` "too_large"
 * with max; a type off the allow-list → 415 `file` "type_not_allowed" naming the sniffed type.  Else the
 * content is put in place (once per sha256, fsynced) and an unlinked row inserted (own short
 * transaction); out is filled.  data_dir: where attachments/ lives. */
int gg_attachment_store(gg_db_conn_t *c, gg_arena_t *a, const char *data_dir,
                        const gg_attachment_upload_t *in, gg_attachment_t *out, gg_error_t *err);

/* ---- linking (inside the caller's transaction) ---- */

/* Link attachments ids[0..n) to (owner_type, owner_id) with role ("report", "before", "after", "feedback",
 * "note" …; [a-z_]{1,32}).  Each id must be the caller's own upload — uploaded_by = op->auth's account, or
 * upload_token (plain, may be NULL) matching its token — and not linked yet; otherwise 400 field
 * "attachment_ids" reason "not_yours" (one message for unknown, others' and already linked ids, so
 * nothing about other uploads leaks).  n = 0 is a no-op; n > GG_ATTACHMENT_MAX_PER_CLAIM → 400
 * "attachment_ids" reason "too_many" with max; a repeated id → 400 "attachment_ids" reason "duplicate". */
int gg_attachment_claim(const gg_op_t *op, const int64_t *ids, int n, const char *upload_token,
                        const char *owner_type, int64_t owner_id, const char *role, gg_error_t *err);

/* The attachments linked to any of owner_ids[0..n) of owner_type, ordered by owner_id then id; each row's
 * owner_type/owner_id/role say which link it came through.  No visibility check: the caller has already
 * decided the owners are visible (a timeline it is allowed to show). */
int gg_attachment_list(gg_db_conn_t *c, gg_arena_t *a, const char *owner_type, const int64_t *owner_ids,
                       int n, gg_attachment_t **rows, int *nrows, gg_error_t *err);

/* ---- who may see a linked attachment ---- */

/* 0 when op's caller may see owner (owner_type, owner_id); negative (404 preferred) otherwise. */
typedef int (*gg_attachment_owner_fn)(const gg_op_t *op, int64_t owner_id, gg_error_t *err);
/* Register the checker of an owner type (at start, before serving; not thread-safe; at most 16 types).
 * "case_event" is registered by gg_attachment_owners_init: the event's case must be visible to the caller
 * (gg_case_load), and an internal event's (public = 0) attachments are for staff of the case only
 * (gg_case_is_staff), as the timeline shows them. */
int gg_attachment_owner_register(const char *owner_type, gg_attachment_owner_fn fn);
void gg_attachment_owners_init(void);

/* The attachment when op's caller may see it (see "Read" above), else 404 not_found. */
int gg_attachment_get(const gg_op_t *op, int64_t id, gg_attachment_t *out, gg_error_t *err);

/* Public tracking: attachment id when it is linked to a *public* event of the case with this number and
 * tracking secret; 404 for everything else (one message). */
int gg_attachment_public_get(gg_db_conn_t *c, gg_arena_t *a, const char *case_number, const char *secret,
                             int64_t id, gg_attachment_t *out, gg_error_t *err);

/* ---- housekeeping ---- */

/* Delete unlinked rows created before now_ms - max_age_ms, and the files no row needs any more; also
 * temp files in attachments/tmp older than max_age_ms (a crash between write and rename).  *deleted: rows. */
int gg_attachment_purge(gg_db_conn_t *c, const char *data_dir, int64_t now_ms, int64_t max_age_ms,
                        int *deleted, gg_error_t *err);

#endif
