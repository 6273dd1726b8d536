/*
 * grids.c — /api/v1/grids (list, create, read, edit, restructure, lineage) and
 * /api/v1/locate (which grid is this point in?).  Assignments are in
 * grid_assignments.c, registered from here.
 *
 * After every grid write commits, the handler rebuilds this node's point-in-grid
 * index so the next lookup sees the change; other nodes notice the bumped grid
 * generation within a second (domain/grid.h).
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "core/log.h"
#include "domain/grid.h"
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

/* After a committed grid write: the next lookup on this node must see it.  The write stands even if the
 * rebuild fails (the periodic check retries), so this only logs. */
static void reload_index(gg_req_t *req, gg_db_conn_t *c)
{
    gg_app_t *app = req->app;
    gg_error_t err;
    if (app->grid_index && gg_grid_index_reload(c, app->grid_index, &err) < 0)
        gg_log_warn("grid index rebuild failed: %s", err.message);
}

/* The geometry member as GeoJSON text in the arena (NULL when absent). */
static const char *geometry_text(gg_req_t *req, json_t *obj)
{
    json_t *g = json_object_get(obj, "geometry");
    if (!g || json_is_null(g)) return NULL;
    char *s = json_dumps(g, JSON_COMPACT);
    char *out = gg_strdup(req->arena, s);
    free(s);
    return out;
}

/* ---- GET /api/v1/grids ---- */

static void list(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    const char *level, *format;
    int64_t parent_id, unit_id, retired, limit, after, with_geometry;
    if (gg_api_query_int(req, "parent_id", 1, INT64_MAX, 0, &parent_id) < 0 ||
        gg_api_query_int(req, "unit_id", 1, INT64_MAX, 0, &unit_id) < 0 ||
        gg_api_query_int(req, "include_retired", 0, 1, 0, &retired) < 0 ||
        gg_api_query_int(req, "geometry", 0, 1, 1, &with_geometry) < 0 ||
        gg_api_query_int(req, "limit", 1, 1000, 200, &limit) < 0 ||
        gg_api_query_int(req, "after", 0, INT64_MAX, 0, &after) < 0 ||
        gg_api_query_str(req, "level", 16, &level) < 0 || gg_api_query_str(req, "format", 16, &format) < 0)
        return;
    if (level && *level && strcmp(level, "grid") && strcmp(level, "micro_grid")) {
        gg_err_invalid(&err, "level", "level is grid or micro_grid");
        gg_api_error(req, &err);
        return;
    }
    int geojson = format && !strcmp(format, "geojson");
    if (format && *format && !geojson && strcmp(format, "json")) {
        gg_err_invalid(&err, "format", "format is json (default) or geojson (a FeatureCollection)");
        gg_api_error(req, &err);
        return;
    }
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_grid_filter_t f = {.parent_id = parent_id,
                          .unit_id = unit_id,
                          .level = level && *level ? level : NULL,
                          .include_retired = (int)retired,
                          .with_geometry = (int)with_geometry || geojson};
    gg_page_t page = {.limit = (int)limit, .after = after};
    gg_grid_t *rows;
    int n;
    int rc = gg_grid_list(c, req->arena, auth, &f, &page, &rows, &n, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    if (geojson) {
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
            write_grid(w, &rows[i], (int)with_geometry);
    }
    gg_jw_arr_end(w);
    if (n == limit)
        gg_jw_kstr(w, "next", gg_sprintf(req->arena, "%lld", (long long)rows[n - 1].id));
    else
        gg_jw_knull(w, "next");
    gg_jw_obj_end(w);
}

/* ---- GET /api/v1/grids/{id} ---- */

static void get(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_grid_t g;
    int rc = gg_grid_get(c, req->arena, auth, id, &g, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    write_grid(gg_api_json(req, 200), &g, 1);
}

/* ---- POST /api/v1/grids ---- */

struct create_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    gg_grid_new_t in;
    int64_t id;
};

static int create_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct create_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_grid_create(c, x->arena, &actor, x->auth, &x->in, &x->id, err);
}

static const gg_field_t new_grid_fields[] = {
    {"parent_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"name", GG_F_STR, 1, 1, 100, 0},
    {"code", GG_F_STR, 0, 1, 24, 1},
    {"geometry", GG_F_OBJ, 1, 0, 0, 0},
};

static void create(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, new_grid_fields, 4, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    if (!gg_json_has(body, "parent_id")) {
        json_decref(body);
        gg_api_end(req, c);
        gg_err_invalid(&err, "parent_id",
                       "parent_id is required: the community (or, for a micro-grid, the grid)");
        gg_api_error(req, &err);
        return;
    }
    struct create_ctx x = {.arena = req->arena,
                           .auth = auth,
                           .in = {.parent_id = gg_json_int(body, "parent_id", 0),
                                  .name = gg_strdup(req->arena, gg_json_str(body, "name")),
                                  .code = gg_strdup(req->arena, gg_json_str(body, "code")),
                                  .geometry = geometry_text(req, body)}};
    json_decref(body);
    int rc = gg_db_tx(c, create_tx, &x, &err);
    gg_grid_t g;
    if (rc == 0) {
        reload_index(req, c);
        rc = gg_grid_get(c, req->arena, auth, x.id, &g, &err);
    }
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_resp_header(req, "Location", gg_sprintf(req->arena, "/api/v1/grids/%lld", (long long)x.id));
    write_grid(gg_api_json(req, 201), &g, 1);
}

/* ---- PATCH /api/v1/grids/{id} ---- */

struct update_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
    gg_grid_patch_t patch;
};

static int update_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct update_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_grid_update(c, x->arena, &actor, x->auth, x->id, &x->patch, err);
}

static void update(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"name", GG_F_STR, 0, 1, 100, 0},
        {"geometry", GG_F_OBJ, 0, 0, 0, 0},
        {"version", GG_F_INT, 0, 1, INT32_MAX, 0},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, 3, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct update_ctx x = {.arena = req->arena,
                           .auth = auth,
                           .id = id,
                           .patch = {.name = gg_strdup(req->arena, gg_json_str(body, "name")),
                                     .geometry = geometry_text(req, body),
                                     .version = (int)gg_json_int(body, "version", 0)}};
    json_decref(body);
    int rc = gg_db_tx(c, update_tx, &x, &err);
    gg_grid_t g;
    if (rc == 0) {
        reload_index(req, c);
        rc = gg_grid_get(c, req->arena, auth, id, &g, &err);
    }
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    write_grid(gg_api_json(req, 200), &g, 1);
}

/* ---- PUT /api/v1/units/{id}/geometry: a community's (street's …) boundary ---- */

struct boundary_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
    const char *geometry;
    int version;
};

static int boundary_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct boundary_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_unit_set_boundary(c, x->arena, &actor, x->auth, x->id, x->geometry, x->version, err);
}

static void boundary(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"geometry", GG_F_OBJ, 1, 0, 0, 0},
        {"version", GG_F_INT, 0, 1, INT32_MAX, 0},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, 2, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct boundary_ctx x = {.arena = req->arena,
                             .auth = auth,
                             .id = id,
                             .geometry = geometry_text(req, body),
                             .version = (int)gg_json_int(body, "version", 0)};
    json_decref(body);
    int rc = gg_db_tx(c, boundary_tx, &x, &err);
    gg_grid_t u;
    if (rc == 0) rc = gg_unit_shape_get(c, req->arena, auth, id, &u, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    u.households = -1;
    write_grid(gg_api_json(req, 200), &u, 1);
}

/* ---- POST /api/v1/grids/restructure ---- */

struct restructure_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    gg_grid_restructure_t in;
    gg_grid_restructure_result_t out;
};

static int restructure_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct restructure_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_grid_restructure(c, x->arena, &actor, x->auth, &x->in, &x->out, err);
}

/* The retire and create lists, checked item by item with fields named "retire[2]", "create[0].name". */
static int parse_batch(gg_req_t *req, json_t *body, gg_grid_restructure_t *in, gg_error_t *err)
{
    json_t *retire = json_object_get(body, "retire"), *create_list = json_object_get(body, "create");
    size_t nr = json_is_array(retire) ? json_array_size(retire) : 0;
    size_t nc = json_is_array(create_list) ? json_array_size(create_list) : 0;
    if (nr > MAX_BATCH)
        return gg_err_invalid(err, "retire", "at most %d grids can be retired at once", MAX_BATCH);
    if (nc > MAX_BATCH)
        return gg_err_invalid(err, "create", "at most %d grids can be created at once", MAX_BATCH);
    int64_t *ids = gg_alloc(req->arena, sizeof(int64_t) * (nr + 1));
    gg_grid_new_t *items = gg_zalloc(req->arena, sizeof(gg_grid_new_t) * (nc + 1));
    for (size_t i = 0; i < nr; i++) {
        json_t *v = json_array_get(retire, i);
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return gg_err_invalid(err, gg_sprintf(req->arena, "retire[%zu]", i),
                                  "retire[%zu] must be a grid id", i);
        ids[i] = json_integer_value(v);
    }
    for (size_t i = 0; i < nc; i++) {
        json_t *v = json_array_get(create_list, i);
        const char *prefix = gg_sprintf(req->arena, "create[%zu].", i);
        if (!json_is_object(v))
            return gg_err_invalid(
                err, gg_sprintf(req->arena, "create[%zu]", i),
                "create[%zu] must be an object {\"name\", \"geometry\", \"code\"?, \"parent_id\"?}", i);
        if (gg_json_check(v, new_grid_fields, 4, prefix, err) < 0) return -1;
        items[i] = (gg_grid_new_t){.parent_id = gg_json_int(v, "parent_id", 0),
                                   .name = gg_strdup(req->arena, gg_json_str(v, "name")),
                                   .code = gg_strdup(req->arena, gg_json_str(v, "code")),
                                   .geometry = geometry_text(req, v)};
    }
    in->retire = ids;
    in->nretire = (int)nr;
    in->create = items;
    in->ncreate = (int)nc;
    return 0;
}

static void restructure(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"parent_id", GG_F_INT, 1, 1, INT64_MAX, 0},
        {"retire", GG_F_ARR, 0, 0, 0, 1},
        {"create", GG_F_ARR, 0, 0, 0, 1},
        {"note", GG_F_STR, 0, 1, 500, 1},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, 4, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct restructure_ctx x = {.arena = req->arena, .auth = auth};
    x.in.parent_id = gg_json_int(body, "parent_id", 0);
    x.in.note = gg_strdup(req->arena, gg_json_str(body, "note"));
    int rc = parse_batch(req, body, &x.in, &err);
    json_decref(body);
    if (rc == 0) rc = gg_db_tx(c, restructure_tx, &x, &err);
    gg_grid_t *created = NULL;
    if (rc == 0) {
        reload_index(req, c);
        created = gg_alloc(req->arena, sizeof(gg_grid_t) * (size_t)(x.out.ncreated + 1));
        for (int i = 0; i < x.out.ncreated && rc == 0; i++)
            rc = gg_grid_get(c, req->arena, auth, x.out.created[i], &created[i], &err);
    }
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 201);
    gg_jw_obj(w);
    gg_jw_kint(w, "restructure_id", x.out.restructure_id);
    gg_jw_kstr(w, "operation", x.out.operation);
    gg_jw_key(w, "retired");
    gg_jw_arr(w);
    for (int i = 0; i < x.in.nretire; i++)
        gg_jw_int(w, x.in.retire[i]);
    gg_jw_arr_end(w);
    gg_jw_key(w, "created");
    gg_jw_arr(w);
    for (int i = 0; i < x.out.ncreated; i++)
        write_grid(w, &created[i], 0);
    gg_jw_arr_end(w);
    gg_jw_key(w, "lineage");
    gg_jw_arr(w);
    for (int i = 0; i < x.out.nlineage; i++)
        write_lineage(w, &x.out.lineage[i]);
    gg_jw_arr_end(w);
    gg_jw_kint(w, "ended_assignments", x.out.ended_assignments);
    gg_jw_kint(w, "buildings_moved", x.out.buildings_moved);
    gg_jw_kint(w, "buildings_in_retired", x.out.buildings_in_retired);
    gg_jw_obj_end(w);
}

/* ---- GET /api/v1/grids/{id}/lineage ---- */

static void lineage(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_lineage_t *rows;
    int n;
    int rc = gg_grid_lineage(c, req->arena, auth, id, &rows, &n, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++)
        write_lineage(w, &rows[i]);
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

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

void gg_api_grid_routes(gg_router_t *r)
{
    gg_router_add(r, "GET", "/api/v1/grids", list, NULL);
    gg_router_add(r, "POST", "/api/v1/grids", create, NULL);
    gg_router_add(r, "POST", "/api/v1/grids/restructure", restructure, NULL);
    gg_router_add(r, "GET", "/api/v1/grids/{id}", get, NULL);
    gg_router_add(r, "PATCH", "/api/v1/grids/{id}", update, NULL);
    gg_router_add(r, "GET", "/api/v1/grids/{id}/lineage", lineage, NULL);
    gg_router_add(r, "GET", "/api/v1/locate", locate, NULL);
    gg_router_add(r, "PUT", "/api/v1/units/{id}/geometry", boundary, NULL);
    gg_api_grid_assignment_routes(r);
}
