/*
 * grid_assignments.c — who serves a grid: /api/v1/grids/{id}/assignments,
 * /api/v1/assignments/{id}/end, and the two staffing questions
 * /api/v1/grids/unassigned and /api/v1/assignments/overloaded.
 */
#include <string.h>

#include "api/api.h"
#include "api/write.h"
#include "domain/assignment.h"

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

static void list(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id, ended;
    if (gg_api_path_id(req, "id", &id) < 0 || gg_api_query_int(req, "include_ended", 0, 1, 0, &ended) < 0)
        return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_assignment_t *rows;
    int n;
    int rc = gg_assignment_list(c, req->arena, &app->sec, auth, id, (int)ended, &rows, &n, &err);
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
        write_assignment(req, w, &rows[i]);
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

static gg_security_t *sec_of(const gg_write_t *w)
{
    return &((gg_app_t *)w->req->app)->sec;
}

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

static void unassigned(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t unit_id, limit, after;
    if (gg_api_query_int(req, "unit_id", 1, INT64_MAX, 0, &unit_id) < 0 ||
        gg_api_query_int(req, "limit", 1, 200, 50, &limit) < 0 ||
        gg_api_query_int(req, "after", 0, INT64_MAX, 0, &after) < 0)
        return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_page_t page = {.limit = (int)limit, .after = after};
    gg_grid_t *rows;
    int n;
    int rc = gg_grids_unassigned(c, req->arena, auth, unit_id, &page, &rows, &n, &err);
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
        gg_jw_obj(w);
        gg_jw_kint(w, "id", rows[i].id);
        gg_jw_kstr(w, "code", rows[i].code);
        gg_jw_kstr(w, "name", rows[i].name);
        gg_jw_key(w, "parent");
        gg_jw_obj(w);
        gg_jw_kint(w, "id", rows[i].parent_id);
        gg_jw_kstr(w, "code", rows[i].parent_code);
        gg_jw_kstr(w, "name", rows[i].parent_name);
        gg_jw_obj_end(w);
        gg_jw_kint(w, "households", rows[i].households);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    if (n == limit)
        gg_jw_kstr(w, "next", gg_sprintf(req->arena, "%lld", (long long)rows[n - 1].id));
    else
        gg_jw_knull(w, "next");
    gg_jw_obj_end(w);
}

/* ---- GET /api/v1/assignments/overloaded ---- */

static void overloaded(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t unit_id, max, limit;
    if (gg_api_query_int(req, "unit_id", 1, INT64_MAX, 0, &unit_id) < 0 ||
        gg_api_query_int(req, "max_households", 0, 1000000, 300, &max) < 0 ||
        gg_api_query_int(req, "limit", 1, 200, 50, &limit) < 0)
        return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_overloaded_t *rows;
    int n;
    int rc = gg_workers_overloaded(c, req->arena, auth, unit_id, max, (int)limit, &rows, &n, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_kint(w, "max_households", max);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(w);
        gg_jw_key(w, "account");
        gg_jw_obj(w);
        gg_jw_kint(w, "id", rows[i].account_id);
        gg_jw_kstr(w, "username", rows[i].username);
        gg_jw_kstr(w, "display_name", rows[i].display_name);
        gg_jw_obj_end(w);
        gg_jw_kint(w, "grids", rows[i].grids);
        gg_jw_kint(w, "households", rows[i].households);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

static const gg_api_route_t routes[] = {
    {"GET", "/api/v1/grids/unassigned", unassigned, NULL, 0},
    {"GET", "/api/v1/grids/{id}/assignments", list, NULL, 0},
    GG_WRITE_ROUTE("POST", "/api/v1/grids/{id}/assignments", CREATE),
    GG_WRITE_ROUTE("POST", "/api/v1/assignments/{id}/end", END),
    {"GET", "/api/v1/assignments/overloaded", overloaded, NULL, 0},
};

int gg_api_grid_assignment_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
