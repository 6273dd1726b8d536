/* grid_edit.c — creating a grid, renaming and redrawing one, and giving other units a boundary (see grid.h);
 * the checks they share are in grid_plan.c, restructuring in grid_restructure.c. */
#include <string.h>

#include "domain/cases/names.h"
#include "domain/tree/grid_plan.h"
#include "domain/tree/unit.h"
#include "geo/geo.h"
#include "json/jw.h"

/* ---- create ---- */

int gg_grid_create(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                   const gg_grid_new_t *in, int64_t *id, gg_error_t *err)
{
    gg_grid_op_t o;
    gg_grid_plan_t p;
    int rc = -1;
    gg_grid_op_init(&o, c, a, actor, auth);
    /* first: the generation row lock serialises grid writes, so serials and overlap checks see every
     * committed grid (PostgreSQL READ COMMITTED re-reads after the lock is granted) */
    if (gg_grid_generation_bump(c, err) < 0) goto out;
    if (gg_grid_plan_new(&o, in, in->parent_id, "", NULL, &p, err) < 0) goto out;
    if (gg_grid_assign_codes(&o, &p, 1, err) < 0 || gg_grid_check_overlaps(&o, &p, 1, NULL, 0, err) < 0)
        goto out;
    if (gg_grid_insert_plan(&o, &p, err) < 0) goto out;
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
    if (gg_grid_audit(&o, "grid.create", "unit", p.id, p.id, gg_grid_jw_done(a, &b), err) < 0) goto out;
    *id = p.id;
    rc = 0;
out:
    gg_grid_op_done(&o);
    return rc;
}

/* ---- update (rename, redraw) ---- */
/* A redrawn unit must still hold its active children (a grid its micro-grids, a community its grids). */
static int check_children_inside(gg_grid_op_t *o, const gg_grid_plan_t *p, gg_error_t *err)
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
        if (gg_grid_op_read(o, gg_db_text(r, 2), &child, err) < 0) {
            rc = -1;
        } else if (child) {
            int in = gg_geo_within(o->geo, child, p->shape, err);
            if (in < 0) rc = -1;
            if (in == 0) {
                gg_err_invalid(err, "geometry",
                               "geometry: %s %s (%s) would lie outside the new border; redraw or retire it "
                               "first",
                               gg_unit_level_word(gg_db_text(r, 3)), gg_db_text(r, 1), gg_db_text(r, 0));
                rc = gg_error_named(err, "child_outside", "%s（%s）", gg_db_text(r, 1), gg_db_text(r, 0));
            }
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
    gg_grid_op_t o;
    gg_grid_plan_t p;
    gg_grid_t cur;
    int rc = -1, found;
    const char *what = grids_only ? "grid" : "unit";
    gg_grid_op_init(&o, c, a, actor, auth);
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
    if (patch->name && gg_grid_check_name(&o, &p, patch->name, err) < 0) goto out;
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
        if (gg_grid_check_shape(&o, &p, patch->geometry, err) < 0 ||
            gg_grid_check_overlaps(&o, &p, 1, &cur.id, 1, err) < 0 ||
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
            gg_grid_insert_restructure(&o, &p.parent, "redraw", 0, 0, NULL, &rid, err) < 0 ||
            gg_grid_insert_lineage(&o, rid, id, id, "redraw", cur.geometry, err) < 0) {
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
        gg_names_changed(c, err) < 0 || /* inbox names (domain/cases/names.h) */
        gg_grid_audit(&o, grids_only ? "grid.update" : "unit.boundary", "unit", id, id,
                      gg_grid_jw_done(a, &b), err) < 0)
        goto out;
    rc = 0;
out:
    gg_grid_op_done(&o);
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
