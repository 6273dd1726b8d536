/*
 * hotspot.h — recurring problems found from the cases of a unit's subtree (docs/command.md "Hotspots"):
 *   hotspots  高发点: clusters of cases of one category within radius_m of each other in the last `days` days
 *             (DBSCAN with eps = radius_m and minPts = min_cases, per category, on a cell grid of eps);
 *   repeats   重复诉求: the same reporter (by the contact's blind index — never the number itself), the same
 * house (place_id) or the same written address reporting one category min_cases or more times; rising grids
 * whose reports of the last `days` days are up against the `days` before. Reads are bounded: the period's
 * cases of the subtree, newest first, at most GG_HOTSPOT_ROWS; truncated says the limit was hit.  Each item
 * carries up to GG_HOTSPOT_IDS case ids (the case list's ids= filter shows them). Merged and rejected cases
 * are left out (a merged case is its survivor's repeat already).
 */
#ifndef GG_DOMAIN_COMMAND_HOTSPOT_H
#define GG_DOMAIN_COMMAND_HOTSPOT_H

#include "domain/op.h"
#include "domain/tree/unit.h"

#define GG_HOTSPOT_ROWS 50000
#define GG_HOTSPOT_IDS 200
#define GG_HOTSPOT_MAX_ITEMS 100

typedef struct gg_hotspot_query {
    int days;        /* 1..365 */
    double radius_m; /* 10..5000 */
    int min_cases;   /* 2..1000 */
    int64_t now;
} gg_hotspot_query_t;

typedef struct gg_hotspot {
    int64_t category_id;
    const char *category_code, *category_name, *category_name_en;
    int count, open;
    double lat, lon, radius_m; /* the centre (mean) and the distance of its furthest case */
    int64_t first_at, last_at;
    int64_t *ids;
    int nids;
} gg_hotspot_t;

int gg_hotspots(gg_op_t *op, const gg_unit_t *u, const gg_hotspot_query_t *q, gg_hotspot_t **rows, int *n,
                int *truncated, gg_error_t *err);

typedef struct gg_repeat {
    const char *kind;  /* reporter | house | address */
    const char *label; /* house: its address; address: the text; reporter: NULL (no personal data) */
    int64_t place_id;  /* house */
    int64_t category_id;
    const char *category_code, *category_name, *category_name_en;
    int count;
    int64_t first_at, last_at;
    int64_t *ids;
    int nids;
} gg_repeat_t;

int gg_repeats(gg_op_t *op, const gg_unit_t *u, const gg_hotspot_query_t *q, gg_repeat_t **rows, int *n,
               gg_error_t *err);

typedef struct gg_rising {
    int64_t unit_id;
    const char *name, *code;
    int has_centroid;
    double lat, lon;
    int64_t current, previous;
} gg_rising_t;

/* min_cases: the least number this period for a grid to be listed. */
int gg_rising(gg_op_t *op, const gg_unit_t *u, const gg_hotspot_query_t *q, gg_rising_t **rows, int *n,
              gg_error_t *err);

/* The clustering alone (tested by tests/unit/test_command.c): points (lat, lon) of one category; cluster[i]
 * gets a cluster number 0.. or -1 (noise); returns the number of clusters. */
int gg_hotspot_dbscan(const double *lat, const double *lon, int n, double radius_m, int min_pts,
                      int *cluster);

#endif
