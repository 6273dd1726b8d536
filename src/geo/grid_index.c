/* grid_index.c — immutable, reference-counted snapshots of prepared grid polygons (see grid_index.h). */
#include "geo/grid_index.h"

#include <geos_c.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define MAX_CANDIDATES 16 /* covering polygons collected per lookup before ordering */

struct gg_grid_snapshot {
    atomic_int refs;
    int64_t generation;
    int n;
    gg_grid_entry_t *e; /* n entries; strings live in arena */
    GEOSGeometry **geom;
    const GEOSPreparedGeometry **prep;
    GEOSSTRtree *tree; /* NULL when n == 0 */
    gg_arena_t *arena;
};

struct gg_grid_index {
    pthread_mutex_t mu; /* guards cur: held only to read or swap the pointer */
    gg_grid_snapshot_t *cur;
    pthread_mutex_t build_mu;
    _Atomic int64_t last_check_ms;
    atomic_int checking;
};

/* ---- one GEOS context per thread for lookups and frees ---- */

static pthread_key_t ctx_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void quiet(const char *message, void *userdata)
{
    (void)message;
    (void)userdata;
}

static void ctx_destroy(void *h)
{
    GEOS_finish_r(h);
}

static void ctx_key_init(void)
{
    if (pthread_key_create(&ctx_key, ctx_destroy) != 0) {
        fprintf(stderr, "gridgov: pthread_key_create failed\n");
        abort();
    }
}

static GEOSContextHandle_t new_ctx(void)
{
    GEOSContextHandle_t h = GEOS_init_r();
    if (!h) {
        fprintf(stderr, "gridgov: out of memory (GEOS context)\n");
        abort();
    }
    GEOSContext_setErrorMessageHandler_r(h, quiet, NULL);
    GEOSContext_setNoticeMessageHandler_r(h, quiet, NULL);
    return h;
}

static GEOSContextHandle_t thread_ctx(void)
{
    pthread_once(&ctx_once, ctx_key_init);
    GEOSContextHandle_t h = pthread_getspecific(ctx_key);
    if (!h) {
        h = new_ctx();
        pthread_setspecific(ctx_key, h);
    }
    return h;
}

/* ---- snapshots ---- */

static gg_grid_snapshot_t *snapshot_alloc(int cap, int64_t generation)
{
    gg_grid_snapshot_t *s = gg_xcalloc(1, sizeof *s);
    atomic_init(&s->refs, 1);
    s->generation = generation;
    s->arena = gg_arena_new(4096);
    if (cap > 0) {
        s->e = gg_xcalloc((size_t)cap, sizeof *s->e);
        s->geom = gg_xcalloc((size_t)cap, sizeof *s->geom);
        s->prep = gg_xcalloc((size_t)cap, sizeof *s->prep);
    }
    return s;
}

static void snapshot_free(gg_grid_snapshot_t *s)
{
    /* any thread may drop the last reference; use its lookup context if it has one, else a temporary one
     * (so a thread that never looked anything up does not keep a context until it exits) */
    pthread_once(&ctx_once, ctx_key_init);
    GEOSContextHandle_t mine = pthread_getspecific(ctx_key), h = mine ? mine : new_ctx();
    if (s->tree) GEOSSTRtree_destroy_r(h, s->tree);
    for (int i = 0; i < s->n; i++) {
        if (s->prep[i]) GEOSPreparedGeom_destroy_r(h, s->prep[i]);
        if (s->geom[i]) GEOSGeom_destroy_r(h, s->geom[i]);
    }
    free(s->e);
    free(s->geom);
    free(s->prep);
    gg_arena_free(s->arena);
    free(s);
    if (!mine) GEOS_finish_r(h);
}

void gg_grid_snapshot_release(gg_grid_snapshot_t *s)
{
    if (s && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1) snapshot_free(s);
}

void gg_grid_snapshot_discard(gg_grid_snapshot_t *s)
{
    gg_grid_snapshot_release(s);
}

int64_t gg_grid_snapshot_generation(const gg_grid_snapshot_t *s)
{
    return s->generation;
}

int gg_grid_snapshot_count(const gg_grid_snapshot_t *s)
{
    return s->n;
}

static void copy_entry(gg_arena_t *a, gg_grid_entry_t *dst, const gg_grid_entry_t *src)
{
    dst->id = src->id;
    dst->level = gg_strdup(a, src->level ? src->level : "grid");
    dst->code = gg_strdup(a, src->code ? src->code : "");
    dst->name = gg_strdup(a, src->name ? src->name : "");
    dst->path = gg_strdup(a, src->path ? src->path : "");
    dst->geojson = NULL; /* the GEOS geometry replaces it */
    for (int k = 0; k < GG_GRID_REFS; k++) {
        dst->up[k].id = src->up[k].id;
        dst->up[k].level = gg_strdup(a, src->up[k].level ? src->up[k].level : "");
        dst->up[k].code = gg_strdup(a, src->up[k].code ? src->up[k].code : "");
        dst->up[k].name = gg_strdup(a, src->up[k].name ? src->up[k].name : "");
    }
}

/*
 * Make every lazily built structure of a prepared polygon exist now, in this
 * thread.  GEOS's PreparedPolygon answers its first point query with a
 * brute-force locator and creates the indexed locator on the second; the
 * indexed locator builds its interval tree on its first query.  Three point
 * queries (covers and contains share the locator) leave nothing to build.
 */
static void warm_up(GEOSContextHandle_t h, const GEOSPreparedGeometry *p, const GEOSGeometry *g)
{
    GEOSGeometry *inside = GEOSPointOnSurface_r(h, g);
    if (!inside) return;
    for (int i = 0; i < 3; i++) {
        (void)GEOSPreparedCovers_r(h, p, inside);
        (void)GEOSPreparedContains_r(h, p, inside);
    }
    GEOSGeom_destroy_r(h, inside);
}

static void tree_warm_up_cb(void *item, void *userdata)
{
    (void)item;
    (void)userdata;
}

int gg_grid_snapshot_build(const gg_grid_entry_t *entries, int n, int64_t generation,
                           gg_grid_snapshot_t **out, int *skipped, gg_error_t *err)
{
    (void)err; /* nothing here fails but a lack of memory, which aborts */
    GEOSContextHandle_t h = new_ctx();
    GEOSGeoJSONReader *reader = GEOSGeoJSONReader_create_r(h);
    gg_grid_snapshot_t *s = snapshot_alloc(n, generation);
    *skipped = 0;
    for (int i = 0; i < n; i++) {
        GEOSGeometry *g =
            entries[i].geojson ? GEOSGeoJSONReader_readGeometry_r(h, reader, entries[i].geojson) : NULL;
        int type = g ? GEOSGeomTypeId_r(h, g) : -1;
        if (!g || (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON) || GEOSisEmpty_r(h, g) != 0) {
            if (g) GEOSGeom_destroy_r(h, g);
            (*skipped)++;
            continue;
        }
        const GEOSPreparedGeometry *p = GEOSPrepare_r(h, g);
        if (!p) {
            GEOSGeom_destroy_r(h, g);
            (*skipped)++;
            continue;
        }
        warm_up(h, p, g);
        int k = s->n++;
        copy_entry(s->arena, &s->e[k], &entries[i]);
        double area = 0;
        GEOSArea_r(h, g, &area);
        s->e[k].area = area;
        s->geom[k] = g;
        s->prep[k] = p;
    }
    if (s->n > 0) {
        s->tree = GEOSSTRtree_create_r(h, 10);
        for (int k = 0; k < s->n; k++)
            GEOSSTRtree_insert_r(h, s->tree, s->geom[k], &s->e[k]);
        /* the tree is packed on its first query: do that here, not in a reader thread */
        GEOSGeometry *any = GEOSGeom_createPointFromXY_r(h, 0, 0);
        GEOSSTRtree_query_r(h, s->tree, any, tree_warm_up_cb, NULL);
        GEOSGeom_destroy_r(h, any);
    }
    GEOSGeoJSONReader_destroy_r(h, reader);
    GEOS_finish_r(h);
    *out = s;
    return 0;
}

/* Lower ranks first: micro-grids before grids, then smaller areas, then lower ids. */
static int more_specific(const gg_grid_entry_t *a, const gg_grid_entry_t *b)
{
    int ra = strcmp(a->level, "micro_grid") == 0 ? 0 : 1, rb = strcmp(b->level, "micro_grid") == 0 ? 0 : 1;
    if (ra != rb) return ra < rb;
    if (a->area != b->area) return a->area < b->area;
    return a->id < b->id;
}

typedef struct query {
    const gg_grid_snapshot_t *s;
    GEOSContextHandle_t h;
    const GEOSGeometry *pt;
    const gg_grid_entry_t *found[MAX_CANDIDATES];
    int n;
} query_t;

static void on_candidate(void *item, void *userdata)
{
    query_t *q = userdata;
    const gg_grid_entry_t *e = item;
    int k = (int)(e - q->s->e);
    if (q->n == MAX_CANDIDATES || GEOSPreparedCovers_r(q->h, q->s->prep[k], q->pt) != 1) return;
    int i = q->n++;
    while (i > 0 && more_specific(e, q->found[i - 1])) {
        q->found[i] = q->found[i - 1];
        i--;
    }
    q->found[i] = e;
}

int gg_grid_snapshot_locate(const gg_grid_snapshot_t *s, double lat, double lng, const gg_grid_entry_t **hits,
                            int max)
{
    if (s->n == 0 || max <= 0) return 0;
    query_t q = {.s = s, .h = thread_ctx()};
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(q.h, lng, lat);
    if (!pt) return 0;
    q.pt = pt;
    GEOSSTRtree_query_r(q.h, s->tree, pt, on_candidate, &q);
    GEOSGeom_destroy_r(q.h, pt);
    int n = q.n < max ? q.n : max;
    for (int i = 0; i < n; i++)
        hits[i] = q.found[i];
    return n;
}

/* ---- the holder ---- */

gg_grid_index_t *gg_grid_index_new(void)
{
    gg_grid_index_t *idx = gg_xcalloc(1, sizeof *idx);
    pthread_mutex_init(&idx->mu, NULL);
    pthread_mutex_init(&idx->build_mu, NULL);
    idx->cur = snapshot_alloc(0, -1);
    atomic_init(&idx->last_check_ms, 0);
    atomic_init(&idx->checking, 0);
    return idx;
}

void gg_grid_index_free(gg_grid_index_t *idx)
{
    if (!idx) return;
    gg_grid_snapshot_release(idx->cur);
    pthread_mutex_destroy(&idx->mu);
    pthread_mutex_destroy(&idx->build_mu);
    free(idx);
}

gg_grid_snapshot_t *gg_grid_index_acquire(gg_grid_index_t *idx)
{
    pthread_mutex_lock(&idx->mu);
    gg_grid_snapshot_t *s = idx->cur;
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&idx->mu);
    return s;
}

void gg_grid_index_install(gg_grid_index_t *idx, gg_grid_snapshot_t *s)
{
    pthread_mutex_lock(&idx->mu);
    gg_grid_snapshot_t *old = idx->cur;
    if (s->generation < old->generation) {
        pthread_mutex_unlock(&idx->mu);
        gg_grid_snapshot_release(s);
        return;
    }
    idx->cur = s;
    pthread_mutex_unlock(&idx->mu);
    gg_grid_snapshot_release(old);
}

int gg_grid_index_due(gg_grid_index_t *idx, int64_t now_ms)
{
    if (now_ms - atomic_load_explicit(&idx->last_check_ms, memory_order_relaxed) < 1000) return 0;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&idx->checking, &expected, 1)) return 0;
    atomic_store(&idx->last_check_ms, now_ms);
    return 1;
}

void gg_grid_index_checked(gg_grid_index_t *idx)
{
    atomic_store(&idx->checking, 0);
}

void gg_grid_index_build_lock(gg_grid_index_t *idx)
{
    pthread_mutex_lock(&idx->build_mu);
}

int gg_grid_index_build_trylock(gg_grid_index_t *idx)
{
    return pthread_mutex_trylock(&idx->build_mu) == 0;
}

void gg_grid_index_build_unlock(gg_grid_index_t *idx)
{
    pthread_mutex_unlock(&idx->build_mu);
}
