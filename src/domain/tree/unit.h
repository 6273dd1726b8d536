/*
 * unit.h — the unit tree (单位/区划/网格): root > province > city > county >
 * street > community > grid > micro_grid, with departments under a county or
 * street.  A unit's path ("/1/7/93/") is fixed at creation from its parent's
 * path and its own id; scope checks are prefix tests on it.
 */
#ifndef GG_DOMAIN_UNIT_H
#define GG_DOMAIN_UNIT_H

#include "domain/domain.h"

typedef struct gg_unit {
    int64_t id, parent_id; /* parent_id 0 for the root */
    const char *level, *code, *name, *path;
    int64_t valid_from, retired_at;
    int has_centroid;
    double lat, lon;
    int64_t child_count; /* filled by gg_unit_children and gg_unit_search */
} gg_unit_t;

/* Load by id or by code ("root" names the root).  *found = 0 when absent. */
int gg_unit_by_id(gg_db_conn_t *c, gg_arena_t *a, int64_t id, gg_unit_t *u, int *found, gg_error_t *err);
int gg_unit_by_code(gg_db_conn_t *c, gg_arena_t *a, const char *code, gg_unit_t *u, int *found,
                    gg_error_t *err);
/* Load a unit the caller may see (perm over it); 404 otherwise. */
int gg_unit_get_scoped(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, uint64_t perm, int64_t id,
                       gg_unit_t *u, gg_error_t *err);
/* Children of id the caller may see, by code. */
int gg_unit_children(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_unit_t **rows,
                     int *n, gg_error_t *err);

/* Units in scope whose name contains q, or whose code starts with q (all digits);
 * level optional; retired units only when include_retired.  At most limit rows, shallowest first. */
int gg_unit_search(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const char *q, const char *level,
                   int include_retired, int limit, gg_unit_t **rows, int *n, gg_error_t *err);
/* The unit's ancestors from the root down (not the unit itself), from its path. */
int gg_unit_ancestors(gg_db_conn_t *c, gg_arena_t *a, const gg_unit_t *u, gg_unit_t **rows, int *n,
                      gg_error_t *err);

typedef struct gg_unit_new {
    int64_t parent_id;
    const char *level, *code, *name;
} gg_unit_new_t;

/* Create a unit (must be inside a transaction; audited).  auth NULL = operator. */
int gg_unit_create(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                   const gg_unit_new_t *in, int64_t *id, gg_error_t *err);

/* 1 when a unit of level child may hang under a unit of level parent. */
int gg_unit_level_allowed(const char *parent, const char *child);
int gg_unit_level_valid(const char *level);
/* The level as people write it ("micro-grid" for micro_grid). */
const char *gg_unit_level_word(const char *level);
/* A grid's code is its community's code + a 3-digit serial (15 digits), a micro-grid's its grid's code +
 * a serial; serial 000 is not used.  400 naming field otherwise. */
int gg_grid_code_check(const char *level, const char *parent_level, const char *parent_code, const char *code,
                       const char *field, gg_error_t *err);

#endif
