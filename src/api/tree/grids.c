/*
 * grids.c — /api/v1/grids (list, create, read, edit, restructure, lineage) and
 * /api/v1/locate (which grid is this point in?).  Assignments are in
 * grid_assignments.c.
 *
 * After every grid write commits, this node's point-in-grid index is rebuilt
 * (an after-commit hook, gg_grid_index_reload_on_commit) so the next lookup sees the change; other nodes
 * notice the bumped grid generation within a second (domain/grid.h).
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/write.h"
#include "core/log.h"
#include "domain/cases/calendar.h"
#include "domain/tree/grid.h"
#include "geo/geo.h"

#define MAX_BATCH 1000 /* grids retired or created by one restructure */

/* ---- writing ---- */

static void kref(gg_jw_t *w, const char *key, int64_t id, const char *level, const char *code,
                 const char *name)
{
    gg_jw_key(w, key);
    if (!id) {
        gg_jw_null(w);
        return;
    }
    gg_jw_obj(w);
    gg_jw_kint(w, "id", id);
    if (level) gg_jw_kstr(w, "level", level);
    gg_jw_kstr(w, "code", code);
    gg_jw_kstr(w, "name", name);
    gg_jw_obj_end(w);
}

/* Stored GeoJSON is written as it is (it was produced by geo.c), after checking it is JSON at all, so a
 * hand-edited row cannot break the response. */
static void kgeometry(gg_jw_t *w, const char *key, const char *geojson)
{
    gg_jw_key(w, key);
    json_error_t je;
    json_t *j = geojson ? json_loads(geojson, 0, &je) : NULL;
    if (j && json_is_object(j))
        gg_jw_raw(w, geojson, strlen(geojson));
    else
        gg_jw_null(w);
    if (j) json_decref(j);
}

static void write_grid(gg_jw_t *w, const gg_grid_t *g, int with_geometry)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", g->id);
    gg_jw_kint(w, "parent_id", g->parent_id);
    gg_jw_kstr(w, "level", g->level);
    gg_jw_kstr(w, "code", g->code);
    gg_jw_kstr(w, "name", g->name);
    gg_jw_kstr(w, "path", g->path); /* for the web app's can(perm, unit) */
    kref(w, "parent", g->parent_id, g->parent_level, g->parent_code, g->parent_name);
    gg_jw_key(w, "centroid");
    if (g->has_centroid) {
        gg_jw_obj(w);
        gg_jw_knum(w, "lat", g->lat);
        gg_jw_knum(w, "lng", g->lon);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    if (g->area_m2 > 0)
        gg_jw_knum(w, "area_m2", (double)(int64_t)(g->area_m2 + 0.5));
    else
        gg_jw_knull(w, "area_m2");
    gg_jw_key(w, "bbox");
    if (g->has_bbox) {
        gg_jw_arr(w);
        for (int k = 0; k < 4; k++)
            gg_jw_num(w, g->bbox[k]);
        gg_jw_arr_end(w);
    } else {
        gg_jw_null(w);
    }
    if (with_geometry) kgeometry(w, "geometry", g->geometry);
    if (g->households >= 0) gg_jw_kint(w, "households", g->households);
    gg_jw_ktime(w, "valid_from", g->valid_from);
    gg_jw_ktime(w, "retired_at", g->retired_at);
    gg_jw_kint(w, "version", g->version);
    gg_jw_obj_end(w);
}

static void write_lineage(gg_jw_t *w, const gg_lineage_t *l)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "restructure_id", l->restructure_id);
    gg_jw_kstr(w, "operation", l->operation);
    kref(w, "old", l->old_id, NULL, l->old_code, l->old_name);
    kref(w, "new", l->new_id, NULL, l->new_code, l->new_name);
    if (l->old_geometry) kgeometry(w, "old_geometry", l->old_geometry);
    gg_jw_ktime(w, "at", l->at);
    gg_body_kref(w, "by", "account_id", l->by_account_id, "username", l->by_username);
    gg_jw_obj_end(w);
}

/* The geometry member as GeoJSON text in the arena (NULL when absent). */
static const char *geometry_text(gg_arena_t *a, json_t *obj)
{
    json_t *g = json_object_get(obj, "geometry");
    if (!g || json_is_null(g)) return NULL;
    char *s = json_dumps(g, JSON_COMPACT);
    char *out = gg_strdup(a, s);
    free(s);
    return out;
}

/* ---- GET /api/v1/grids ---- */

struct grid_query {
    gg_grid_filter_t f;
    gg_page_t page;
    int64_t with_geometry;
    int geojson; /* ?format=geojson: a FeatureCollection */
};

static int list_parse(gg_write_t *w)
{
    struct grid_query *x = w->state;
    gg_req_t *req = w->req;
    gg_error_t err;
    const char *level, *format;
    int64_t retired;
    if (gg_api_query_int(req, "parent_id", 1, INT64_MAX, 0, &x->f.parent_id) < 0 ||
        gg_api_query_int(req, "unit_id", 1, INT64_MAX, 0, &x->f.unit_id) < 0 ||
        gg_api_query_int(req, "include_retired", 0, 1, 0, &retired) < 0 ||
        gg_api_query_int(req, "geometry", 0, 1, 1, &x->with_geometry) < 0 ||
        gg_api_query_page(req, 1000, 200, &x->page) < 0 || gg_api_query_str(req, "level", 16, &level) < 0 ||
        gg_api_query_str(req, "format", 16, &format) < 0)
        return -1;
    x->geojson = format && !strcmp(format, "geojson");
    if (level && *level && strcmp(level, "grid") && strcmp(level, "micro_grid"))
        gg_err_invalid(&err, "level", "level is grid or micro_grid");
    else if (format && *format && !x->geojson && strcmp(format, "json"))
        gg_err_invalid(&err, "format", "format is json (default) or geojson (a FeatureCollection)");
    else {
        x->f.level = level && *level ? level : NULL;
        x->f.include_retired = (int)retired;
        x->f.with_geometry = (int)x->with_geometry || x->geojson;
        return 0;
    }
    gg_api_error(req, &err);
    return -1;
}

static int list_respond(gg_write_t *wr, gg_error_t *err)
{
    struct grid_query *x = wr->state;
    gg_grid_t *rows;
    int n;
    if (gg_grid_list(wr->op.c, wr->op.arena, wr->op.auth, &x->f, &x->page, &rows, &n, err) < 0) return -1;
    gg_jw_t *w = gg_api_json(wr->req, wr->status);
    gg_jw_obj(w);
    if (x->geojson) {
        gg_jw_kstr(w, "type", "FeatureCollection");
        gg_jw_key(w, "features");
        gg_jw_arr(w);
        for (int i = 0; i < n; i++) {
            gg_jw_obj(w);
            gg_jw_kstr(w, "type", "Feature");
            gg_jw_kint(w, "id", rows[i].id);
            kgeometry(w, "geometry", rows[i].geometry);
            gg_jw_key(w, "properties");
            rows[i].geometry = NULL;
            write_grid(w, &rows[i], 0);
            gg_jw_obj_end(w);
        }
    } else {
        gg_jw_key(w, "items");
        gg_jw_arr(w);
        for (int i = 0; i < n; i++)
            write_grid(w, &rows[i], (int)x->with_geometry);
    }
    gg_api_items_end(wr->req, w, n, x->page.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

static const gg_write_op_t LIST = {
    .state_size = sizeof(struct grid_query),
    .parse = list_parse,
    .respond = list_respond,
};

/* ---- GET /api/v1/grids/households ---- */

/* The household count of every active grid under a unit, for a map coloured by households: one request
 * and one query, not one read per grid. */
struct households_query {
    int64_t unit_id;
    gg_page_t page;
};

static int households_parse(gg_write_t *w)
{
    struct households_query *x = w->state;
    int64_t limit;
    if (gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &x->unit_id) < 0 ||
        gg_api_query_int(w->req, "limit", 1, 5000, 5000, &limit) < 0 ||
        gg_api_query_int(w->req, "after", 0, INT64_MAX, 0, &x->page.after) < 0)
        return -1;
    x->page.limit = (int)limit;
    return 0;
}

static int households_respond(gg_write_t *wr, gg_error_t *err)
{
    struct households_query *x = wr->state;
    gg_grid_t *rows;
    int n;
    if (gg_grid_households(wr->op.c, wr->op.arena, wr->op.auth, x->unit_id, &x->page, &rows, &n, err) < 0)
        return -1;
    gg_jw_t *w = gg_api_items(wr->req, wr->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(w);
        gg_jw_kint(w, "id", rows[i].id);
        gg_jw_kint(w, "households", rows[i].households);
        gg_jw_obj_end(w);
    }
    gg_api_items_end(wr->req, w, n, x->page.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

static const gg_write_op_t HOUSEHOLDS = {
    .state_size = sizeof(struct households_query),
    .parse = households_parse,
    .respond = households_respond,
};

/* ---- GET /api/v1/units/{id}/borders ---- */

/* The base map of a map without tiles: the unit's border with its parent's, its neighbours' and its
 * children's, in one response. */
static int borders_respond(gg_write_t *wr, gg_error_t *err)
{
    gg_unit_border_t *rows;
    int n;
    if (gg_unit_borders(wr->op.c, wr->op.arena, wr->op.auth, wr->id, &rows, &n, err) < 0) return -1;
    gg_jw_t *w = gg_api_json(wr->req, wr->status);
    gg_jw_obj(w);
    gg_jw_kint(w, "unit_id", wr->id);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        const gg_grid_t *u = &rows[i].unit;
        gg_jw_obj(w);
        gg_jw_kint(w, "id", u->id);
        gg_jw_kint(w, "parent_id", u->parent_id);
        gg_jw_kstr(w, "level", u->level);
        gg_jw_kstr(w, "code", u->code);
        gg_jw_kstr(w, "name", u->name);
        gg_jw_kstr(w, "relation", rows[i].relation);
        gg_jw_key(w, "centroid");
        if (u->has_centroid) {
            gg_jw_obj(w);
            gg_jw_knum(w, "lat", u->lat);
            gg_jw_knum(w, "lng", u->lon);
            gg_jw_obj_end(w);
        } else {
            gg_jw_null(w);
        }
        kgeometry(w, "geometry", u->geometry);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
    return 0;
}

static const gg_write_op_t BORDERS = {.path_ids = {"id"}, .respond = borders_respond};

/* ---- GET /api/v1/grids/{id}, and the answer of a grid write ---- */

static int grid_respond(gg_write_t *w, gg_error_t *err)
{
    gg_grid_t g;
    if (gg_grid_get(w->op.c, w->op.arena, w->op.auth, w->result, &g, err) < 0) return -1;
    write_grid(gg_api_json(w->req, w->status), &g, 1);
    return 0;
}

static const gg_write_op_t GET = {.path_ids = {"id"}, .respond = grid_respond};

/* The point-in-grid index of this node, rebuilt after a grid write commits. */
static gg_grid_index_t *grid_index(const gg_write_t *w)
{
    return ((gg_app_t *)w->req->app)->grid_index;
}

/* ---- POST /api/v1/grids ---- */

static const gg_field_t new_grid_fields[] = {
    {"parent_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"name", GG_F_STR, 1, 1, 100, 0},
    {"code", GG_F_STR, 0, 1, 24, 1},
    {"geometry", GG_F_OBJ, 1, 0, 0, 0},
};

static int create_prepare(gg_write_t *w, gg_error_t *err)
{
    if (!gg_json_has(w->body, "parent_id"))
        return gg_err_invalid(err, "parent_id",
                              "parent_id is required: the community (or, for a micro-grid, the grid)");
    gg_grid_new_t *in = w->state;
    *in = (gg_grid_new_t){.parent_id = gg_json_int(w->body, "parent_id", 0),
                          .name = gg_json_str(w->body, "name"),
                          .code = gg_json_str(w->body, "code"),
                          .geometry = geometry_text(w->op.arena, w->body)};
    return 0;
}

static int create_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    if (gg_grid_create(op->c, op->arena, &op->actor, op->auth, w->state, &w->result, err) < 0) return -1;
    gg_grid_index_reload_on_commit(op->c, grid_index(w));
    return 0;
}

static const gg_write_op_t CREATE = {
    .fields = GG_FIELDS(new_grid_fields),
    .state_size = sizeof(gg_grid_new_t),
    .prepare = create_prepare,
    .run = create_run,
    .respond = grid_respond,
    .status = 201,
    .location = "/api/v1/grids/%lld",
};

/* ---- PATCH /api/v1/grids/{id} ---- */

static int update_prepare(gg_write_t *w, gg_error_t *err)
{
    gg_grid_patch_t *patch = w->state;
    *patch = (gg_grid_patch_t){.name = gg_json_str(w->body, "name"),
                               .geometry = geometry_text(w->op.arena, w->body),
                               .version = (int)gg_json_int(w->body, "version", 0)};
    return 0;
}

static int update_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    if (gg_grid_update(op->c, op->arena, &op->actor, op->auth, w->id, w->state, err) < 0) return -1;
    gg_grid_index_reload_on_commit(op->c, grid_index(w));
    return 0;
}

static const gg_field_t update_fields[] = {
    {"name", GG_F_STR, 0, 1, 100, 0},
    {"geometry", GG_F_OBJ, 0, 0, 0, 0},
    {"version", GG_F_INT, 0, 1, INT32_MAX, 0},
};

static const gg_write_op_t UPDATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(update_fields),
    .state_size = sizeof(gg_grid_patch_t),
    .prepare = update_prepare,
    .run = update_run,
    .respond = grid_respond,
};

/* ---- PUT /api/v1/units/{id}/geometry: a community's (street's …) boundary ---- */

static int boundary_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_unit_set_boundary(op->c, op->arena, &op->actor, op->auth, w->id,
                                geometry_text(op->arena, w->body), (int)gg_json_int(w->body, "version", 0),
                                err);
}

static int boundary_respond(gg_write_t *w, gg_error_t *err)
{
    gg_grid_t u;
    if (gg_unit_shape_get(w->op.c, w->op.arena, w->op.auth, w->id, &u, err) < 0) return -1;
    u.households = -1;
    write_grid(gg_api_json(w->req, w->status), &u, 1);
    return 0;
}

static const gg_field_t boundary_fields[] = {
    {"geometry", GG_F_OBJ, 1, 0, 0, 0},
    {"version", GG_F_INT, 0, 1, INT32_MAX, 0},
};

static const gg_write_op_t BOUNDARY = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(boundary_fields),
    .run = boundary_run,
    .respond = boundary_respond,
};

/* ---- POST /api/v1/grids/restructure ---- */

struct restructure {
    gg_grid_restructure_t in;
    gg_grid_restructure_result_t out;
};

/* The retire and create lists, checked item by item with fields named "retire[2]", "create[0].name". */
static int parse_batch(gg_arena_t *a, json_t *body, gg_grid_restructure_t *in, gg_error_t *err)
{
    json_t *retire = json_object_get(body, "retire"), *create_list = json_object_get(body, "create");
    size_t nr = json_is_array(retire) ? json_array_size(retire) : 0;
    size_t nc = json_is_array(create_list) ? json_array_size(create_list) : 0;
    if (nr > MAX_BATCH)
        return gg_err_invalid(err, "retire", "at most %d grids can be retired at once", MAX_BATCH);
    if (nc > MAX_BATCH)
        return gg_err_invalid(err, "create", "at most %d grids can be created at once", MAX_BATCH);
    int64_t *ids = gg_alloc(a, sizeof(int64_t) * (nr + 1));
    gg_grid_new_t *items = gg_zalloc(a, sizeof(gg_grid_new_t) * (nc + 1));
    for (size_t i = 0; i < nr; i++) {
        json_t *v = json_array_get(retire, i);
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return gg_err_invalid(err, gg_sprintf(a, "retire[%zu]", i), "retire[%zu] must be a grid id", i);
        ids[i] = json_integer_value(v);
    }
    for (size_t i = 0; i < nc; i++) {
        json_t *v = json_array_get(create_list, i);
        const char *prefix = gg_sprintf(a, "create[%zu].", i);
        if (!json_is_object(v))
            return gg_err_invalid(
                err, gg_sprintf(a, "create[%zu]", i),
                "create[%zu] must be an object {\"name\", \"geometry\", \"code\"?, \"parent_id\"?}", i);
        if (gg_json_check(v, new_grid_fields, 4, prefix, err) < 0) return -1;
        items[i] = (gg_grid_new_t){.parent_id = gg_json_int(v, "parent_id", 0),
                                   .name = gg_strdup(a, gg_json_str(v, "name")),
                                   .code = gg_strdup(a, gg_json_str(v, "code")),
                                   .geometry = geometry_text(a, v)};
    }
    in->retire = ids;
    in->nretire = (int)nr;
    in->create = items;
    in->ncreate = (int)nc;
    return 0;
}

static int restructure_prepare(gg_write_t *w, gg_error_t *err)
{
    struct restructure *x = w->state;
    x->in.parent_id = gg_json_int(w->body, "parent_id", 0);
    x->in.note = gg_json_str(w->body, "note");
    return parse_batch(w->op.arena, w->body, &x->in, err);
}

static int restructure_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    struct restructure *x = w->state;
    gg_app_t *app = w->req->app;
    gg_cal_snapshot_t *cal = app->calendar ? gg_calendar_acquire(app->calendar) : NULL;
    x->in.cal = cal; /* the moved cases' rollups */
    int rc = gg_grid_restructure(op->c, op->arena, &op->actor, op->auth, &x->in, &x->out, err);
    x->in.cal = NULL;
    if (cal) gg_cal_snapshot_release(cal);
    if (rc < 0) return -1;
    gg_grid_index_reload_on_commit(op->c, grid_index(w));
    return 0;
}

static int restructure_respond(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    struct restructure *x = w->state;
    gg_grid_t *created = gg_alloc(op->arena, sizeof(gg_grid_t) * (size_t)(x->out.ncreated + 1));
    for (int i = 0; i < x->out.ncreated; i++)
        if (gg_grid_get(op->c, op->arena, op->auth, x->out.created[i], &created[i], err) < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "restructure_id", x->out.restructure_id);
    gg_jw_kstr(jw, "operation", x->out.operation);
    gg_jw_key(jw, "retired");
    gg_jw_arr(jw);
    for (int i = 0; i < x->in.nretire; i++)
        gg_jw_int(jw, x->in.retire[i]);
    gg_jw_arr_end(jw);
    gg_jw_key(jw, "created");
    gg_jw_arr(jw);
    for (int i = 0; i < x->out.ncreated; i++)
        write_grid(jw, &created[i], 0);
    gg_jw_arr_end(jw);
    gg_jw_key(jw, "lineage");
    gg_jw_arr(jw);
    for (int i = 0; i < x->out.nlineage; i++)
        write_lineage(jw, &x->out.lineage[i]);
    gg_jw_arr_end(jw);
    gg_jw_kint(jw, "ended_assignments", x->out.ended_assignments);
    gg_jw_kint(jw, "buildings_moved", x->out.buildings_moved);
    gg_jw_kint(jw, "buildings_in_retired", x->out.buildings_in_retired);
    gg_jw_kint(jw, "cases_moved", x->out.cases_moved);
    gg_jw_kint(jw, "cases_in_retired", x->out.cases_in_retired);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_field_t restructure_fields[] = {
    {"parent_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"retire", GG_F_ARR, 0, 0, 0, 1},
    {"create", GG_F_ARR, 0, 0, 0, 1},
    {"note", GG_F_STR, 0, 1, 500, 1},
};

static const gg_write_op_t RESTRUCTURE = {
    .fields = GG_FIELDS(restructure_fields),
    .state_size = sizeof(struct restructure),
    .prepare = restructure_prepare,
    .run = restructure_run,
    .respond = restructure_respond,
    .status = 201,
};

/* ---- GET /api/v1/grids/{id}/lineage ---- */

static int lineage_respond(gg_write_t *w, gg_error_t *err)
{
    gg_lineage_t *rows;
    int n;
    if (gg_grid_lineage(w->op.c, w->op.arena, w->op.auth, w->id, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_lineage(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t LINEAGE = {.path_ids = {"id"}, .respond = lineage_respond};

/* ---- GET /api/v1/locate?lat=&lng= ---- */

static void locate(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    double lat, lng;
    if (gg_geo_parse_latlng(gg_req_query(req, "lat"), gg_req_query(req, "lng"), "lat", "lng", &lat, &lng,
                            &err) < 0) {
        gg_api_error(req, &err);
        return;
    }
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (app->grid_index && gg_grid_index_sync(c, app->grid_index, &err) < 0)
        gg_log_warn("grid index refresh failed: %s", err.message);
    gg_api_end(req, c); /* the lookup needs no database: give the connection back first */
    if (!app->grid_index) {
        gg_err_unavailable(&err, "the point-in-grid index is not loaded on this server");
        gg_api_error(req, &err);
        return;
    }
    const gg_grid_entry_t *hits[8];
    gg_grid_snapshot_t *s = gg_grid_index_acquire(app->grid_index);
    int n = gg_grid_snapshot_locate(s, lat, lng, hits, 8);
    const gg_grid_entry_t *e = NULL;
    for (int i = 0; i < n && !e; i++)
        if (gg_auth_can(auth, GG_P_UNIT_READ, hits[i]->path)) e = hits[i];
    if (!e) {
        gg_grid_snapshot_release(s);
        gg_err_not_found(&err, "no grid in your scope contains the point lat %.6f, lng %.6f", lat, lng);
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_kint(w, "id", e->id);
    gg_jw_kstr(w, "level", e->level);
    gg_jw_kstr(w, "code", e->code);
    gg_jw_kstr(w, "name", e->name);
    if (!strcmp(e->level, "grid")) kref(w, "grid", e->id, NULL, e->code, e->name);
    /* the ancestors by level: grid (of a micro-grid), community, street, county */
    for (int k = 0; k < GG_GRID_REFS; k++)
        if (e->up[k].id && *e->up[k].level && strcmp(e->up[k].level, "root"))
            kref(w, e->up[k].level, e->up[k].id, NULL, e->up[k].code, e->up[k].name);
    gg_jw_key(w, "point");
    gg_jw_obj(w);
    gg_jw_knum(w, "lat", lat);
    gg_jw_knum(w, "lng", lng);
    gg_jw_obj_end(w);
    gg_jw_obj_end(w);
    gg_grid_snapshot_release(s);
}

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/grids", LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/grids", CREATE),
    GG_WRITE_ROUTE("POST", "/api/v1/grids/restructure", RESTRUCTURE),
    GG_WRITE_ROUTE("GET", "/api/v1/grids/households", HOUSEHOLDS),
    GG_WRITE_ROUTE("GET", "/api/v1/grids/{id}", GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/grids/{id}", UPDATE),
    GG_WRITE_ROUTE("GET", "/api/v1/grids/{id}/lineage", LINEAGE),
    {"GET", "/api/v1/locate", locate, NULL, 0},
    GG_WRITE_ROUTE("PUT", "/api/v1/units/{id}/geometry", BOUNDARY),
    GG_WRITE_ROUTE("GET", "/api/v1/units/{id}/borders", BORDERS),
};

int gg_api_grid_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
