/*
 * grid_restructure.c — restructuring a unit's grids in one operation (see gg_grid_restructure in grid.h):
 * retiring grids, creating their successors, moving the buildings and the cases with the land (the cases'
 * rollups in the same transaction), ending the retired grids' assignments, and writing the lineage between
 * old and new.
 */
#include <stdio.h>
#include <string.h>

#include "domain/measures/rollup.h"
#include "domain/tree/grid_plan.h"
#include "domain/tree/place.h"
#include "geo/geo.h"
#include "json/jw.h"

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

static int load_retired(gg_grid_op_t *o, const gg_grid_t *where, const int64_t *ids, int n, old_grid_t *olds,
                        gg_error_t *err)
{
    for (int i = 0; i < n; i++) {
        char field[32];
        int found;
        snprintf(field, sizeof field, "retire[%d]", i);
        if (gg_grid_id_in(ids[i], ids, i))
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
        if (gg_grid_op_read(o, olds[i].g.geometry, &olds[i].shape, err) < 0) return -1;
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
            if (!gg_grid_id_in(gg_db_i64(r, 0), ids, n))
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
static int write_lineage(gg_grid_op_t *o, int64_t rid, const char *operation, old_grid_t *olds, int nold,
                         gg_grid_plan_t *plans, int nnew, gg_grid_restructure_result_t *out, gg_error_t *err)
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
            if (gg_grid_insert_lineage(o, rid, olds[i].g.id, plans[j].id, operation, NULL, err) < 0)
                return -1;
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
                                .by_account_id = gg_grid_by_account(o->actor),
                                .by_username = o->actor ? o->actor->username : NULL};
        }
        if (!paired) {
            if (gg_grid_insert_lineage(o, rid, olds[i].g.id, 0, operation, NULL, err) < 0) return -1;
            gg_lineage_t *l = &out->lineage[out->nlineage++];
            *l = (gg_lineage_t){.restructure_id = rid,
                                .old_id = olds[i].g.id,
                                .operation = operation,
                                .old_code = olds[i].g.code,
                                .old_name = olds[i].g.name,
                                .at = o->now,
                                .by_account_id = gg_grid_by_account(o->actor),
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

/* Where what stands on a retired grid's land goes (a building, a case): the smallest new grid that
 * contains its point (a micro-grid wins over its grid); the one new grid when there is one (a merge); else
 * fallback (a retired micro-grid's own grid, see fallback_grid).  0: it stays where it is. */
static int64_t land_target(gg_grid_op_t *o, const gg_grid_plan_t *plans, int nplans, int located, double lat,
                           double lon, int64_t fallback, const char *fallback_path, const char **path)
{
    int best = -1;
    for (int j = 0; located && j < nplans; j++)
        if (gg_geo_covers_point(o->geo, plans[j].shape, lat, lon) &&
            (best < 0 || plans[j].area_m2 < plans[best].area_m2))
            best = j;
    if (best < 0 && nplans == 1) best = 0;
    *path = NULL;
    if (best < 0) {
        *path = fallback_path;
        return fallback;
    }
    *path = gg_sprintf(o->a, "%s%lld/", plans[best].parent.path, (long long)plans[best].id);
    return plans[best].id;
}

/* The places of the retired grids go with the land: a building with a location moves into the
 * new grid (the smallest, so a micro-grid wins over its grid) that contains it; when one new grid
 * replaces them all (a merge) every building moves there; a retired micro-grid's other buildings
 * go back to its grid (a micro-grid retired with nothing new in its place, too).  What cannot be placed
 * stays, counted in buildings_in_retired, for the places API. */
static int move_buildings(gg_grid_op_t *o, const old_grid_t *olds, int nold, const gg_grid_plan_t *plans,
                          int nplans, gg_grid_restructure_result_t *out, gg_error_t *err)
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
            const char *path;
            int64_t to = land_target(o, plans, nplans, rows[k].located, rows[k].lat, rows[k].lon, fallback,
                                     fallback_path, &path);
            if (!to) continue;
            if (gg_building_move(o->c, o->a, o->actor, rows[k].id, to, path, err) < 0) return -1;
            out->buildings_moved++;
        }
    }
    return 0;
}

/* The cases located in the retired grids go with the land too (their location unit is the place where they
 * happened, docs/measures.md): a case with a point by the rule of land_target; one without a point to where
 * its house's building went; else by the rule for what has no location.  Each moved case's contribution to
 * the rollups is moved by the case writes' own upkeep (gg_rollup_case_changed: − from the old unit's chain,
 * + to the new one's, gauge included), in this transaction.  Owner and handler stay: who is working on an
 * open case is the workflow's business, not the map's. */
static int move_cases(gg_grid_op_t *o, const struct gg_cal_snapshot *cal, const old_grid_t *olds, int nold,
                      const gg_grid_plan_t *plans, int nplans, gg_grid_restructure_result_t *out,
                      gg_error_t *err)
{
    gg_op_t op = {.c = o->c, .arena = o->a, .auth = o->auth};
    if (o->actor) op.actor = *o->actor;
    for (int i = 0; i < nold; i++) {
        const char *fallback_path = NULL;
        int64_t fallback = fallback_grid(olds, nold, &olds[i], &fallback_path, o->a);
        gg_db_res_t *r;
        if (gg_db_query(
                o->c,
                "SELECT k.id, k.lat, k.lon, b.grid_id, b.unit_path FROM case_item k LEFT JOIN house h "
                "ON h.id = k.place_id LEFT JOIN building b ON b.id = h.building_id WHERE k.unit_id = $1 "
                "ORDER BY k.id",
                GG_ARGS(GG_I64(olds[i].g.id)), &r, err) < 0)
            return -1;
        struct {
            int64_t id, house_grid;
            int located;
            double lat, lon;
            const char *house_path;
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
            rows[n].house_grid = gg_db_isnull(r, 3) ? 0 : gg_db_i64(r, 3);
            rows[n].house_path = rows[n].house_grid ? gg_strdup(o->a, gg_db_text(r, 4)) : NULL;
            n++;
        }
        gg_db_res_free(r);
        if (step < 0) return -1;
        for (int k = 0; k < n; k++) {
            const char *path = NULL;
            int64_t to = 0;
            int house_moved = rows[k].house_grid && rows[k].house_grid != olds[i].g.id;
            if (rows[k].located)
                to = land_target(o, plans, nplans, 1, rows[k].lat, rows[k].lon, fallback, fallback_path,
                                 &path);
            if (!to && house_moved) { /* where its building went (move_buildings ran first) */
                to = rows[k].house_grid;
                path = rows[k].house_path;
            }
            if (!to && !rows[k].located)
                to = land_target(o, plans, nplans, 0, 0, 0, fallback, fallback_path, &path);
            if (!to || !path) {
                out->cases_in_retired++;
                continue;
            }
            if (gg_db_exec(o->c,
                           "UPDATE case_item SET unit_id = $1, unit_path = $2, updated_at = $3, "
                           "version = version + 1 WHERE id = $4",
                           GG_ARGS(GG_I64(to), GG_TEXT(path), GG_I64(o->now), GG_I64(rows[k].id)), NULL,
                           err) < 0 ||
                gg_rollup_case_changed(&op, cal, rows[k].id, err) < 0)
                return -1;
            out->cases_moved++;
        }
    }
    return 0;
}

static int retire_olds(gg_grid_op_t *o, old_grid_t *olds, int n, gg_grid_restructure_result_t *out,
                       gg_error_t *err)
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
                GG_ARGS(GG_TEXT(o->today), GG_I64(o->now), gg_grid_account_arg(o->actor),
                        GG_I64(olds[i].g.id)),
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
    gg_grid_op_t o;
    gg_grid_t where;
    int rc = -1, found;
    memset(out, 0, sizeof *out);
    gg_grid_op_init(&o, c, a, actor, auth);
    old_grid_t *olds = gg_zalloc(a, sizeof(old_grid_t) * (size_t)(in->nretire + 1));
    gg_grid_plan_t *plans = gg_zalloc(a, sizeof(gg_grid_plan_t) * (size_t)(in->ncreate + 1));
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
        if (gg_grid_id_in(parent_id, in->retire, in->nretire)) {
            gg_err_invalid(
                err, gg_sprintf(a, "%sparent_id", prefix),
                "%sparent_id: grid %lld is retired by this same operation; a micro-grid needs a live grid",
                prefix, (long long)parent_id);
            goto out;
        }
        if (gg_grid_plan_new(&o, item, parent_id, prefix, where.path, &plans[i], err) < 0) goto out;
    }
    if (gg_grid_assign_codes(&o, plans, in->ncreate, err) < 0 ||
        gg_grid_check_overlaps(&o, plans, in->ncreate, in->retire, in->nretire, err) < 0)
        goto out;
    for (int i = 0; i < in->ncreate; i++)
        if (gg_grid_insert_plan(&o, &plans[i], err) < 0) goto out;
    if (move_buildings(&o, olds, in->nretire, plans, in->ncreate, out, err) < 0 ||
        move_cases(&o, in->cal, olds, in->nretire, plans, in->ncreate, out, err) < 0 ||
        retire_olds(&o, olds, in->nretire, out, err) < 0)
        goto out;
    out->operation = operation_of(in->nretire, in->ncreate);
    if (gg_grid_insert_restructure(&o, &where, out->operation, in->nretire, in->ncreate, in->note,
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
    gg_jw_kint(&w, "cases_moved", out->cases_moved);
    if (in->note) gg_jw_kstr(&w, "note", in->note);
    gg_jw_obj_end(&w);
    if (gg_grid_audit(&o, "grid.restructure", "unit_restructure", out->restructure_id, where.id,
                      gg_grid_jw_done(a, &b), err) < 0)
        goto out;
    rc = 0;
out:
    gg_grid_op_done(&o);
    return rc;
}
