/*
 * grid_plan.h — what the grid writes (grid_edit.c: create, update, boundary; grid_restructure.c:
 * restructure) share, implemented by grid_plan.c.  Not for other modules: they use grid.h.
 *
 * Contract
 *  - An operation (gg_grid_op_t) is made by gg_grid_op_init at the start of one write, inside the
 *    caller's transaction, and ended by gg_grid_op_done on every path: it owns the GEOS context and
 *    every shape parsed or read through it (gg_grid_check_shape, gg_grid_op_read), freed together.
 *    Strings and plans live in the arena a.
 *  - The caller bumps the grid generation (gg_grid_generation_bump) before any check: its row lock
 *    serialises grid writes, so serials and overlap checks see every committed grid.
 *  - A plan (gg_grid_plan_t) is a grid about to be written.  Errors name the plan's field prefixed by
 *    plan->field ("" or "create[2].").  auth NULL means the operator (no scope checks).
 *  - Every function returns 0, or -1 with err set (4xx for the caller's input, 5xx otherwise).
 */
#ifndef GG_DOMAIN_GRID_PLAN_H
#define GG_DOMAIN_GRID_PLAN_H

#include "domain/identity/audit.h"
#include "domain/tree/grid_internal.h"
#include "geo/geo.h"

/* A grid about to be written: a new one, or an existing one with a new border. */
typedef struct gg_grid_plan {
    char field[64]; /* error prefix: "" or "create[2]." */
    gg_grid_t parent;
    const char *level, *name, *code;
    gg_shape_t *shape;
    double lat, lon, area_m2;
    int64_t id;   /* after insert; the grid itself for a redraw */
    int explicit; /* code given by the caller */
} gg_grid_plan_t;

/* One write operation: the GEOS context and every shape made, freed together. */
typedef struct gg_grid_op {
    gg_db_conn_t *c;
    gg_arena_t *a;
    const gg_actor_t *actor;
    const gg_auth_t *auth;
    gg_geo_t *geo;
    gg_shape_t **shapes;
    int nshapes, capshapes;
    int64_t now;
    char today[11];
} gg_grid_op_t;

void gg_grid_op_init(gg_grid_op_t *o, gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor,
                     const gg_auth_t *auth);
void gg_grid_op_done(gg_grid_op_t *o);
/* A stored shape, kept by the operation; *out NULL when the unit has none (or an unreadable one). */
int gg_grid_op_read(gg_grid_op_t *o, const char *geojson, gg_shape_t **out, gg_error_t *err);
/* The error field name of a plan's field: p->field + name ("create[1].geometry"). */
const char *gg_grid_field(gg_grid_op_t *o, const gg_grid_plan_t *p, const char *name);
/* The actor's account id, 0 for the operator; as a query argument, NULL for the operator. */
int64_t gg_grid_by_account(const gg_actor_t *actor);
gg_db_arg_t gg_grid_account_arg(const gg_actor_t *actor);
/* 1 when id is one of ids[0..n). */
int gg_grid_id_in(int64_t id, const int64_t *ids, int n);

/* Check and set p->name (trimmed, 1-100 characters). */
int gg_grid_check_name(gg_grid_op_t *o, gg_grid_plan_t *p, const char *name, gg_error_t *err);
/* Parse the border into p->shape, check it lies in p->parent's border, set the label point and area. */
int gg_grid_check_shape(gg_grid_op_t *o, gg_grid_plan_t *p, const char *geojson, gg_error_t *err);
/* Fill a plan for a new grid: the parent (loaded, in scope, manageable, within scope_path when given),
 * the level it implies, name, code (optional) and border. */
int gg_grid_plan_new(gg_grid_op_t *o, const gg_grid_new_t *in, int64_t parent_id, const char *field_prefix,
                     const char *scope_path, gg_grid_plan_t *p, gg_error_t *err);
/* Codes for plans without one: the parent's highest serial ever used + 1; 409 on a code given twice. */
int gg_grid_assign_codes(gg_grid_op_t *o, gg_grid_plan_t *plans, int n, gg_error_t *err);
/* No plan may overlap an active unit of its level (except those in skip) nor another plan. */
int gg_grid_check_overlaps(gg_grid_op_t *o, gg_grid_plan_t *plans, int n, const int64_t *skip, int nskip,
                           gg_error_t *err);
/* Insert the planned grid (sets p->id and its path); 409 naming code when the code is taken. */
int gg_grid_insert_plan(gg_grid_op_t *o, gg_grid_plan_t *p, gg_error_t *err);

/* A unit_restructure row for an operation under where (*rid its id), and one unit_lineage row. */
int gg_grid_insert_restructure(gg_grid_op_t *o, const gg_grid_t *where, const char *operation, int nretired,
                               int ncreated, const char *note, int64_t *rid, gg_error_t *err);
int gg_grid_insert_lineage(gg_grid_op_t *o, int64_t rid, int64_t old_id, int64_t new_id,
                           const char *operation, const char *old_geometry, gg_error_t *err);
/* Append an audit entry by the operation's actor. */
int gg_grid_audit(gg_grid_op_t *o, const char *action, const char *object_type, int64_t object_id,
                  int64_t unit_id, const char *detail, gg_error_t *err);
/* The JSON written into b, copied into the arena; b freed. */
char *gg_grid_jw_done(gg_arena_t *a, gg_buf_t *b);

#endif
