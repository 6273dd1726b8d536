/*
 * grid_internal.h — what grid.c (reading, lineage, the index) and the writes
 * (grid_plan.c, grid_edit.c, grid_restructure.c) share: the column list of a grid row and
 * the helpers that read one.  Not for other modules: they use grid.h.
 */
#ifndef GG_DOMAIN_GRID_INTERNAL_H
#define GG_DOMAIN_GRID_INTERNAL_H

#include "domain/tree/grid.h"

#define GRID_COLS                                                                                            \
    "u.id, u.parent_id, u.level, u.code, u.name, u.path, u.geometry, u.centroid_lat, u.centroid_lon, "       \
    "u.area_m2, u.bbox_min_lng, u.bbox_min_lat, u.bbox_max_lng, u.bbox_max_lat, u.valid_from, "              \
    "u.retired_at, "                                                                                         \
    "u.version, p.level, p.code, p.name"
#define GRID_NCOLS 20
#define GRID_FROM " FROM unit u LEFT JOIN unit p ON p.id = u.parent_id "
#define IS_GRID "u.level IN ('grid', 'micro_grid')"

#define HOUSEHOLDS(g) GG_GRID_HOUSEHOLDS_SQL(g)

/* Fill g from a row whose first GRID_NCOLS columns are GRID_COLS (geometry only when with_geometry). */
void gg_grid_read_row(gg_db_res_t *r, gg_arena_t *a, int with_geometry, gg_grid_t *g);
/* Any unit by id with its shape columns, unscoped; *found = 0 when absent. */
int gg_grid_load_unit(gg_db_conn_t *c, gg_arena_t *a, int64_t id, gg_grid_t *out, int *found,
                      gg_error_t *err);
/* 1 for "grid" and "micro_grid". */
int gg_grid_is_level(const char *level);

#endif
