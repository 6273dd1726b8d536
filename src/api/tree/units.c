/* units.c — /api/v1/units: read a unit, its children, its statistics, and create units (scoped by the
 * caller's grants). */
#include <string.h>

#include "api/api.h"
#include "api/write.h"
#include "domain/tree/grid.h"
#include "domain/people/stats.h"
#include "domain/tree/unit.h"

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

/* ---- GET /units?q= ---- */

struct search {
    const char *q, *level;
    int64_t limit, retired;
};

static int search_parse(gg_write_t *w)
{
    struct search *x = w->state;
    gg_req_t *req = w->req;
    gg_error_t err;
    if (gg_api_query_str(req, "q", 50, &x->q) < 0 || gg_api_query_str(req, "level", 16, &x->level) < 0 ||
        gg_api_query_int(req, "limit", 1, 200, 20, &x->limit) < 0 ||
        gg_api_query_int(req, "include_retired", 0, 1, 0, &x->retired) < 0)
        return -1;
    if (!x->q || !*x->q)
        gg_err_invalid(&err, "q", "give a name fragment or a code prefix to search for (q=下陆 or q=420204)");
    else if (x->level && *x->level && !gg_unit_level_valid(x->level))
        gg_err_invalid(&err, "level", "unknown level \"%s\"", x->level);
    else
        return 0;
    gg_api_error(req, &err);
    return -1;
}

/* Units as a list answer; child_count -1 leaves it out. */
static void write_units(gg_write_t *w, gg_unit_t *rows, int n, int with_child_count)
{
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        if (!with_child_count) rows[i].child_count = -1;
        write_unit(jw, &rows[i]);
    }
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
}

static int search_respond(gg_write_t *w, gg_error_t *err)
{
    const struct search *x = w->state;
    gg_unit_t *rows;
    int n;
    if (gg_unit_search(w->op.c, w->op.arena, w->op.auth, x->q, x->level, (int)x->retired, (int)x->limit,
                       &rows, &n, err) < 0)
        return -1;
    write_units(w, rows, n, 1);
    return 0;
}

static const gg_write_op_t SEARCH = {
    .state_size = sizeof(struct search),
    .parse = search_parse,
    .respond = search_respond,
};

/* ---- GET /units/{id}/… : one unit in the caller's scope, and what hangs from it ---- */

/* The unit of the path, visible to the caller (its ancestors, children, stats are a 404 otherwise). */
static int unit_of_path(gg_write_t *w, gg_unit_t *u, gg_error_t *err)
{
    return gg_unit_get_scoped(w->op.c, w->op.arena, w->op.auth, GG_P_UNIT_READ, w->id, u, err);
}

static int ancestors_respond(gg_write_t *w, gg_error_t *err)
{
    gg_unit_t u, *rows = NULL;
    int n = 0;
    if (unit_of_path(w, &u, err) < 0 || gg_unit_ancestors(w->op.c, w->op.arena, &u, &rows, &n, err) < 0)
        return -1;
    write_units(w, rows, n, 0);
    return 0;
}

static int children_respond(gg_write_t *w, gg_error_t *err)
{
    gg_unit_t u, *rows = NULL;
    int n = 0;
    if (unit_of_path(w, &u, err) < 0 ||
        gg_unit_children(w->op.c, w->op.arena, w->op.auth, w->id, &rows, &n, err) < 0)
        return -1;
    write_units(w, rows, n, 1);
    return 0;
}

/* ?geometry=1: the border and the version an editor sends back (not by default: borders can be big) */
static int get_parse(gg_write_t *w)
{
    return gg_api_query_int(w->req, "geometry", 0, 1, 0, w->state);
}

static int get_respond(gg_write_t *w, gg_error_t *err)
{
    int with_geometry = *(int64_t *)w->state != 0;
    gg_unit_t u;
    gg_grid_t shape = {0}; /* the unit's border and version, as PUT /units/{id}/geometry answers them */
    if (unit_of_path(w, &u, err) < 0 ||
        (with_geometry && gg_unit_shape_get(w->op.c, w->op.arena, w->op.auth, w->id, &shape, err) < 0))
        return -1;
    u.child_count = -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    write_unit_fields(jw, &u);
    if (with_geometry) {
        gg_jw_key(jw, "geometry");
        if (shape.geometry)
            gg_jw_raw(jw, shape.geometry, strlen(shape.geometry));
        else
            gg_jw_null(jw);
        gg_jw_kint(jw, "version", shape.version);
    }
    gg_jw_obj_end(jw);
    return 0;
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

static int stats_respond(gg_write_t *wr, gg_error_t *err)
{
    gg_unit_t u;
    gg_unit_stats_t s;
    if (unit_of_path(wr, &u, err) < 0 || gg_unit_stats(wr->op.c, wr->op.arena, wr->op.auth, &u, &s, err) < 0)
        return -1;
    gg_jw_t *w = gg_api_json(wr->req, wr->status);
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
    return 0;
}

static const gg_write_op_t GET = {
    .path_ids = {"id"},
    .state_size = sizeof(int64_t),
    .parse = get_parse,
    .respond = get_respond,
};
static const gg_write_op_t ANCESTORS = {.path_ids = {"id"}, .respond = ancestors_respond};
static const gg_write_op_t CHILDREN = {.path_ids = {"id"}, .respond = children_respond};
static const gg_write_op_t STATS = {.path_ids = {"id"}, .respond = stats_respond};

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
    GG_WRITE_ROUTE("GET", "/api/v1/units", SEARCH),
    GG_WRITE_ROUTE("GET", "/api/v1/units/{id}", GET),
    GG_WRITE_ROUTE("GET", "/api/v1/units/{id}/ancestors", ANCESTORS),
    GG_WRITE_ROUTE("GET", "/api/v1/units/{id}/children", CHILDREN),
    GG_WRITE_ROUTE("GET", "/api/v1/units/{id}/stats", STATS),
    GG_WRITE_ROUTE("POST", "/api/v1/units", CREATE),
};

int gg_api_unit_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
