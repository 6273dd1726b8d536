/*
 * centres.c — /api/v1/centres (the governance centres and the director's overview), /api/v1/matters (the one
 * window: intake, routing, escalation, closing), /api/v1/public/matters/{number} (status only, no personal
 * data), /api/v1/counselling/referrals and /api/v1/screening/… (the domain/centres headers).
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/cases/cases_internal.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/cases/case_number.h"
#include "domain/centres/counselling.h"
#include "domain/centres/matter.h"
#include "domain/centres/screening.h"
#include "geo/grid_index.h"

static int result_respond(gg_write_t *w, gg_error_t *err)
{
    (void)err;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", w->result);
    gg_jw_obj_end(jw);
    return 0;
}

static int unit_parse(gg_write_t *w)
{
    return gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, w->state);
}

/* ---- centres ---- */

static int centres_respond(gg_write_t *w, gg_error_t *err)
{
    gg_centre_t *rows;
    int n;
    if (gg_centre_list(&w->op, *(int64_t *)w->state, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].id);
        gg_jw_kstr(jw, "name", rows[i].name);
        gg_body_kref(jw, "unit", "id", rows[i].unit_id, "name", rows[i].unit_name);
        gg_jw_kstr(jw, "level", rows[i].level);
        gg_jw_key(jw, "areas");
        gg_jw_arr(jw);
        char buf[256];
        snprintf(buf, sizeof buf, "%s", rows[i].areas ? rows[i].areas : "");
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
            gg_jw_str(jw, t);
        gg_jw_arr_end(jw);
        gg_jw_kstr(jw, "address", rows[i].address);
        gg_jw_kstr(jw, "phone", rows[i].phone);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t CENTRE_LIST = {
    .state_size = sizeof(int64_t), .parse = unit_parse, .respond = centres_respond};

static const gg_field_t centre_fields[] = {
    {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0}, {"name", GG_F_STR, 0, 1, 60, 1},
    {"areas", GG_F_ARR, 0, 0, 0, 1},           {"address", GG_F_STR, 0, 0, 200, 1},
    {"phone", GG_F_STR, 0, 0, 30, 1},
};

static int centre_save_run(gg_write_t *w, gg_error_t *err)
{
    gg_arena_t *a = w->op.arena;
    gg_centre_t in = {.unit_id = gg_json_int(w->body, "unit_id", 0),
                      .name = gg_strdup(a, gg_json_str(w->body, "name")),
                      .address = gg_strdup(a, gg_json_str(w->body, "address")),
                      .phone = gg_strdup(a, gg_json_str(w->body, "phone"))};
    const char *areas = "";
    json_t *arr = json_object_get(w->body, "areas");
    size_t i;
    json_t *v;
    if (arr && json_is_array(arr)) json_array_foreach(arr, i, v)
        {
            if (!json_is_string(v)) {
                gg_err_invalid(err, "areas", "areas are codes");
                return gg_error_reason(err, "wrong_type");
            }
            areas = gg_sprintf(a, "%s%s%s", areas, *areas ? "," : "", json_string_value(v));
        }
    in.areas = areas;
    return gg_centre_save(&w->op, &in, &w->result, err);
}

static const gg_write_op_t CENTRE_SAVE = {
    .fields = GG_FIELDS(centre_fields), .run = centre_save_run, .respond = result_respond};

static int overview_respond(gg_write_t *w, gg_error_t *err)
{
    int64_t unit_id = *(int64_t *)w->state;
    if (!unit_id) {
        gg_err_invalid(err, "unit_id", "name the unit of the overview");
        return gg_error_reason(err, "required");
    }
    gg_matter_stat_t *rows;
    int n;
    if (gg_matter_overview(&w->op, unit_id, &rows, &n, err) < 0) return -1;
    static const char *const levels[] = {"county", "street", "community"};
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "unit_id", unit_id);
    gg_jw_key(jw, "levels");
    gg_jw_arr(jw);
    for (int l = 0; l < 3; l++) {
        int64_t tot[4] = {0};
        gg_jw_obj(jw);
        gg_jw_kstr(jw, "level", levels[l]);
        gg_jw_key(jw, "routes");
        gg_jw_arr(jw);
        for (int i = 0; gg_matter_routes[i]; i++) {
            int64_t v[4] = {0};
            for (int k = 0; k < n; k++)
                if (!strcmp(rows[k].level, levels[l]) && !strcmp(rows[k].route, gg_matter_routes[i])) {
                    v[0] = rows[k].received;
                    v[1] = rows[k].open;
                    v[2] = rows[k].closed;
                    v[3] = rows[k].overdue;
                }
            for (int k = 0; k < 4; k++)
                tot[k] += v[k];
            gg_jw_obj(jw);
            gg_jw_kstr(jw, "route", gg_matter_routes[i]);
            gg_jw_kint(jw, "received", v[0]);
            gg_jw_kint(jw, "open", v[1]);
            gg_jw_kint(jw, "closed", v[2]);
            gg_jw_kint(jw, "overdue", v[3]);
            gg_jw_obj_end(jw);
        }
        gg_jw_arr_end(jw);
        gg_jw_kint(jw, "received", tot[0]);
        gg_jw_kint(jw, "open", tot[1]);
        gg_jw_kint(jw, "closed", tot[2]);
        gg_jw_kint(jw, "overdue", tot[3]);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t CENTRE_OVERVIEW = {
    .state_size = sizeof(int64_t), .parse = unit_parse, .respond = overview_respond};

/* ---- matters ---- */

static void write_matter(gg_jw_t *jw, const gg_matter_t *m, int public)
{
    gg_jw_obj(jw);
    if (!public) gg_jw_kint(jw, "id", m->id);
    gg_jw_kstr(jw, "number", m->number);
    gg_jw_kstr(jw, "status", m->status);
    gg_jw_kstr(jw, "route", m->route);
    if (public) {
        gg_jw_kstr(jw, "unit_name", m->unit_name);
    } else {
        gg_body_kref(jw, "unit", "id", m->unit_id, "name", m->unit_name);
        gg_jw_kstr(jw, "level", m->unit_level);
        gg_jw_kstr(jw, "summary", m->summary);
        gg_jw_key(jw, "visitor");
        gg_jw_obj(jw);
        gg_jw_kstr(jw, "name", m->visitor_name);
        gg_jw_kstr(jw, "phone", m->visitor_phone);
        gg_jw_obj_end(jw);
    }
    gg_jw_key(jw, "target");
    if (m->target_type) {
        gg_jw_obj(jw);
        gg_jw_kstr(jw, "type", m->target_type);
        if (!public) gg_jw_kint(jw, "id", m->target_id);
        gg_jw_kstr(jw, "number", m->target_number);
        gg_jw_kstr(jw, "status", m->target_status);
        gg_jw_obj_end(jw);
    } else {
        gg_jw_null(jw);
    }
    gg_jw_ktime(jw, "due_at", m->due_at);
    gg_jw_kbool(jw, "overdue", m->due_at && !strcmp(m->status, "routed") && m->due_at < gg_now_ms());
    gg_jw_ktime(jw, "created_at", m->created_at);
    gg_jw_ktime(jw, "updated_at", m->updated_at);
    gg_jw_ktime(jw, "closed_at", m->closed_at);
}

static void write_events(gg_jw_t *jw, const gg_matter_event_t *ev, int n, int public)
{
    gg_jw_key(jw, "events");
    gg_jw_arr(jw);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kstr(jw, "kind", ev[i].kind);
        if (!public) {
            gg_jw_key(jw, "detail");
            gg_jw_raw(jw, ev[i].detail, strlen(ev[i].detail));
            gg_jw_kstr(jw, "by", ev[i].username);
        }
        gg_jw_ktime(jw, "at", ev[i].at);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
}

/* The matter w->result; after an intake (state: the tracking code) with its "secret", shown this once. */
static int matter_respond(gg_write_t *w, gg_error_t *err)
{
    gg_matter_t m;
    gg_matter_event_t *ev;
    int n;
    if (gg_matter_get(&w->op, w->result, &m, err) < 0 || gg_matter_events(&w->op, m.id, &ev, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    write_matter(jw, &m, 0);
    write_events(jw, ev, n, 0);
    const char *secret = w->replayed ? w->result_secret : w->state ? (const char *)w->state : NULL;
    if (secret && *secret) gg_jw_kstr(jw, "secret", secret);
    gg_jw_obj_end(jw);
    return 0;
}

typedef struct mlist_state {
    int64_t unit_id, limit, after;
    const char *route, *status;
} mlist_state_t;

static int mlist_parse(gg_write_t *w)
{
    mlist_state_t *s = w->state;
    if (gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &s->unit_id) < 0 ||
        gg_api_query_int(w->req, "limit", 1, 200, 50, &s->limit) < 0 ||
        gg_api_query_int(w->req, "after", 1, INT64_MAX, 0, &s->after) < 0 ||
        gg_api_query_str(w->req, "route", 20, &s->route) < 0 ||
        gg_api_query_str(w->req, "status", 20, &s->status) < 0)
        return -1;
    if (s->route && !*s->route) s->route = NULL;
    if (s->status && !*s->status) s->status = NULL;
    return 0;
}

static int mlist_respond(gg_write_t *w, gg_error_t *err)
{
    mlist_state_t *s = w->state;
    gg_matter_t *rows;
    int n;
    if (gg_matter_list(&w->op, s->unit_id, s->route, s->status, s->after, (int)s->limit, &rows, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        write_matter(jw, &rows[i], 0);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, (int)s->limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

static const gg_write_op_t MATTER_LIST = {
    .state_size = sizeof(mlist_state_t), .parse = mlist_parse, .respond = mlist_respond};
static const gg_write_op_t MATTER_GET = {.path_ids = {"id"}, .respond = matter_respond};

static const gg_field_t matter_fields[] = {
    {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0}, {"visitor_name", GG_F_STR, 0, 0, 50, 1},
    {"visitor_phone", GG_F_STR, 0, 0, 20, 1},  {"summary", GG_F_STR, 1, 1, 5000, 0},
    {"route", GG_F_STR, 1, 1, 20, 0},          {"category_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"address", GG_F_STR, 0, 0, 200, 1},       {"petition_kind", GG_F_STR, 0, 1, 16, 1},
    {"id_number", GG_F_STR, 0, 0, 18, 1},      {"slot_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"title", GG_F_STR, 0, 1, 100, 1},         {"dispute_type", GG_F_STR, 0, 1, 32, 1},
};

static int matter_create_run(gg_write_t *w, gg_error_t *err)
{
    json_t *b = w->body;
    gg_arena_t *a = w->op.arena;
    gg_matter_new_t in = {.unit_id = gg_json_int(b, "unit_id", 0),
                          .visitor_name = gg_strdup(a, gg_json_str(b, "visitor_name")),
                          .visitor_phone = gg_strdup(a, gg_json_str(b, "visitor_phone")),
                          .summary = gg_strdup(a, gg_json_str(b, "summary")),
                          .route = gg_strdup(a, gg_json_str(b, "route")),
                          .category_id = gg_json_int(b, "category_id", 0),
                          .address = gg_strdup(a, gg_json_str(b, "address")),
                          .petition_kind = gg_strdup(a, gg_json_str(b, "petition_kind")),
                          .id_number = gg_strdup(a, gg_json_str(b, "id_number")),
                          .slot_id = gg_json_int(b, "slot_id", 0),
                          .title = gg_strdup(a, gg_json_str(b, "title")),
                          .dispute_type = gg_strdup(a, gg_json_str(b, "dispute_type")),
                          .secret = w->state};
    gg_app_t *app = w->req->app;
    gg_grid_snapshot_t *grids = app->grid_index ? gg_grid_index_acquire(app->grid_index) : NULL;
    gg_cal_snapshot_t *cal = app->calendar ? gg_calendar_acquire(app->calendar) : NULL;
    gg_case_env_t env = {.grids = grids, .cal = cal, .now = gg_now_ms()};
    int rc;
    if (!cal)
        rc = gg_err_unavailable(err, "the working calendar is not loaded on this server");
    else
        rc = gg_matter_create(&w->op, &env, &in, &w->result, err);
    if (rc == 0) w->result_secret = w->state; /* an Idempotency-Key replay shows it again (api/write.h) */
    if (grids) gg_grid_snapshot_release(grids);
    if (cal) gg_cal_snapshot_release(cal);
    return rc;
}

static int matter_create_prepare(gg_write_t *w, gg_error_t *err)
{
    (void)err;
    gg_api_case_sync_grids(w->req, w->op.c);
    return 0;
}

static const gg_write_op_t MATTER_CREATE = {.fields = GG_FIELDS(matter_fields),
                                            .state_size = GG_CASE_CODE_LEN + 2,
                                            .prepare = matter_create_prepare,
                                            .run = matter_create_run,
                                            .respond = matter_respond,
                                            .status = 201,
                                            .location = "/api/v1/matters/%lld"};

static const gg_field_t note_fields[] = {{"note", GG_F_STR, 0, 0, 2000, 1}};

static int escalate_run(gg_write_t *w, gg_error_t *err)
{
    return gg_matter_escalate(&w->op, w->id,
                              w->body ? gg_strdup(w->op.arena, gg_json_str(w->body, "note")) : NULL, err);
}

static int close_run(gg_write_t *w, gg_error_t *err)
{
    return gg_matter_close(&w->op, w->id,
                           w->body ? gg_strdup(w->op.arena, gg_json_str(w->body, "note")) : NULL, err);
}

static const gg_write_op_t MATTER_ESCALATE = {.path_ids = {"id"},
                                              .fields = GG_FIELDS(note_fields),
                                              .body_optional = 1,
                                              .run = escalate_run,
                                              .respond = matter_respond};
static const gg_write_op_t MATTER_CLOSE = {.path_ids = {"id"},
                                           .fields = GG_FIELDS(note_fields),
                                           .body_optional = 1,
                                           .run = close_run,
                                           .respond = matter_respond};

/* GET /public/matters/{number}?secret=: status, route, the unit and where it went; no personal data */
static void public_track(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_error_t err;
    if (gg_api_conn(req, &c) < 0) return;
    if (gg_api_public_lookup(req, c) < 0) {
        gg_api_release(req, c);
        return;
    }
    gg_op_t op = {.c = c, .arena = req->arena, .keys = &app->keys};
    gg_matter_t m;
    gg_matter_event_t *ev;
    int n;
    const char *secret = NULL;
    if (gg_api_query_str(req, "secret", 64, &secret) < 0) {
        gg_api_release(req, c);
        return;
    }
    int rc = gg_matter_track(&op, gg_req_param(req, "number"), secret, &m, &ev, &n, &err);
    gg_api_release(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *jw = gg_api_json(req, 200);
    write_matter(jw, &m, 1);
    write_events(jw, ev, n, 1);
    gg_jw_obj_end(jw);
}

/* ---- counselling ---- */

static void write_referral(gg_jw_t *jw, const gg_referral_t *x)
{
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", x->id);
    gg_body_kref(jw, "unit", "id", x->unit_id, "name", x->unit_name);
    gg_jw_kstr(jw, "status", x->status);
    gg_jw_key(jw, "matter_id");
    x->matter_id ? gg_jw_int(jw, x->matter_id) : gg_jw_null(jw);
    gg_jw_key(jw, "consultation_id");
    x->consultation_id ? gg_jw_int(jw, x->consultation_id) : gg_jw_null(jw);
    gg_jw_kbool(jw, "content_visible", x->content_visible);
    if (x->content_visible) {
        gg_jw_kstr(jw, "reason", x->reason);
        gg_jw_kstr(jw, "notes", x->notes);
    }
    gg_jw_ktime(jw, "created_at", x->created_at);
    gg_jw_ktime(jw, "updated_at", x->updated_at);
    gg_jw_obj_end(jw);
}

static int referrals_respond(gg_write_t *w, gg_error_t *err)
{
    gg_referral_t *rows;
    int n;
    if (gg_referral_list(&w->op, *(int64_t *)w->state, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_referral(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static int referral_respond(gg_write_t *w, gg_error_t *err)
{
    gg_referral_t x;
    if (gg_referral_get(&w->op, w->result, &x, err) < 0) return -1;
    write_referral(gg_api_json(w->req, w->status), &x);
    return 0;
}

static const gg_write_op_t REFERRAL_LIST = {
    .state_size = sizeof(int64_t), .parse = unit_parse, .respond = referrals_respond};
static const gg_write_op_t REFERRAL_GET = {.path_ids = {"id"}, .respond = referral_respond};

static const gg_field_t referral_fields[] = {{"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0},
                                             {"matter_id", GG_F_INT, 0, 1, INT64_MAX, 1},
                                             {"consultation_id", GG_F_INT, 0, 1, INT64_MAX, 1},
                                             {"reason", GG_F_STR, 1, 1, 5000, 0}};

static int referral_create_run(gg_write_t *w, gg_error_t *err)
{
    return gg_referral_create(&w->op, gg_json_int(w->body, "unit_id", 0),
                              gg_json_int(w->body, "matter_id", 0),
                              gg_json_int(w->body, "consultation_id", 0),
                              gg_strdup(w->op.arena, gg_json_str(w->body, "reason")), &w->result, err);
}

static const gg_write_op_t REFERRAL_CREATE = {.fields = GG_FIELDS(referral_fields),
                                              .run = referral_create_run,
                                              .respond = referral_respond,
                                              .status = 201};

static const gg_field_t referral_update_fields[] = {{"status", GG_F_STR, 0, 1, 20, 1},
                                                    {"notes", GG_F_STR, 0, 0, 10000, 1}};

static int referral_update_run(gg_write_t *w, gg_error_t *err)
{
    return gg_referral_update(&w->op, w->id, gg_strdup(w->op.arena, gg_json_str(w->body, "status")),
                              gg_strdup(w->op.arena, gg_json_str(w->body, "notes")), err);
}

static const gg_write_op_t REFERRAL_UPDATE = {.path_ids = {"id"},
                                              .fields = GG_FIELDS(referral_update_fields),
                                              .run = referral_update_run,
                                              .respond = referral_respond,
                                              .refused_action = "counselling.refused",
                                              .refused_type = "counselling_referral"};

/* ---- screening ---- */

typedef struct sstatus_state {
    int64_t unit_id;
    const char *period;
} sstatus_state_t;

static int sstatus_parse(gg_write_t *w)
{
    sstatus_state_t *s = w->state;
    return gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &s->unit_id) < 0 ||
                   gg_api_query_str(w->req, "period", 7, &s->period) < 0
               ? -1
               : 0;
}

static int sstatus_respond(gg_write_t *w, gg_error_t *err)
{
    sstatus_state_t *s = w->state;
    char now_p[8];
    gg_screening_period_now(now_p);
    const char *period = s->period && *s->period ? s->period : now_p;
    if (!s->unit_id) {
        gg_err_invalid(err, "unit_id", "name the street (or community) to look at");
        return gg_error_reason(err, "required");
    }
    gg_screening_row_t *rows;
    int n;
    if (gg_screening_status(&w->op, s->unit_id, period, &rows, &n, err) < 0) return -1;
    int reported = 0, found = 0;
    for (int i = 0; i < n; i++) {
        reported += rows[i].reported;
        found += rows[i].found;
    }
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kstr(jw, "period", period);
    gg_jw_kint(jw, "grids", n);
    gg_jw_kint(jw, "reported", reported);
    gg_jw_kint(jw, "missing", n - reported);
    gg_jw_kint(jw, "found", found);
    gg_jw_key(jw, "items");
    gg_jw_arr(jw);
    for (int i = 0; i < n; i++) {
        gg_screening_row_t *x = &rows[i];
        gg_jw_obj(jw);
        gg_body_kref(jw, "grid", "id", x->grid_id, "name", x->grid_name);
        gg_jw_kstr(jw, "code", x->grid_code);
        gg_jw_kstr(jw, "community", x->community_name);
        gg_jw_kbool(jw, "reported", x->reported);
        gg_jw_kbool(jw, "zero", x->reported && x->found == 0);
        gg_jw_kbool(jw, "may_report", x->may_report);
        gg_jw_kint(jw, "found", x->found);
        gg_jw_key(jw, "disputes");
        if (x->items_json)
            gg_jw_raw(jw, x->items_json, strlen(x->items_json));
        else
            gg_jw_null(jw);
        gg_jw_kstr(jw, "reported_by", x->reported_by);
        gg_jw_ktime(jw, "reported_at", x->reported_at);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t SCREENING_STATUS = {
    .state_size = sizeof(sstatus_state_t), .parse = sstatus_parse, .respond = sstatus_respond};

static const gg_field_t sreport_fields[] = {{"grid_id", GG_F_INT, 1, 1, INT64_MAX, 0},
                                            {"period", GG_F_STR, 1, 1, 7, 0},
                                            {"zero", GG_F_BOOL, 0, 0, 0, 1},
                                            {"items", GG_F_ARR, 0, 0, 0, 1}};

static int sreport_run(gg_write_t *w, gg_error_t *err)
{
    gg_arena_t *a = w->op.arena;
    json_t *arr = json_object_get(w->body, "items");
    size_t cnt = arr && json_is_array(arr) ? json_array_size(arr) : 0;
    if (cnt > GG_SCREENING_MAX_ITEMS) {
        gg_err_invalid(err, "items", "at most %d disputes per report", GG_SCREENING_MAX_ITEMS);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_SCREENING_MAX_ITEMS);
    }
    gg_screening_item_t items[GG_SCREENING_MAX_ITEMS];
    for (size_t i = 0; i < cnt; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_object(v)) {
            gg_err_invalid(err, gg_sprintf(a, "items[%zu]", i), "a dispute is an object {title, summary}");
            return gg_error_reason(err, "wrong_type");
        }
        items[i].title = gg_strdup(a, gg_json_str(v, "title"));
        items[i].summary = gg_strdup(a, gg_json_str(v, "summary"));
    }
    return gg_screening_report(&w->op, gg_json_int(w->body, "grid_id", 0),
                               gg_strdup(a, gg_json_str(w->body, "period")), gg_json_bool(w->body, "zero", 0),
                               items, (int)cnt, &w->result, err);
}

static const gg_write_op_t SCREENING_REPORT = {
    .fields = GG_FIELDS(sreport_fields), .run = sreport_run, .respond = result_respond, .status = 201};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/centres", CENTRE_LIST),
    GG_WRITE_ROUTE("PUT", "/api/v1/centres", CENTRE_SAVE),
    GG_WRITE_ROUTE("GET", "/api/v1/centres/overview", CENTRE_OVERVIEW),
    GG_WRITE_ROUTE("GET", "/api/v1/matters", MATTER_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/matters", MATTER_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/matters/{id}", MATTER_GET),
    GG_WRITE_ROUTE("POST", "/api/v1/matters/{id}/escalate", MATTER_ESCALATE),
    GG_WRITE_ROUTE("POST", "/api/v1/matters/{id}/close", MATTER_CLOSE),
    {"GET", "/api/v1/public/matters/{number}", public_track, NULL, 0},
    GG_WRITE_ROUTE("GET", "/api/v1/counselling/referrals", REFERRAL_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/counselling/referrals", REFERRAL_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/counselling/referrals/{id}", REFERRAL_GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/counselling/referrals/{id}", REFERRAL_UPDATE),
    GG_WRITE_ROUTE("GET", "/api/v1/screening/status", SCREENING_STATUS),
    GG_WRITE_ROUTE("POST", "/api/v1/screening/reports", SCREENING_REPORT),
};

int gg_api_centre_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
