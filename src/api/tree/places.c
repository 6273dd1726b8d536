/*
 * places.c — /api/v1: buildings (楼栋), houses (房屋) and households (户) with
 * their members and move history.  Parse → domain (domain/place.c,
 * domain/household.c, inside gg_db_tx) → JSON.  Scope and permissions are the
 * domain's: 404 outside the caller's scope, 403 in scope without permission.
 * PATCH bodies name only what changes and carry the version the client saw.
 */
#include <string.h>

#include "api/export.h"
#include "api/api.h"
#include "api/body.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/people/household.h"
#include "domain/tree/place.h"

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

struct place_query {
    gg_place_filter_t f;
    gg_page_t page;
};

static int building_list_parse(gg_write_t *w)
{
    struct place_query *x = w->state;
    int64_t retired;
    if (gg_api_query_page(w->req, 200, 50, &x->page) < 0 ||
        gg_api_query_int(w->req, "unit_id", 0, INT64_MAX, 0, &x->f.unit_id) < 0 ||
        gg_api_query_int(w->req, "include_retired", 0, 1, 0, &retired) < 0 ||
        gg_api_query_str(w->req, "q", 50, &x->f.q) < 0)
        return -1;
    x->f.include_retired = (int)retired;
    return 0;
}

static int building_list_respond(gg_write_t *w, gg_error_t *err)
{
    struct place_query *x = w->state;
    gg_building_t *rows;
    int n;
    if (gg_building_list(w->op.c, w->op.arena, w->op.auth, &x->f, &x->page, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_building(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, x->page.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

/* ?format=xlsx (api/export.h) */
static const gg_export_col_t building_list_cols[] = {
    {"code", "编号", 20},          {"name", "名称", 16},  {"address", "地址", 30},
    {"grid.name", "所属网格", 20}, {"floors", "层数", 6},
};
static const gg_export_t BUILDING_LIST_XLSX = {"buildings", "楼栋", GG_EXPORT_COLS(building_list_cols)};

static const gg_write_op_t BUILDING_LIST = {.state_size = sizeof(struct place_query),
                                            .parse = building_list_parse,
                                            .respond = building_list_respond,
                                            .xlsx = &BUILDING_LIST_XLSX};

/* Building fields a POST and a PATCH share. */
static const gg_field_t building_fields[] = {
    {"name", GG_F_STR, 0, 1, 100, 0},    {"address", GG_F_STR, 0, 0, 200, 1},
    {"location", GG_F_OBJ, 0, 0, 0, 1},  {"floors", GG_F_INT, 0, 1, 200, 1},
    {"use_type", GG_F_STR, 0, 1, 16, 0},
};

/* Apply the body's building fields to b (absent: unchanged, null: cleared). */
static int take_building(gg_arena_t *a, json_t *body, gg_building_t *b, gg_error_t *err)
{
    gg_body_str(a, body, "name", &b->name);
    gg_body_str(a, body, "address", &b->address);
    gg_body_int(body, "floors", &b->has_floors, &b->floors);
    gg_body_str(a, body, "use_type", &b->use_type);
    return gg_body_location(body, "location", &b->has_location, &b->lat, &b->lon, err);
}

static int building_respond(gg_write_t *w, gg_error_t *err)
{
    gg_building_t b;
    if (gg_building_get(w->op.c, w->op.arena, w->op.auth, w->result, &b, err) < 0) return -1;
    write_building(gg_api_json(w->req, w->status), &b);
    return 0;
}

static const gg_write_op_t BUILDING_GET = {.path_ids = {"id"}, .respond = building_respond};

static int building_create_prepare(gg_write_t *w, gg_error_t *err)
{
    gg_building_t *in = w->state;
    in->grid_id = gg_json_int(w->body, "grid_id", 0);
    gg_body_str(w->op.arena, w->body, "code", &in->code);
    if (!gg_json_has(w->body, "name")) return gg_err_invalid(err, "name", "name is required");
    return take_building(w->op.arena, w->body, in, err);
}

static int building_create_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_building_create(op->c, op->arena, &op->actor, op->auth, w->state, &w->result, err);
}

static const gg_field_t building_create_fields[] = {
    {"grid_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"code", GG_F_STR, 0, 1, 16, 1},
};

static const gg_write_op_t BUILDING_CREATE = {
    .fields = GG_FIELDS(building_fields),
    .more = GG_FIELDS(building_create_fields),
    .state_size = sizeof(gg_building_t),
    .prepare = building_create_prepare,
    .run = building_create_run,
    .respond = building_respond,
    .status = 201,
    .location = "/api/v1/buildings/%lld",
};

static int building_update_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_building_t cur, next;
    if (gg_building_get(op->c, op->arena, op->auth, w->id, &cur, err) < 0) return -1;
    next = cur;
    if (take_building(op->arena, w->body, &next, err) < 0) return -1;
    int retired = cur.retired_at != 0;
    gg_body_bool(w->body, "retired", &retired);
    next.retired_at = retired ? (cur.retired_at ? cur.retired_at : gg_now_ms()) : 0;
    return gg_building_update(op->c, op->arena, &op->actor, op->auth, &cur, &next,
                              (int)gg_json_int(w->body, "version", 0), err);
}

/* What a PATCH of a building or a house adds to the shared fields. */
static const gg_field_t retire_fields[] = {
    {"retired", GG_F_BOOL, 0, 0, 0, 0},
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
};

static const gg_write_op_t BUILDING_UPDATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(building_fields),
    .more = GG_FIELDS(retire_fields),
    .run = building_update_run,
    .respond = building_respond,
};

static int building_move_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_building_move_to(op->c, op->arena, &op->actor, op->auth, w->id,
                               gg_json_int(w->body, "grid_id", 0), (int)gg_json_int(w->body, "version", 0),
                               err);
}

static const gg_field_t building_move_fields[] = {
    {"grid_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
};

/* POST /buildings/{id}/move {"grid_id", "version"}: into another grid, with its houses and people. */
static const gg_write_op_t BUILDING_MOVE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(building_move_fields),
    .run = building_move_run,
    .respond = building_respond,
};

/* ---- houses ---- */

/* House fields a POST and a PATCH share. */
static const gg_field_t house_fields[] = {
    {"entrance", GG_F_STR, 0, 0, 16, 1},    {"floor", GG_F_INT, 0, -5, 200, 1},
    {"room", GG_F_STR, 0, 1, 16, 0},        {"use_type", GG_F_STR, 0, 1, 16, 0},
    {"area_m2", GG_F_NUM, 0, 0, 100000, 1},
};

static void take_house(gg_arena_t *a, json_t *body, gg_house_t *h)
{
    gg_body_str(a, body, "entrance", &h->entrance);
    gg_body_int(body, "floor", &h->has_floor, &h->floor);
    gg_body_str(a, body, "room", &h->room);
    gg_body_str(a, body, "use_type", &h->use_type);
    gg_body_num(body, "area_m2", &h->has_area, &h->area_m2);
}

static int house_respond(gg_write_t *w, gg_error_t *err)
{
    gg_house_t h;
    if (gg_house_get(w->op.c, w->op.arena, w->op.auth, GG_P_PLACE_READ, w->result, &h, err) < 0) return -1;
    write_house(w->req, gg_api_json(w->req, w->status), &h);
    return 0;
}

static const gg_write_op_t HOUSE_GET = {.path_ids = {"id"}, .respond = house_respond};

static int house_list_parse(gg_write_t *w)
{
    struct place_query *x = w->state;
    int64_t retired;
    if (gg_api_query_page(w->req, 200, 50, &x->page) < 0 ||
        gg_api_query_int(w->req, "include_retired", 0, 1, 0, &retired) < 0 ||
        gg_api_query_str(w->req, "q", 50, &x->f.q) < 0)
        return -1;
    x->f.building_id = w->id;
    x->f.include_retired = (int)retired;
    return 0;
}

static int house_list_respond(gg_write_t *w, gg_error_t *err)
{
    struct place_query *x = w->state;
    gg_building_t b;
    gg_house_t *rows = NULL;
    int n = 0;
    /* the building must be visible: houses of a building outside the scope are a 404, not an empty list */
    if (gg_building_get(w->op.c, w->op.arena, w->op.auth, w->id, &b, err) < 0 ||
        gg_house_list(w->op.c, w->op.arena, w->op.auth, &x->f, &x->page, &rows, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_house(w->req, jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, x->page.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

/* GET /buildings/{id}/houses */
static const gg_write_op_t HOUSE_LIST = {
    .path_ids = {"id"},
    .state_size = sizeof(struct place_query),
    .parse = house_list_parse,
    .respond = house_list_respond,
};

static int house_create_prepare(gg_write_t *w, gg_error_t *err)
{
    gg_house_t *in = w->state;
    in->building_id = w->id;
    take_house(w->op.arena, w->body, in);
    return in->room ? 0 : gg_err_invalid(err, "room", "room is required");
}

static int house_create_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_house_create(op->c, op->arena, &op->actor, op->auth, w->state, &w->result, err);
}

/* POST /buildings/{id}/houses */
static const gg_write_op_t HOUSE_CREATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(house_fields),
    .state_size = sizeof(gg_house_t),
    .prepare = house_create_prepare,
    .run = house_create_run,
    .respond = house_respond,
    .status = 201,
    .location = "/api/v1/houses/%lld",
};

static int house_update_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_house_t cur, next;
    if (gg_house_get(op->c, op->arena, op->auth, GG_P_PLACE_READ, w->id, &cur, err) < 0) return -1;
    next = cur;
    take_house(op->arena, w->body, &next);
    int retired = cur.retired_at != 0;
    gg_body_bool(w->body, "retired", &retired);
    next.retired_at = retired ? (cur.retired_at ? cur.retired_at : gg_now_ms()) : 0;
    return gg_house_update(op->c, op->arena, &op->actor, op->auth, &cur, &next,
                           (int)gg_json_int(w->body, "version", 0), err);
}

static const gg_write_op_t HOUSE_UPDATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(house_fields),
    .more = GG_FIELDS(retire_fields),
    .run = house_update_run,
    .respond = house_respond,
};

/* ---- households ---- */

/* The household w->result with its members and their history. */
static int household_respond(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_household_t k;
    gg_member_t *members = NULL, *history = NULL;
    int nmembers = 0, nhistory = 0;
    if (gg_household_get(op->c, op->arena, op->auth, w->result, &k, err) < 0 ||
        gg_household_members(op->c, op->arena, w->result, 0, &members, &nmembers, err) < 0 ||
        gg_household_members(op->c, op->arena, w->result, 1, &history, &nhistory, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    write_household(jw, &k);
    write_members(jw, "members", members, nmembers, 0);
    write_members(jw, "history", history, nhistory, 1);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t HOUSEHOLD_GET = {.path_ids = {"id"}, .respond = household_respond};

struct household_query {
    gg_household_filter_t f;
    gg_page_t page;
};

static int household_list_parse(gg_write_t *w)
{
    struct household_query *x = w->state;
    int64_t dissolved;
    if (gg_api_query_page(w->req, 200, 50, &x->page) < 0 ||
        gg_api_query_int(w->req, "unit_id", 0, INT64_MAX, 0, &x->f.unit_id) < 0 ||
        gg_api_query_int(w->req, "house_id", 0, INT64_MAX, 0, &x->f.house_id) < 0 ||
        gg_api_query_int(w->req, "include_dissolved", 0, 1, 0, &dissolved) < 0)
        return -1;
    x->f.include_dissolved = (int)dissolved;
    return 0;
}

static int household_list_respond(gg_write_t *w, gg_error_t *err)
{
    struct household_query *x = w->state;
    gg_household_t *rows;
    int n;
    if (gg_household_list(w->op.c, w->op.arena, w->op.auth, &x->f, &x->page, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        write_household(jw, &rows[i]);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, x->page.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

/* ?format=xlsx (api/export.h) */
static const gg_export_col_t household_list_cols[] = {
    {"house.house_code", "房屋编号", 22},
    {"house.address", "地址", 30},
    {"kind", "户类型", 10},
    {"head.name", "户主", 12},
    {"member_count", "人数", 6},
    {"created_at", "建立时间", 26},
};
static const gg_export_t HOUSEHOLD_LIST_XLSX = {"households", "户", GG_EXPORT_COLS(household_list_cols)};

static const gg_write_op_t HOUSEHOLD_LIST = {.state_size = sizeof(struct household_query),
                                             .parse = household_list_parse,
                                             .respond = household_list_respond,
                                             .xlsx = &HOUSEHOLD_LIST_XLSX};

static int household_create_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_household_create(op->c, op->arena, &op->actor, op->auth, gg_json_int(w->body, "house_id", 0),
                               gg_json_str(w->body, "kind"), gg_json_int(w->body, "head_resident_id", 0),
                               &w->result, err);
}

static const gg_field_t household_create_fields[] = {
    {"house_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"kind", GG_F_STR, 0, 1, 16, 1},
    {"head_resident_id", GG_F_INT, 0, 1, INT64_MAX, 1},
};

static const gg_write_op_t HOUSEHOLD_CREATE = {
    .fields = GG_FIELDS(household_create_fields),
    .run = household_create_run,
    .respond = household_respond,
    .status = 201,
    .location = "/api/v1/households/%lld",
};

static int household_update_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_household_patch_t patch = {.kind = gg_json_str(w->body, "kind"),
                                  .head_resident_id = gg_json_int(w->body, "head_resident_id", 0),
                                  .former_head_relation = gg_json_str(w->body, "former_head_relation"),
                                  .dissolve = gg_json_bool(w->body, "dissolved", 0),
                                  .version = (int)gg_json_int(w->body, "version", 0)};
    return gg_household_update(op->c, op->arena, &op->actor, op->auth, w->id, &patch, err);
}

static const gg_field_t household_update_fields[] = {
    {"kind", GG_F_STR, 0, 1, 16, 0},
    {"head_resident_id", GG_F_INT, 0, 1, INT64_MAX, 0},
    {"former_head_relation", GG_F_STR, 0, 1, 16, 0},
    {"dissolved", GG_F_BOOL, 0, 0, 0, 0},
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
};

static const gg_write_op_t HOUSEHOLD_UPDATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(household_update_fields),
    .run = household_update_run,
    .respond = household_respond,
};

/* A membership change's date ("date": YYYY-MM-DD, absent: now), read before the transaction. */
static int member_date_prepare(gg_write_t *w, gg_error_t *err)
{
    return gg_body_date_ms(w->body, "date", w->state, err);
}

static int member_add_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_household_add_member(op->c, op->arena, &op->actor, op->auth, w->id,
                                   gg_json_int(w->body, "resident_id", 0), gg_json_str(w->body, "relation"),
                                   *(int64_t *)w->state, gg_json_str(w->body, "reason"), err);
}

static const gg_field_t member_add_fields[] = {
    {"resident_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"relation", GG_F_STR, 1, 1, 16, 0},
    {"date", GG_F_STR, 0, 1, 10, 1},
    {"reason", GG_F_STR, 0, 1, 100, 1},
};

static const gg_write_op_t MEMBER_ADD = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(member_add_fields),
    .state_size = sizeof(int64_t),
    .prepare = member_date_prepare,
    .run = member_add_run,
    .respond = household_respond,
};

static int member_out_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_household_move_out(op->c, op->arena, &op->actor, op->auth, w->id, w->ids[1],
                                 *(int64_t *)w->state, w->body ? gg_json_str(w->body, "reason") : NULL, err);
}

static const gg_field_t member_out_fields[] = {
    {"date", GG_F_STR, 0, 1, 10, 1},
    {"reason", GG_F_STR, 0, 1, 100, 1},
};

/* POST /households/{id}/members/{resident_id}/move-out: the body is optional (a move-out today needs no
 * details). */
static const gg_write_op_t MEMBER_MOVE_OUT = {
    .path_ids = {"id", "resident_id"},
    .fields = GG_FIELDS(member_out_fields),
    .body_optional = 1,
    .state_size = sizeof(int64_t),
    .prepare = member_date_prepare,
    .run = member_out_run,
    .respond = household_respond,
};

static int member_update_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_household_set_relation(op->c, op->arena, &op->actor, op->auth, w->id, w->ids[1],
                                     gg_json_str(w->body, "relation"), err);
}

static const gg_field_t member_update_fields[] = {{"relation", GG_F_STR, 1, 1, 16, 0}};

static const gg_write_op_t MEMBER_UPDATE = {
    .path_ids = {"id", "resident_id"},
    .fields = GG_FIELDS(member_update_fields),
    .run = member_update_run,
    .respond = household_respond,
};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/buildings", BUILDING_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/buildings", BUILDING_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/buildings/{id}", BUILDING_GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/buildings/{id}", BUILDING_UPDATE),
    GG_WRITE_ROUTE("POST", "/api/v1/buildings/{id}/move", BUILDING_MOVE),
    GG_WRITE_ROUTE("GET", "/api/v1/buildings/{id}/houses", HOUSE_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/buildings/{id}/houses", HOUSE_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/houses/{id}", HOUSE_GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/houses/{id}", HOUSE_UPDATE),
    GG_WRITE_ROUTE("GET", "/api/v1/households", HOUSEHOLD_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/households", HOUSEHOLD_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/households/{id}", HOUSEHOLD_GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/households/{id}", HOUSEHOLD_UPDATE),
    GG_WRITE_ROUTE("POST", "/api/v1/households/{id}/members", MEMBER_ADD),
    GG_WRITE_ROUTE("PATCH", "/api/v1/households/{id}/members/{resident_id}", MEMBER_UPDATE),
    GG_WRITE_ROUTE("POST", "/api/v1/households/{id}/members/{resident_id}/move-out", MEMBER_MOVE_OUT),
};

int gg_api_place_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
