/* units.c — /api/v1/units: read a unit, its children, its statistics, and create units (scoped by the
 * caller's grants). */
#include <string.h>

#include "api/api.h"
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
    gg_jw_kstr(w, "path", u->path); /* ids from the root ("/1/7/"): the web app matches it to /me grants */
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

/* A count, or null when the caller may read none of what it counts. */
static void count_or_null(gg_jw_t *w, const char *key, int visible, int64_t n)
{
    if (visible)
        gg_jw_kint(w, key, n);
    else
        gg_jw_knull(w, key);
}

static const char *access_name(gg_access_t x)
{
    return x == GG_ACCESS_ALL ? "all" : x == GG_ACCESS_PART ? "part" : "not_permitted";
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
    int places = s.places_access != GG_ACCESS_NONE, people = s.people_access != GG_ACCESS_NONE;
    count_or_null(w, "buildings", places, s.buildings);
    count_or_null(w, "houses", places, s.houses);
    count_or_null(w, "households", people, s.households);
    count_or_null(w, "residents", people, s.residents);
    count_or_null(w, "migrants", people, s.migrants);
    count_or_null(w, "foreigners", people, s.foreigners);
    if (people && s.residents)
        gg_jw_knum(w, "migrant_share", (double)s.migrants / (double)s.residents);
    else
        gg_jw_knull(w, "migrant_share");
    count_or_null(w, "separated", people, s.separated);
    count_or_null(w, "party_members", people, s.party_members);
    count_or_null(w, "volunteers", people, s.volunteers);
    /* why a count is null (never a false 0), and which counts cover only the caller's part of the subtree */
    gg_jw_key(w, "access");
    gg_jw_obj(w);
    gg_jw_kstr(w, "places", access_name(s.places_access));
    gg_jw_kstr(w, "people", access_name(s.people_access));
    gg_jw_obj_end(w);
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

struct create_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    gg_unit_new_t in;
    int64_t id;
};

static int create_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct create_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_unit_create(c, x->arena, &actor, x->auth, &x->in, &x->id, err);
}

static void create(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"parent_id", GG_F_INT, 1, 1, INT64_MAX, 0},
        {"level", GG_F_STR, 1, 1, 16, 0},
        {"code", GG_F_STR, 1, 1, 20, 0},
        {"name", GG_F_STR, 1, 1, 100, 0},
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
    const char *code = gg_json_str(body, "code");
    for (const char *p = code; *p; p++)
        if (*p < '0' || *p > '9') {
            json_decref(body);
            gg_api_end(req, c);
            gg_err_invalid(&err, "code",
                           "a unit code has digits only (12-digit division code, 15-digit grid code)");
            gg_api_error(req, &err);
            return;
        }
    struct create_ctx x = {.arena = req->arena,
                           .auth = auth,
                           .in = {.parent_id = gg_json_int(body, "parent_id", 0),
                                  .level = gg_strdup(req->arena, gg_json_str(body, "level")),
                                  .code = gg_strdup(req->arena, code),
                                  .name = gg_strdup(req->arena, gg_json_str(body, "name"))}};
    json_decref(body);
    int rc = gg_db_tx(c, create_tx, &x, &err);
    gg_unit_t u;
    if (rc == 0) rc = gg_unit_get_scoped(c, req->arena, auth, GG_P_UNIT_READ, x.id, &u, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    u.child_count = 0;
    gg_resp_header(req, "Location", gg_sprintf(req->arena, "/api/v1/units/%lld", (long long)x.id));
    write_unit(gg_api_json(req, 201), &u);
}

void gg_api_unit_routes(gg_router_t *r)
{
    gg_router_add(r, "GET", "/api/v1/units", search, NULL);
    gg_router_add(r, "GET", "/api/v1/units/{id}", get, NULL);
    gg_router_add(r, "GET", "/api/v1/units/{id}/ancestors", ancestors, NULL);
    gg_router_add(r, "GET", "/api/v1/units/{id}/children", children, NULL);
    gg_router_add(r, "GET", "/api/v1/units/{id}/stats", stats, NULL);
    gg_router_add(r, "POST", "/api/v1/units", create, NULL);
}
