/*
 * grid_plan.c — the machinery every grid write shares (see grid_plan.h): one operation's GEOS context
 * and shapes, checking a planned grid (parent, name, code, border inside its parent, no overlaps),
 * handing out serials, inserting it, and the restructure, lineage and audit rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/utf8.h"
#include "domain/identity/audit.h"
#include "domain/tree/grid_plan.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"
#include "geo/geo.h"
#include "json/jw.h"

#define MAX_NAME_CHARS 100
#define MAX_SERIAL 999

void gg_grid_op_init(gg_grid_op_t *o, gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor,
                     const gg_auth_t *auth)
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

void gg_grid_op_done(gg_grid_op_t *o)
{
    for (int i = 0; i < o->nshapes; i++)
        gg_shape_free(o->geo, o->shapes[i]);
    free(o->shapes);
    gg_geo_free(o->geo);
}

static void op_keep(gg_grid_op_t *o, gg_shape_t *s)
{
    if (o->nshapes == o->capshapes) {
        o->capshapes = o->capshapes ? o->capshapes * 2 : 16;
        o->shapes = gg_xrealloc(o->shapes, sizeof *o->shapes * (size_t)o->capshapes);
    }
    o->shapes[o->nshapes++] = s;
}

/* Parse and keep; field is the full error field ("create[1].geometry"). */
static int op_parse(gg_grid_op_t *o, const char *geojson, const char *field, gg_shape_t **out,
                    gg_error_t *err)
{
    if (gg_geo_parse(o->geo, geojson, strlen(geojson), field, out, err) < 0) return -1;
    op_keep(o, *out);
    return 0;
}

/* A stored shape (NULL when the unit has none). */
int gg_grid_op_read(gg_grid_op_t *o, const char *geojson, gg_shape_t **out, gg_error_t *err)
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

const char *gg_grid_field(gg_grid_op_t *o, const gg_grid_plan_t *p, const char *name)
{
    return gg_sprintf(o->a, "%s%s", p->field, name);
}

int64_t gg_grid_by_account(const gg_actor_t *actor)
{
    return actor ? actor->account_id : 0;
}

gg_db_arg_t gg_grid_account_arg(const gg_actor_t *actor)
{
    return gg_grid_by_account(actor) ? GG_I64(actor->account_id) : GG_NULL;
}

/*
 * Load the parent of a new grid and check the caller may build there.  scope_path, when given, is the
 * restructure's unit: the parent must lie within it.
 */
static int check_parent(gg_grid_op_t *o, int64_t parent_id, const char *field, const char *scope_path,
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

int gg_grid_check_name(gg_grid_op_t *o, gg_grid_plan_t *p, const char *name, gg_error_t *err)
{
    const char *field = gg_grid_field(o, p, "name");
    const char *s = name;
    if (gg_text_field(o->a, &s, field, 1, err) < 0) return -1;
    if (gg_utf8_len(s) > MAX_NAME_CHARS)
        return gg_err_invalid(err, field, "%s is too long (at most %d characters)", field, MAX_NAME_CHARS);
    p->name = s;
    return 0;
}

static int check_code(gg_grid_op_t *o, gg_grid_plan_t *p, const char *code, gg_error_t *err)
{
    p->code = NULL;
    p->explicit = 0;
    if (!code) return 0;
    if (gg_grid_code_check(p->level, p->parent.level, p->parent.code, code, gg_grid_field(o, p, "code"),
                           err) < 0)
        return -1;
    p->code = gg_strdup(o->a, code);
    p->explicit = 1;
    return 0;
}

/* Parse the border, check it lies in the parent's border, and compute the label point and area. */
int gg_grid_check_shape(gg_grid_op_t *o, gg_grid_plan_t *p, const char *geojson, gg_error_t *err)
{
    const char *field = gg_grid_field(o, p, "geometry");
    gg_shape_t *parent_shape;
    if (op_parse(o, geojson, field, &p->shape, err) < 0) return -1;
    if (gg_grid_op_read(o, p->parent.geometry, &parent_shape, err) < 0) return -1;
    if (parent_shape) {
        int in = gg_geo_within(o->geo, p->shape, parent_shape, err);
        if (in < 0) return -1;
        if (!in) {
            gg_err_invalid(err, field,
                           "%s: the %s is not inside its %s %s (%s); draw it within the %s's border", field,
                           gg_unit_level_word(p->level), p->parent.level, p->parent.name, p->parent.code,
                           p->parent.level);
            return gg_error_named(err, "not_inside_parent", "%s", p->parent.name);
        }
    }
    if (gg_shape_label_point(o->geo, p->shape, &p->lat, &p->lon, err) < 0) return -1;
    /* to the precision of the stored border (8 decimals, about 1 mm) */
    p->lat = round(p->lat * 1e8) / 1e8;
    p->lon = round(p->lon * 1e8) / 1e8;
    p->area_m2 = gg_shape_area_m2(o->geo, p->shape);
    return 0;
}

/* Fill a plan for a new grid from the caller's input. */
int gg_grid_plan_new(gg_grid_op_t *o, const gg_grid_new_t *in, int64_t parent_id, const char *field_prefix,
                     const char *scope_path, gg_grid_plan_t *p, gg_error_t *err)
{
    memset(p, 0, sizeof *p);
    snprintf(p->field, sizeof p->field, "%s", field_prefix);
    if (check_parent(o, parent_id, gg_grid_field(o, p, "parent_id"), scope_path, &p->parent, err) < 0)
        return -1;
    p->level = strcmp(p->parent.level, "community") == 0 ? "grid" : "micro_grid";
    if (gg_grid_check_name(o, p, in->name, err) < 0 || check_code(o, p, in->code, err) < 0) return -1;
    if (!in->geometry)
        return gg_err_invalid(err, gg_grid_field(o, p, "geometry"), "%s is required",
                              gg_grid_field(o, p, "geometry"));
    return gg_grid_check_shape(o, p, in->geometry, err);
}

/* Serials for plans without a code: the parent's highest serial ever used (retired grids keep theirs) + 1. */
int gg_grid_assign_codes(gg_grid_op_t *o, gg_grid_plan_t *plans, int n, gg_error_t *err)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (plans[i].explicit && plans[j].explicit && strcmp(plans[i].code, plans[j].code) == 0)
                return gg_error_set(err, 409, "conflict", gg_grid_field(o, &plans[i], "code"),
                                    "code %s is given twice in this request", plans[i].code);
    for (int i = 0; i < n; i++) {
        if (plans[i].code) continue;
        gg_grid_plan_t *p = &plans[i];
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
            return gg_err_invalid(err, gg_grid_field(o, p, "code"),
                                  "%s %s has no free %s serial left (001-999 are used)", p->parent.level,
                                  p->parent.name, gg_unit_level_word(p->level));
        p->code = gg_sprintf(o->a, "%s%03lld", p->parent.code, (long long)(max + 1));
    }
    return 0;
}

int gg_grid_id_in(int64_t id, const int64_t *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (ids[i] == id) return 1;
    return 0;
}

/*
 * No plan may overlap an active grid of its level (other than the ones in skip: grids retired in the same
 * operation, or the grid being redrawn) nor another plan.  Candidates come from SQL by bounding box.
 */
int gg_grid_check_overlaps(gg_grid_op_t *o, gg_grid_plan_t *plans, int n, const int64_t *skip, int nskip,
                           gg_error_t *err)
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
            if (gg_grid_id_in(id, skip, nskip)) continue;
            gg_shape_t *other;
            if (gg_grid_op_read(o, gg_db_text(r, 3), &other, err) < 0 || !other) continue;
            for (int i = 0; i < n; i++) {
                if (strcmp(plans[i].level, levels[l]) != 0 || plans[i].id == id) continue;
                int hit = gg_geo_overlaps(o->geo, plans[i].shape, other, err);
                if (hit < 0) {
                    gg_db_res_free(r);
                    return -1;
                }
                if (hit) {
                    const char *field = gg_grid_field(o, &plans[i], "geometry");
                    /* a neighbour outside the caller's scope is not named: the error must not
                     * disclose what the caller may not read */
                    if (o->auth && !gg_auth_can(o->auth, GG_P_UNIT_READ, gg_db_text(r, 4))) {
                        gg_err_invalid(err, field,
                                       "%s: overlaps a %s outside your scope by more than about 1 m; move "
                                       "the border so the two only touch",
                                       field, gg_unit_level_word(levels[l]));
                        gg_error_reason(err, "overlaps_hidden");
                    } else {
                        gg_err_invalid(
                            err, field,
                            "%s: overlaps %s %s (%s) by more than about 1 m; move the shared border so the "
                            "two only touch",
                            field, gg_unit_level_word(levels[l]), gg_db_text(r, 2), gg_db_text(r, 1));
                        gg_error_named(err, "overlaps", "%s（%s）", gg_db_text(r, 2), gg_db_text(r, 1));
                    }
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
            if (hit) {
                gg_err_invalid(err, gg_grid_field(o, &plans[i], "geometry"),
                               "%s: overlaps the new %s \"%s\" (%.*s) by more than about 1 m",
                               gg_grid_field(o, &plans[i], "geometry"), gg_unit_level_word(plans[j].level),
                               plans[j].name, (int)strlen(plans[j].field) - 1, plans[j].field);
                return gg_error_named(err, "overlaps", "%s", plans[j].name);
            }
        }
    return 0;
}

int gg_grid_insert_plan(gg_grid_op_t *o, gg_grid_plan_t *p, gg_error_t *err)
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
            gg_error_set(err, 409, "conflict", gg_grid_field(o, p, "code"), "code %s is already in use",
                         p->code);
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

int gg_grid_audit(gg_grid_op_t *o, const char *action, const char *object_type, int64_t object_id,
                  int64_t unit_id, const char *detail, gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = object_type,
                          .object_id = gg_sprintf(o->a, "%lld", (long long)object_id),
                          .unit_id = unit_id,
                          .detail_json = detail};
    return gg_audit_append(o->c, o->actor, &e, err);
}

char *gg_grid_jw_done(gg_arena_t *a, gg_buf_t *b)
{
    char *s = gg_strdup(a, b->data);
    gg_buf_free(b);
    return s;
}

int gg_grid_insert_restructure(gg_grid_op_t *o, const gg_grid_t *where, const char *operation, int nretired,
                               int ncreated, const char *note, int64_t *rid, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            o->c,
            "INSERT INTO unit_restructure (parent_id, unit_path, operation, retired_count, created_count, "
            "note, at, by_account_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            GG_ARGS(GG_I64(where->id), GG_TEXT(where->path), GG_TEXT(operation), GG_I64(nretired),
                    GG_I64(ncreated), GG_TEXT(note), GG_I64(o->now), gg_grid_account_arg(o->actor)),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) *rid = gg_db_i64(r, 0);
    gg_db_res_free(r);
    return step == 1 ? 0 : step < 0 ? -1 : gg_err_internal(err, "restructure insert returned no id");
}

int gg_grid_insert_lineage(gg_grid_op_t *o, int64_t rid, int64_t old_id, int64_t new_id,
                           const char *operation, const char *old_geometry, gg_error_t *err)
{
    return gg_db_exec(
        o->c,
        "INSERT INTO unit_lineage (restructure_id, old_unit_id, new_unit_id, operation, old_geometry, "
        "at, by_account_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        GG_ARGS(GG_I64(rid), old_id ? GG_I64(old_id) : GG_NULL, new_id ? GG_I64(new_id) : GG_NULL,
                GG_TEXT(operation), GG_TEXT(old_geometry), GG_I64(o->now), gg_grid_account_arg(o->actor)),
        NULL, err);
}
