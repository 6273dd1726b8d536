/*
 * idempotency.h — Idempotency-Key (DESIGN §5): a retried POST returns what the first one answered.
 *
 * Contract
 *  - A key is 1..128 printable ASCII characters (0x21..0x7e: no spaces or controls); anything else is a
 *    400 naming the header "Idempotency-Key" (gg_idem_key_check).
 *  - The key is claimed inside the operation's own transaction (gg_idem_claim, then the operation's writes,
 *    then gg_idem_finish), so the row and what the request made commit together: a crash leaves both or
 *    neither.  Uniqueness is the primary key (caller, key), never a check-then-insert (DESIGN §6 rule 8).
 *  - gg_idem_claim answers GG_IDEM_NEW (claimed: go on), GG_IDEM_REPLAY (x->status and x->result_id hold
 *    the first result: write nothing, answer that) or <0.  The claim is INSERT ... ON CONFLICT DO NOTHING:
 *    a racing duplicate on PostgreSQL waits on the primary key's index until the first transaction ends;
 *    if that one committed, the insert does nothing (without aborting the transaction) and the row, now
 *    committed and visible under READ COMMITTED, is read and replayed; if it rolled back, the insert
 *    claims the key.  On SQLite BEGIN IMMEDIATE (or the group commit's one writer) makes them serial.
 *  - The same key with another method, path or body (request_hash, SHA-256 hex) is 422
 *    "idempotency_key_reused" naming the header; only successful writes are stored (a refused request
 *    rolls back with its key, so a corrected retry with the same key goes through).
 *  - caller: "a:<account id>" for an authenticated caller, "ip:<client address>" for public endpoints
 *    (gg_idem_caller); keys of different callers never meet.
 *  - Rows live GG_IDEM_TTL_MS (24 h) from their creation; gg_idem_purge deletes older ones (housekeeping).
 */
#ifndef GG_DOMAIN_IDEMPOTENCY_H
#define GG_DOMAIN_IDEMPOTENCY_H

#include "domain/domain.h"

#define GG_IDEM_HEADER "Idempotency-Key"
#define GG_IDEM_KEY_MAX 128
#define GG_IDEM_TTL_MS (24LL * 3600 * 1000)

enum { GG_IDEM_NEW = 0, GG_IDEM_REPLAY = 1 };

/* One request as the key remembers it. */
typedef struct gg_idem {
    const char *caller; /* "a:17" | "ip:10.0.0.5" */
    const char *key;    /* checked with gg_idem_key_check */
    const char *method; /* "POST" */
    const char *path;   /* the request path, without the query */
    char request_hash[65];
    /* the first result (filled by a replay; set by the caller before gg_idem_finish) */
    int status;
    int64_t result_id;
    const char *secret; /* a secret the answer shows once (a case's tracking secret), or NULL; stored
                           encrypted with keys, decrypted into arena on a replay */
    gg_arena_t *arena;
    const gg_keys_t *keys;
} gg_idem_t;

/* 0, or a 400 naming Idempotency-Key. */
int gg_idem_key_check(const char *key, gg_error_t *err);
/* Fill x for a request (caller string made in arena; request_hash from body). */
void gg_idem_init(gg_idem_t *x, gg_arena_t *arena, const gg_keys_t *keys, int64_t account_id,
                  const char *client_ip, const char *key, const char *method, const char *path,
                  const char *body, size_t body_len);
/* Inside the operation's transaction: see the contract. */
int gg_idem_claim(gg_db_conn_t *c, gg_idem_t *x, int64_t now, gg_error_t *err);
/* Inside the same transaction, after the operation: store x->status, x->result_id and x->secret. */
int gg_idem_finish(gg_db_conn_t *c, const gg_idem_t *x, gg_error_t *err);
/* Delete the keys created before `before`; *deleted (may be NULL) gets how many. */
int gg_idem_purge(gg_db_conn_t *c, int64_t before, int64_t *deleted, gg_error_t *err);

#endif
