/*
 * domain.h — what every domain module shares: the actor recorded in the audit
 * log, and the security settings the identity modules read.
 *
 * Domain modules own all SQL (with src/db).  Each public function takes a
 * connection, an actor or auth context for scope (together: gg_op_t,
 * domain/op.h, for new operations), and fills plain structs allocated from
 * the caller's arena.  None writes HTTP: no response, no status, no headers.
 * JSON is written here for one thing only: the detail of an audit row (with
 * json/jw.h, in every module that audits — account, assignment, audit,
 * change, demo, division, grid_edit, session, transfer, unit), which is
 * stored, never sent.  Response bodies are the API layer's (src/api).
 */
#ifndef GG_DOMAIN_DOMAIN_H
#define GG_DOMAIN_DOMAIN_H

#include <stdint.h>

#include "auth/crypto.h"
#include "auth/roles.h"
#include "core/mem.h"
#include "db/db.h"

/* Who did it, for the audit log.  account_id 0 = the system / the CLI operator. */
typedef struct gg_actor {
    int64_t account_id;
    const char *username;
    const char *client_ip;
} gg_actor_t;

typedef struct gg_security {
    const gg_keys_t *keys;
    uint64_t argon2_ops;
    size_t argon2_mem;
    int64_t session_idle_ms;     /* a session unused this long expires */
    int64_t session_absolute_ms; /* and every session ends after this long */
    int login_max_failures;      /* per account in the window, then lockout */
    int login_ip_max_failures;   /* per client address in the window */
    int64_t login_window_ms;
    int64_t login_lockout_ms;
    int64_t
        session_cache_ms; /* remember an authenticated session this long (domain/session_cache.h); 0 = off */
} gg_security_t;

void gg_security_defaults(gg_security_t *s);

/* Actor for a logged-in caller. */
gg_actor_t gg_actor_of(const gg_auth_t *auth);

/* q as a LIKE pattern that matches names containing q ("%q%"), with LIKE's own wildcards in q (% _ \)
 * escaped: use it with `LIKE $n ESCAPE '\'`.  NULL or "" gives "" (callers treat that as no filter). */
const char *gg_sql_like_contains(gg_arena_t *a, const char *q);

/* Page through a list: limit in 1..200 (default 50), after = last id seen. */
typedef struct gg_page {
    int limit;
    int64_t after;
    int want_total;
} gg_page_t;

#endif
