/*
 * hotline_orders.c — the 12345 platform link (docs/api.md "12345 platform link"):
 *   POST /api/v1/hotline/orders            a signed work-order push (no session: the line's secret proves it)
 *   GET|PUT /api/v1/hotline-lines/{id}/link the line's link: secret and callback URL (administrators)
 * The push makes the case through the same creation as every channel (gg_api_case_create_run →
 * gg_case_create) with channel hotline, the line and the platform's number; a duplicate push answers the case
 * it made.  Callbacks go out through the outbox (domain/outbox.c: the "hotline" block).
 */
#include <stdio.h>
#include <string.h>

#include "api/cases/cases_internal.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "domain/cases/hotline_link.h"
#include "domain/webhook.h"

/* ---- the link's settings ---- */

typedef struct {
    char secret[GG_WEBHOOK_SECRET_MAX];
} link_state_t;

static int link_respond(gg_write_t *w, gg_error_t *err)
{
    gg_hotline_link_t l;
    if (gg_hotline_link_get(&w->op, w->id, &l, err) < 0) return -1;
    link_state_t *s = w->state;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "line_id", l.line_id);
    gg_jw_kbool(jw, "active", l.active);
    gg_jw_kstr(jw, "callback_url", l.callback_url);
    if (l.subscription_id)
        gg_jw_kint(jw, "subscription_id", l.subscription_id);
    else
        gg_jw_knull(jw, "subscription_id");
    if (s && s->secret[0]) gg_jw_kstr(jw, "secret", s->secret); /* once, when made or changed */
    gg_jw_ktime(jw, "updated_at", l.updated_at);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_field_t link_fields[] = {
    {"secret", GG_F_STR, 0, 16, 128, 1},
    {"callback_url", GG_F_STR, 0, 0, 2000, 1},
    {"active", GG_F_BOOL, 0, 0, 0, 0},
};

static int link_run(gg_write_t *w, gg_error_t *err)
{
    link_state_t *s = w->state;
    return gg_hotline_link_set(&w->op, w->id, gg_json_str(w->body, "secret"),
                               gg_json_str(w->body, "callback_url"), gg_json_bool(w->body, "active", 1),
                               s->secret, err);
}

static const gg_write_op_t LINK_GET = {
    .path_ids = {"id"}, .state_size = sizeof(link_state_t), .respond = link_respond};
static const gg_write_op_t LINK_SET = {.path_ids = {"id"},
                                       .fields = GG_FIELDS(link_fields),
                                       .body_optional = 1,
                                       .state_size = sizeof(link_state_t),
                                       .run = link_run,
                                       .respond = link_respond};

/* ---- the push ---- */

typedef struct {
    gg_req_t *req;
    gg_op_t *op;
    gg_case_in_t *in;
    int64_t id;
    char secret[44];
    int existed;
} push_t;

static int push_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    push_t *x = ctx;
    x->existed = 0;
    /* a duplicate push: the case this work order already made */
    if (gg_hotline_order_find(c, x->in->line_id, x->in->external_no, &x->id, err) < 0) return -1;
    if (x->id) {
        x->existed = 1;
        return 0;
    }
    return gg_api_case_create_run(x->req, x->op, x->in, &x->id, x->secret, err);
}

static void push(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"external_no", GG_F_STR, 1, 1, 64, 0}, {"category_code", GG_F_STR, 0, 1, 64, 1},
        {"category", GG_F_STR, 0, 1, 100, 1},   {"description", GG_F_STR, 1, 1, GG_CASE_DESCRIPTION_MAX, 0},
        {"caller_name", GG_F_STR, 0, 0, 50, 1}, {"caller_phone", GG_F_STR, 0, 0, 20, 1},
        {"address", GG_F_STR, 0, 0, 200, 1},    {"lat", GG_F_NUM, 0, -90, 90, 1},
        {"lon", GG_F_NUM, 0, -180, 180, 1},     {"deadline", GG_F_STR, 0, 0, 40, 1},
    };
    gg_app_t *app = req->app;
    gg_error_t err = {0};
    gg_db_conn_t *c = NULL;
    json_t *body = NULL;
    long long line_id;
    if (gg_api_push_sender(req, "X-Gridgov-Line", "name the hotline line (X-Gridgov-Line)", &line_id) < 0)
        return;
    if (gg_api_conn(req, &c) < 0) return;
    const char *secret = NULL, *unit_path = NULL, *number = NULL;
    int found;
    if (gg_hotline_link_secret(c, req->arena, &app->keys, line_id, &secret, &unit_path, &number, &found,
                               &err) < 0)
        goto fail;
    if (gg_api_push_verify(req, secret, found, "X-Gridgov-Line", "this line takes no pushes", &err) < 0)
        goto fail;
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) goto out;
    gg_case_in_t in = {.channel = "hotline", .line_id = line_id};
    in.external_no = gg_strdup(req->arena, gg_json_str(body, "external_no"));
    in.description = gg_strdup(req->arena, gg_json_str(body, "description"));
    in.address = gg_strdup(req->arena, gg_json_str(body, "address"));
    in.reporter_name = gg_strdup(req->arena, gg_json_str(body, "caller_name"));
    in.reporter_phone = gg_strdup(req->arena, gg_json_str(body, "caller_phone"));
    const char *deadline = gg_json_str(body, "deadline");
    if (deadline && *deadline)
        in.note = gg_sprintf(req->arena, "12345 平台办理期限 / platform deadline: %s", deadline);
    if (gg_hotline_category(c, gg_json_str(body, "category_code"), gg_json_str(body, "category"),
                            &in.category_id, &err) < 0)
        goto fail;
    if (!in.category_id) {
        gg_err_invalid(&err, "category_code", "neither category_code nor category names a category");
        gg_error_reason(&err, "not_found");
        goto fail;
    }
    if (gg_api_case_point(body, &in, &err) < 0 || gg_case_in_check(&in, &err) < 0) goto fail;
    gg_api_case_sync_grids(req, c);
    /* the link acts with case.report over its line's unit only */
    gg_grant_t grant = {.role = "hotline_link", .perms = GG_P_CASE_REPORT, .unit_path = unit_path};
    gg_auth_t link = {.username = gg_sprintf(req->arena, "12345:%s", number),
                      .display_name = "12345",
                      .ngrants = 1,
                      .grants = &grant,
                      .perms_any = GG_P_CASE_REPORT,
                      .client_ip = gg_req_client_ip(req)};
    gg_op_t op = gg_op_make(c, req->arena, &link, &app->keys);
    push_t x = {.req = req, .op = &op, .in = &in};
    if (gg_db_tx(c, push_tx, &x, &err) < 0) goto fail;
    gg_db_res_t *r;
    const char *case_number = NULL, *state = NULL;
    if (gg_db_query(c, "SELECT number, state FROM case_item WHERE id = $1", GG_ARGS(GG_I64(x.id)), &r, &err) <
        0)
        goto fail;
    if (gg_db_next(r, &err) == 1) {
        case_number = gg_strdup(req->arena, gg_db_text(r, 0));
        state = gg_strdup(req->arena, gg_db_text(r, 1));
    }
    gg_db_res_free(r);
    gg_jw_t *w = gg_api_json(req, x.existed ? 200 : 201);
    gg_jw_obj(w);
    gg_jw_kbool(w, "accepted", 1);
    gg_jw_kbool(w, "duplicate", x.existed);
    gg_jw_kstr(w, "external_no", in.external_no);
    gg_jw_kstr(w, "case_number", case_number);
    gg_jw_kint(w, "case_id", x.id);
    gg_jw_kstr(w, "state", state);
    /* the caller's tracking secret, for the platform to pass on (SMS): shown once, not on a duplicate */
    if (!x.existed) {
        gg_jw_kstr(w, "tracking_secret", x.secret);
        gg_jw_kstr(w, "tracking_url",
                   gg_sprintf(req->arena, "/api/v1/public/cases/%s?secret=%s", case_number, x.secret));
    }
    gg_jw_obj_end(w);
    goto out;
fail:
    gg_api_error(req, &err);
out:
    if (body) json_decref(body);
    if (c) gg_api_release(req, c);
}

static const gg_api_route_t routes[] = {
    {"POST", "/api/v1/hotline/orders", push, NULL, 0},
    GG_WRITE_ROUTE("GET", "/api/v1/hotline-lines/{id}/link", LINK_GET),
    GG_WRITE_ROUTE("PUT", "/api/v1/hotline-lines/{id}/link", LINK_SET),
};

int gg_api_hotline_link_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
