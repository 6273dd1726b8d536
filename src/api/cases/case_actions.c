/*
 * case_actions.c — one step of the case loop over HTTP (docs/cases.md, docs/api.md "Case actions"):
 *   POST /api/v1/cases/{id}/actions/{action}          staff (and the logged-in reporter), through the write
 *                                                     runner; answers the updated case with its `actions`
 *   POST /api/v1/public/cases/{number}/rate|reopen    the reporter by number + tracking secret, no session,
 *                                                     rate-limited per client address like the public QR
 * pages The transition itself is domain/cases/transition.c.
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/cases/case_json.h"
#include "api/cases/cases_internal.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/cases/transition.h"
#include "domain/cases/workflow.h"
#include "domain/people/registration.h"

typedef struct act_state {
    gg_case_act_in_t in;
    int64_t attachment_ids[GG_CASE_MAX_ATTACHMENTS];
    const char *action;
    gg_case_t done; /* the case after the step (when the caller can no longer see it) */
} act_state_t;

static const gg_field_t act_fields[] = {
    {"version", GG_F_INT, 0, 1, INT32_MAX, 0}, {"note", GG_F_STR, 0, 0, 2000, 1},
    {"public", GG_F_BOOL, 0, 0, 0, 1},         {"reason", GG_F_STR, 0, 0, 500, 1},
    {"unit_id", GG_F_INT, 0, 1, INT64_MAX, 1}, {"account_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"assist_unit_ids", GG_F_ARR, 0, 0, 0, 1}, {"days", GG_F_INT, 0, 1, 120, 1},
    {"hours", GG_F_INT, 0, 1, 240, 1},         {"due_at", GG_F_STR, 0, 1, 40, 1},
    {"rating", GG_F_STR, 0, 1, 32, 1},         {"comment", GG_F_STR, 0, 0, 500, 1},
    {"attachment_ids", GG_F_ARR, 0, 0, 0, 1},  {"into_case_id", GG_F_INT, 0, 1, INT64_MAX, 1},
};

static const char *dup(gg_arena_t *a, json_t *body, const char *key)
{
    const char *s = gg_json_str(body, key);
    return s ? gg_strdup(a, s) : NULL;
}

/* The body into in (shared by the staff and the public steps). */
static int take_input(gg_arena_t *a, json_t *body, gg_case_act_in_t *in, gg_error_t *err)
{
    in->version = (int)gg_json_int(body, "version", 0);
    in->note = dup(a, body, "note");
    in->reason = dup(a, body, "reason");
    in->comment = dup(a, body, "comment");
    in->rating = dup(a, body, "rating");
    json_t *pub = json_object_get(body, "public");
    if (pub && !json_is_null(pub)) {
        in->public_set = 1;
        in->is_public = json_is_true(pub);
    }
    in->unit_id = gg_json_int(body, "unit_id", 0);
    in->account_id = gg_json_int(body, "account_id", 0);
    in->into_case_id = gg_json_int(body, "into_case_id", 0);
    in->days = (int)gg_json_int(body, "days", 0);
    in->hours = (int)gg_json_int(body, "hours", 0);
    json_t *ids = json_object_get(body, "assist_unit_ids");
    if (ids && json_is_array(ids)) {
        if (json_array_size(ids) > GG_CASE_MAX_ASSISTS) {
            gg_err_invalid(err, "assist_unit_ids", "at most %d assisting units", GG_CASE_MAX_ASSISTS);
            return gg_error_limits(err, "too_many", 0, 0, 1, GG_CASE_MAX_ASSISTS);
        }
        for (size_t i = 0; i < json_array_size(ids); i++) {
            json_t *v = json_array_get(ids, i);
            if (!json_is_integer(v) || json_integer_value(v) < 1) {
                gg_err_invalid(err, gg_sprintf(a, "assist_unit_ids[%zu]", i), "a unit id");
                return gg_error_reason(err, "wrong_type");
            }
            in->assist_unit_ids[in->nassist++] = json_integer_value(v);
        }
    }
    const char *due = gg_json_str(body, "due_at");
    if (due && gg_cal_parse_instant(due, &in->due_at) < 0) {
        gg_err_invalid(err, "due_at", "due_at is an RFC 3339 instant (2026-10-09T18:00:00+08:00)");
        return gg_error_reason(err, "malformed");
    }
    return 0;
}

static gg_calendar_t *calendar_of(gg_req_t *req)
{
    return ((gg_app_t *)req->app)->calendar;
}

static int act_prepare(gg_write_t *w, gg_error_t *err)
{
    act_state_t *s = w->state;
    s->action = gg_req_param(w->req, "action");
    if (!w->body) return gg_err_invalid(err, "version", "version is required");
    if (take_input(w->op.arena, w->body, &s->in, err) < 0 ||
        gg_api_case_ids(w->op.arena, w->body, "attachment_ids", s->attachment_ids, &s->in.nattachments, err) <
            0)
        return -1;
    s->in.attachment_ids = s->attachment_ids;
    if (!s->in.version) {
        gg_err_invalid(err, "version", "version is required");
        return gg_error_reason(err, "required");
    }
    return 0;
}

static int act_run(gg_write_t *w, gg_error_t *err)
{
    act_state_t *s = w->state;
    gg_cal_snapshot_t *cal = gg_api_case_calendar(w->req, w->op.c);
    if (!cal) cal = gg_calendar_acquire(calendar_of(w->req));
    s->in.cal = cal;
    s->in.result = &s->done;
    int rc = gg_case_act(&w->op, w->id, s->action, &s->in, err);
    s->in.cal = NULL;
    gg_cal_snapshot_release(cal);
    return rc;
}

static int act_respond(gg_write_t *w, gg_error_t *err)
{
    act_state_t *s = w->state;
    gg_error_t miss = {0};
    if (gg_api_case_respond_full(w, w->id, NULL, &miss) == 0) return 0;
    if (miss.http_status != 404) {
        if (err) *err = miss;
        return -1;
    }
    /* the step took the case out of the caller's sight (escalated past its unit): the case as the step left
     * it, with nothing left to do */
    gg_cal_snapshot_t *cal = gg_api_case_calendar(w->req, w->op.c);
    gg_case_json_opt_t o = {.cal = cal, .now = gg_now_ms(), .contact = GG_CASE_CONTACT_NONE};
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_case_json_open(jw, w->op.arena, &s->done, &o);
    gg_jw_key(jw, "actions");
    gg_jw_arr(jw);
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    if (cal) gg_cal_snapshot_release(cal);
    return 0;
}

static const gg_write_op_t CASE_ACT = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(act_fields),
    .state_size = sizeof(act_state_t),
    .prepare = act_prepare,
    .run = act_run,
    .respond = act_respond,
    .refused_action = "case.refused",
    .refused_type = "case",
};

/* ---- the reporter's public steps ---- */

static const gg_field_t rate_fields[] = {
    {"secret", GG_F_STR, 1, 1, 128, 0},
    {"rating", GG_F_STR, 1, 1, 32, 0},
    {"comment", GG_F_STR, 0, 0, 500, 1},
};
static const gg_field_t reopen_fields[] = {
    {"secret", GG_F_STR, 1, 1, 128, 0},
    {"reason", GG_F_STR, 1, 1, 500, 0},
};

typedef struct public_tx {
    gg_op_t op;
    const char *number, *secret, *action;
    gg_case_act_in_t in;
    int64_t case_id;
} public_tx_t;

static int public_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    public_tx_t *p = ctx;
    p->op.c = c;
    return gg_case_act_public(&p->op, p->number, p->secret, p->action, &p->in, &p->case_id, err);
}

static void public_step(gg_req_t *req, const char *action, const gg_field_t *fields, int nfields)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_error_t err = {0};
    json_t *body;
    if (gg_api_conn(req, &c) < 0) return;
    int retry = 0;
    const char *key = gg_sprintf(req->arena, "public:%s", gg_req_client_ip(req));
    if (gg_rate_limit_hit(c, key, app->public_limits.lookups_per_address, app->public_limits.window_ms,
                          &retry, &err) < 0) {
        gg_api_release(req, c);
        if (retry > 0) gg_resp_header(req, "Retry-After", gg_sprintf(req->arena, "%d", retry));
        gg_api_error(req, &err);
        return;
    }
    if (gg_api_body(req, fields, nfields, &body) < 0) {
        gg_api_release(req, c);
        return;
    }
    public_tx_t p = {.number = gg_req_param(req, "number"), .action = action};
    p.op = (gg_op_t){.c = c,
                     .arena = req->arena,
                     .auth = NULL,
                     .actor = {.account_id = 0, .username = "reporter", .client_ip = gg_req_client_ip(req)},
                     .keys = &app->keys};
    p.secret = dup(req->arena, body, "secret");
    int rc = take_input(req->arena, body, &p.in, &err);
    json_decref(body);
    gg_cal_snapshot_t *cal = gg_api_case_calendar(req, c);
    if (!cal) cal = gg_calendar_acquire(app->calendar);
    p.in.cal = cal;
    if (rc == 0) rc = gg_db_tx(c, public_tx, &p, &err);
    gg_cal_snapshot_release(cal);
    gg_api_release(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    /* what the tracking page needs to redraw; the page reloads GET /public/cases/{number} for the rest */
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_kstr(w, "number", p.number);
    gg_jw_kstr(w, "state", !strcmp(action, "rate") ? "rated" : "registered");
    gg_jw_kstr(w, "action", action);
    gg_jw_obj_end(w);
}

static void public_rate(gg_req_t *req)
{
    public_step(req, "rate", rate_fields, (int)(sizeof rate_fields / sizeof rate_fields[0]));
}

static void public_reopen(gg_req_t *req)
{
    public_step(req, "reopen", reopen_fields, (int)(sizeof reopen_fields / sizeof reopen_fields[0]));
}

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("POST", "/api/v1/cases/{id}/actions/{action}", CASE_ACT),
    {"POST", "/api/v1/public/cases/{number}/rate", public_rate, NULL, 0},
    {"POST", "/api/v1/public/cases/{number}/reopen", public_reopen, NULL, 0},
};

int gg_api_case_action_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
