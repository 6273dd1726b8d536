/*
 * case_cache.h — the read caches of the case inbox (GET /cases?box=…) and the case page
 * (GET /cases/{id}[?include=events]): an answer's JSON text, per process, without its "remaining" members
 * (they move with now and are computed at each answer from the holes kept beside the text, case_json.h).
 *
 * Contracts (docs/decisions.md "A read cache of case answers …", docs/scaling.md)
 *  - Key: what decides the answer besides the data — the caller's account, every grant (id, permissions,
 *    unit path) and the request (gg_case_cache_key).  The caller is authenticated and the session checked
 *    per request before a lookup; the grants in the key are the ones the SQL scope of the cached answer was
 *    built from, so a hit answers exactly what the scoped reads would answer for these grants.
 *  - Freshness: an entry carries a stamp read in the request's snapshot before the data — the inbox:
 *    case_generation and names_generation (domain/cases/case.h, names.h), which no case step and no rename
 *    anywhere leaves alone; the page: gg_case_page_stamp (the case's version, its events' and its duplicates'
 *    events' counts, names_generation), which moves with every step of that case or its duplicates only.  A
 *    lookup passes the stamp read the same way at this request and hits only when it is equal: nothing the
 *    answer shows was committed since, on any node or by any process.  GG_CASE_CACHE_MAX_AGE_MS (monotonic
 *    time) bounds what the stamps do not count (an account's or a hotline line's new name, a setting).
 *  - Memory: direct-mapped slots, at most GG_CASE_CACHE_BYTES of text per table (an entry that would pass it,
 *    or is larger than a table's entry limit, is not kept).  Thread-safe (a mutex per table).
 *  - GRIDGOV_CASE_CACHE=off turns both off (read at the first use): the bench's before/after on one binary.
 */
#ifndef GG_API_CASES_CASE_CACHE_H
#define GG_API_CASES_CASE_CACHE_H

#include "api/cases/case_json.h"
#include "auth/roles.h"
#include "core/mem.h"

#define GG_CASE_CACHE_MAX_AGE_MS 5000
#define GG_CASE_CACHE_BYTES (32u << 20)

typedef enum { GG_CASE_CACHE_INBOX = 0, GG_CASE_CACHE_PAGE = 1 } gg_case_cache_table_t;

/* A cached answer: the kept text itself, valid until gg_case_cache_release (no copy). */
typedef struct gg_case_cached {
    const char *text;
    size_t len;
    const gg_case_hole_t *holes;
    int nholes;
    gg_case_cache_table_t table_;
    void *ref_;
} gg_case_cached_t;

/* 1 unless GRIDGOV_CASE_CACHE=off. */
int gg_case_cache_on(void);

/* "what|account|grant;grant…" in a. */
const char *gg_case_cache_key(gg_arena_t *a, const gg_auth_t *auth, const char *what);

/* 1 and *out when the table holds key at this stamp and younger than the maximum age (release it when
 * done); 0 otherwise. */
#define GG_CASE_STAMP 4
int gg_case_cache_get(gg_case_cache_table_t t, const char *key, const int64_t stamp[GG_CASE_STAMP],
                      gg_case_cached_t *out);
void gg_case_cache_release(gg_case_cached_t *c);

/* Keep text[0..len) with its holes under key at this stamp (replacing the slot's entry). */
void gg_case_cache_put(gg_case_cache_table_t t, const char *key, const int64_t stamp[GG_CASE_STAMP],
                       const char *text, size_t len, const gg_case_hole_t *holes, int nholes);

#endif
