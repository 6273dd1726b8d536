/*
 * cases.c — /api/v1/cases for staff: intake (POST /cases: hotline, walk_in,
 * patrol with 随手办, open311, video_alarm), one case with its tasks,
 * possible duplicates and clock (GET /cases/{id}), its timeline
 * (GET /cases/{id}/events), the inboxes and search (GET /cases?box=…), the
 * export (GET /cases/export?format=csv|xlsx) and a resident's own reports
 * (GET /me/cases).  Domain: domain/cases/case*.c; the JSON: case_json.c.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/attachments.h"
#include "api/body.h"
#include "api/cases/case_cache.h"
#include "api/cases/case_json.h"
#include "api/cases/cases_internal.h"
#include "api/people/sheet_out.h"
#include "api/write.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/cases/calendar_store.h"
#include "domain/cases/case_create.h"
#include "domain/cases/case_list.h"
#include "domain/cases/names.h"
#include "domain/cases/transition.h"
#include "domain/cases/workflow.h"
#include "domain/identity/audit.h"
#include "domain/tree/grid.h"
#include "domain/validate.h"

/* ---- shared with public_cases.c (cases_internal.h) ---- */

gg_cal_snapshot_t *gg_api_case_calendar(gg_req_t *req, gg_db_conn_t *c)
{
    gg_app_t *app = req->app;
    if (!app->calendar) return NULL;
    gg_error_t ignored;
    if (gg_calendar_sync(c, app->calendar, &ignored) < 0)
        gg_log_warn("calendar refresh failed: %s", ignored.message);
    return gg_calendar_acquire(app->calendar);
}

void gg_api_case_sync_grids(gg_req_t *req, gg_db_conn_t *c)
{
    gg_app_t *app = req->app;
    gg_error_t ignored;
    if (app->grid_index && gg_grid_index_sync(c, app->grid_index, &ignored) < 0)
        gg_log_warn("grid index refresh failed: %s", ignored.message);
}

int gg_api_case_ids(gg_arena_t *a, json_t *body, const char *key, int64_t *ids, int *n, gg_error_t *err)
{
    return gg_body_ids(a, body, key, GG_CASE_MAX_ATTACHMENTS, ids, n, err);
}

int gg_api_case_point(json_t *body, gg_case_in_t *in, gg_error_t *err)
{
    int has_lat = json_is_number(json_object_get(body, "lat")),
        has_lon = json_is_number(json_object_get(body, "lon"));
    if (has_lat != has_lon) {
        gg_err_invalid(err, has_lat ? "lon" : "lat", "a point needs both lat and lon");
        return gg_error_reason(err, "required");
    }
    in->has_point = has_lat;
    in->lat = gg_json_num(body, "lat", 0);
    in->lon = gg_json_num(body, "lon", 0);
    return 0;
}

/* ---- POST /cases ---- */

typedef struct create_state {
    gg_case_in_t in;
    char secret[44];
} create_state_t;

static const gg_field_t create_fields[] = {
    {"channel", GG_F_STR, 1, 1, 16, 0},
    {"category_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"description", GG_F_STR, 1, 1, GG_CASE_DESCRIPTION_MAX, 0},
    {"lat", GG_F_NUM, 0, -90, 90, 1},
    {"lon", GG_F_NUM, 0, -180, 180, 1},
    {"address", GG_F_STR, 0, 0, 200, 1},
    {"place_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"unit_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"reporter_name", GG_F_STR, 0, 0, 50, 1},
    {"reporter_phone", GG_F_STR, 0, 0, 20, 1},
    {"anonymous", GG_F_BOOL, 0, 0, 0, 1},
    {"line_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"external_no", GG_F_STR, 0, 0, 64, 1},
    {"attachment_ids", GG_F_ARR, 0, 0, 0, 1},
    {"handled_on_spot", GG_F_BOOL, 0, 0, 0, 1},
    {"after_attachment_ids", GG_F_ARR, 0, 0, 0, 1},
    {"note", GG_F_STR, 0, 0, 2000, 1},
};

static int create_prepare(gg_write_t *w, gg_error_t *err)
{
    create_state_t *s = w->state;
    gg_case_in_t *in = &s->in;
    gg_arena_t *a = w->op.arena;
    json_t *b = w->body;
    in->channel = gg_strdup(a, gg_json_str(b, "channel"));
    in->category_id = gg_json_int(b, "category_id", 0);
    in->description = gg_strdup(a, gg_json_str(b, "description"));
    in->address = gg_strdup(a, gg_json_str(b, "address"));
    in->place_id = gg_json_int(b, "place_id", 0);
    in->unit_id = gg_json_int(b, "unit_id", 0);
    in->reporter_name = gg_strdup(a, gg_json_str(b, "reporter_name"));
    in->reporter_phone = gg_strdup(a, gg_json_str(b, "reporter_phone"));
    in->anonymous = gg_json_bool(b, "anonymous", 0);
    in->line_id = gg_json_int(b, "line_id", 0);
    in->external_no = gg_strdup(a, gg_json_str(b, "external_no"));
    in->handled_on_spot = gg_json_bool(b, "handled_on_spot", 0);
    in->note = gg_strdup(a, gg_json_str(b, "note"));
    if (gg_api_case_point(b, in, err) < 0 ||
        gg_api_case_ids(a, b, "attachment_ids", in->attachment_ids, &in->nattachments, err) < 0 ||
        gg_api_case_ids(a, b, "after_attachment_ids", in->after_attachment_ids, &in->nafter, err) < 0)
        return -1;
    if (gg_case_in_check(in, err) < 0) return -1;
    gg_api_case_sync_grids(w->req, w->op.c);
    return 0;
}

int gg_api_case_create_run(gg_req_t *req, gg_op_t *op, const gg_case_in_t *in, int64_t *id, char secret[44],
                           gg_error_t *err)
{
    gg_app_t *app = req->app;
    gg_grid_snapshot_t *grids = app->grid_index ? gg_grid_index_acquire(app->grid_index) : NULL;
    gg_cal_snapshot_t *cal = app->calendar ? gg_calendar_acquire(app->calendar) : NULL;
    if (!cal) {
        if (grids) gg_grid_snapshot_release(grids);
        return gg_err_unavailable(err, "the working calendar is not loaded on this server");
    }
    gg_case_env_t env = {.grids = grids, .cal = cal, .now = gg_now_ms()};
    int rc = gg_case_create(op, &env, in, id, secret, err);
    if (grids) gg_grid_snapshot_release(grids);
    gg_cal_snapshot_release(cal);
    return rc;
}

static int create_run(gg_write_t *w, gg_error_t *err)
{
    create_state_t *s = w->state;
    if (gg_api_case_create_run(w->req, &w->op, &s->in, &w->result, s->secret, err) < 0) return -1;
    w->result_secret = s->secret; /* an Idempotency-Key replay shows it again (api/write.h) */
    return 0;
}

/* The case w->result as a 201, with the tracking secret (shown this once). */
static int create_respond(gg_write_t *w, gg_error_t *err)
{
    create_state_t *s = w->state;
    gg_case_t k;
    if (gg_case_load(&w->op, w->result, 0, &k, err) < 0) return -1;
    gg_cal_snapshot_t *cal = gg_api_case_calendar(w->req, w->op.c);
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_case_json_opt_t o = {.cal = cal, .now = gg_now_ms(), .contact = GG_CASE_CONTACT_MASKED};
    gg_case_json_open(jw, w->op.arena, &k, &o);
    gg_jw_kstr(jw, "secret", w->replayed ? w->result_secret : s->secret);
    gg_jw_obj_end(jw);
    if (cal) gg_cal_snapshot_release(cal);
    return 0;
}

static const gg_write_op_t CASE_CREATE = {
    .fields = GG_FIELDS(create_fields),
    .state_size = sizeof(create_state_t),
    .prepare = create_prepare,
    .run = create_run,
    .respond = create_respond,
    .status = 201,
    .location = "/api/v1/cases/%lld",
};

/* ---- GET /cases/{id} ---- */

typedef struct get_state {
    gg_reveal_t reveal;
    int events; /* ?include=events: the timeline in the same answer (the case page's one request) */
} get_state_t;

static int get_parse(gg_write_t *w)
{
    get_state_t *s = w->state;
    const char *include;
    if (gg_api_query_str(w->req, "include", 16, &include) < 0) return -1;
    if (include && *include && strcmp(include, "events")) {
        gg_error_t err;
        gg_err_invalid(&err, "include", "include is events");
        gg_error_reason(&err, "not_allowed");
        gg_api_error(w->req, &err);
        return -1;
    }
    s->events = include && !strcmp(include, "events");
    return gg_api_query_reveal(w->req, &s->reveal);
}

typedef struct reveal_audit {
    gg_op_t *op;
    int64_t id, unit_id;
    const gg_reveal_t *rv;
} reveal_audit_t;

static int reveal_audit_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    reveal_audit_t *x = ctx;
    return gg_audit_pii_read(c, x->op->arena, &x->op->actor, "case", x->id, x->unit_id, x->rv->fields,
                             x->rv->nfields, err);
}

static void write_tasks(gg_jw_t *jw, const gg_case_task_t *t, int n)
{
    gg_jw_key(jw, "tasks");
    gg_jw_arr(jw);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", t[i].id);
        gg_body_kref(jw, "unit", "id", t[i].unit_id, "name", t[i].unit_name);
        gg_body_kref(jw, "account", "id", t[i].account_id, "name", t[i].account_name);
        gg_jw_kstr(jw, "role", t[i].role);
        gg_jw_kstr(jw, "state", t[i].state);
        gg_jw_kstr(jw, "note", t[i].note);
        gg_jw_ktime(jw, "created_at", t[i].created_at);
        gg_jw_ktime(jw, "reported_at", t[i].reported_at);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
}

/* Where respond_full writes when its answer is to be kept (GET /cases/{id} without reveal): a text of its own
 * with holes for "remaining", kept unless its actions may change with time alone, then spliced. */
typedef struct page_keep {
    const char *key;
    int64_t stamp[GG_CASE_STAMP];
} page_keep_t;

static int respond_full(gg_write_t *w, int64_t id, gg_reveal_t *rv, int with_events, const page_keep_t *keep,
                        gg_error_t *err)
{
    gg_op_t *op = &w->op;
    gg_case_t k;
    if (gg_case_load(op, id, 0, &k, err) < 0) return -1;
    int staff = gg_case_is_staff(op->auth, &k);
    gg_case_contact_t contact = staff || k.reporter_account_id == op->auth->account_id
                                    ? GG_CASE_CONTACT_MASKED
                                    : GG_CASE_CONTACT_NONE;
    if (staff && k.anonymous) contact = GG_CASE_CONTACT_NONE;
    if (rv && rv->phone) {
        rv->id_number = 0;
        if (gg_api_reveal_check(op->auth, rv, k.unit_path, NULL,
                                k.reporter_phone ? k.reporter_phone : k.reporter_name, "case", err) < 0)
            return -1;
        if (rv->phone) {
            reveal_audit_t x = {op, k.id, k.unit_id, rv};
            if (gg_db_tx(op->c, reveal_audit_tx, &x, err) < 0) return -1;
            contact = GG_CASE_CONTACT_FULL;
        }
    }
    gg_case_task_t *tasks;
    gg_case_ref_t *dups;
    int ntasks, ndups;
    const char *actions[GG_CA_COUNT];
    int nactions;
    gg_case_event_t *events = NULL;
    int nevents = 0;
    /* the actions from the tasks just read (not a second read of them) */
    if (gg_case_tasks(op, k.id, &tasks, &ntasks, err) < 0 ||
        gg_case_duplicates(op, k.id, &dups, &ndups, err) < 0 ||
        (nactions = gg_case_allowed_actions_with(op, &k, tasks, ntasks, actions, GG_CA_COUNT, err)) < 0 ||
        (with_events && gg_case_events(op, k.id, staff, &events, &nevents, err) < 0))
        return -1;
    gg_cal_snapshot_t *cal = gg_api_case_calendar(w->req, op->c);
    if (!cal) keep = NULL; /* "remaining" is null then: nothing to compute, nothing kept */
    gg_buf_t text = {0};
    gg_case_holes_t holes = {0};
    gg_jw_t own, *jw = &own;
    if (keep) {
        gg_buf_init(&text, 4096);
        gg_jw_init(&own, &text);
    } else {
        jw = gg_api_json(w->req, w->status);
    }
    gg_case_json_opt_t o = {
        .cal = cal, .now = gg_now_ms(), .contact = contact, .holes = keep ? &holes : NULL};
    gg_case_json_open(jw, op->arena, &k, &o);
    if (!cal) gg_jw_knull(jw, "remaining");
    write_tasks(jw, tasks, ntasks);
    gg_jw_key(jw, "possible_duplicates");
    gg_jw_arr(jw);
    for (int i = 0; i < ndups; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", dups[i].id);
        gg_jw_kstr(jw, "number", dups[i].number);
        gg_jw_kstr(jw, "state", dups[i].state);
        gg_jw_ktime(jw, "created_at", dups[i].created_at);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_kbool(jw, "staff", staff);
    /* what this caller may do now (domain/cases/transition.h, the table of workflow.c) */
    gg_jw_key(jw, "actions");
    gg_jw_arr(jw);
    int timed = 0; /* reopen: offered until the reporter's window passes, with no event to tell */
    for (int i = 0; i < nactions; i++) {
        gg_jw_str(jw, actions[i]);
        timed |= !strcmp(actions[i], "reopen");
    }
    gg_jw_arr_end(jw);
    int rc = 0;
    if (with_events) {
        /* the same items as GET /cases/{id}/events */
        gg_jw_key(jw, "events");
        gg_jw_arr(jw);
        rc = gg_api_case_events_json(jw, op->c, op->arena, events, nevents, staff, err);
        gg_jw_arr_end(jw);
    }
    gg_jw_obj_end(jw);
    if (keep && rc == 0) {
        if (!timed)
            gg_case_cache_put(GG_CASE_CACHE_PAGE, keep->key, keep->stamp, text.data, text.len, holes.v,
                              holes.n);
        gg_case_json_splice(gg_api_json(w->req, w->status), text.data, text.len, holes.v, holes.n, cal,
                            o.now);
    }
    gg_buf_free(&text);
    gg_case_holes_free(&holes);
    if (cal) gg_cal_snapshot_release(cal);
    return rc;
}

int gg_api_case_respond_full(gg_write_t *w, int64_t id, gg_reveal_t *rv, gg_error_t *err)
{
    return respond_full(w, id, rv, 0, NULL, err);
}

/* A kept answer (case_cache.h) spliced with this request's "remaining"; 0 when there is none to use. */
static int answer_kept(gg_write_t *w, gg_case_cache_table_t t, const char *key,
                       const int64_t stamp[GG_CASE_STAMP])
{
    gg_case_cached_t hit;
    if (!gg_case_cache_get(t, key, stamp, &hit)) return 0;
    gg_cal_snapshot_t *cal = gg_api_case_calendar(w->req, w->op.c);
    if (cal)
        gg_case_json_splice(gg_api_json(w->req, w->status), hit.text, hit.len, hit.holes, hit.nholes, cal,
                            gg_now_ms());
    gg_case_cache_release(&hit);
    if (!cal) return 0; /* the calendar went away: answer from the data (remaining: null) */
    gg_cal_snapshot_release(cal);
    return 1;
}

static int get_respond(gg_write_t *w, gg_error_t *err)
{
    get_state_t *s = w->state;
    /* a reveal is put on record per request: never from the cache */
    if (s->reveal.phone || s->reveal.id_number || !gg_case_cache_on())
        return respond_full(w, w->id, &s->reveal, s->events, NULL, err);
    /* the case's stamp first: the reads below are at least as new as what it says (case_cache.h) */
    page_keep_t keep;
    int found;
    if (gg_case_page_stamp(w->op.c, w->id, keep.stamp, &found, err) < 0) return -1;
    if (!found) return respond_full(w, w->id, &s->reveal, s->events, NULL, err); /* the 404 */
    keep.key = gg_case_cache_key(w->op.arena, w->op.auth,
                                 gg_sprintf(w->op.arena, "page:%lld:%d", (long long)w->id, s->events));
    if (answer_kept(w, GG_CASE_CACHE_PAGE, keep.key, keep.stamp)) return 0;
    return respond_full(w, w->id, &s->reveal, s->events, &keep, err);
}

static const gg_write_op_t CASE_GET = {
    .path_ids = {"id"},
    .state_size = sizeof(get_state_t),
    .parse = get_parse,
    .respond = get_respond,
};

/* ---- GET /cases/{id}/events ---- */

int gg_api_case_events_json(gg_jw_t *jw, gg_db_conn_t *c, gg_arena_t *a, const gg_case_event_t *e, int n,
                            int staff, gg_error_t *err)
{
    /* the events' attachments in one query (attach: owner_type case_event) */
    gg_attachment_t *att = NULL;
    int natt = 0;
    if (n) {
        int64_t *ids = gg_alloc(a, sizeof *ids * (size_t)n);
        for (int i = 0; i < n; i++)
            ids[i] = e[i].id;
        if (gg_attachment_list(c, a, "case_event", ids, n, &att, &natt, err) < 0) return -1;
    }
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", e[i].id);
        gg_jw_ktime(jw, "at", e[i].at);
        gg_jw_kstr(jw, "action", e[i].action);
        gg_jw_kstr(jw, "from_state", e[i].from_state);
        gg_jw_kstr(jw, "to_state", e[i].to_state);
        if (staff) {
            gg_body_kref(jw, "actor", "id", e[i].account_id, "name", e[i].actor_name);
            gg_body_kid(jw, "unit_id", e[i].unit_id);
            gg_body_kid(jw, "account_target", e[i].account_target);
        }
        gg_jw_kstr(jw, "note", e[i].note);
        gg_jw_kbool(jw, "public", e[i].public);
        gg_jw_key(jw, "detail");
        if (e[i].detail && staff)
            gg_jw_raw(jw, e[i].detail, strlen(e[i].detail));
        else
            gg_jw_null(jw);
        gg_jw_key(jw, "attachments");
        gg_api_attachments_json(jw, att, natt, e[i].id);
        gg_jw_obj_end(jw);
    }
    return 0;
}

static int events_respond(gg_write_t *w, gg_error_t *err)
{
    gg_case_t k;
    if (gg_case_load_brief(&w->op, w->id, &k, err) < 0) return -1;
    int staff = gg_case_is_staff(w->op.auth, &k);
    gg_case_event_t *rows;
    int n;
    if (gg_case_events(&w->op, k.id, staff, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    if (gg_api_case_events_json(jw, w->op.c, w->op.arena, rows, n, staff, err) < 0) return -1;
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t CASE_EVENTS = {.path_ids = {"id"}, .respond = events_respond};

/* ---- GET /cases (inboxes and search), GET /me/cases ---- */

typedef struct list_state {
    gg_case_filter_t f;
    gg_page_t page;
    const char *format; /* export */
    int reveal;
} list_state_t;

/* "YYYY-MM-DD" → local midnight in ms; next_day: the midnight after. */
static int bad_query(gg_req_t *req, const char *name, const char *msg)
{
    gg_error_t err;
    gg_err_invalid(&err, name, "%s", msg);
    gg_error_reason(&err, "not_allowed");
    gg_api_error(req, &err);
    return -1;
}

static int list_parse_filters(gg_write_t *w, list_state_t *s)
{
    gg_req_t *req = w->req;
    gg_case_filter_t *f = &s->f;
    int64_t total = 0;
    if (gg_api_query_str(req, "box", 16, &f->box) < 0 || gg_api_query_str(req, "state", 32, &f->state) < 0 ||
        gg_api_query_str(req, "channel", 16, &f->channel) < 0 || gg_api_query_str(req, "q", 100, &f->q) < 0 ||
        gg_api_query_str(req, "caller_phone", 20, &f->caller_phone) < 0 ||
        gg_api_query_int(req, "category_id", 0, INT64_MAX, 0, &f->category_id) < 0 ||
        gg_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &f->unit_id) < 0 ||
        gg_api_query_int(req, "assignee_id", 0, INT64_MAX, 0, &f->assignee_id) < 0 ||
        gg_api_query_int(req, "total", 0, 1, 0, &total) < 0 ||
        gg_api_query_date(req, "from", 0, &f->from_ms) < 0 || gg_api_query_date(req, "to", 1, &f->to_ms) < 0)
        return -1;
    s->page.want_total = (int)total;
    const char *ids = NULL;
    if (gg_api_query_str(req, "ids", GG_CASE_FILTER_IDS * 21, &ids) < 0) return -1;
    if (ids && *ids) {
        /* ids=1,2,3: the cases of a hotspot or a repeat (GET /hotspots…) */
        int64_t *v = gg_alloc(w->req->arena, sizeof *v * GG_CASE_FILTER_IDS);
        int n = 0;
        for (const char *p = ids; *p;) {
            char *end;
            long long x = strtoll(p, &end, 10);
            if (end == p || x <= 0 || (*end && *end != ',') || n == GG_CASE_FILTER_IDS)
                return bad_query(req, "ids", "ids is a comma-separated list of at most 500 case ids");
            v[n++] = x;
            p = *end ? end + 1 : end;
        }
        f->ids = v;
        f->nids = n;
    }
    if (f->box && *f->box && !gg_case_box_valid(f->box))
        return bad_query(req, "box",
                         "box is one of mine, dispatch, verify, supervised, overdue, near_due, all");
    if (f->state && *f->state && !gg_case_state_valid(f->state))
        return bad_query(req, "state", "unknown state");
    if (f->channel && *f->channel && !gg_case_channel_valid(f->channel))
        return bad_query(req, "channel", "unknown channel");
    if (f->caller_phone && *f->caller_phone) {
        gg_error_t err;
        if (gg_phone_valid(f->caller_phone, "caller_phone", &err) < 0) {
            gg_error_reason(&err, "malformed");
            gg_api_error(req, &err);
            return -1;
        }
    }
    f->now = gg_now_ms();
    return 0;
}

static int list_parse(gg_write_t *w)
{
    list_state_t *s = w->state;
    if (gg_api_query_page(w->req, 200, 50, &s->page) < 0) return -1;
    return list_parse_filters(w, s);
}

static int caller_lookup_audit_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    gg_write_t *w = ctx;
    gg_audit_entry_t e = {.action = "case.caller_lookup", .object_type = "case", .detail_json = NULL};
    return gg_audit_append(c, &w->op.actor, &e, err);
}

/* A caller-phone search is a dispatcher's, and on record. */
static int caller_lookup_check(gg_write_t *w, const gg_case_filter_t *f, gg_error_t *err)
{
    if (!f->caller_phone || !*f->caller_phone) return 0;
    if (!gg_auth_has(w->op.auth, GG_P_CASE_DISPATCH))
        return gg_err_forbidden(err, "only a dispatcher may look cases up by the caller's phone");
    return gg_db_tx(w->op.c, caller_lookup_audit_tx, w, err);
}

/* The inbox's key (case_cache.h), or NULL when its answer is not kept: a box whose rows move with now alone
 * (overdue, near_due), or a caller-phone search (on record each time).  q is last: the only free text. */
static const char *list_key(gg_write_t *w, const list_state_t *s)
{
    const gg_case_filter_t *f = &s->f;
    if (!gg_case_cache_on() || (f->box && (!strcmp(f->box, "overdue") || !strcmp(f->box, "near_due"))) ||
        (f->caller_phone && *f->caller_phone))
        return NULL;
    gg_buf_t b = {0};
    gg_buf_init(&b, 128);
    gg_buf_printf(&b, "list:%s:%s:%s:%lld:%lld:%lld:%lld:%lld:%d:%lld:%d:", f->box ? f->box : "",
                  f->state ? f->state : "", f->channel ? f->channel : "", (long long)f->category_id,
                  (long long)f->unit_id, (long long)f->assignee_id, (long long)f->from_ms,
                  (long long)f->to_ms, s->page.limit, (long long)s->page.after, s->page.want_total);
    for (int i = 0; i < f->nids; i++)
        gg_buf_printf(&b, "%lld,", (long long)f->ids[i]);
    gg_buf_printf(&b, ":%s", f->q ? f->q : "");
    const char *key = gg_case_cache_key(w->op.arena, w->op.auth, b.data);
    gg_buf_free(&b);
    return key;
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    list_state_t *s = w->state;
    if (caller_lookup_check(w, &s->f, err) < 0) return -1;
    /* the counters first: the reads below are at least as new as what they say (case_cache.h) */
    int64_t stamp[GG_CASE_STAMP] = {0};
    const char *key = list_key(w, s);
    if (key && gg_case_generations(w->op.c, &stamp[0], &stamp[1], err) < 0) return -1;
    if (key && answer_kept(w, GG_CASE_CACHE_INBOX, key, stamp)) return 0;
    gg_case_t *rows;
    int n;
    int64_t total = -1;
    s->f.summary = 1;
    gg_app_t *app = w->req->app;
    if (app->names) {
        /* a rename on any node bumps names_generation: one primary-key read tells */
        gg_error_t ignored;
        if (gg_names_sync(w->op.c, app->names, &ignored) < 0)
            gg_log_warn("names refresh failed: %s", ignored.message);
        else
            s->f.names = app->names;
    }
    if (gg_case_list(&w->op, &s->f, &s->page, &rows, &n, &total, err) < 0) return -1;
    gg_cal_snapshot_t *cal = gg_api_case_calendar(w->req, w->op.c);
    if (!cal) key = NULL; /* "remaining" is null then: nothing kept */
    gg_buf_t text = {0};
    gg_case_holes_t holes = {0};
    gg_jw_t own, *jw = &own;
    if (key) {
        gg_buf_init(&text, 16384);
        gg_jw_init(&own, &text);
        gg_jw_obj(jw);
        gg_jw_key(jw, "items");
        gg_jw_arr(jw);
    } else {
        jw = gg_api_items(w->req, w->status);
    }
    gg_case_json_opt_t o = {
        .cal = cal, .now = gg_now_ms(), .contact = GG_CASE_CONTACT_NONE, .holes = key ? &holes : NULL};
    for (int i = 0; i < n; i++)
        gg_case_json_summary(jw, &rows[i], &o);
    gg_api_items_end(w->req, jw, n, s->page.limit, n ? rows[n - 1].id : 0, s->page.want_total ? total : -1);
    if (key) {
        gg_case_cache_put(GG_CASE_CACHE_INBOX, key, stamp, text.data, text.len, holes.v, holes.n);
        gg_case_json_splice(gg_api_json(w->req, w->status), text.data, text.len, holes.v, holes.n, cal,
                            o.now);
    }
    gg_buf_free(&text);
    gg_case_holes_free(&holes);
    if (cal) gg_cal_snapshot_release(cal);
    return 0;
}

static const gg_write_op_t CASE_LIST = {
    .state_size = sizeof(list_state_t),
    .parse = list_parse,
    .respond = list_respond,
};

static int mine_respond(gg_write_t *w, gg_error_t *err)
{
    list_state_t *s = w->state;
    s->f =
        (gg_case_filter_t){.reporter_account_id = w->op.auth->account_id, .now = gg_now_ms(), .contact = 1};
    gg_case_t *rows;
    int n;
    int64_t total = -1;
    if (gg_case_list(&w->op, &s->f, &s->page, &rows, &n, &total, err) < 0) return -1;
    gg_cal_snapshot_t *cal = gg_api_case_calendar(w->req, w->op.c);
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    gg_case_json_opt_t o = {.cal = cal, .now = gg_now_ms(), .contact = GG_CASE_CONTACT_MASKED};
    for (int i = 0; i < n; i++)
        gg_case_json(jw, w->op.arena, &rows[i], &o);
    gg_api_items_end(w->req, jw, n, s->page.limit, n ? rows[n - 1].id : 0, s->page.want_total ? total : -1);
    if (cal) gg_cal_snapshot_release(cal);
    return 0;
}

static int mine_parse(gg_write_t *w)
{
    list_state_t *s = w->state;
    int64_t total = 0;
    if (gg_api_query_page(w->req, 200, 50, &s->page) < 0 ||
        gg_api_query_int(w->req, "total", 0, 1, 0, &total) < 0)
        return -1;
    s->page.want_total = (int)total;
    return 0;
}

static const gg_write_op_t ME_CASES = {
    .state_size = sizeof(list_state_t),
    .parse = mine_parse,
    .respond = mine_respond,
};

/* ---- GET /cases/export?format=csv|xlsx ---- */

#define EXPORT_MAX_ROWS 100000

static int export_parse(gg_write_t *w)
{
    list_state_t *s = w->state;
    int64_t reveal = 0;
    if (gg_api_query_str(w->req, "format", 8, &s->format) < 0 ||
        gg_api_query_int(w->req, "reveal", 0, 1, 0, &reveal) < 0)
        return -1;
    s->reveal = (int)reveal;
    if (s->format && strcmp(s->format, "csv") && strcmp(s->format, "xlsx"))
        return bad_query(w->req, "format", "format is csv or xlsx");
    return list_parse_filters(w, s);
}

typedef struct export_ctx {
    gg_sheet_out_t *s;
    gg_arena_t *a;
    const gg_auth_t *auth;
    int reveal;
    int64_t unmasked;
} export_ctx_t;

static const char *ts(gg_arena_t *a, int64_t ms)
{
    if (!ms) return "";
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_time(&w, ms);
    /* "2026-12-04T10:00:00+08:00" without the quotes */
    char *out = gg_strdup(a, b.len > 2 ? b.data + 1 : "");
    gg_buf_free(&b);
    size_t n = strlen(out);
    if (n && out[n - 1] == '"') out[n - 1] = '\0';
    return out;
}

static int export_row(void *ctx, const gg_case_t *k, gg_error_t *err)
{
    export_ctx_t *x = ctx;
    int full = x->reveal && !k->anonymous && gg_auth_can(x->auth, GG_P_PII_READ, k->unit_path);
    if (full && (k->reporter_phone || k->reporter_name)) x->unmasked++;
    const char *name = k->anonymous ? ""
                       : full       ? k->reporter_name
                                    : gg_case_mask_name(x->a, k->reporter_name);
    const char *phone = k->anonymous        ? ""
                        : full              ? k->reporter_phone
                        : k->reporter_phone ? gg_mask_phone(x->a, k->reporter_phone)
                                            : "";
    /* names, not codes: the sheet is read by people (the app's names for channels and states) */
    int state = gg_case_state_parse(k->state);
    const char *cells[] = {k->number,
                           gg_case_channel_zh(k->channel),
                           k->category_name,
                           state >= 0 ? gg_case_state_zh(state) : k->state,
                           k->unit_name,
                           k->owner_unit_name,
                           k->handler_unit_name ? k->handler_unit_name : "",
                           k->description,
                           k->address ? k->address : "",
                           name ? name : "",
                           phone ? phone : "",
                           k->external_no ? k->external_no : "",
                           ts(x->a, k->created_at),
                           ts(x->a, k->due_at),
                           ts(x->a, k->closed_at)};
    return gg_sheet_row(x->s, cells, (int)(sizeof cells / sizeof cells[0]), 0, err);
}

typedef struct export_audit {
    gg_write_t *w;
    int64_t rows, unmasked;
} export_audit_t;

static int export_audit_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    export_audit_t *x = ctx;
    gg_audit_entry_t e = {.action = "pii.export",
                          .object_type = "case",
                          .detail_json = gg_sprintf(
                              x->w->op.arena, "{\"rows\":%lld,\"unmasked\":%lld,\"fields\":[\"reporter\"]}",
                              (long long)x->rows, (long long)x->unmasked)};
    return gg_audit_append(c, &x->w->op.actor, &e, err);
}

static int export_respond(gg_write_t *w, gg_error_t *err)
{
    list_state_t *s = w->state;
    gg_app_t *app = w->req->app;
    int xlsx = s->format && !strcmp(s->format, "xlsx");
    if (s->reveal && !gg_auth_has(w->op.auth, GG_P_PII_READ))
        return gg_err_forbidden(err, "you may not export unmasked phone numbers");
    if (caller_lookup_check(w, &s->f, err) < 0) return -1;
    s->f.contact = 1; /* the sheet has the reporter's columns */
    gg_sheet_out_t sh;
    if (gg_sheet_open(&sh, app->tmp_dir, xlsx, "事件", err) < 0) return -1;
    static const char *const head[] = {"编号",     "渠道",       "事项分类", "状态",     "所属网格",
                                       "责任主体", "承办单位",   "描述",     "地址",     "报告人",
                                       "联系电话", "外部工单号", "上报时间", "办理时限", "结案时间"};
    static const double widths[] = {20, 8, 14, 10, 16, 16, 16, 40, 24, 10, 14, 16, 22, 22, 22};
    gg_sheet_widths(&sh, widths, (int)(sizeof widths / sizeof widths[0]));
    export_ctx_t x = {.s = &sh, .a = w->op.arena, .auth = w->op.auth, .reveal = s->reveal};
    int64_t rows = 0;
    if (gg_sheet_row(&sh, head, (int)(sizeof head / sizeof head[0]), 1, err) < 0 ||
        gg_case_each(&w->op, &s->f, EXPORT_MAX_ROWS, export_row, &x, &rows, err) < 0) {
        gg_sheet_abort(&sh);
        return -1;
    }
    /* on record before it leaves */
    if (x.unmasked) {
        export_audit_t ax = {w, rows, x.unmasked};
        if (gg_db_tx(w->op.c, export_audit_tx, &ax, err) < 0) {
            gg_sheet_abort(&sh);
            return -1;
        }
    }
    int fd;
    uint64_t size;
    if (gg_sheet_finish(&sh, &fd, &size, err) < 0) return -1;
    char day[16];
    gg_today(day);
    gg_req_t *req = w->req;
    const char *ext = xlsx ? "xlsx" : "csv";
    gg_resp_header(
        req, "Content-Disposition",
        gg_sprintf(req->arena, "attachment; filename=\"cases-%.4s%.2s%.2s.%s\"", day, day + 5, day + 8, ext));
    gg_resp_header(req, "X-Export-Rows", gg_sprintf(req->arena, "%lld", (long long)rows));
    req->status = 200;
    req->content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                             : "text/csv; charset=utf-8";
    req->file_fd = fd;
    req->file_size = size;
    return 0;
}

static const gg_write_op_t CASE_EXPORT = {
    .state_size = sizeof(list_state_t),
    .parse = export_parse,
    .respond = export_respond,
};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("POST", "/api/v1/cases", CASE_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/cases", CASE_LIST),
    GG_WRITE_ROUTE("GET", "/api/v1/cases/export", CASE_EXPORT),
    GG_WRITE_ROUTE("GET", "/api/v1/cases/{id}", CASE_GET),
    GG_WRITE_ROUTE("GET", "/api/v1/cases/{id}/events", CASE_EVENTS),
    GG_WRITE_ROUTE("GET", "/api/v1/me/cases", ME_CASES),
};

int gg_api_case_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
