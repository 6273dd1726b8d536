/*
 * places.c — /api/v1: buildings (楼栋), houses (房屋) and households (户) with
 * their members and move history.  Parse → domain (domain/place.c,
 * domain/household.c, inside gg_db_tx) → JSON.  Scope and permissions are the
 * domain's: 404 outside the caller's scope, 403 in scope without permission.
 * PATCH bodies name only what changes and carry the version the client saw.
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "core/clock.h"
#include "domain/household.h"
#include "domain/place.h"

/* ---- JSON ---- */

static void write_building(gg_jw_t *w, const gg_building_t *b)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", b->id);
    gg_jw_key(w, "grid");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", b->grid_id);
    gg_jw_kstr(w, "code", b->grid_code);
    gg_jw_kstr(w, "name", b->grid_name);
    gg_jw_kstr(w, "path", b->unit_path); /* for the web app's can(perm, unit) */
    gg_jw_obj_end(w);
    gg_jw_kstr(w, "code", b->code);
    gg_jw_kstr(w, "name", b->name);
    gg_jw_kstr(w, "address", b->address);
    gg_jw_key(w, "location");
    if (b->has_location) {
        gg_jw_obj(w);
        gg_jw_knum(w, "lat", b->lat);
        gg_jw_knum(w, "lng", b->lon);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    if (b->has_floors)
        gg_jw_kint(w, "floors", b->floors);
    else
        gg_jw_knull(w, "floors");
    gg_jw_kstr(w, "use_type", b->use_type);
    gg_jw_kint(w, "house_count", b->house_count);
    gg_jw_ktime(w, "created_at", b->created_at);
    gg_jw_ktime(w, "updated_at", b->updated_at);
    gg_jw_ktime(w, "retired_at", b->retired_at);
    gg_jw_kint(w, "version", b->version);
    gg_jw_obj_end(w);
}

static void write_house(gg_req_t *req, gg_jw_t *w, const gg_house_t *h)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", h->id);
    gg_jw_key(w, "building");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", h->building_id);
    gg_jw_kstr(w, "code", h->building_code);
    gg_jw_kstr(w, "name", h->building_name);
    gg_jw_obj_end(w);
    gg_jw_kint(w, "grid_id", h->grid_id);
    gg_jw_kstr(w, "unit_path", h->unit_path); /* its grid's path, for the web app's can(perm, unit) */
    gg_jw_kstr(w, "house_code", h->house_code);
    gg_jw_kstr(w, "qr_token", h->qr_token);
    gg_jw_kstr(w, "address", gg_house_label(req->arena, h->building_name, h->entrance, h->room));
    gg_jw_kstr(w, "entrance", h->entrance);
    if (h->has_floor)
        gg_jw_kint(w, "floor", h->floor);
    else
        gg_jw_knull(w, "floor");
    gg_jw_kstr(w, "room", h->room);
    gg_jw_kstr(w, "use_type", h->use_type);
    if (h->has_area)
        gg_jw_knum(w, "area_m2", h->area_m2);
    else
        gg_jw_knull(w, "area_m2");
    gg_jw_kint(w, "household_count", h->household_count);
    gg_jw_ktime(w, "created_at", h->created_at);
    gg_jw_ktime(w, "updated_at", h->updated_at);
    gg_jw_ktime(w, "retired_at", h->retired_at);
    gg_jw_kint(w, "version", h->version);
    gg_jw_obj_end(w);
}

/* Opens the household object and leaves it open for members/history. */
static void write_household(gg_jw_t *w, const gg_household_t *k)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->id);
    gg_jw_key(w, "house");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->house_id);
    gg_jw_kstr(w, "house_code", k->house_code);
    gg_jw_kstr(w, "address", k->house_label);
    gg_jw_obj_end(w);
    gg_jw_kint(w, "grid_id", k->grid_id);
    gg_jw_kstr(w, "kind", k->kind);
    gg_body_kref(w, "head", "resident_id", k->head_resident_id, "name", k->head_name);
    gg_jw_kint(w, "member_count", k->member_count);
    gg_jw_ktime(w, "created_at", k->created_at);
    gg_jw_ktime(w, "updated_at", k->updated_at);
    gg_jw_ktime(w, "dissolved_at", k->dissolved_at);
    gg_jw_kint(w, "version", k->version);
}

static void write_members(gg_jw_t *w, const char *key, const gg_member_t *m, int n, int history)
{
    gg_jw_key(w, key);
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(w);
        gg_jw_kint(w, "resident_id", m[i].resident_id);
        gg_jw_kstr(w, "name", m[i].name);
        gg_jw_kstr(w, "relation", m[i].relation);
        gg_jw_ktime(w, "moved_in_at", m[i].moved_in_at);
        gg_jw_kstr(w, "in_reason", m[i].in_reason);
        if (history) {
            gg_jw_ktime(w, "moved_out_at", m[i].moved_out_at);
            gg_jw_kstr(w, "out_reason", m[i].out_reason);
        }
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
}

/* ---- buildings ---- */

static void building_list(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t limit, after, unit_id, retired;
    const char *q;
    if (gg_api_query_int(req, "limit", 1, 200, 50, &limit) < 0 ||
        gg_api_query_int(req, "after", 0, INT64_MAX, 0, &after) < 0 ||
        gg_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &unit_id) < 0 ||
        gg_api_query_int(req, "include_retired", 0, 1, 0, &retired) < 0 ||
        gg_api_query_str(req, "q", 50, &q) < 0)
        return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_place_filter_t f = {.unit_id = unit_id, .q = q, .include_retired = (int)retired};
    gg_page_t page = {.limit = (int)limit, .after = after};
    gg_building_t *rows;
    int n;
    int rc = gg_building_list(c, req->arena, auth, &f, &page, &rows, &n, &err);
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
        write_building(w, &rows[i]);
    gg_jw_arr_end(w);
    gg_body_next(w, req->arena, n, (int)limit, n ? rows[n - 1].id : 0);
    gg_jw_obj_end(w);
}

struct building_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
    json_t *body;
    gg_building_t in;
};

static int building_create_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct building_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_building_create(c, x->arena, &actor, x->auth, &x->in, &x->id, err);
}

/* Building fields a POST and a PATCH share. */
static const gg_field_t building_fields[] = {
    {"name", GG_F_STR, 0, 1, 100, 0},    {"address", GG_F_STR, 0, 0, 200, 1},
    {"location", GG_F_OBJ, 0, 0, 0, 1},  {"floors", GG_F_INT, 0, 1, 200, 1},
    {"use_type", GG_F_STR, 0, 1, 16, 0},
};
#define NBUILDING (sizeof building_fields / sizeof building_fields[0])

/* Apply the body's building fields to b (absent: unchanged, null: cleared). */
static int take_building(gg_arena_t *a, json_t *body, gg_building_t *b, gg_error_t *err)
{
    gg_body_str(a, body, "name", &b->name);
    gg_body_str(a, body, "address", &b->address);
    gg_body_int(body, "floors", &b->has_floors, &b->floors);
    gg_body_str(a, body, "use_type", &b->use_type);
    return gg_body_location(body, "location", &b->has_location, &b->lat, &b->lon, err);
}

static void building_respond(gg_req_t *req, gg_db_conn_t *c, const gg_auth_t *auth, int rc, int64_t id,
                             gg_error_t *err, int status)
{
    gg_building_t b;
    if (rc == 0) rc = gg_building_get(c, req->arena, auth, id, &b, err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, err);
        return;
    }
    if (status == 201)
        gg_resp_header(req, "Location", gg_sprintf(req->arena, "/api/v1/buildings/%lld", (long long)id));
    write_building(gg_api_json(req, status), &b);
}

static void building_create(gg_req_t *req)
{
    gg_field_t fields[NBUILDING + 2];
    memcpy(fields, building_fields, sizeof building_fields);
    fields[NBUILDING] = (gg_field_t){"grid_id", GG_F_INT, 1, 1, INT64_MAX, 0};
    fields[NBUILDING + 1] = (gg_field_t){"code", GG_F_STR, 0, 1, 16, 1};
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct building_ctx x = {.arena = req->arena, .auth = auth};
    x.in.grid_id = gg_json_int(body, "grid_id", 0);
    gg_body_str(req->arena, body, "code", &x.in.code);
    int rc = gg_json_has(body, "name") ? take_building(req->arena, body, &x.in, &err)
                                       : gg_err_invalid(&err, "name", "name is required");
    json_decref(body);
    if (rc == 0) rc = gg_db_tx(c, building_create_tx, &x, &err);
    building_respond(req, c, auth, rc, x.id, &err, 201);
}

static void building_get(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    building_respond(req, c, auth, 0, id, &err, 200);
}

static int building_update_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct building_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    gg_building_t cur, next;
    if (gg_building_get(c, x->arena, x->auth, x->id, &cur, err) < 0) return -1;
    next = cur;
    if (take_building(x->arena, x->body, &next, err) < 0) return -1;
    int retired = cur.retired_at != 0;
    gg_body_bool(x->body, "retired", &retired);
    next.retired_at = retired ? (cur.retired_at ? cur.retired_at : gg_now_ms()) : 0;
    return gg_building_update(c, x->arena, &actor, x->auth, &cur, &next,
                              (int)gg_json_int(x->body, "version", 0), err);
}

/* A write to one building: path id, checked body, fn in a transaction, the building (200) or the error. */
static void building_write(gg_req_t *req, const gg_field_t *fields, size_t nfields, gg_db_tx_fn fn)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    struct building_ctx x = {.arena = req->arena, .auth = auth, .id = id};
    if (gg_api_body(req, fields, nfields, &x.body) < 0) {
        gg_api_end(req, c);
        return;
    }
    int rc = gg_db_tx(c, fn, &x, &err);
    json_decref(x.body);
    building_respond(req, c, auth, rc, id, &err, 200);
}

static void building_update(gg_req_t *req)
{
    gg_field_t fields[NBUILDING + 2];
    memcpy(fields, building_fields, sizeof building_fields);
    fields[NBUILDING] = (gg_field_t){"retired", GG_F_BOOL, 0, 0, 0, 0};
    fields[NBUILDING + 1] = (gg_field_t){"version", GG_F_INT, 1, 1, INT32_MAX, 0};
    building_write(req, fields, sizeof fields / sizeof fields[0], building_update_tx);
}

static int building_move_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct building_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_building_move_to(c, x->arena, &actor, x->auth, x->id, gg_json_int(x->body, "grid_id", 0),
                               (int)gg_json_int(x->body, "version", 0), err);
}

/* POST /buildings/{id}/move {"grid_id", "version"}: into another grid, with its houses and people. */
static void building_move(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"grid_id", GG_F_INT, 1, 1, INT64_MAX, 0},
        {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
    };
    building_write(req, fields, sizeof fields / sizeof fields[0], building_move_tx);
}

/* ---- houses ---- */

/* House fields a POST and a PATCH share. */
static const gg_field_t house_fields[] = {
    {"entrance", GG_F_STR, 0, 0, 16, 1},    {"floor", GG_F_INT, 0, -5, 200, 1},
    {"room", GG_F_STR, 0, 1, 16, 0},        {"use_type", GG_F_STR, 0, 1, 16, 0},
    {"area_m2", GG_F_NUM, 0, 0, 100000, 1},
};
#define NHOUSE (sizeof house_fields / sizeof house_fields[0])

static void take_house(gg_arena_t *a, json_t *body, gg_house_t *h)
{
    gg_body_str(a, body, "entrance", &h->entrance);
    gg_body_int(body, "floor", &h->has_floor, &h->floor);
    gg_body_str(a, body, "room", &h->room);
    gg_body_str(a, body, "use_type", &h->use_type);
    gg_body_num(body, "area_m2", &h->has_area, &h->area_m2);
}

struct house_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
    json_t *body;
    gg_house_t in;
};

static void house_respond(gg_req_t *req, gg_db_conn_t *c, const gg_auth_t *auth, int rc, int64_t id,
                          gg_error_t *err, int status)
{
    gg_house_t h;
    if (rc == 0) rc = gg_house_get(c, req->arena, auth, GG_P_PLACE_READ, id, &h, err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, err);
        return;
    }
    if (status == 201)
        gg_resp_header(req, "Location", gg_sprintf(req->arena, "/api/v1/houses/%lld", (long long)id));
    write_house(req, gg_api_json(req, status), &h);
}

static void house_list(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t limit, after, building_id, retired;
    const char *q;
    if (gg_api_path_id(req, "id", &building_id) < 0) return;
    if (gg_api_query_int(req, "limit", 1, 200, 50, &limit) < 0 ||
        gg_api_query_int(req, "after", 0, INT64_MAX, 0, &after) < 0 ||
        gg_api_query_int(req, "include_retired", 0, 1, 0, &retired) < 0 ||
        gg_api_query_str(req, "q", 50, &q) < 0)
        return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_building_t b;
    gg_house_t *rows = NULL;
    int n = 0;
    gg_place_filter_t f = {.building_id = building_id, .q = q, .include_retired = (int)retired};
    gg_page_t page = {.limit = (int)limit, .after = after};
    /* the building must be visible: houses of a building outside the scope are a 404, not an empty list */
    int rc = gg_building_get(c, req->arena, auth, building_id, &b, &err);
    if (rc == 0) rc = gg_house_list(c, req->arena, auth, &f, &page, &rows, &n, &err);
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
        write_house(req, w, &rows[i]);
    gg_jw_arr_end(w);
    gg_body_next(w, req->arena, n, (int)limit, n ? rows[n - 1].id : 0);
    gg_jw_obj_end(w);
}

static int house_create_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct house_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_house_create(c, x->arena, &actor, x->auth, &x->in, &x->id, err);
}

static void house_create(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    int64_t building_id;
    if (gg_api_path_id(req, "id", &building_id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, house_fields, NHOUSE, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct house_ctx x = {.arena = req->arena, .auth = auth, .in = {.building_id = building_id}};
    take_house(req->arena, body, &x.in);
    json_decref(body);
    int rc =
        x.in.room ? gg_db_tx(c, house_create_tx, &x, &err) : gg_err_invalid(&err, "room", "room is required");
    house_respond(req, c, auth, rc, x.id, &err, 201);
}

static void house_get(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    house_respond(req, c, auth, 0, id, &err, 200);
}

static int house_update_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct house_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    gg_house_t cur, next;
    if (gg_house_get(c, x->arena, x->auth, GG_P_PLACE_READ, x->id, &cur, err) < 0) return -1;
    next = cur;
    take_house(x->arena, x->body, &next);
    int retired = cur.retired_at != 0;
    gg_body_bool(x->body, "retired", &retired);
    next.retired_at = retired ? (cur.retired_at ? cur.retired_at : gg_now_ms()) : 0;
    return gg_house_update(c, x->arena, &actor, x->auth, &cur, &next, (int)gg_json_int(x->body, "version", 0),
                           err);
}

static void house_update(gg_req_t *req)
{
    gg_field_t fields[NHOUSE + 2];
    memcpy(fields, house_fields, sizeof house_fields);
    fields[NHOUSE] = (gg_field_t){"retired", GG_F_BOOL, 0, 0, 0, 0};
    fields[NHOUSE + 1] = (gg_field_t){"version", GG_F_INT, 1, 1, INT32_MAX, 0};
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    struct house_ctx x = {.arena = req->arena, .auth = auth, .id = id};
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &x.body) < 0) {
        gg_api_end(req, c);
        return;
    }
    int rc = gg_db_tx(c, house_update_tx, &x, &err);
    json_decref(x.body);
    house_respond(req, c, auth, rc, id, &err, 200);
}

/* ---- households ---- */

static void household_respond(gg_req_t *req, gg_db_conn_t *c, const gg_auth_t *auth, int rc, int64_t id,
                              gg_error_t *err, int status)
{
    gg_household_t k;
    gg_member_t *members = NULL, *history = NULL;
    int nmembers = 0, nhistory = 0;
    if (rc == 0) rc = gg_household_get(c, req->arena, auth, id, &k, err);
    if (rc == 0) rc = gg_household_members(c, req->arena, id, 0, &members, &nmembers, err);
    if (rc == 0) rc = gg_household_members(c, req->arena, id, 1, &history, &nhistory, err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, err);
        return;
    }
    if (status == 201)
        gg_resp_header(req, "Location", gg_sprintf(req->arena, "/api/v1/households/%lld", (long long)id));
    gg_jw_t *w = gg_api_json(req, status);
    write_household(w, &k);
    write_members(w, "members", members, nmembers, 0);
    write_members(w, "history", history, nhistory, 1);
    gg_jw_obj_end(w);
}

static void household_list(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t limit, after, unit_id, house_id, dissolved;
    if (gg_api_query_int(req, "limit", 1, 200, 50, &limit) < 0 ||
        gg_api_query_int(req, "after", 0, INT64_MAX, 0, &after) < 0 ||
        gg_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &unit_id) < 0 ||
        gg_api_query_int(req, "house_id", 0, INT64_MAX, 0, &house_id) < 0 ||
        gg_api_query_int(req, "include_dissolved", 0, 1, 0, &dissolved) < 0)
        return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_household_filter_t f = {.unit_id = unit_id, .house_id = house_id, .include_dissolved = (int)dissolved};
    gg_page_t page = {.limit = (int)limit, .after = after};
    gg_household_t *rows;
    int n;
    int rc = gg_household_list(c, req->arena, auth, &f, &page, &rows, &n, &err);
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
        write_household(w, &rows[i]);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_body_next(w, req->arena, n, (int)limit, n ? rows[n - 1].id : 0);
    gg_jw_obj_end(w);
}

struct household_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id, house_id, resident_id, at;
    const char *kind, *relation, *reason;
    gg_household_patch_t patch;
};

static int household_create_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct household_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_household_create(c, x->arena, &actor, x->auth, x->house_id, x->kind, x->resident_id, &x->id,
                               err);
}

static void household_create(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"house_id", GG_F_INT, 1, 1, INT64_MAX, 0},
        {"kind", GG_F_STR, 0, 1, 16, 1},
        {"head_resident_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct household_ctx x = {.arena = req->arena,
                              .auth = auth,
                              .house_id = gg_json_int(body, "house_id", 0),
                              .resident_id = gg_json_int(body, "head_resident_id", 0),
                              .kind = gg_strdup(req->arena, gg_json_str(body, "kind"))};
    json_decref(body);
    int rc = gg_db_tx(c, household_create_tx, &x, &err);
    household_respond(req, c, auth, rc, x.id, &err, 201);
}

static void household_get(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    household_respond(req, c, auth, 0, id, &err, 200);
}

static int household_update_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct household_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_household_update(c, x->arena, &actor, x->auth, x->id, &x->patch, err);
}

static void household_update(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"kind", GG_F_STR, 0, 1, 16, 0},
        {"head_resident_id", GG_F_INT, 0, 1, INT64_MAX, 0},
        {"former_head_relation", GG_F_STR, 0, 1, 16, 0},
        {"dissolved", GG_F_BOOL, 0, 0, 0, 0},
        {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct household_ctx x = {
        .arena = req->arena,
        .auth = auth,
        .id = id,
        .patch = {.kind = gg_strdup(req->arena, gg_json_str(body, "kind")),
                  .head_resident_id = gg_json_int(body, "head_resident_id", 0),
                  .former_head_relation = gg_strdup(req->arena, gg_json_str(body, "former_head_relation")),
                  .dissolve = gg_json_bool(body, "dissolved", 0),
                  .version = (int)gg_json_int(body, "version", 0)}};
    json_decref(body);
    int rc = gg_db_tx(c, household_update_tx, &x, &err);
    household_respond(req, c, auth, rc, id, &err, 200);
}

static int member_add_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct household_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_household_add_member(c, x->arena, &actor, x->auth, x->id, x->resident_id, x->relation, x->at,
                                   x->reason, err);
}

static void member_add(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"resident_id", GG_F_INT, 1, 1, INT64_MAX, 0},
        {"relation", GG_F_STR, 1, 1, 16, 0},
        {"date", GG_F_STR, 0, 1, 10, 1},
        {"reason", GG_F_STR, 0, 1, 100, 1},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct household_ctx x = {.arena = req->arena,
                              .auth = auth,
                              .id = id,
                              .resident_id = gg_json_int(body, "resident_id", 0),
                              .relation = gg_strdup(req->arena, gg_json_str(body, "relation")),
                              .reason = gg_strdup(req->arena, gg_json_str(body, "reason"))};
    int rc = gg_body_date_ms(body, "date", &x.at, &err);
    json_decref(body);
    if (rc == 0) rc = gg_db_tx(c, member_add_tx, &x, &err);
    household_respond(req, c, auth, rc, id, &err, 200);
}

static int member_out_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct household_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_household_move_out(c, x->arena, &actor, x->auth, x->id, x->resident_id, x->at, x->reason, err);
}

static void member_move_out(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"date", GG_F_STR, 0, 1, 10, 1},
        {"reason", GG_F_STR, 0, 1, 100, 1},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body = NULL;
    gg_error_t err;
    int64_t id, rid;
    if (gg_api_path_id(req, "id", &id) < 0 || gg_api_path_id(req, "resident_id", &rid) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    struct household_ctx x = {.arena = req->arena, .auth = auth, .id = id, .resident_id = rid};
    int rc = 0;
    /* the body is optional: a move-out today needs no details */
    if (req->body_len) {
        if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) {
            gg_api_end(req, c);
            return;
        }
        x.reason = gg_strdup(req->arena, gg_json_str(body, "reason"));
        rc = gg_body_date_ms(body, "date", &x.at, &err);
        json_decref(body);
    }
    if (rc == 0) rc = gg_db_tx(c, member_out_tx, &x, &err);
    household_respond(req, c, auth, rc, id, &err, 200);
}

static int member_update_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct household_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_household_set_relation(c, x->arena, &actor, x->auth, x->id, x->resident_id, x->relation, err);
}

static void member_update(gg_req_t *req)
{
    static const gg_field_t fields[] = {{"relation", GG_F_STR, 1, 1, 16, 0}};
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    int64_t id, rid;
    if (gg_api_path_id(req, "id", &id) < 0 || gg_api_path_id(req, "resident_id", &rid) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, 1, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct household_ctx x = {.arena = req->arena,
                              .auth = auth,
                              .id = id,
                              .resident_id = rid,
                              .relation = gg_strdup(req->arena, gg_json_str(body, "relation"))};
    json_decref(body);
    int rc = gg_db_tx(c, member_update_tx, &x, &err);
    household_respond(req, c, auth, rc, id, &err, 200);
}

void gg_api_place_routes(gg_router_t *r)
{
    gg_router_add(r, "GET", "/api/v1/buildings", building_list, NULL);
    gg_router_add(r, "POST", "/api/v1/buildings", building_create, NULL);
    gg_router_add(r, "GET", "/api/v1/buildings/{id}", building_get, NULL);
    gg_router_add(r, "PATCH", "/api/v1/buildings/{id}", building_update, NULL);
    gg_router_add(r, "POST", "/api/v1/buildings/{id}/move", building_move, NULL);
    gg_router_add(r, "GET", "/api/v1/buildings/{id}/houses", house_list, NULL);
    gg_router_add(r, "POST", "/api/v1/buildings/{id}/houses", house_create, NULL);
    gg_router_add(r, "GET", "/api/v1/houses/{id}", house_get, NULL);
    gg_router_add(r, "PATCH", "/api/v1/houses/{id}", house_update, NULL);
    gg_router_add(r, "GET", "/api/v1/households", household_list, NULL);
    gg_router_add(r, "POST", "/api/v1/households", household_create, NULL);
    gg_router_add(r, "GET", "/api/v1/households/{id}", household_get, NULL);
    gg_router_add(r, "PATCH", "/api/v1/households/{id}", household_update, NULL);
    gg_router_add(r, "POST", "/api/v1/households/{id}/members", member_add, NULL);
    gg_router_add(r, "PATCH", "/api/v1/households/{id}/members/{resident_id}", member_update, NULL);
    gg_router_add(r, "POST", "/api/v1/households/{id}/members/{resident_id}/move-out", member_move_out, NULL);
}
