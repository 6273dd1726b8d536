/*
 * public_cases.c — /api/v1/public/cases: a resident's report (随手拍) without
 * a login or as a logged-in resident (then reporter_account_id), and the
 * tracking page behind number + secret.  Like the QR registration endpoints
 * (api/tree/qrcodes.c), every request counts against the client address's
 * public limit and every accepted report against the address's submission
 * limit (domain/people/registration.h: gg_rate_limit_hit); past a limit the
 * answer is 429 with retry_after.  The tracking answer shows public fields
 * and public events only, and an unknown number and a wrong secret get the
 * same 404.
 */
#include <string.h>

#include "api/api.h"
#include "api/cases/case_json.h"
#include "api/cases/cases_internal.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/idempotency.h"
#include "domain/cases/transition.h"
#include "domain/cases/workflow.h"
#include "domain/people/registration.h"

/* ---- POST /public/cases ---- */

typedef struct public_create {
    gg_req_t *req;
    gg_op_t *op;
    gg_case_in_t *in;
    int64_t id;
    char secret[44];
    gg_idem_t *idem; /* the request's Idempotency-Key, or NULL */
    int replayed;
} public_create_t;

static int create_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    public_create_t *x = ctx;
    x->replayed = 0;
    if (x->idem) { /* claimed first, stored last: the key commits with the case (domain/idempotency.h) */
        int claim = gg_idem_claim(c, x->idem, gg_now_ms(), err);
        if (claim < 0) return -1;
        if (claim == GG_IDEM_REPLAY) {
            x->replayed = 1;
            x->id = x->idem->result_id;
            snprintf(x->secret, sizeof x->secret, "%s", x->idem->secret ? x->idem->secret : "");
            return 0;
        }
    }
    if (gg_api_case_create_run(x->req, x->op, x->in, &x->id, x->secret, err) < 0) return -1;
    if (!x->idem) return 0;
    x->idem->status = 201;
    x->idem->result_id = x->id;
    x->idem->secret = x->secret;
    return gg_idem_finish(c, x->idem, err);
}

static void public_create(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"category_id", GG_F_INT, 1, 1, INT64_MAX, 0},
        {"description", GG_F_STR, 1, 1, GG_CASE_DESCRIPTION_MAX, 0},
        {"lat", GG_F_NUM, 0, -90, 90, 1},
        {"lon", GG_F_NUM, 0, -180, 180, 1},
        {"address", GG_F_STR, 0, 0, 200, 1},
        {"qr_token", GG_F_STR, 0, 0, 64, 1},
        {"place_id", GG_F_INT, 0, 1, INT64_MAX, 1},
        {"name", GG_F_STR, 0, 0, 50, 1},
        {"phone", GG_F_STR, 0, 0, 20, 1},
        {"anonymous", GG_F_BOOL, 0, 0, 0, 1},
        {"attachment_ids", GG_F_ARR, 0, 0, 0, 1},
        {"upload_token", GG_F_STR, 0, 0, 64, 1},
    };
    gg_app_t *app = req->app;
    gg_db_conn_t *c = NULL;
    gg_auth_t *auth = NULL;
    gg_error_t err;
    json_t *body = NULL;
    int via_cookie;
    /* a logged-in resident reports as themselves; anyone else anonymously */
    if (gg_api_token(req, &via_cookie)) {
        if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    } else if (gg_api_conn(req, &c) < 0) {
        return;
    }
    if (gg_api_public_lookup(req, c) < 0) goto out;
    gg_idem_t idem;
    int keyed = gg_api_idem(req, auth ? auth->account_id : 0, &idem);
    if (keyed < 0) goto out;
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) goto out;
    gg_case_in_t in = {.channel = "app", .public = 1};
    in.category_id = gg_json_int(body, "category_id", 0);
    in.description = gg_strdup(req->arena, gg_json_str(body, "description"));
    in.address = gg_strdup(req->arena, gg_json_str(body, "address"));
    in.qr_token = gg_strdup(req->arena, gg_json_str(body, "qr_token"));
    in.place_id = gg_json_int(body, "place_id", 0);
    in.reporter_name = gg_strdup(req->arena, gg_json_str(body, "name"));
    in.reporter_phone = gg_strdup(req->arena, gg_json_str(body, "phone"));
    in.anonymous = gg_json_bool(body, "anonymous", 0);
    in.upload_token = gg_strdup(req->arena, gg_json_str(body, "upload_token"));
    if (gg_api_case_point(body, &in, &err) < 0 ||
        gg_api_case_ids(req->arena, body, "attachment_ids", in.attachment_ids, &in.nattachments, &err) < 0 ||
        gg_case_in_check(&in, &err) < 0)
        goto fail;
    /* only what passed the checks counts against the submission limit */
    if (gg_api_public_hit(req, c, "public-case", app->public_limits.submissions_per_address) < 0) goto out;
    gg_api_case_sync_grids(req, c);
    gg_op_t op =
        auth ? gg_op_make(c, req->arena, auth, &app->keys)
             : (gg_op_t){.c = c,
                         .arena = req->arena,
                         .auth = NULL,
                         .actor = {.account_id = 0, .username = "public", .client_ip = gg_req_client_ip(req)},
                         .keys = &app->keys};
    public_create_t x = {.req = req, .op = &op, .in = &in, .idem = keyed ? &idem : NULL};
    if (gg_db_tx(c, create_tx, &x, &err) < 0) goto fail;
    if (x.replayed) gg_resp_header(req, "Idempotent-Replayed", "true");
    /* the answer: what the reporter needs to follow it — the number and the secret (shown this once) */
    gg_db_res_t *r;
    const char *number = NULL, *state = NULL;
    int64_t due = 0;
    if (gg_db_query(c, "SELECT number, state, response_due_at FROM case_item WHERE id = $1",
                    GG_ARGS(GG_I64(x.id)), &r, &err) < 0)
        goto fail;
    if (gg_db_next(r, &err) == 1) {
        number = gg_strdup(req->arena, gg_db_text(r, 0));
        state = gg_strdup(req->arena, gg_db_text(r, 1));
        due = gg_db_isnull(r, 2) ? 0 : gg_db_i64(r, 2);
    }
    gg_db_res_free(r);
    gg_jw_t *w = gg_api_json(req, 201);
    gg_jw_obj(w);
    gg_jw_kstr(w, "number", number);
    gg_jw_kstr(w, "secret", x.secret); /* a replay's too: kept encrypted with its Idempotency-Key */
    gg_jw_kstr(w, "state", state);
    gg_jw_ktime(w, "response_due_at", due);
    gg_jw_kstr(w, "tracking_url",
               gg_sprintf(req->arena, "/api/v1/public/cases/%s?secret=%s", number, x.secret));
    gg_jw_obj_end(w);
    goto out;
fail:
    gg_api_error_retry(req, &err, 0);
out:
    if (body) json_decref(body);
    if (auth)
        gg_api_end(req, c);
    else if (c)
        gg_api_release(req, c);
}

/* ---- GET /public/cases/{number}?secret= ---- */

static void public_track(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_error_t err;
    const char *number = gg_req_param(req, "number");
    const char *secret;
    if (gg_api_query_str(req, "secret", 64, &secret) < 0) return;
    if (gg_api_conn(req, &c) < 0) return;
    if (gg_api_public_lookup(req, c) < 0) {
        gg_api_release(req, c);
        return;
    }
    gg_case_t k;
    gg_case_event_t *ev = NULL;
    int nev = 0;
    const char *actions[GG_CA_COUNT];
    int nactions = 0;
    int rc = gg_case_load_tracked(c, req->arena, number, secret, &k, &err);
    if (rc == 0) {
        gg_op_t op = {.c = c, .arena = req->arena, .keys = &app->keys};
        rc = gg_case_events(&op, k.id, 0, &ev, &nev, &err);
    }
    /* the reporter's buttons: rate, reopen (POST /public/cases/{number}/rate|reopen, case_actions.c) */
    if (rc == 0 && (nactions = gg_case_reporter_actions(c, req->arena, &k, actions, GG_CA_COUNT, &err)) < 0)
        rc = -1;
    if (rc < 0) {
        gg_api_release(req, c);
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_kstr(w, "number", k.number);
    gg_jw_kstr(w, "state", k.state);
    gg_jw_kstr(w, "channel", k.channel);
    gg_jw_key(w, "category");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k.category_id);
    gg_jw_kstr(w, "name", k.category_name);
    gg_jw_kstr(w, "name_en", k.category_name_en);
    gg_jw_obj_end(w);
    gg_jw_kstr(w, "description", k.description);
    gg_jw_kstr(w, "address", k.address);
    gg_jw_kstr(w, "unit_name", k.unit_name);
    gg_jw_ktime(w, "created_at", k.created_at);
    gg_jw_ktime(w, "response_due_at", k.response_due_at);
    gg_jw_ktime(w, "due_at", k.due_at);
    gg_jw_ktime(w, "closed_at", k.closed_at);
    gg_jw_kstr(w, "rating", k.rating);
    gg_jw_kstr(w, "rating_comment", k.rating_comment);
    gg_jw_ktime(w, "rated_at", k.rated_at);
    gg_jw_key(w, "actions");
    gg_jw_arr(w);
    for (int i = 0; i < nactions; i++)
        gg_jw_str(w, actions[i]);
    gg_jw_arr_end(w);
    gg_jw_key(w, "events");
    gg_jw_arr(w);
    rc = gg_api_case_events_json(w, c, req->arena, ev, nev, 0, &err);
    gg_api_release(req, c);
    if (rc < 0) {
        gg_api_error(req, &err); /* the error body replaces what was written */
        return;
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

static const gg_api_route_t routes[] = {
    {"POST", "/api/v1/public/cases", public_create, NULL, 0},
    {"GET", "/api/v1/public/cases/{number}", public_track, NULL, 0},
};

int gg_api_public_case_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
