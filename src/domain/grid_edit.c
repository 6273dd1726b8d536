/* grid_edit.c — creating, renaming, redrawing and restructuring grids, and units' boundaries (see grid.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/utf8.h"
#include "domain/audit.h"
#include "domain/grid_internal.h"
#include "domain/place.h"
#include "domain/validate.h"
#include "geo/geo.h"
#include "json/jw.h"

#define MAX_NAME_CHARS 100
#define MAX_SERIAL 999

/* ---- the shared machinery ---- */

/* A grid about to be written: a new one, or an existing one with a new border. */
typedef struct plan {
    char field[64]; /* error prefix: "" or "create[2]." */
    gg_grid_t parent;
    const char *level, *name, *code;
    gg_shape_t *shape;
    double lat, lon, area_m2;
    int64_t id;   /* after insert; the grid itself for a redraw */
    int explicit; /* code given by the caller */
} plan_t;

/* One write operation: the GEOS context and every shape made, freed together. */
typedef struct op {
    gg_db_conn_t *c;
    gg_arena_t *a;
    const gg_actor_t *actor;
    const gg_auth_t *auth;
    gg_geo_t *geo;
    gg_shape_t **shapes;
    int nshapes, capshapes;
    int64_t now;
    char today[11];
} op_t;

static void op_init(op_t *o, gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth)
{
    memset(o, 0, sizeof *o);
    o->c = c;
    o->a = a;
    o->actor = actor;
    o->auth = auth;
    o->geo = gg_geo_new();
    o->now = gg_now_ms();
    gg_today(o->today);
}

static void op_done(op_t *o)
{
    for (int i = 0; i < o->nshapes; i++)
        gg_shape_free(o->geo, o->shapes[i]);
    free(o->shapes);
    gg_geo_free(o->geo);
}

static void op_keep(op_t *o, gg_shape_t *s)
{
    if (o->nshapes == o->capshapes) {
        o->capshapes = o->capshapes ? o->capshapes * 2 : 16;
        o->shapes = gg_xrealloc(o->shapes, sizeof *o->shapes * (size_t)o->capshapes);
    }
    o->shapes[o->nshapes++] = s;
}

/* Parse and keep; field is the full error field ("create[1].geometry"). */
static int op_parse(op_t *o, const char *geojson, const char *field, gg_shape_t **out, gg_error_t *err)
{
    if (gg_geo_parse(o->geo, geojson, strlen(geojson), field, out, err) < 0) return -1;
    op_keep(o, *out);
    return 0;
}

/* A stored shape (NULL when the unit has none). */
static int op_read(op_t *o, const char *geojson, gg_shape_t **out, gg_error_t *err)
{
    *out = NULL;
    if (!geojson) return 0;
    if (gg_geo_read(o->geo, geojson, out, err) < 0) {
        /* a hand-edited row; treat the unit as shapeless rather than refuse all work around it */
        *out = NULL;
        return 0;
    }
    op_keep(o, *out);
    return 0;
}

static const char *pf(op_t *o, const plan_t *p, const char *name)
{
    return gg_sprintf(o->a, "%s%s", p->field, name);
}

static int64_t by_account(const gg_actor_t *actor)
{
    return actor ? actor->account_id : 0;
}

static gg_db_arg_t account_arg(const gg_actor_t *actor)
{
    return by_account(actor) ? GG_I64(actor->account_id) : GG_NULL;
}

/*
 * Load the parent of a new grid and check the caller may build there.  scope_path, when given, is the
 * restructure's unit: the parent must lie within it.
 */
static int check_parent(op_t *o, int64_t parent_id, const char *field, const char *scope_path,
                        gg_grid_t *parent, gg_error_t *err)
{
    int found;
    if (gg_grid_load_unit(o->c, o->a, parent_id, parent, &found, err) < 0) return -1;
    if (!found || (o->auth && !gg_auth_can(o->auth, GG_P_UNIT_READ, parent->path)))
        return gg_error_set(err, 404, "not_found", field, "unit %lld does not exist or is outside your scope",
                            (long long)parent_id);
    if (scope_path && !gg_path_within(parent->path, scope_path))
        return gg_err_invalid(err, field, "%s (%s) is not under the unit being restructured", parent->name,
                              parent->code);
    if (o->auth && !gg_auth_can(o->auth, GG_P_UNIT_MANAGE, parent->path))
        return gg_err_forbidden(err, "you may not change the grids of %s", parent->name);
    if (parent->retired_at)
        return gg_err_invalid(err, field, "%s (%s) is retired", parent->name, parent->code);
    if (strcmp(parent->level, "community") != 0 && strcmp(parent->level, "grid") != 0)
        return gg_err_invalid(err, field,
                              "grids are drawn in a community and micro-grids in a grid; %s is a %s",
                              parent->name, parent->level);
    return 0;
}

static int check_name(op_t *o, plan_t *p, const char *name, gg_error_t *err)
{
    const char *field = pf(o, p, "name");
    const char *s = name;
    if (gg_text_field(o->a, &s, field, 1, err) < 0) return -1;
    if (gg_utf8_len(s) > MAX_NAME_CHARS)
        return gg_err_invalid(err, field, "%s is too long (at most %d characters)", field, MAX_NAME_CHARS);
    p->name = s;
    return 0;
}

int gg_grid_code_check(const char *level, const char *parent_level, const char *parent_code, const char *code,
                       const char *field, gg_error_t *err)
{
    size_t plen = strlen(parent_code);
    int ok = strlen(code) == plen + 3 && strncmp(code, parent_code, plen) == 0;
    for (size_t i = plen; ok && i < plen + 3; i++)
        ok = code[i] >= '0' && code[i] <= '9';
    if (!ok)
        return gg_err_invalid(
            err, field,
            "a %s code is its %s's code %s followed by a 3-digit serial (e.g. %s001); got \"%.40s\"",
            gg_grid_level_word(level), parent_level, parent_code, parent_code, code);
    if (strcmp(code + plen, "000") == 0)
        return gg_err_invalid(err, field, "serial 000 is not used; serials run from 001 to 999");
    return 0;
}

static int check_code(op_t *o, plan_t *p, const char *code, gg_error_t *err)
{
    p->code = NULL;
    p->explicit = 0;
    if (!code) return 0;
    if (gg_grid_code_check(p->level, p->parent.level, p->parent.code, code, pf(o, p, "code"), err) < 0)
        return -1;
    p->code = gg_strdup(o->a, code);
    p->explicit = 1;
    return 0;
}

/* Parse the border, check it lies in the parent's border, and compute the label point and area. */
static int check_shape(op_t *o, plan_t *p, const char *geojson, gg_error_t *err)
{
    const char *field = pf(o, p, "geometry");
    gg_shape_t *parent_shape;
    if (op_parse(o, geojson, field, &p->shape, err) < 0) return -1;
    if (op_read(o, p->parent.geometry, &parent_shape, err) < 0) return -1;
    if (parent_shape) {
        int in = gg_geo_within(o->geo, p->shape, parent_shape, err);
        if (in < 0) return -1;
        if (!in)
            return gg_err_invalid(err, field,
                                  "%s: the %s is not inside its %s %s (%s); draw it within the %s's border",
                                  field, gg_grid_level_word(p->level), p->parent.level, p->parent.name,
                                  p->parent.code, p->parent.level);
    }
    if (gg_shape_label_point(o->geo, p->shape, &p->lat, &p->lon, err) < 0) return -1;
    /* to the precision of the stored border (8 decimals, about 1 mm) */
    p->lat = round(p->lat * 1e8) / 1e8;
    p->lon = round(p->lon * 1e8) / 1e8;
    p->area_m2 = gg_shape_area_m2(o->geo, p->shape);
    return 0;
}

/* Fill a plan for a new grid from the caller's input. */
static int plan_new(op_t *o, const gg_grid_new_t *in, int64_t parent_id, const char *field_prefix,
                    const char *scope_path, plan_t *p, gg_error_t *err)
{
    memset(p, 0, sizeof *p);
    snprintf(p->field, sizeof p->field, "%s", field_prefix);
    if (check_parent(o, parent_id, pf(o, p, "parent_id"), scope_path, &p->parent, err) < 0) return -1;
    p->level = strcmp(p->parent.level, "community") == 0 ? "grid" : "micro_grid";
    if (check_name(o, p, in->name, err) < 0 || check_code(o, p, in->code, err) < 0) return -1;
    if (!in->geometry)
        return gg_err_invalid(err, pf(o, p, "geometry"), "%s is required", pf(o, p, "geometry"));
    return check_shape(o, p, in->geometry, err);
}

/* Serials for plans without a code: the parent's highest serial ever used (retired grids keep theirs) + 1. */
static int assign_codes(op_t *o, plan_t *plans, int n, gg_error_t *err)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (plans[i].explicit && plans[j].explicit && strcmp(plans[i].code, plans[j].code) == 0)
                return gg_error_set(err, 409, "conflict", pf(o, &plans[i], "code"),
                                    "code %s is given twice in this request", plans[i].code);
    for (int i = 0; i < n; i++) {
        if (plans[i].code) continue;
        plan_t *p = &plans[i];
        size_t plen = strlen(p->parent.code);
        int64_t max = 0;
        gg_db_res_t *r;
        int step;
        if (gg_db_query(o->c, "SELECT code FROM unit WHERE parent_id = $1", GG_ARGS(GG_I64(p->parent.id)), &r,
                        err) < 0)
            return -1;
        while ((step = gg_db_next(r, err)) == 1) {
            const char *code = gg_db_text(r, 0);
            if (code && strlen(code) == plen + 3 && strncmp(code, p->parent.code, plen) == 0) {
                int64_t s = strtoll(code + plen, NULL, 10);
                if (s > max) max = s;
            }
        }
        gg_db_res_free(r);
        if (step < 0) return -1;
        /* codes given or handed out earlier in this request under the same parent */
        for (int j = 0; j < n; j++)
            if (plans[j].code && plans[j].parent.id == p->parent.id) {
                int64_t s = strtoll(plans[j].code + plen, NULL, 10);
                if (s > max) max = s;
            }
        if (max >= MAX_SERIAL)
            return gg_err_invalid(err, pf(o, p, "code"),
                                  "%s %s has no free %s serial left (001-999 are used)", p->parent.level,
                                  p->parent.name, gg_grid_level_word(p->level));
        p->code = gg_sprintf(o->a, "%s%03lld", p->parent.code, (long long)(max + 1));
    }
    return 0;
}

static int id_in(int64_t id, const int64_t *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (ids[i] == id) return 1;
    return 0;
}

/*
 * No plan may overlap an active grid of its level (other than the ones in skip: grids retired in the same
 * operation, or the grid being redrawn) nor another plan.  Candidates come from SQL by bounding box.
 */
static int check_overlaps(op_t *o, plan_t *plans, int n, const int64_t *skip, int nskip, gg_error_t *err)
{
    /* each level present once (grids, micro-grids; a community for a boundary edit) */
    const char *levels[4];
    int nlevels = 0;
    for (int i = 0; i < n && nlevels < 4; i++) {
        int seen = 0;
        for (int l = 0; l < nlevels; l++)
            seen |= strcmp(levels[l], plans[i].level) == 0;
        if (!seen) levels[nlevels++] = plans[i].level;
    }
    for (int l = 0; l < nlevels; l++) {
        gg_bbox_t all = {0}, bb;
        int any = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(plans[i].level, levels[l]) != 0) continue;
            gg_shape_bbox(plans[i].shape, &bb);
            if (!any) {
                all = bb;
                any = 1;
            } else {
                all.min_lng = bb.min_lng < all.min_lng ? bb.min_lng : all.min_lng;
                all.min_lat = bb.min_lat < all.min_lat ? bb.min_lat : all.min_lat;
                all.max_lng = bb.max_lng > all.max_lng ? bb.max_lng : all.max_lng;
                all.max_lat = bb.max_lat > all.max_lat ? bb.max_lat : all.max_lat;
            }
        }
        if (!any) continue;
        gg_db_res_t *r;
        int step;
        if (gg_db_query(o->c,
                        "SELECT u.id, u.code, u.name, u.geometry, u.path FROM unit u WHERE u.level = $1 "
                        "AND u.geometry IS NOT NULL AND u.retired_at IS NULL AND u.bbox_min_lng <= $2 "
                        "AND u.bbox_max_lng >= $3 AND u.bbox_min_lat <= $4 AND u.bbox_max_lat >= $5",
                        GG_ARGS(GG_TEXT(levels[l]), GG_F64(all.max_lng), GG_F64(all.min_lng),
                                GG_F64(all.max_lat), GG_F64(all.min_lat)),
                        &r, err) < 0)
            return -1;
        while ((step = gg_db_next(r, err)) == 1) {
            int64_t id = gg_db_i64(r, 0);
            if (id_in(id, skip, nskip)) continue;
            gg_shape_t *other;
            if (op_read(o, gg_db_text(r, 3), &other, err) < 0 || !other) continue;
            for (int i = 0; i < n; i++) {
                if (strcmp(plans[i].level, levels[l]) != 0 || plans[i].id == id) continue;
                int hit = gg_geo_overlaps(o->geo, plans[i].shape, other, err);
                if (hit < 0) {
                    gg_db_res_free(r);
                    return -1;
                }
                if (hit) {
                    const char *field = pf(o, &plans[i], "geometry");
                    /* a neighbour outside the caller's scope is not named: the error must not
                     * disclose what the caller may not read */
                    if (o->auth && !gg_auth_can(o->auth, GG_P_UNIT_READ, gg_db_text(r, 4)))
                        gg_err_invalid(err, field,
                                       "%s: overlaps a %s outside your scope by more than about 1 m; move "
                                       "the border so the two only touch",
                                       field, gg_grid_level_word(levels[l]));
                    else
                        gg_err_invalid(
                            err, field,
                            "%s: overlaps %s %s (%s) by more than about 1 m; move the shared border so the "
                            "two only touch",
                            field, gg_grid_level_word(levels[l]), gg_db_text(r, 2), gg_db_text(r, 1));
                    gg_db_res_free(r);
                    return -1;
                }
            }
        }
        gg_db_res_free(r);
        if (step < 0) return -1;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++) {
            if (strcmp(plans[i].level, plans[j].level) != 0) continue;
            int hit = gg_geo_overlaps(o->geo, plans[i].shape, plans[j].shape, err);
            if (hit < 0) return -1;
            if (hit)
                return gg_err_invalid(err, pf(o, &plans[i], "geometry"),
                                      "%s: overlaps the new %s \"%s\" (%.*s) by more than about 1 m",
                                      pf(o, &plans[i], "geometry"), gg_grid_level_word(plans[j].level),
                                      plans[j].name, (int)strlen(plans[j].field) - 1, plans[j].field);
        }
    return 0;
}

static int insert_plan(op_t *o, plan_t *p, gg_error_t *err)
{
    gg_db_res_t *r;
    gg_bbox_t bb;
    gg_shape_bbox(p->shape, &bb);
    if (gg_db_query(
            o->c,
            "INSERT INTO unit (parent_id, level, code, name, path, geometry, centroid_lat, centroid_lon, "
            "bbox_min_lng, bbox_min_lat, bbox_max_lng, bbox_max_lat, area_m2, valid_from, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
            GG_ARGS(GG_I64(p->parent.id), GG_TEXT(p->level), GG_TEXT(p->code), GG_TEXT(p->name),
                    GG_TEXT(p->parent.path), GG_TEXT(gg_shape_geojson(p->shape)), GG_F64(p->lat),
                    GG_F64(p->lon), GG_F64(bb.min_lng), GG_F64(bb.min_lat), GG_F64(bb.max_lng),
                    GG_F64(bb.max_lat), GG_F64(p->area_m2), GG_I64(o->now)),
            &r, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", pf(o, p, "code"), "code %s is already in use", p->code);
        return -1;
    }
    int step = gg_db_next(r, err);
    if (step == 1) p->id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "grid insert returned no id");
    char *path = gg_sprintf(o->a, "%s%lld/", p->parent.path, (long long)p->id);
    return gg_db_exec(o->c, "UPDATE unit SET path = $1 WHERE id = $2", GG_ARGS(GG_TEXT(path), GG_I64(p->id)),
                      NULL, err);
}

static int audit(op_t *o, const char *action, const char *object_type, int64_t object_id, int64_t unit_id,
                 const char *detail, gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = object_type,
                          .object_id = gg_sprintf(o->a, "%lld", (long long)object_id),
                          .unit_id = unit_id,
                          .detail_json = detail};
    return gg_audit_append(o->c, o->actor, &e, err);
}

static char *jw_done(gg_arena_t *a, gg_buf_t *b)
{
    char *s = gg_strdup(a, b->data);
    gg_buf_free(b);
    return s;
}

/* ---- create ---- */

int gg_grid_create(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                   const gg_grid_new_t *in, int64_t *id, gg_error_t *err)
{
    op_t o;
    plan_t p;
    int rc = -1;
    op_init(&o, c, a, actor, auth);
    /* first: the generation row lock serialises grid writes, so serials and overlap checks see every
     * committed grid (PostgreSQL READ COMMITTED re-reads after the lock is granted) */
    if (gg_grid_generation_bump(c, err) < 0) goto out;
    if (plan_new(&o, in, in->parent_id, "", NULL, &p, err) < 0) goto out;
    if (assign_codes(&o, &p, 1, err) < 0 || check_overlaps(&o, &p, 1, NULL, 0, err) < 0) goto out;
    if (insert_plan(&o, &p, err) < 0) goto out;
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "level", p.level);
    gg_jw_kstr(&w, "code", p.code);
    gg_jw_kstr(&w, "name", p.name);
    gg_jw_kint(&w, "parent_id", p.parent.id);
    gg_jw_knum(&w, "area_m2", p.area_m2);
    gg_jw_obj_end(&w);
    if (audit(&o, "grid.create", "unit", p.id, p.id, jw_done(a, &b), err) < 0) goto out;
    *id = p.id;
    rc = 0;
out:
    op_done(&o);
    return rc;
}

/* ---- update (rename, redraw) ---- */

static int insert_restructure(op_t *o, const gg_grid_t *where, const char *operation, int nretired,
                              int ncreated, const char *note, int64_t *rid, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            o->c,
            "INSERT INTO unit_restructure (parent_id, unit_path, operation, retired_count, created_count, "
            "note, at, by_account_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            GG_ARGS(GG_I64(where->id), GG_TEXT(where->path), GG_TEXT(operation), GG_I64(nretired),
                    GG_I64(ncreated), GG_TEXT(note), GG_I64(o->now), account_arg(o->actor)),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *rid = gg_db_i64(r, 0);
    gg_db_res_free(r);
    return step == 1 ? 0 : step < 0 ? -1 : gg_err_internal(err, "restructure insert returned no id");
}

static int insert_lineage(op_t *o, int64_t rid, int64_t old_id, int64_t new_id, const char *operation,
                          const char *old_geometry, gg_error_t *err)
{
    return gg_db_exec(
        o->c,
        "INSERT INTO unit_lineage (restructure_id, old_unit_id, new_unit_id, operation, old_geometry, "
        "at, by_account_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        GG_ARGS(GG_I64(rid), old_id ? GG_I64(old_id) : GG_NULL, new_id ? GG_I64(new_id) : GG_NULL,
                GG_TEXT(operation), GG_TEXT(old_geometry), GG_I64(o->now), account_arg(o->actor)),
        NULL, err);
}

/* A redrawn unit must still hold its active children (a grid its micro-grids, a community its grids). */
static int check_children_inside(op_t *o, const plan_t *p, gg_error_t *err)
{
    gg_db_res_t *r;
    int step, rc = 0;
    if (gg_db_query(
            o->c,
            "SELECT code, name, geometry, level FROM unit WHERE parent_id = $1 AND retired_at IS NULL "
            "AND geometry IS NOT NULL ORDER BY code", /* the first one outside is named: the same each time */
            GG_ARGS(GG_I64(p->id)), &r, err) < 0)
        return -1;
    while (rc == 0 && (step = gg_db_next(r, err)) == 1) {
        gg_shape_t *child;
        if (op_read(o, gg_db_text(r, 2), &child, err) < 0) {
            rc = -1;
        } else if (child) {
            int in = gg_geo_within(o->geo, child, p->shape, err);
            if (in < 0) rc = -1;
            if (in == 0)
                rc = gg_err_invalid(
                    err, "geometry",
                    "geometry: %s %s (%s) would lie outside the new border; redraw or retire it "
                    "first",
                    gg_grid_level_word(gg_db_text(r, 3)), gg_db_text(r, 1), gg_db_text(r, 0));
        }
    }
    gg_db_res_free(r);
    return rc < 0 ? rc : step < 0 ? -1 : 0;
}

/*
 * Rename and/or redraw a grid (grids_only) or give another unit (a community, a street …) a new boundary.
 * A unit is managed from its parent, as it was created there.
 */
static int edit_unit(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                     int64_t id, const gg_grid_patch_t *patch, int grids_only, gg_error_t *err)
{
    op_t o;
    plan_t p;
    gg_grid_t cur;
    int rc = -1, found;
    const char *what = grids_only ? "grid" : "unit";
    op_init(&o, c, a, actor, auth);
    if (gg_grid_generation_bump(c, err) < 0) goto out;
    if (gg_grid_load_unit(c, a, id, &cur, &found, err) < 0) goto out;
    if (!found || (grids_only && !gg_grid_is_level(cur.level)) ||
        (auth && !gg_auth_can(auth, GG_P_UNIT_READ, cur.path))) {
        gg_err_not_found(err, "%s %lld does not exist or is outside your scope", what, (long long)id);
        goto out;
    }
    memset(&p, 0, sizeof p);
    if (!cur.parent_id || gg_grid_load_unit(c, a, cur.parent_id, &p.parent, &found, err) < 0) {
        if (!cur.parent_id) gg_err_forbidden(err, "the root of the tree has no boundary");
        goto out;
    }
    if (auth && !(found && gg_auth_can(auth, GG_P_UNIT_MANAGE, p.parent.path))) {
        gg_err_forbidden(err, "you may not change %s %s", what, cur.name);
        goto out;
    }
    if (!grids_only && (gg_grid_is_level(cur.level) || !strcmp(cur.level, "department"))) {
        gg_err_invalid(err, NULL, "%s is a %s: %s", cur.name, cur.level,
                       gg_grid_is_level(cur.level) ? "edit grids with PATCH /api/v1/grids/{id}"
                                                   : "departments have no boundary");
        goto out;
    }
    if (cur.retired_at) {
        gg_err_invalid(err, NULL, "%s %s (%s) is retired; retired units keep their last shape", what,
                       cur.name, cur.code);
        goto out;
    }
    if (!patch->name && !patch->geometry) {
        gg_err_invalid(err, NULL, "nothing to change: give name and/or geometry");
        goto out;
    }
    if (patch->version && patch->version != cur.version) {
        gg_error_set(err, 409, "version_conflict", "version",
                     "%s %s was changed by someone else (version %d, you sent %d); reload and try again",
                     what, cur.name, cur.version, patch->version);
        goto out;
    }
    p.id = cur.id;
    p.level = cur.level;
    p.code = cur.code;
    p.name = cur.name;
    if (patch->name && check_name(&o, &p, patch->name, err) < 0) goto out;
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    if (strcmp(p.name, cur.name) != 0) {
        gg_jw_key(&w, "name");
        gg_jw_obj(&w);
        gg_jw_kstr(&w, "before", cur.name);
        gg_jw_kstr(&w, "after", p.name);
        gg_jw_obj_end(&w);
    }
    if (patch->geometry) {
        if (check_shape(&o, &p, patch->geometry, err) < 0 || check_overlaps(&o, &p, 1, &cur.id, 1, err) < 0 ||
            check_children_inside(&o, &p, err) < 0) {
            gg_buf_free(&b);
            goto out;
        }
        gg_bbox_t bb;
        gg_shape_bbox(p.shape, &bb);
        int64_t rid;
        if (gg_db_exec(
                c,
                "UPDATE unit SET geometry = $1, centroid_lat = $2, centroid_lon = $3, bbox_min_lng = $4, "
                "bbox_min_lat = $5, bbox_max_lng = $6, bbox_max_lat = $7, area_m2 = $8 WHERE id = $9",
                GG_ARGS(GG_TEXT(gg_shape_geojson(p.shape)), GG_F64(p.lat), GG_F64(p.lon), GG_F64(bb.min_lng),
                        GG_F64(bb.min_lat), GG_F64(bb.max_lng), GG_F64(bb.max_lat), GG_F64(p.area_m2),
                        GG_I64(id)),
                NULL, err) < 0 ||
            insert_restructure(&o, &p.parent, "redraw", 0, 0, NULL, &rid, err) < 0 ||
            insert_lineage(&o, rid, id, id, "redraw", cur.geometry, err) < 0) {
            gg_buf_free(&b);
            goto out;
        }
        gg_jw_key(&w, "geometry");
        gg_jw_obj(&w);
        gg_jw_knum(&w, "area_m2_before", cur.area_m2);
        gg_jw_knum(&w, "area_m2_after", p.area_m2);
        gg_jw_obj_end(&w);
    }
    gg_jw_obj_end(&w);
    if (gg_db_exec(c, "UPDATE unit SET name = $1, version = version + 1 WHERE id = $2",
                   GG_ARGS(GG_TEXT(p.name), GG_I64(id)), NULL, err) < 0 ||
        audit(&o, grids_only ? "grid.update" : "unit.boundary", "unit", id, id, jw_done(a, &b), err) < 0)
        goto out;
    rc = 0;
out:
    op_done(&o);
    return rc;
}

int gg_grid_update(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth, int64_t id,
                   const gg_grid_patch_t *patch, gg_error_t *err)
{
    return edit_unit(c, a, actor, auth, id, patch, 1, err);
}

int gg_unit_set_boundary(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                         int64_t id, const char *geometry, int version, gg_error_t *err)
{
    if (!geometry) return gg_err_invalid(err, "geometry", "geometry is required");
    gg_grid_patch_t patch = {.geometry = geometry, .version = version};
    return edit_unit(c, a, actor, auth, id, &patch, 0, err);
}

/* ---- restructure ---- */

typedef struct old_grid {
    gg_grid_t g;
    gg_shape_t *shape;
} old_grid_t;

static const char *operation_of(int nretire, int ncreate)
{
    if (ncreate == 0) return "retire";
    if (nretire == 0) return "create";
    if (nretire == 1 && ncreate > 1) return "split";
    if (nretire > 1 && ncreate == 1) return "merge";
    return "restructure";
}

static int load_retired(op_t *o, const gg_grid_t *where, const int64_t *ids, int n, old_grid_t *olds,
                        gg_error_t *err)
{
    for (int i = 0; i < n; i++) {
        char field[32];
        int found;
        snprintf(field, sizeof field, "retire[%d]", i);
        if (id_in(ids[i], ids, i))
            return gg_err_invalid(err, field, "grid %lld is listed twice", (long long)ids[i]);
        if (gg_grid_load_unit(o->c, o->a, ids[i], &olds[i].g, &found, err) < 0) return -1;
        if (!found || (o->auth && !gg_auth_can(o->auth, GG_P_UNIT_READ, olds[i].g.path)))
            return gg_error_set(err, 404, "not_found", field,
                                "grid %lld does not exist or is outside your scope", (long long)ids[i]);
        if (!gg_grid_is_level(olds[i].g.level))
            return gg_err_invalid(err, field, "%s (%s) is a %s, not a grid", olds[i].g.name, olds[i].g.code,
                                  olds[i].g.level);
        if (!gg_path_within(olds[i].g.path, where->path) || olds[i].g.id == where->id)
            return gg_err_invalid(err, field, "grid %s (%s) is not under %s", olds[i].g.name, olds[i].g.code,
                                  where->name);
        if (olds[i].g.retired_at)
            return gg_err_invalid(err, field, "grid %s (%s) is already retired", olds[i].g.name,
                                  olds[i].g.code);
        if (op_read(o, olds[i].g.geometry, &olds[i].shape, err) < 0) return -1;
    }
    /* a grid goes with its micro-grids: they must be retired in the same operation */
    for (int i = 0; i < n; i++) {
        gg_db_res_t *r;
        int step, rc = 0;
        if (strcmp(olds[i].g.level, "grid") != 0) continue;
        if (gg_db_query(o->c, "SELECT id, code, name FROM unit WHERE parent_id = $1 AND retired_at IS NULL",
                        GG_ARGS(GG_I64(olds[i].g.id)), &r, err) < 0)
            return -1;
        while (rc == 0 && (step = gg_db_next(r, err)) == 1)
            if (!id_in(gg_db_i64(r, 0), ids, n))
                rc = gg_err_invalid(
                    err, gg_sprintf(o->a, "retire[%d]", i),
                    "grid %s (%s) has an active micro-grid %s (%s); retire it in the same operation",
                    olds[i].g.name, olds[i].g.code, gg_db_text(r, 2), gg_db_text(r, 1));
        gg_db_res_free(r);
        if (rc < 0 || step < 0) return -1;
    }
    return 0;
}

/* Lineage pairs: an old and a new grid whose areas overlap, or every pair when shapes are missing. */
static int write_lineage(op_t *o, int64_t rid, const char *operation, old_grid_t *olds, int nold,
                         plan_t *plans, int nnew, gg_grid_restructure_result_t *out, gg_error_t *err)
{
    int cap = nold * (nnew ? nnew : 1) + nold;
    out->lineage = gg_zalloc(o->a, sizeof(gg_lineage_t) * (size_t)(cap ? cap : 1));
    for (int i = 0; i < nold; i++) {
        int paired = 0;
        for (int j = 0; j < nnew; j++) {
            int hit = 1;
            if (olds[i].shape && plans[j].shape) {
                hit = gg_geo_overlaps(o->geo, plans[j].shape, olds[i].shape, err);
                if (hit < 0) return -1;
            }
            if (!hit) continue;
            paired = 1;
            if (insert_lineage(o, rid, olds[i].g.id, plans[j].id, operation, NULL, err) < 0) return -1;
            gg_lineage_t *l = &out->lineage[out->nlineage++];
            *l = (gg_lineage_t){.restructure_id = rid,
                                .old_id = olds[i].g.id,
                                .new_id = plans[j].id,
                                .operation = operation,
                                .old_code = olds[i].g.code,
                                .old_name = olds[i].g.name,
                                .new_code = plans[j].code,
                                .new_name = plans[j].name,
                                .at = o->now,
                                .by_account_id = by_account(o->actor),
                                .by_username = o->actor ? o->actor->username : NULL};
        }
        if (!paired) {
            if (insert_lineage(o, rid, olds[i].g.id, 0, operation, NULL, err) < 0) return -1;
            gg_lineage_t *l = &out->lineage[out->nlineage++];
            *l = (gg_lineage_t){.restructure_id = rid,
                                .old_id = olds[i].g.id,
                                .operation = operation,
                                .old_code = olds[i].g.code,
                                .old_name = olds[i].g.name,
                                .at = o->now,
                                .by_account_id = by_account(o->actor),
                                .by_username = o->actor ? o->actor->username : NULL};
        }
    }
    return 0;
}

/* The grid a retired micro-grid's unplaced buildings fall back to: its own grid, when that grid is not
 * retired by the same operation (a micro-grid only subdivides its grid's land).  0 otherwise. */
static int64_t fallback_grid(const old_grid_t *olds, int nold, const old_grid_t *old, const char **path,
                             gg_arena_t *a)
{
    if (strcmp(old->g.level, "micro_grid") != 0) return 0;
    for (int i = 0; i < nold; i++)
        if (olds[i].g.id == old->g.parent_id) return 0;
    /* "/…/grid/micro/" without its last segment is the grid's path */
    size_t n = strlen(old->g.path);
    if (n < 2) return 0;
    n--;
    while (n > 0 && old->g.path[n - 1] != '/')
        n--;
    *path = gg_strndup(a, old->g.path, n);
    return old->g.parent_id;
}

/* The places of the retired grids go with the land: a building with a location moves into the
 * new grid (the smallest, so a micro-grid wins over its grid) that contains it; when one new grid
 * replaces them all (a merge) every building moves there; a retired micro-grid's other buildings
 * go back to its grid (a micro-grid retired with nothing new in its place, too).  What cannot be placed
 * stays, counted in buildings_in_retired, for the places API. */
static int move_buildings(op_t *o, const old_grid_t *olds, int nold, const plan_t *plans, int nplans,
                          gg_grid_restructure_result_t *out, gg_error_t *err)
{
    for (int i = 0; i < nold; i++) {
        const char *fallback_path = NULL;
        int64_t fallback = fallback_grid(olds, nold, &olds[i], &fallback_path, o->a);
        if (nplans == 0 && !fallback) continue;
        gg_db_res_t *r;
        if (gg_db_query(
                o->c,
                "SELECT id, lat, lon FROM building WHERE grid_id = $1 AND retired_at IS NULL ORDER BY id",
                GG_ARGS(GG_I64(olds[i].g.id)), &r, err) < 0)
            return -1;
        struct {
            int64_t id;
            int located;
            double lat, lon;
        } *rows = NULL;
        int n = 0, cap = 0, step;
        while ((step = gg_db_next(r, err)) == 1) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                void *grown = gg_alloc(o->a, sizeof *rows * (size_t)cap);
                if (n) memcpy(grown, rows, sizeof *rows * (size_t)n);
                rows = grown;
            }
            rows[n].id = gg_db_i64(r, 0);
            rows[n].located = !gg_db_isnull(r, 1) && !gg_db_isnull(r, 2);
            rows[n].lat = rows[n].located ? gg_db_f64(r, 1) : 0;
            rows[n].lon = rows[n].located ? gg_db_f64(r, 2) : 0;
            n++;
        }
        gg_db_res_free(r);
        if (step < 0) return -1;
        for (int k = 0; k < n; k++) {
            int best = -1;
            for (int j = 0; rows[k].located && j < nplans; j++)
                if (gg_geo_covers_point(o->geo, plans[j].shape, rows[k].lat, rows[k].lon) &&
                    (best < 0 || plans[j].area_m2 < plans[best].area_m2))
                    best = j;
            if (best < 0 && nplans == 1) best = 0;
            if (best < 0 && !fallback) continue;
            int64_t to = best >= 0 ? plans[best].id : fallback;
            const char *path = best >= 0 ? gg_sprintf(o->a, "%s%lld/", plans[best].parent.path, (long long)to)
                                         : fallback_path;
            if (gg_building_move(o->c, o->a, o->actor, rows[k].id, to, path, err) < 0) return -1;
            out->buildings_moved++;
        }
    }
    return 0;
}

static int retire_olds(op_t *o, old_grid_t *olds, int n, gg_grid_restructure_result_t *out, gg_error_t *err)
{
    for (int i = 0; i < n; i++) {
        int64_t changed = 0;
        if (gg_db_exec(
                o->c,
                "UPDATE unit SET retired_at = $1, version = version + 1 WHERE id = $2 AND retired_at IS NULL",
                GG_ARGS(GG_I64(o->now), GG_I64(olds[i].g.id)), NULL, err) < 0)
            return -1;
        /* nobody serves a retired grid: end its current assignments (the rows stay, as history) */
        if (gg_db_exec(
                o->c,
                "UPDATE grid_assignment SET ends_on = CASE WHEN starts_on > $1 THEN starts_on ELSE $1 END, "
                "ended_at = $2, ended_by = $3 WHERE unit_id = $4 AND (ends_on IS NULL OR ends_on > $1)",
                GG_ARGS(GG_TEXT(o->today), GG_I64(o->now), account_arg(o->actor), GG_I64(olds[i].g.id)),
                &changed, err) < 0)
            return -1;
        out->ended_assignments += changed;
        int64_t nb = 0;
        int found;
        if (gg_db_query_i64(o->c, "SELECT count(*) FROM building WHERE grid_id = $1 AND retired_at IS NULL",
                            GG_ARGS(GG_I64(olds[i].g.id)), &nb, &found, err) < 0)
            return -1;
        out->buildings_in_retired += nb;
    }
    return 0;
}

int gg_grid_restructure(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                        const gg_grid_restructure_t *in, gg_grid_restructure_result_t *out, gg_error_t *err)
{
    op_t o;
    gg_grid_t where;
    int rc = -1, found;
    memset(out, 0, sizeof *out);
    op_init(&o, c, a, actor, auth);
    old_grid_t *olds = gg_zalloc(a, sizeof(old_grid_t) * (size_t)(in->nretire + 1));
    plan_t *plans = gg_zalloc(a, sizeof(plan_t) * (size_t)(in->ncreate + 1));
    if (gg_grid_generation_bump(c, err) < 0) goto out;
    if (gg_grid_load_unit(c, a, in->parent_id, &where, &found, err) < 0) goto out;
    if (!found || (auth && !gg_auth_can(auth, GG_P_UNIT_READ, where.path))) {
        gg_error_set(err, 404, "not_found", "parent_id", "unit %lld does not exist or is outside your scope",
                     (long long)in->parent_id);
        goto out;
    }
    if (auth && !gg_auth_can(auth, GG_P_UNIT_MANAGE, where.path)) {
        gg_err_forbidden(err, "you may not change the grids of %s", where.name);
        goto out;
    }
    if (in->nretire + in->ncreate == 0) {
        gg_err_invalid(err, "create", "nothing to do: list grids to retire and/or grids to create");
        goto out;
    }
    if (load_retired(&o, &where, in->retire, in->nretire, olds, err) < 0) goto out;
    for (int i = 0; i < in->ncreate; i++) {
        const gg_grid_new_t *item = &in->create[i];
        char prefix[32];
        snprintf(prefix, sizeof prefix, "create[%d].", i);
        int64_t parent_id = item->parent_id ? item->parent_id : in->parent_id;
        if (id_in(parent_id, in->retire, in->nretire)) {
            gg_err_invalid(
                err, gg_sprintf(a, "%sparent_id", prefix),
                "%sparent_id: grid %lld is retired by this same operation; a micro-grid needs a live grid",
                prefix, (long long)parent_id);
            goto out;
        }
        if (plan_new(&o, item, parent_id, prefix, where.path, &plans[i], err) < 0) goto out;
    }
    if (assign_codes(&o, plans, in->ncreate, err) < 0 ||
        check_overlaps(&o, plans, in->ncreate, in->retire, in->nretire, err) < 0)
        goto out;
    for (int i = 0; i < in->ncreate; i++)
        if (insert_plan(&o, &plans[i], err) < 0) goto out;
    if (move_buildings(&o, olds, in->nretire, plans, in->ncreate, out, err) < 0 ||
        retire_olds(&o, olds, in->nretire, out, err) < 0)
        goto out;
    out->operation = operation_of(in->nretire, in->ncreate);
    if (insert_restructure(&o, &where, out->operation, in->nretire, in->ncreate, in->note,
                           &out->restructure_id, err) < 0 ||
        write_lineage(&o, out->restructure_id, out->operation, olds, in->nretire, plans, in->ncreate, out,
                      err) < 0)
        goto out;
    out->created = gg_alloc(a, sizeof(int64_t) * (size_t)(in->ncreate + 1));
    out->ncreated = in->ncreate;
    for (int i = 0; i < in->ncreate; i++)
        out->created[i] = plans[i].id;

    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kint(&w, "restructure_id", out->restructure_id);
    gg_jw_kstr(&w, "operation", out->operation);
    gg_jw_key(&w, "retired");
    gg_jw_arr(&w);
    for (int i = 0; i < in->nretire; i++)
        gg_jw_str(&w, olds[i].g.code);
    gg_jw_arr_end(&w);
    gg_jw_key(&w, "created");
    gg_jw_arr(&w);
    for (int i = 0; i < in->ncreate; i++)
        gg_jw_str(&w, plans[i].code);
    gg_jw_arr_end(&w);
    gg_jw_kint(&w, "ended_assignments", out->ended_assignments);
    if (in->note) gg_jw_kstr(&w, "note", in->note);
    gg_jw_obj_end(&w);
    if (audit(&o, "grid.restructure", "unit_restructure", out->restructure_id, where.id, jw_done(a, &b),
              err) < 0)
        goto out;
    rc = 0;
out:
    op_done(&o);
    return rc;
}
