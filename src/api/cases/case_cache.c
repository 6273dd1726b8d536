/* case_cache.c — the case answers' read caches (case_cache.h): two direct-mapped tables of JSON texts. */
#include "api/cases/case_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

/* One malloc: this header, the holes, the key, the text.  refs: the table's slot and every reader splicing
 * from it (a reader copies nothing; the last one out frees it). */
typedef struct block {
    int refs;
    int pad_[3]; /* the holes after it 16-byte aligned */
} block_t;

typedef struct entry {
    block_t *block;
    const char *key;
    const char *text;
    size_t len, size;
    const gg_case_hole_t *holes;
    int nholes;
    int64_t stamp[GG_CASE_STAMP], at_us;
} entry_t;

typedef struct table {
    pthread_mutex_t lock;
    entry_t *slots; /* allocated at the first put */
    size_t nslots, max_entry, bytes;
} table_t;

/* the inbox: a few boxes per account; the case page: a county's open cases being looked at */
static table_t tables[2] = {
    {PTHREAD_MUTEX_INITIALIZER, NULL, 512, 256u << 10, 0},
    {PTHREAD_MUTEX_INITIALIZER, NULL, 8192, 64u << 10, 0},
};

int gg_case_cache_on(void)
{
    static _Atomic int on = -1;
    if (on < 0) {
        const char *e = getenv("GRIDGOV_CASE_CACHE");
        on = !(e && !strcmp(e, "off"));
    }
    return on;
}

const char *gg_case_cache_key(gg_arena_t *a, const gg_auth_t *auth, const char *what)
{
    gg_buf_t b = {0};
    gg_buf_init(&b, 256);
    gg_buf_printf(&b, "%s|%lld|", what, (long long)auth->account_id);
    for (int i = 0; i < auth->ngrants; i++) {
        const gg_grant_t *g = &auth->grants[i];
        gg_buf_printf(&b, "%lld:%llx:%s;", (long long)g->id, (unsigned long long)g->perms,
                      g->unit_path ? g->unit_path : "");
    }
    const char *out = gg_strdup(a, b.data);
    gg_buf_free(&b);
    return out;
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int gg_case_cache_get(gg_case_cache_table_t t, const char *key, const int64_t stamp[GG_CASE_STAMP],
                      gg_case_cached_t *out)
{
    if (!gg_case_cache_on()) return 0;
    table_t *tb = &tables[t];
    int64_t now = gg_mono_us();
    int hit = 0;
    pthread_mutex_lock(&tb->lock);
    entry_t *e = tb->slots ? &tb->slots[hash(key) % tb->nslots] : NULL;
    if (e && e->block && !memcmp(e->stamp, stamp, sizeof e->stamp) && now >= e->at_us &&
        now - e->at_us < (int64_t)GG_CASE_CACHE_MAX_AGE_MS * 1000 && !strcmp(e->key, key)) {
        e->block->refs++;
        *out = (gg_case_cached_t){e->text, e->len, e->holes, e->nholes, t, e->block};
        hit = 1;
    }
    pthread_mutex_unlock(&tb->lock);
    return hit;
}

static void unref(table_t *tb, block_t *b)
{
    pthread_mutex_lock(&tb->lock);
    int last = --b->refs == 0;
    pthread_mutex_unlock(&tb->lock);
    if (last) free(b);
}

void gg_case_cache_release(gg_case_cached_t *c)
{
    if (c->ref_) unref(&tables[c->table_], c->ref_);
    c->ref_ = NULL;
}

void gg_case_cache_put(gg_case_cache_table_t t, const char *key, const int64_t stamp[GG_CASE_STAMP],
                       const char *text, size_t len, const gg_case_hole_t *holes, int nholes)
{
    if (!gg_case_cache_on()) return;
    table_t *tb = &tables[t];
    size_t klen = strlen(key) + 1, hsize = sizeof *holes * (size_t)nholes;
    size_t size = sizeof(block_t) + hsize + klen + len + 1;
    if (len > tb->max_entry) return;
    block_t *block = malloc(size);
    if (!block) return;
    block->refs = 1; /* the slot's */
    char *at = (char *)(block + 1);
    if (hsize) memcpy(at, holes, hsize);
    memcpy(at + hsize, key, klen);
    memcpy(at + hsize + klen, text, len);
    at[hsize + klen + len] = 0;
    entry_t fresh = {.block = block,
                     .holes = (const gg_case_hole_t *)at,
                     .nholes = nholes,
                     .key = at + hsize,
                     .text = at + hsize + klen,
                     .len = len,
                     .size = size,
                     .at_us = gg_mono_us()};
    memcpy(fresh.stamp, stamp, sizeof fresh.stamp);
    block_t *old = NULL;
    pthread_mutex_lock(&tb->lock);
    if (!tb->slots) tb->slots = calloc(tb->nslots, sizeof *tb->slots);
    if (tb->slots) {
        entry_t *e = &tb->slots[hash(key) % tb->nslots];
        size_t freed = e->block ? e->size : 0;
        if (tb->bytes - freed + size <= GG_CASE_CACHE_BYTES) {
            old = e->block;
            tb->bytes = tb->bytes - freed + size;
            *e = fresh;
            block = NULL;
        }
    }
    pthread_mutex_unlock(&tb->lock);
    if (old) unref(tb, old); /* a reader may still splice from it */
    free(block);             /* not kept: over the budget, or no slots */
}
