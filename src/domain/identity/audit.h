/*
 * audit.h — the append-only, hash-chained audit log (审计日志, DESIGN §6.5).
 *
 * gg_audit_append must be called inside the transaction of the change it
 * records, so the entry and the change commit or vanish together.  It first
 * bumps audit_head (a row lock on PostgreSQL, the write lock on SQLite), so
 * concurrent writers line up and the chain never forks.
 *
 * Row hash = SHA-256 over the previous row's hash and every column of the row
 * (seq, at, account, username, client address, action, object, unit, detail),
 * each on its own line, NULL written as \N.  gg_audit_verify recomputes the
 * chain from the first row and names the first row that does not match.
 */
#ifndef GG_DOMAIN_AUDIT_H
#define GG_DOMAIN_AUDIT_H

#include "domain/domain.h"

typedef struct gg_audit_entry {
    const char *action;      /* "login", "account.create", "pii.read" ... */
    const char *object_type; /* "account", "resident" ... (may be NULL) */
    const char *object_id;
    int64_t unit_id;         /* the unit the object belongs to, for scoped reading; 0 = none */
    const char *detail_json; /* before/after of sensitive fields, reasons (may be NULL) */
} gg_audit_entry_t;

int gg_audit_append(gg_db_conn_t *c, const gg_actor_t *actor, const gg_audit_entry_t *e, gg_error_t *err);

/* Append one entry in a transaction of its own — for refusals (failed logins,
 * denied escalations), which have no change to ride along with. */
/* "pii.read": actor saw these fields of (object_type, object_id) unmasked; detail {"fields": [...]}.
 * In the caller's transaction, like gg_audit_append. */
int gg_audit_pii_read(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const char *object_type,
                      int64_t object_id, int64_t unit_id, const char *const *fields, int nfields,
                      gg_error_t *err);

int gg_audit_alone(gg_db_conn_t *c, const gg_actor_t *actor, const gg_audit_entry_t *e, gg_error_t *err);

typedef struct gg_audit_verdict {
    int64_t rows;
    int64_t first_bad_seq; /* 0 when the chain is intact */
    int64_t anchored_seq;  /* newest row anchored outside the database (audit_anchor.h); 0 = none */
    char reason[160];
} gg_audit_verdict_t;

int gg_audit_verify(gg_db_conn_t *c, gg_audit_verdict_t *v, gg_error_t *err);

typedef struct gg_audit_row {
    int64_t seq, at, account_id, unit_id;
    const char *username, *client_ip, *action, *object_type, *object_id, *detail;
} gg_audit_row_t;

typedef struct gg_audit_filter {
    const char *action;      /* exact, or prefix when it ends with '.' ("login" / "account.") */
    int64_t account_id;      /* who acted (0: anyone) */
    const char *object_type; /* what was acted on: with object_id, or NULL/"" for anything */
    const char *object_id;
    int64_t before_seq; /* cursor: rows with seq < before (newest first) */
    int limit;
} gg_audit_filter_t;

/* Rows the caller may read (audit.read over the row's unit; rows without a
 * unit only for grants at the root), newest first. */
int gg_audit_list(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_audit_filter_t *f,
                  gg_audit_row_t **rows, int *nrows, gg_error_t *err);

#endif
