/*
 * grid_index.h — point-in-grid lookup (which grid is this point in?) for many
 * threads at once: GEOS prepared polygons of the active grids and micro-grids
 * under an STRtree, held as immutable snapshots.
 *
 * Thread safety (docs/decisions.md #14):
 *  - A snapshot never changes after gg_grid_snapshot_build returns.  GEOS
 *    prepared geometries and the STRtree build internal indexes lazily on
 *    first use (PreparedPolygon even switches from a brute-force locator to an
 *    indexed one on its second query), which is a data race if two threads
 *    make that first use together.  The build therefore warms every prepared
 *    polygon up with several point queries and queries the tree once, in the
 *    building thread, before the snapshot is published.
 *  - Readers take a reference (gg_grid_index_acquire), locate, and release.
 *    Installing a new snapshot swaps one pointer under a mutex held for a few
 *    instructions; the old snapshot is freed by whoever drops the last
 *    reference, so a rebuild never waits for readers and readers never wait
 *    for a rebuild.
 *  - GEOS calls on the lookup path use a context handle per thread (created on
 *    first use, destroyed when the thread exits).
 *
 * Freshness: each snapshot carries the grid generation it was built from (a
 * counter in app_setting that every grid write bumps; see domain/grid.h).
 * gg_grid_index_due says when a reader should compare it with the database
 * again — at most once a second per process, and only one thread at a time.
 *
 * Ownership: gg_grid_index_t is long-lived (the server holds it in gg_app_t);
 * gg_grid_snapshot_build copies everything it is given.
 */
#ifndef GG_GEO_GRID_INDEX_H
#define GG_GEO_GRID_INDEX_H

#include <stdint.h>

#include "core/error.h"

/* An ancestor of a grid, for answers like "grid X of community Y, street Z". */
typedef struct gg_grid_ref {
    int64_t id;
    const char *level, *code, *name;
} gg_grid_ref_t;

#define GG_GRID_REFS 3 /* parent, grandparent, great-grandparent */

typedef struct gg_grid_entry {
    int64_t id;
    const char *level; /* "grid" | "micro_grid" */
    const char *code, *name, *path;
    const char *geojson;            /* input only: the polygon */
    gg_grid_ref_t up[GG_GRID_REFS]; /* nearest first; id 0 = none */
    double area;                    /* filled by the build (square degrees), for ordering */
} gg_grid_entry_t;

typedef struct gg_grid_snapshot gg_grid_snapshot_t;
typedef struct gg_grid_index gg_grid_index_t;

/* Build a snapshot of n entries.  Entries whose polygon GEOS cannot read are
 * left out and counted in *skipped (the database holds only validated shapes,
 * so this guards against hand-edited rows, not normal operation). */
int gg_grid_snapshot_build(const gg_grid_entry_t *entries, int n, int64_t generation,
                           gg_grid_snapshot_t **out, int *skipped, gg_error_t *err);
int64_t gg_grid_snapshot_generation(const gg_grid_snapshot_t *s);
int gg_grid_snapshot_count(const gg_grid_snapshot_t *s);

/* Entries covering (lat, lng), most specific first (micro-grid before grid,
 * then the smaller area, then the lower id); at most max of them.  Points on a
 * border belong to both sides.  Returns the number written to hits. */
int gg_grid_snapshot_locate(const gg_grid_snapshot_t *s, double lat, double lng, const gg_grid_entry_t **hits,
                            int max);

gg_grid_index_t *gg_grid_index_new(void);
void gg_grid_index_free(gg_grid_index_t *idx);

/* The current snapshot with a reference held (an empty one before the first
 * install); pair with gg_grid_snapshot_release. */
gg_grid_snapshot_t *gg_grid_index_acquire(gg_grid_index_t *idx);
void gg_grid_snapshot_release(gg_grid_snapshot_t *s);
/* Publish s (the index takes ownership).  A snapshot older than the current
 * one (a lower generation, from a slower concurrent rebuild) is dropped. */
void gg_grid_index_install(gg_grid_index_t *idx, gg_grid_snapshot_t *s);
/* Free a snapshot that was never installed. */
void gg_grid_snapshot_discard(gg_grid_snapshot_t *s);

/* 1 when the caller should check the database for a newer generation now:
 * more than a second since the last check, and no other thread checking.  The
 * caller must then call gg_grid_index_checked when done. */
int gg_grid_index_due(gg_grid_index_t *idx, int64_t now_ms);
void gg_grid_index_checked(gg_grid_index_t *idx);
/* Serialise rebuilds within the process (one builder at a time).  trylock returns 1 when it got the lock. */
void gg_grid_index_build_lock(gg_grid_index_t *idx);
int gg_grid_index_build_trylock(gg_grid_index_t *idx);
void gg_grid_index_build_unlock(gg_grid_index_t *idx);

#endif
