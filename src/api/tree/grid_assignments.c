/*
 * grid_assignments.c — who serves a grid: /api/v1/grids/{id}/assignments,
 * /api/v1/assignments/{id}/end, and the two staffing questions
 * /api/v1/grids/unassigned and /api/v1/assignments/overloaded.
 */
#include <string.h>

#include "api/api.h"
#include "api/write.h"
#include "domain/tree/assignment.h"

static void kdate(gg_jw_t *w, const char *key, const char *date)
{
    if (date)
        gg_jw_kstr(w, key, date);
    else
        gg_jw_knull(w, key);
}

static void write_assignment(gg_req_t *req, gg_jw_t *w, const gg_assignment_t *x)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", x->id);
    gg_jw_kint(w, "grid_id", x->unit_id);
    gg_jw_key(w, "grid");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", x->unit_id);
    gg_jw_kstr(w, "level", x->unit_level);
    gg_jw_kstr(w, "code", x->unit_code);
    gg_jw_kstr(w, "name", x->unit_name);
    gg_jw_obj_end(w);
    gg_jw_kstr(w, "duty", x->duty);
    gg_jw_key(w, "account");
    if (x->account_id) {
        gg_jw_obj(w);
        gg_jw_kint(w, "id", x->account_id);
        gg_jw_kstr(w, "username", x->username);
        gg_jw_kstr(w, "display_name", x->display_name);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    gg_jw_kstr(w, "person_name", x->person_name);
    /* a chief's phone is personal data: shown masked, as everywhere */
    gg_jw_kstr(w, "person_phone", x->person_phone ? gg_mask_phone(req->arena, x->person_phone) : NULL);
    if (x->building_id) {
        gg_jw_key(w, "building");
        gg_jw_obj(w);
        gg_jw_kint(w, "id", x->building_id);
        gg_jw_kstr(w, "name", x->building_name);
        gg_jw_obj_end(w);
    } else {
        gg_jw_knull(w, "building");
    }
    gg_jw_kstr(w, "entrance", x->entrance);
    gg_jw_kstr(w, "note", x->note);
    kdate(w, "starts_on", x->starts_on);
    kdate(w, "ends_on", x->ends_on);
    gg_jw_kbool(w, "current", x->current);
    gg_jw_ktime(w, "created_at", x->created_at);
    gg_jw_ktime(w, "ended_at", x->ended_at);
    gg_jw_obj_end(w);
}

/* ---- GET /api/v1/grids/{id}/assignments ---- */

static gg_security_t *sec_of(const gg_write_t *w)
{
    return &((gg_app_t *)w->req->app)->sec;
}

/* ---- GET /api/v1/grids/{id}/assignments ---- */

static int list_parse(gg_write_t *w)
{
    return gg_api_query_int(w->req, "include_ended", 0, 1, 0, w->state);
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    gg_assignment_t *rows;
    int n;
    if (gg_assignment_list(w->op.c, w->op.arena, sec_of(w), w->op.auth, w->id, (int)*(int64_t *)w->state,
                           &rows, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_assignment(w->req, jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t LIST = {
    .path_ids = {"id"},
    .state_size = sizeof(int64_t),
    .parse = list_parse,
    .respond = list_respond,
};

/* The assignment w->result; a new one is found under its grid (Location: the grid's assignments). */
static int assignment_respond(gg_write_t *w, gg_error_t *err)
{
    gg_assignment_t out;
    if (gg_assignment_get(w->op.c, w->op.arena, sec_of(w), w->op.auth, w->result, &out, err) < 0) return -1;
    if (w->status == 201)
        gg_resp_header(w->req, "Location",
                       gg_sprintf(w->op.arena, "/api/v1/grids/%lld/assignments", (long long)w->id));
    write_assignment(w->req, gg_api_json(w->req, w->status), &out);
    return 0;
}

/* ---- POST /api/v1/grids/{id}/assignments ---- */

static int create_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    json_t *b = w->body;
    gg_assignment_new_t in = {.unit_id = w->id,
                              .duty = gg_json_str(b, "duty"),
                              .account_id = gg_json_int(b, "account_id", 0),
                              .person_name = gg_json_str(b, "person_name"),
                              .person_phone = gg_json_str(b, "person_phone"),
                              .building_id = gg_json_int(b, "building_id", 0),
                              .entrance = gg_json_str(b, "entrance"),
                              .note = gg_json_str(b, "note"),
                              .starts_on = gg_json_str(b, "starts_on"),
                              .ends_on = gg_json_str(b, "ends_on")};
    return gg_assignment_create(op->c, op->arena, sec_of(w), &op->actor, op->auth, &in, &w->result, err);
}

static const gg_field_t create_fields[] = {
    {"duty", GG_F_STR, 1, 1, 32, 0},
    {"account_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"person_name", GG_F_STR, 0, 1, 50, 1},
    {"person_phone", GG_F_STR, 0, 1, 20, 1},
    {"building_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"entrance", GG_F_STR, 0, 1, 20, 1},
    {"note", GG_F_STR, 0, 1, 200, 1},
    {"starts_on", GG_F_STR, 0, 1, 10, 1},
    {"ends_on", GG_F_STR, 0, 1, 10, 1},
};

static const gg_write_op_t CREATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(create_fields),
    .run = create_run,
    .respond = assignment_respond,
    .status = 201,
};

/* ---- POST /api/v1/assignments/{id}/end ---- */

static int end_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_assignment_end(op->c, op->arena, &op->actor, op->auth, w->id,
                             w->body ? gg_json_str(w->body, "ends_on") : NULL, err);
}

static const gg_field_t end_fields[] = {{"ends_on", GG_F_STR, 0, 1, 10, 1}};

/* The body is optional: an empty POST ends the assignment today. */
static const gg_write_op_t END = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(end_fields),
    .body_optional = 1,
    .run = end_run,
    .respond = assignment_respond,
};

/* ---- GET /api/v1/grids/unassigned ---- */

struct staffing_query {
    int64_t unit_id, max_households;
    gg_page_t page;
};

static int unassigned_parse(gg_write_t *w)
{
    struct staffing_query *x = w->state;
    return gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &x->unit_id) < 0 ||
                   gg_api_query_page(w->req, 200, 50, &x->page) < 0
               ? -1
               : 0;
}

static int unassigned_respond(gg_write_t *w, gg_error_t *err)
{
    struct staffing_query *x = w->state;
    gg_grid_t *rows;
    int n;
    if (gg_grids_unassigned(w->op.c, w->op.arena, w->op.auth, x->unit_id, &x->page, &rows, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].id);
        gg_jw_kstr(jw, "code", rows[i].code);
        gg_jw_kstr(jw, "name", rows[i].name);
        gg_jw_key(jw, "parent");
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].parent_id);
        gg_jw_kstr(jw, "code", rows[i].parent_code);
        gg_jw_kstr(jw, "name", rows[i].parent_name);
        gg_jw_obj_end(jw);
        gg_jw_kint(jw, "households", rows[i].households);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, x->page.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

static const gg_write_op_t UNASSIGNED = {
    .state_size = sizeof(struct staffing_query),
    .parse = unassigned_parse,
    .respond = unassigned_respond,
};

/* ---- GET /api/v1/assignments/overloaded ---- */

static int overloaded_parse(gg_write_t *w)
{
    struct staffing_query *x = w->state;
    int64_t limit;
    if (gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &x->unit_id) < 0 ||
        gg_api_query_int(w->req, "max_households", 0, 1000000, 300, &x->max_households) < 0 ||
        gg_api_query_int(w->req, "limit", 1, 200, 50, &limit) < 0)
        return -1;
    x->page.limit = (int)limit;
    return 0;
}

static int overloaded_respond(gg_write_t *w, gg_error_t *err)
{
    struct staffing_query *x = w->state;
    gg_overloaded_t *rows;
    int n;
    if (gg_workers_overloaded(w->op.c, w->op.arena, w->op.auth, x->unit_id, x->max_households, x->page.limit,
                              &rows, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "max_households", x->max_households);
    gg_jw_key(jw, "items");
    gg_jw_arr(jw);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_key(jw, "account");
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].account_id);
        gg_jw_kstr(jw, "username", rows[i].username);
        gg_jw_kstr(jw, "display_name", rows[i].display_name);
        gg_jw_obj_end(jw);
        gg_jw_kint(jw, "grids", rows[i].grids);
        gg_jw_kint(jw, "households", rows[i].households);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t OVERLOADED = {
    .state_size = sizeof(struct staffing_query),
    .parse = overloaded_parse,
    .respond = overloaded_respond,
};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/grids/unassigned", UNASSIGNED),
    GG_WRITE_ROUTE("GET", "/api/v1/grids/{id}/assignments", LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/grids/{id}/assignments", CREATE),
    GG_WRITE_ROUTE("POST", "/api/v1/assignments/{id}/end", END),
    GG_WRITE_ROUTE("GET", "/api/v1/assignments/overloaded", OVERLOADED),
};

int gg_api_grid_assignment_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
