/* units.c — /api/v1/units: read a unit, its children, its statistics, and create units (scoped by the
 * caller's grants). */
#include <string.h>

#include "api/api.h"
#include "api/write.h"
#include "domain/grid.h"
#include "domain/stats.h"
#include "domain/unit.h"

/* The unit's fields into an object the caller opened and closes. */
static void write_unit_fields(gg_jw_t *w, const gg_unit_t *u)
{
    gg_jw_kint(w, "id", u->id);
    if (u->parent_id)
        gg_jw_kint(w, "parent_id", u->parent_id);
    else
        gg_jw_knull(w, "parent_id");
    gg_jw_kstr(w, "level", u->level);
    gg_jw_kstr(w, "code", u->code);
    gg_jw_kstr(w, "name", u->name);
    if (u->has_centroid) {
        gg_jw_key(w, "centroid");
        gg_jw_obj(w);
        gg_jw_knum(w, "lat", u->lat);
        gg_jw_knum(w, "lng", u->lon);
        gg_jw_obj_end(w);
    }
    gg_jw_ktime(w, "retired_at", u->retired_at);
    if (u->child_count >= 0) gg_jw_kint(w, "child_count", u->child_count);
}

static void write_unit(gg_jw_t *w, const gg_unit_t *u)
{
    gg_jw_obj(w);
    write_unit_fields(w, u);
    gg_jw_obj_end(w);
}

static void search(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    const char *q, *level;
    int64_t limit, retired;
    if (gg_api_query_str(req, "q", 50, &q) < 0 || gg_api_query_str(req, "level", 16, &level) < 0 ||
        gg_api_query_int(req, "limit", 1, 200, 20, &limit) < 0 ||
        gg_api_query_int(req, "include_retired", 0, 1, 0, &retired) < 0)
        return;
    if (!q || !*q) {
        gg_err_invalid(&err, "q", "give a name fragment or a code prefix to search for (q=下陆 or q=420204)");
        gg_api_error(req, &err);
        return;
    }
    if (level && *level && !gg_unit_level_valid(level)) {
        gg_err_invalid(&err, "level", "unknown level \"%s\"", level);
        gg_api_error(req, &err);
        return;
    }
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_unit_t *rows;
    int n;
    int rc = gg_unit_search(c, req->arena, auth, q, level, (int)retired, (int)limit, &rows, &n, &err);
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
        write_unit(w, &rows[i]);
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

static void ancestors(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_unit_t u, *rows = NULL;
    int n = 0;
    int rc = gg_unit_get_scoped(c, req->arena, auth, GG_P_UNIT_READ, id, &u, &err);
    if (rc == 0) rc = gg_unit_ancestors(c, req->arena, &u, &rows, &n, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        rows[i].child_count = -1;
        write_unit(w, &rows[i]);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

static void get(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id, with_geometry;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    /* ?geometry=1: the border and the version an editor sends back (not by default: borders can be big) */
    if (gg_api_query_int(req, "geometry", 0, 1, 0, &with_geometry) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_unit_t u;
    gg_grid_t shape = {0}; /* the unit's border and version, as PUT /units/{id}/geometry answers them */
    int rc = gg_unit_get_scoped(c, req->arena, auth, GG_P_UNIT_READ, id, &u, &err);
    if (rc == 0 && with_geometry) rc = gg_unit_shape_get(c, req->arena, auth, id, &shape, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    u.child_count = -1;
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    write_unit_fields(w, &u);
    if (with_geometry) {
        gg_jw_key(w, "geometry");
        if (shape.geometry)
            gg_jw_raw(w, shape.geometry, strlen(shape.geometry));
        else
            gg_jw_null(w);
        gg_jw_kint(w, "version", shape.version);
    }
    gg_jw_obj_end(w);
}

static void children(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_unit_t u, *rows = NULL;
    int n = 0;
    /* the parent must be visible too: children of a unit outside the scope are a 404, not an empty list */
    int rc = gg_unit_get_scoped(c, req->arena, auth, GG_P_UNIT_READ, id, &u, &err);
    if (rc == 0) rc = gg_unit_children(c, req->arena, auth, id, &rows, &n, &err);
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
        write_unit(w, &rows[i]);
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

static void stats(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_unit_t u;
    gg_unit_stats_t s;
    int rc = gg_unit_get_scoped(c, req->arena, auth, GG_P_UNIT_READ, id, &u, &err);
    if (rc == 0) rc = gg_unit_stats(c, req->arena, auth, &u, &s, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "unit");
    u.child_count = -1;
    write_unit(w, &u);
    gg_jw_key(w, "units");
    gg_jw_obj(w);
    for (int i = 0; i < s.nlevels; i++)
        gg_jw_kint(w, s.levels[i].key, s.levels[i].n);
    gg_jw_obj_end(w);
    gg_jw_kint(w, "active_grids", s.active_grids);
    gg_jw_kint(w, "buildings", s.buildings);
    gg_jw_kint(w, "houses", s.houses);
    gg_jw_kint(w, "households", s.households);
    gg_jw_kint(w, "residents", s.residents);
    gg_jw_kint(w, "migrants", s.migrants);
    gg_jw_kint(w, "foreigners", s.foreigners);
    if (s.residents)
        gg_jw_knum(w, "migrant_share", (double)s.migrants / (double)s.residents);
    else
        gg_jw_knull(w, "migrant_share");
    gg_jw_kint(w, "separated", s.separated);
    gg_jw_kint(w, "party_members", s.party_members);
    gg_jw_kint(w, "volunteers", s.volunteers);
    gg_jw_key(w, "tags");
    gg_jw_arr(w);
    for (int i = 0; i < s.ntags; i++) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "code", s.tags[i].key);
        gg_jw_kstr(w, "name", s.tags[i].name);
        gg_jw_kint(w, "count", s.tags[i].n);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

static int create_prepare(gg_write_t *w, gg_error_t *err)
{
    for (const char *p = gg_json_str(w->body, "code"); *p; p++)
        if (*p < '0' || *p > '9')
            return gg_err_invalid(err, "code",
                                  "a unit code has digits only (12-digit division code, 15-digit grid code)");
    return 0;
}

static int create_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_unit_new_t in = {.parent_id = gg_json_int(w->body, "parent_id", 0),
                        .level = gg_json_str(w->body, "level"),
                        .code = gg_json_str(w->body, "code"),
                        .name = gg_json_str(w->body, "name")};
    return gg_unit_create(op->c, op->arena, &op->actor, op->auth, &in, &w->result, err);
}

static int create_respond(gg_write_t *w, gg_error_t *err)
{
    gg_unit_t u;
    if (gg_unit_get_scoped(w->op.c, w->op.arena, w->op.auth, GG_P_UNIT_READ, w->result, &u, err) < 0)
        return -1;
    u.child_count = 0;
    write_unit(gg_api_json(w->req, w->status), &u);
    return 0;
}

static const gg_field_t create_fields[] = {
    {"parent_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"level", GG_F_STR, 1, 1, 16, 0},
    {"code", GG_F_STR, 1, 1, 20, 0},
    {"name", GG_F_STR, 1, 1, 100, 0},
};

static const gg_write_op_t CREATE = {
    .fields = GG_FIELDS(create_fields),
    .prepare = create_prepare,
    .run = create_run,
    .respond = create_respond,
    .status = 201,
    .location = "/api/v1/units/%lld",
};

static const gg_api_route_t routes[] = {
    {"GET", "/api/v1/units", search, NULL, 0},
    {"GET", "/api/v1/units/{id}", get, NULL, 0},
    {"GET", "/api/v1/units/{id}/ancestors", ancestors, NULL, 0},
    {"GET", "/api/v1/units/{id}/children", children, NULL, 0},
    {"GET", "/api/v1/units/{id}/stats", stats, NULL, 0},
    GG_WRITE_ROUTE("POST", "/api/v1/units", CREATE),
};

int gg_api_unit_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
