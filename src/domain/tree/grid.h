/*
 * grid.h — grids and micro-grids (网格/微网格) on the map: creating, editing,
 * restructuring (拆分/合并/调整) with lineage, and keeping the point-in-grid
 * index (geo/grid_index.h) in step with the database.
 *
 * A grid is a unit row (level 'grid' under a community, 'micro_grid' under a
 * grid) with a validated GeoJSON polygon.  Codes: the parent's code + a
 * 3-digit serial (grid 15 digits, micro-grid 18), never reused.
 *
 * Rules every write checks, each a 4xx naming the field:
 *  - the polygon is valid (geo.h), inside the parent's polygon when the parent
 *    has one, and overlaps no other active grid of the same level by more than
 *    the tolerance (about 1 m) — the message names the grid it overlaps;
 *  - scope: the parent must be readable (unit.read; else 404) and manageable
 *    (unit.manage; else 403).
 * Restructuring retires a set of grids and creates a set in ONE transaction;
 * lineage rows record old → new; nothing pointing at an old grid is rewritten
 * (current assignments of retired grids are ended, as nobody serves a retired
 * grid).  Every write bumps the grid generation (app_setting
 * 'grid_generation') in its transaction and appends to the audit log
 * (grid.create, grid.update, grid.restructure, unit.boundary); all writes
 * must run inside gg_db_tx.  auth == NULL means the local operator (CLI,
 * demo), who is trusted.
 *
 * Files: grid.c reads, lineage and the index; grid_edit.c the writes;
 * grid_internal.h what the two share.
 */
#ifndef GG_DOMAIN_GRID_H
#define GG_DOMAIN_GRID_H

#include "domain/domain.h"
#include "geo/grid_index.h"

typedef struct gg_grid {
    int64_t id, parent_id;
    const char *level, *code, *name, *path;
    const char *geometry; /* canonical GeoJSON text, NULL when none */
    int has_centroid;
    double lat, lon;
    double area_m2; /* 0 when no geometry */
    int has_bbox;
    double bbox[4]; /* min lng, min lat, max lng, max lat */
    int64_t valid_from, retired_at;
    int version;
    const char *parent_level, *parent_code, *parent_name;
    int64_t households; /* -1 when not counted */
} gg_grid_t;

typedef struct gg_grid_filter {
    int64_t parent_id; /* direct children of this unit; 0 = any */
    int64_t unit_id;   /* anywhere below this unit; 0 = anywhere in scope */
    const char *level; /* "grid" | "micro_grid" | NULL = both */
    int include_retired;
    int with_geometry; /* load the polygons (maps) */
} gg_grid_filter_t;

/* A grid the caller may read (unit.read); 404 for units that are not grids or not visible. */
int gg_grid_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_grid_t *out,
                gg_error_t *err);
/* Any unit with its shape columns (the same struct; households count every grid's below a grid only). */
int gg_unit_shape_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_grid_t *out,
                      gg_error_t *err);
/* Grids in scope by id, after page->after, at most page->limit. */
int gg_grid_list(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_grid_filter_t *f,
                 const gg_page_t *page, gg_grid_t **rows, int *n, gg_error_t *err);

/* The borders a map of the unit draws as its base when it has no tiles: the unit's own, its parent's, its
 * siblings' and its children's — active units above grid level with a border, those the caller may read
 * (unit.read, in SQL), by level from the top then id; each row's relation is "self", "parent", "sibling"
 * or "child".  404 when the unit is not readable; 400 naming id when more than GG_UNIT_BORDERS_MAX would
 * come back. */
#define GG_UNIT_BORDERS_MAX 2000
typedef struct gg_unit_border {
    gg_grid_t unit; /* id, parent, level, code, name, geometry, centroid */
    const char *relation;
} gg_unit_border_t;
int gg_unit_borders(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id,
                    gg_unit_border_t **rows, int *n, gg_error_t *err);

/* Household counts of the active grids and micro-grids in scope under unit_id (0: all in scope), by id
 * after page->after, at most page->limit: one query for a whole map (rows carry id, code, name,
 * households; no geometry).  404 naming unit_id when the unit is not readable. */
int gg_grid_households(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t unit_id,
                       const gg_page_t *page, gg_grid_t **rows, int *n, gg_error_t *err);

typedef struct gg_grid_new {
    int64_t parent_id; /* community (→ grid) or grid (→ micro-grid); 0 = the restructure's parent */
    const char *name;
    const char *code;     /* NULL: the parent's next free serial */
    const char *geometry; /* GeoJSON text */
} gg_grid_new_t;

int gg_grid_create(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                   const gg_grid_new_t *in, int64_t *id, gg_error_t *err);

typedef struct gg_grid_patch {
    const char *name;     /* NULL = unchanged */
    const char *geometry; /* NULL = unchanged: a new border (redraw, recorded in the lineage) */
    int version;          /* 0 = not checked; otherwise must match (409 version_conflict) */
} gg_grid_patch_t;

int gg_grid_update(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth, int64_t id,
                   const gg_grid_patch_t *p, gg_error_t *err);

/* Give a unit other than a grid (a community, a street …) a boundary, so its grids are checked against it:
 * the same rules as a grid's border (valid, inside its parent's, no overlap with units of its level, still
 * holding its children's).  Audited as unit.boundary, recorded in the lineage as a redraw. */
int gg_unit_set_boundary(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                         int64_t id, const char *geometry, int version, gg_error_t *err);

typedef struct gg_grid_restructure {
    int64_t parent_id; /* where it happens: a street, community or grid; needs unit.manage there */
    const int64_t *retire;
    int nretire;
    const gg_grid_new_t *create;
    int ncreate;
    const char *note;
    /* the working calendar for the moved cases' rollups (rollup.h); NULL keeps their stored working times */
    const struct gg_cal_snapshot *cal;
} gg_grid_restructure_t;

typedef struct gg_lineage {
    int64_t id, restructure_id, old_id, new_id;
    const char *operation;
    const char *old_code, *old_name, *new_code, *new_name;
    const char *old_geometry; /* redraws: the border before */
    int64_t at, by_account_id;
    const char *by_username;
} gg_lineage_t;

typedef struct gg_grid_restructure_result {
    int64_t restructure_id;
    const char *operation; /* create | split | merge | restructure | retire */
    int64_t *created;      /* ids, in the order of the request's create list */
    int ncreated;
    gg_lineage_t *lineage;
    int nlineage;
    int64_t ended_assignments; /* current assignments of retired grids, now ended */
    int64_t buildings_moved; /* buildings moved into the new grid that contains them (or the one new grid) */
    int64_t buildings_in_retired; /* buildings left in the retired grids: no location inside a new grid */
    int64_t cases_moved;      /* cases whose location unit moved to a new grid (their rollups with them) */
    int64_t cases_in_retired; /* cases left in the retired grids (no point inside a new grid) */
} gg_grid_restructure_result_t;

int gg_grid_restructure(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                        const gg_grid_restructure_t *in, gg_grid_restructure_result_t *out, gg_error_t *err);

/* The grid's history: lineage rows reaching it through any number of
 * restructurings, backwards and forwards (at most 500 rows), oldest first;
 * rows whose grids the caller cannot see are left out. */
int gg_grid_lineage(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_lineage_t **rows,
                    int *n, gg_error_t *err);

/* ---- for sibling domain modules (assignment.c) ---- */

/* Live households in the buildings of grid alias g and of its micro-grids (tables of 0005_places). */
#define GG_GRID_HOUSEHOLDS_SQL(g)                                                                            \
    "(SELECT count(*) FROM unit m JOIN building b ON b.grid_id = m.id JOIN house ho ON ho.building_id = "    \
    "b.id "                                                                                                  \
    "JOIN household h ON h.house_id = ho.id WHERE (m.id = " g ".id OR m.parent_id = " g ".id) "              \
    "AND b.retired_at IS NULL AND ho.retired_at IS NULL AND h.dissolved_at IS NULL)"

/* [lo, hi) of the path range of unit_id's subtree (unit_id 0: the whole tree).  The unit must be readable
 * (unit.read), else 404 naming field. */
int gg_grid_subtree(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t unit_id, const char *field,
                    const char **lo, const char **hi, gg_error_t *err);
/* Grids (alias u) meeting cond (SQL over u with $1.. bound from args), by id, at most limit, households
 * counted. */
int gg_grid_select(gg_db_conn_t *c, gg_arena_t *a, const char *cond, const gg_db_arg_t *args, int nargs,
                   int limit, gg_grid_t **rows, int *n, gg_error_t *err);

/* ---- the point-in-grid index ---- */

/* Bump the grid generation (inside the transaction of a grid change). */
int gg_grid_generation_bump(gg_db_conn_t *c, gg_error_t *err);
/* Rebuild the index from the database now unless it is already current
 * (after a grid write on this node, and at start). */
int gg_grid_index_reload(gg_db_conn_t *c, gg_grid_index_t *idx, gg_error_t *err);
/* The same once the current transaction (a grid write) has committed (gg_db_on_commit), so the next
 * lookup on this node sees it; idx NULL: nothing.  The write stands if the rebuild fails (the periodic
 * check retries), so a failure is only logged. */
void gg_grid_index_reload_on_commit(gg_db_conn_t *c, gg_grid_index_t *idx);
/* Cheap: at most once a second per process, compare the generation with the
 * database and rebuild when another node changed grids. */
int gg_grid_index_sync(gg_db_conn_t *c, gg_grid_index_t *idx, gg_error_t *err);

#endif
