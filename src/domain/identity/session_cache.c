/* session_cache.c — the in-process memory of authenticated sessions (see session_cache.h).
 *
 * Direct-mapped: a token hash picks one slot, a newer session in the same slot
 * replaces the older one.  Each entry's strings and grants live in one malloc'd
 * block, so replacing an entry is one free.  Invalidation does not touch the
 * slots: it moves the epoch on, and an entry of an older epoch is a miss. */
#include "domain/identity/session_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES 64
#define MAX_GRANTS 16 /* an account with more grants is simply not cached */

typedef struct entry {
    char token_hash[65];
    uint64_t epoch;
    int64_t valid_until;
    gg_auth_t auth; /* pointers into block */
    void *block;
} entry_t;

static entry_t slots[GG_SESSION_CACHE_SLOTS];
static pthread_mutex_t stripes[STRIPES];
static pthread_once_t stripes_once = PTHREAD_ONCE_INIT;
static atomic_uint_fast64_t epoch = 1;

static void stripes_init(void)
{
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&stripes[i], NULL);
}

static pthread_mutex_t *stripe(unsigned slot)
{
    pthread_once(&stripes_once, stripes_init);
    return &stripes[slot % STRIPES];
}

uint64_t gg_session_cache_epoch(void)
{
    return atomic_load(&epoch);
}

void gg_session_cache_invalidate(void)
{
    atomic_fetch_add(&epoch, 1);
}

static void invalidate_hook(gg_db_conn_t *c, void *ctx)
{
    gg_session_cache_invalidate();
}

void gg_session_cache_invalidate_on_commit(gg_db_conn_t *c)
{
    gg_db_on_commit(c, invalidate_hook, NULL);
}

static unsigned slot_of(const char *hash)
{
    unsigned v = 0;
    for (int i = 0; i < 8 && hash[i]; i++) {
        char c = hash[i];
        v = v << 4 | (unsigned)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
    }
    return v % GG_SESSION_CACHE_SLOTS;
}

/* Copy s to *p (a cursor in a block), returning where it went. */
static const char *stash(char **p, const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*p, s, n);
    const char *at = *p;
    *p += n;
    return at;
}

static size_t len0(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

void gg_session_cache_put(const char *token_hash, const gg_auth_t *auth, uint64_t at_epoch,
                          int64_t valid_until_ms)
{
    if (strlen(token_hash) != 64 || auth->ngrants > MAX_GRANTS) return;
    size_t need =
        sizeof(gg_grant_t) * (size_t)auth->ngrants + len0(auth->username) + len0(auth->display_name);
    for (int i = 0; i < auth->ngrants; i++) {
        const gg_grant_t *g = &auth->grants[i];
        need += len0(g->role) + len0(g->unit_path) + len0(g->unit_code) + len0(g->unit_name);
    }
    void *block = malloc(need ? need : 1);
    if (!block) return; /* a cache can always decline */
    gg_grant_t *grants = block;
    char *p = (char *)(grants + auth->ngrants);
    gg_auth_t copy = *auth;
    copy.username = stash(&p, auth->username);
    copy.display_name = stash(&p, auth->display_name);
    for (int i = 0; i < auth->ngrants; i++) {
        grants[i] = auth->grants[i];
        grants[i].role = stash(&p, auth->grants[i].role);
        grants[i].unit_path = stash(&p, auth->grants[i].unit_path);
        grants[i].unit_code = stash(&p, auth->grants[i].unit_code);
        grants[i].unit_name = stash(&p, auth->grants[i].unit_name);
    }
    copy.grants = grants;
    /* per request, not per session: set again by the caller on every hit */
    copy.token_hash = NULL;
    copy.client_ip = NULL;

    unsigned s = slot_of(token_hash);
    void *old = NULL;
    pthread_mutex_lock(stripe(s));
    /* an invalidation between our database read and now: what we read may be stale */
    if (at_epoch == atomic_load(&epoch)) {
        entry_t *e = &slots[s];
        old = e->block;
        memcpy(e->token_hash, token_hash, 65);
        e->epoch = at_epoch;
        e->valid_until = valid_until_ms;
        e->auth = copy;
        e->block = block;
        block = NULL;
    }
    pthread_mutex_unlock(stripe(s));
    free(old);
    free(block);
}

int gg_session_cache_get(const char *token_hash, int64_t now_ms, gg_arena_t *a, gg_auth_t *auth)
{
    unsigned s = slot_of(token_hash);
    int hit = 0;
    pthread_mutex_lock(stripe(s));
    entry_t *e = &slots[s];
    if (e->block && e->epoch == atomic_load(&epoch) && now_ms < e->valid_until &&
        memcmp(e->token_hash, token_hash, 65) == 0) {
        *auth = e->auth;
        auth->username = gg_strdup(a, e->auth.username);
        auth->display_name = gg_strdup(a, e->auth.display_name);
        auth->grants = NULL;
        if (e->auth.ngrants) {
            auth->grants = gg_alloc(a, sizeof(gg_grant_t) * (size_t)e->auth.ngrants);
            for (int i = 0; i < e->auth.ngrants; i++) {
                const gg_grant_t *g = &e->auth.grants[i];
                auth->grants[i] = *g;
                auth->grants[i].role = gg_strdup(a, g->role);
                auth->grants[i].unit_path = gg_strdup(a, g->unit_path);
                auth->grants[i].unit_code = gg_strdup(a, g->unit_code);
                auth->grants[i].unit_name = gg_strdup(a, g->unit_name);
            }
        }
        hit = 1;
    }
    pthread_mutex_unlock(stripe(s));
    return hit;
}
