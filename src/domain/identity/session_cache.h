/*
 * session_cache.h — a short-lived, in-process memory of authenticated
 * sessions, so that a burst of requests with one token (a page load makes
 * five to ten) does not open a database read transaction for each of them.
 *
 * Contract:
 *  - An entry answers for at most ttl_ms (config session_cache_ms, default
 *    1000; 0 turns the cache off), and never past the session's own idle or
 *    absolute expiry.
 *  - Every change that can end a session or change what it may do (logout,
 *    password change, account status, grants) calls gg_session_cache_invalidate
 *    after its transaction commits (gg_db_on_commit), which empties the cache
 *    of this process at once.  A change made by another process (a second
 *    gridgov node, the `gridgov user` CLI) is seen within ttl_ms.
 *  - A lookup that started before an invalidation can never store an entry
 *    that outlives it: entries carry the epoch read before the database was.
 *  - Thread-safe; striped locks, fixed memory (GG_SESSION_CACHE_SLOTS entries).
 */
#ifndef GG_DOMAIN_SESSION_CACHE_H
#define GG_DOMAIN_SESSION_CACHE_H

#include <stdint.h>

#include "auth/roles.h"
#include "core/mem.h"
#include "db/db.h"

#define GG_SESSION_CACHE_SLOTS 1024

/* The epoch to pass to gg_session_cache_put; read it before querying the database. */
uint64_t gg_session_cache_epoch(void);

/* Copy the cached session for token_hash (64 hex chars) into auth, its strings in a.
 * Returns 1 on a hit, 0 on a miss (auth untouched). */
int gg_session_cache_get(const char *token_hash, int64_t now_ms, gg_arena_t *a, gg_auth_t *auth);

/* Remember auth (as just loaded from the database) until valid_until_ms, if epoch is
 * still current.  Does nothing when ttl is 0 or the session has too many grants to keep. */
void gg_session_cache_put(const char *token_hash, const gg_auth_t *auth, uint64_t epoch,
                          int64_t valid_until_ms);

/* Forget every cached session (after a commit that ended or changed sessions). */
void gg_session_cache_invalidate(void);
/* The same, once the current transaction has committed (gg_db_on_commit). */
void gg_session_cache_invalidate_on_commit(gg_db_conn_t *c);

#endif
