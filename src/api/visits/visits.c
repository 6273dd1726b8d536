/*
 * visits.c — /api/v1/visits: household visits (入户走访, domain/visits/visit.h, docs/visits.md): record one
 * (Idempotency-Key, so an offline phone's replay makes one), read one or a list, the author's correction,
 * 转为事件, the coverage figure and the 待走访 list; and /api/v1/households/{id}/visits, a household's own.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/attachments.h"
#include "api/body.h"
#include "api/cases/cases_internal.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/attachment.h"
#include "domain/validate.h"
#include "domain/visits/visit.h"

static void write_visit(gg_jw_t *jw, const gg_visit_t *v, const gg_attachment_t *photos, int nphotos)
{
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", v->id);
    gg_jw_key(jw, "house");
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", v->house_id);
    gg_jw_kstr(jw, "code", v->house_code);
    gg_jw_kstr(jw, "label", v->house_label);
    gg_jw_obj_end(jw);
    gg_jw_key(jw, "household");
    if (v->household_id) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", v->household_id);
        gg_jw_kstr(jw, "head_name", v->head_name);
        gg_jw_obj_end(jw);
    } else {
        gg_jw_null(jw);
    }
    gg_body_kref(jw, "grid", "id", v->grid_id, "name", v->grid_name);
    gg_jw_kstr(jw, "unit_path", v->unit_path); /* the house's: what the web app checks actions against */
    gg_body_kref(jw, "account", "id", v->account_id, "name", v->account_name);
    gg_jw_ktime(jw, "visited_at", v->visited_at);
    gg_jw_kstr(jw, "kind", v->kind);
    gg_jw_kbool(jw, "met", v->met);
    gg_jw_key(jw, "met_residents");
    gg_jw_arr(jw);
    for (int i = 0; i < v->nmet; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", v->met_ids[i]);
        gg_jw_kstr(jw, "name", v->met_names[i]);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_kstr(jw, "findings", v->findings);
    gg_jw_kstr(jw, "needs", v->needs);
    gg_jw_key(jw, "case");
    if (v->case_id) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", v->case_id);
        gg_jw_kstr(jw, "number", v->case_number);
        gg_jw_obj_end(jw);
    } else {
        gg_jw_null(jw);
    }
    gg_jw_key(jw, "photos");
    gg_api_attachments_json(jw, photos, nphotos, v->id);
    gg_jw_ktime(jw, "created_at", v->created_at);
    gg_jw_ktime(jw, "updated_at", v->updated_at);
    gg_jw_ktime(jw, "correctable_until", v->created_at + GG_VISIT_CORRECTION_MS);
    gg_jw_kint(jw, "version", v->version);
    gg_jw_obj_end(jw);
}

/* The photos of rows[0..n) in one query. */
static int photos_of(gg_write_t *w, const gg_visit_t *rows, int n, gg_attachment_t **photos, int *np,
                     gg_error_t *err)
{
    *photos = NULL;
    *np = 0;
    if (!n) return 0;
    int64_t *ids = gg_alloc(w->op.arena, sizeof(int64_t) * (size_t)n);
    for (int i = 0; i < n; i++)
        ids[i] = rows[i].id;
    return gg_attachment_list(w->op.c, w->op.arena, "visit", ids, n, photos, np, err);
}

static int visit_respond(gg_write_t *w, gg_error_t *err)
{
    gg_visit_t v;
    gg_attachment_t *photos;
    int np;
    if (gg_visit_get(&w->op, w->result, &v, err) < 0 || photos_of(w, &v, 1, &photos, &np, err) < 0) return -1;
    write_visit(gg_api_json(w->req, w->status), &v, photos, np);
    return 0;
}

/* ---- POST /visits ---- */

static const gg_field_t visit_fields[] = {
    {"house_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"household_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"visited_at", GG_F_STR, 0, 1, 40, 1},
    {"kind", GG_F_STR, 1, 1, 32, 0},
    {"met", GG_F_BOOL, 1, 0, 0, 0},
    {"met_resident_ids", GG_F_ARR, 0, 0, 0, 1},
    {"findings", GG_F_STR, 0, 0, GG_VISIT_TEXT_MAX, 1},
    {"needs", GG_F_STR, 0, 0, GG_VISIT_TEXT_MAX, 1},
    {"attachment_ids", GG_F_ARR, 0, 0, 0, 1},
};

static int create_prepare(gg_write_t *w, gg_error_t *err)
{
    gg_visit_in_t *in = w->state;
    json_t *b = w->body;
    gg_arena_t *a = w->op.arena;
    in->house_id = gg_json_int(b, "house_id", 0);
    in->household_id = gg_json_int(b, "household_id", 0);
    in->kind = gg_strdup(a, gg_json_str(b, "kind"));
    in->met = gg_json_bool(b, "met", 0);
    in->findings = gg_strdup(a, gg_json_str(b, "findings"));
    in->needs = gg_strdup(a, gg_json_str(b, "needs"));
    if (gg_body_time_ms(b, "visited_at", &in->visited_at, err) < 0 ||
        gg_body_ids(a, b, "met_resident_ids", GG_VISIT_MAX_MET, in->met_ids, &in->nmet, err) < 0 ||
        gg_body_ids(a, b, "attachment_ids", GG_VISIT_MAX_PHOTOS, in->attachment_ids, &in->nattachments, err) <
            0)
        return -1;
    return gg_visit_in_check(in, gg_now_ms(), err);
}

static int create_run(gg_write_t *w, gg_error_t *err)
{
    return gg_visit_create(&w->op, w->state, &w->result, err);
}

static const gg_write_op_t VISIT_CREATE = {.fields = GG_FIELDS(visit_fields),
                                           .state_size = sizeof(gg_visit_in_t),
                                           .prepare = create_prepare,
                                           .run = create_run,
                                           .respond = visit_respond,
                                           .status = 201,
                                           .location = "/api/v1/visits/%lld"};

/* ---- GET /visits, /households/{id}/visits ---- */

typedef struct list_state {
    gg_visit_filter_t f;
} list_state_t;

static int list_parse(gg_write_t *w)
{
    list_state_t *s = w->state;
    gg_req_t *req = w->req;
    int64_t limit, grid = 0, unit = 0;
    if (gg_api_query_int(req, "limit", 1, 200, 50, &limit) < 0 ||
        gg_api_query_int(req, "after", 1, INT64_MAX, 0, &s->f.after_id) < 0 ||
        gg_api_query_int(req, "household_id", 1, INT64_MAX, 0, &s->f.household_id) < 0 ||
        gg_api_query_int(req, "house_id", 1, INT64_MAX, 0, &s->f.house_id) < 0 ||
        gg_api_query_int(req, "grid_id", 1, INT64_MAX, 0, &grid) < 0 ||
        gg_api_query_int(req, "unit_id", 1, INT64_MAX, 0, &unit) < 0 ||
        gg_api_query_int(req, "account_id", 1, INT64_MAX, 0, &s->f.account_id) < 0 ||
        gg_api_query_str(req, "kind", 32, &s->f.kind) < 0 ||
        gg_api_query_date(req, "from", 0, &s->f.from_ms) < 0 ||
        gg_api_query_date(req, "to", 1, &s->f.to_ms) < 0)
        return -1;
    if (s->f.kind && !*s->f.kind) s->f.kind = NULL;
    if (s->f.kind) {
        gg_error_t err;
        if (gg_choice_valid(s->f.kind, gg_visit_kinds, "kind", &err) < 0) {
            gg_api_error(req, &err);
            return -1;
        }
    }
    s->f.unit_id = grid ? grid : unit;
    s->f.limit = (int)limit;
    if (w->id) { /* /households/{id}/visits: 404 for a household the caller may not read */
        s->f.household_id = w->id;
        s->f.household_page = 1;
    }
    return 0;
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    list_state_t *s = w->state;
    gg_visit_t *rows;
    gg_attachment_t *photos;
    int n, np;
    if (gg_visit_list(&w->op, &s->f, &rows, &n, err) < 0 || photos_of(w, rows, n, &photos, &np, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_visit(jw, &rows[i], photos, np);
    gg_api_items_end(w->req, jw, n, s->f.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

static const gg_write_op_t VISIT_LIST = {
    .state_size = sizeof(list_state_t), .parse = list_parse, .respond = list_respond};
static const gg_write_op_t HOUSEHOLD_VISITS = {
    .path_ids = {"id"}, .state_size = sizeof(list_state_t), .parse = list_parse, .respond = list_respond};

static const gg_write_op_t VISIT_GET = {.path_ids = {"id"}, .respond = visit_respond};

/* ---- PATCH /visits/{id}: the author's correction ---- */

static const gg_field_t patch_fields[] = {
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
    {"kind", GG_F_STR, 0, 1, 32, 1},
    {"met", GG_F_BOOL, 0, 0, 0, 1},
    {"met_resident_ids", GG_F_ARR, 0, 0, 0, 1},
    {"findings", GG_F_STR, 0, 0, GG_VISIT_TEXT_MAX, 1},
    {"needs", GG_F_STR, 0, 0, GG_VISIT_TEXT_MAX, 1},
};

static int patch_prepare(gg_write_t *w, gg_error_t *err)
{
    gg_visit_patch_t *p = w->state;
    json_t *b = w->body;
    gg_arena_t *a = w->op.arena;
    p->version = (int)gg_json_int(b, "version", 0);
    p->kind = gg_strdup(a, gg_json_str(b, "kind"));
    p->has_met = json_is_boolean(json_object_get(b, "met"));
    p->met = gg_json_bool(b, "met", 0);
    /* a text sent (even "") replaces; absent keeps */
    if (json_is_string(json_object_get(b, "findings")))
        p->findings = gg_strdup(a, gg_json_str(b, "findings"));
    if (json_is_string(json_object_get(b, "needs"))) p->needs = gg_strdup(a, gg_json_str(b, "needs"));
    p->has_met_ids = json_is_array(json_object_get(b, "met_resident_ids"));
    return gg_body_ids(a, b, "met_resident_ids", GG_VISIT_MAX_MET, p->met_ids, &p->nmet, err);
}

static int patch_run(gg_write_t *w, gg_error_t *err)
{
    return gg_visit_correct(&w->op, w->id, w->state, gg_now_ms(), err);
}

static const gg_write_op_t VISIT_CORRECT = {.path_ids = {"id"},
                                            .fields = GG_FIELDS(patch_fields),
                                            .state_size = sizeof(gg_visit_patch_t),
                                            .prepare = patch_prepare,
                                            .run = patch_run,
                                            .respond = visit_respond,
                                            .refused_action = "visit.correct",
                                            .refused_type = "visit"};

/* ---- POST /visits/{id}/case: 转为事件 ---- */

static const gg_field_t case_fields[] = {
    {"category_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"description", GG_F_STR, 0, 0, GG_CASE_DESCRIPTION_MAX, 1},
};

static int case_prepare(gg_write_t *w, gg_error_t *err)
{
    (void)err;
    gg_api_case_sync_grids(w->req, w->op.c);
    return 0;
}

static int case_run(gg_write_t *w, gg_error_t *err)
{
    gg_app_t *app = w->req->app;
    gg_grid_snapshot_t *grids = app->grid_index ? gg_grid_index_acquire(app->grid_index) : NULL;
    gg_cal_snapshot_t *cal = app->calendar ? gg_calendar_acquire(app->calendar) : NULL;
    gg_case_env_t env = {.grids = grids, .cal = cal, .now = gg_now_ms()};
    int64_t case_id = 0;
    int rc =
        cal ? gg_visit_to_case(&w->op, &env, w->id, gg_json_int(w->body, "category_id", 0),
                               gg_strdup(w->op.arena, gg_json_str(w->body, "description")), &case_id, err)
            : gg_err_unavailable(err, "the working calendar is not loaded on this server");
    if (grids) gg_grid_snapshot_release(grids);
    if (cal) gg_cal_snapshot_release(cal);
    return rc;
}

static const gg_write_op_t VISIT_TO_CASE = {.path_ids = {"id"},
                                            .fields = GG_FIELDS(case_fields),
                                            .prepare = case_prepare,
                                            .run = case_run,
                                            .respond = visit_respond,
                                            .status = 201,
                                            .refused_action = "visit.to_case",
                                            .refused_type = "visit"};

/* ---- GET /visits/coverage, /visits/due ---- */

typedef struct measure_state {
    int64_t unit_id, from, to, limit;
} measure_state_t;

/* The first instant of this quarter in Asia/Shanghai. */
static void this_quarter(int64_t *from)
{
    char today[11], first[16];
    gg_today(today);
    int m = (today[5] - '0') * 10 + (today[6] - '0');
    snprintf(first, sizeof first, "%.4s-%02d-01", today, (m - 1) / 3 * 3 + 1);
    *from = gg_date_ms(first);
}

static int measure_parse(gg_write_t *w)
{
    measure_state_t *s = w->state;
    if (gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &s->unit_id) < 0 ||
        gg_api_query_int(w->req, "limit", 1, 200, 50, &s->limit) < 0 ||
        gg_api_query_date(w->req, "from", 0, &s->from) < 0 || gg_api_query_date(w->req, "to", 1, &s->to) < 0)
        return -1;
    int64_t now = gg_now_ms();
    if (!s->from) this_quarter(&s->from);
    if (!s->to) s->to = now + 1;
    if (s->to <= s->from) {
        gg_error_t err;
        gg_err_invalid(&err, "to", "the period ends before it starts");
        gg_error_reason(&err, "before_from");
        gg_api_error(w->req, &err);
        return -1;
    }
    return 0;
}

static void kshare(gg_jw_t *jw, int64_t visited, int64_t households)
{
    if (households)
        gg_jw_knum(jw, "share", (double)visited / (double)households);
    else
        gg_jw_knull(jw, "share");
}

static int coverage_respond(gg_write_t *w, gg_error_t *err)
{
    measure_state_t *s = w->state;
    gg_visit_coverage_t *rows;
    int n;
    if (gg_visit_coverage(&w->op, s->unit_id, s->from, s->to, &rows, &n, err) < 0) return -1;
    int64_t hh = 0, vis = 0;
    for (int i = 0; i < n; i++)
        hh += rows[i].households, vis += rows[i].visited;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_body_kid(jw, "unit_id", s->unit_id);
    gg_jw_ktime(jw, "from", s->from);
    gg_jw_ktime(jw, "to", s->to);
    gg_jw_kstr(jw, "formula", "走访覆盖率 = 期间内有走访记录的在册户数 / 在册户数");
    gg_jw_kint(jw, "households", hh);
    gg_jw_kint(jw, "visited", vis);
    kshare(jw, vis, hh);
    gg_jw_key(jw, "grids");
    gg_jw_arr(jw);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].grid_id);
        gg_jw_kstr(jw, "name", rows[i].grid_name);
        gg_jw_kint(jw, "households", rows[i].households);
        gg_jw_kint(jw, "visited", rows[i].visited);
        kshare(jw, rows[i].visited, rows[i].households);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t VISIT_COVERAGE = {
    .state_size = sizeof(measure_state_t), .parse = measure_parse, .respond = coverage_respond};

static int due_respond(gg_write_t *w, gg_error_t *err)
{
    measure_state_t *s = w->state;
    gg_visit_due_t *rows;
    int n;
    int64_t total;
    if (gg_visit_due(&w->op, s->unit_id, gg_now_ms(), (int)s->limit, &rows, &n, &total, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "household_id", rows[i].household_id);
        gg_jw_kint(jw, "house_id", rows[i].house_id);
        gg_jw_kstr(jw, "house_label", rows[i].house_label);
        gg_jw_kstr(jw, "head_name", rows[i].head_name);
        gg_body_kref(jw, "grid", "id", rows[i].grid_id, "name", rows[i].grid_name);
        gg_jw_kstr(jw, "tags", rows[i].tags);
        gg_jw_ktime(jw, "last_visited_at", rows[i].last_visited_at);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, 0, 0, total);
    return 0;
}

static const gg_write_op_t VISIT_DUE = {
    .state_size = sizeof(measure_state_t), .parse = measure_parse, .respond = due_respond};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("POST", "/api/v1/visits", VISIT_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/visits", VISIT_LIST),
    GG_WRITE_ROUTE("GET", "/api/v1/visits/coverage", VISIT_COVERAGE),
    GG_WRITE_ROUTE("GET", "/api/v1/visits/due", VISIT_DUE),
    GG_WRITE_ROUTE("GET", "/api/v1/visits/{id}", VISIT_GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/visits/{id}", VISIT_CORRECT),
    GG_WRITE_ROUTE("POST", "/api/v1/visits/{id}/case", VISIT_TO_CASE),
    GG_WRITE_ROUTE("GET", "/api/v1/households/{id}/visits", HOUSEHOLD_VISITS),
};

int gg_api_visit_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
