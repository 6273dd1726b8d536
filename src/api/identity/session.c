/*
 * session.c — POST/DELETE /api/v1/session (log in, log out), GET /api/v1/me,
 * POST /api/v1/me/password.
 *
 * Web clients get the token in an HttpOnly, SameSite=Strict cookie and a CSRF
 * token in the body (never the session token itself, so script cannot read
 * it); API clients ask with "mode":"bearer" and get the token in the body.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/write.h"
#include "domain/identity/account.h"
#include "domain/identity/session.h"

static void write_me(gg_jw_t *w, const gg_auth_t *auth)
{
    gg_jw_kint(w, "id", auth->account_id);
    gg_jw_kstr(w, "username", auth->username);
    gg_jw_kstr(w, "display_name", auth->display_name);
    gg_jw_kbool(w, "must_change_password", auth->must_change_password);
    gg_jw_key(w, "grants");
    gg_body_grants(w, auth->grants, auth->ngrants);
    gg_jw_key(w, "permissions");
    gg_body_permissions(w, auth->perms_any);
}

static void cookie(gg_req_t *req, const char *token, int64_t max_age_s)
{
    int secure = gg_req_is_https(req); /* X-Forwarded-Proto counts from a trusted proxy only */
    /* (headers go out in reverse order: the session cookie first) */
    gg_resp_header(req, "Set-Cookie",
                   gg_sprintf(req->arena, GG_SIGNED_IN_COOKIE "=%s; Path=/; Max-Age=%lld; SameSite=Strict%s",
                              *token ? "1" : "", (long long)max_age_s, secure ? "; Secure" : ""));
    gg_resp_header(req, "Set-Cookie",
                   gg_sprintf(req->arena,
                              GG_SESSION_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
                              token, (long long)max_age_s, secure ? "; Secure" : ""));
}

static void login(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"username", GG_F_STR, 1, 1, 64, 0},
        {"password", GG_F_STR, 1, 1, 128, 0},
        {"mode", GG_F_STR, 0, 1, 10, 0},
    };
    gg_app_t *app = req->app;
    json_t *body;
    gg_error_t err;
    if (gg_api_body(req, fields, 3, &body) < 0) return;
    const char *mode = gg_json_str(body, "mode");
    if (mode && strcmp(mode, "cookie") && strcmp(mode, "bearer")) {
        json_decref(body);
        gg_err_invalid(&err, "mode", "mode must be \"cookie\" (web) or \"bearer\" (API clients)");
        gg_api_error(req, &err);
        return;
    }
    int via_cookie = !mode || strcmp(mode, "cookie") == 0;
    gg_login_t in = {.username = gg_strdup(req->arena, gg_json_str(body, "username")),
                     .password = gg_strdup(req->arena, gg_json_str(body, "password")),
                     .client_ip = gg_req_client_ip(req),
                     .user_agent = gg_req_header(req, "User-Agent"),
                     .via_cookie = via_cookie};
    json_decref(body);
    gg_login_result_t res;
    if (gg_session_login(app->db, req->arena, &app->sec, &in, &res, &err) < 0) {
        gg_api_error_retry(req, &err, res.retry_after_s);
        return;
    }
    gg_db_conn_t *c;
    if (gg_api_conn(req, &c) < 0) return;
    gg_auth_t auth;
    if (gg_session_authenticate(c, req->arena, &app->sec, res.token, in.client_ip, &auth, &err) < 0) {
        gg_api_release(req, c);
        gg_api_error(req, &err);
        return;
    }
    gg_api_release(req, c);
    if (via_cookie) cookie(req, res.token, app->sec.session_absolute_ms / 1000);
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "account");
    gg_jw_obj(w);
    write_me(w, &auth);
    gg_jw_obj_end(w);
    if (via_cookie)
        gg_jw_kstr(w, "csrf_token", auth.csrf);
    else
        gg_jw_kstr(w, "token", res.token);
    gg_jw_ktime(w, "expires_at", res.expires_at);
    gg_jw_obj_end(w);
}

static void logout(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    if (gg_api_begin(req, GG_API_ALLOW_PWCHANGE, &c, &auth) < 0) return;
    gg_api_end(req, c);
    if (gg_session_logout(app->db, req->arena, auth, &err) < 0) {
        gg_api_error(req, &err);
        return;
    }
    if (auth->via_cookie) cookie(req, "", 0);
    req->status = 204;
}

static void me(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    if (gg_api_begin(req, GG_API_ALLOW_PWCHANGE, &c, &auth) < 0) return;
    gg_api_end(req, c);
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    write_me(w, auth);
    if (auth->via_cookie) gg_jw_kstr(w, "csrf_token", auth->csrf);
    gg_jw_obj_end(w);
}

static int change_password_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_account_t me;
    if (gg_account_get(op->c, op->arena, NULL, op->auth, op->auth->account_id, &me, err) < 0) return -1;
    if (!gg_password_verify(me.password_hash, gg_json_str(w->body, "current_password")))
        return gg_err_invalid(err, "current_password", "the current password is wrong");
    return gg_account_set_password(op->c, op->arena, &((gg_app_t *)w->req->app)->sec, &op->actor, op->auth,
                                   op->auth->account_id, gg_json_str(w->body, "new_password"), 0,
                                   op->auth->token_hash, err);
}

static const gg_field_t change_password_fields[] = {
    {"current_password", GG_F_STR, 1, 1, 128, 0},
    {"new_password", GG_F_STR, 1, 1, 128, 0},
};

/* POST /me/password: allowed while a password change is required (it is how one gets out of that). */
static const gg_write_op_t CHANGE_PASSWORD = {
    .flags = GG_API_ALLOW_PWCHANGE,
    .fields = GG_FIELDS(change_password_fields),
    .run = change_password_run,
};

static void roles(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_api_end(req, c);
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < gg_nroles; i++) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "code", gg_roles[i].code);
        gg_jw_kstr(w, "name", gg_roles[i].name_zh);
        gg_jw_kstr(w, "name_en", gg_roles[i].name_en);
        gg_jw_key(w, "permissions");
        gg_body_permissions(w, gg_roles[i].perms);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

static const gg_api_route_t routes[] = {
    {"POST", "/api/v1/session", login, NULL, 0},
    {"DELETE", "/api/v1/session", logout, NULL, 0},
    {"GET", "/api/v1/me", me, NULL, 0},
    GG_WRITE_ROUTE("POST", "/api/v1/me/password", CHANGE_PASSWORD),
    {"GET", "/api/v1/roles", roles, NULL, 0},
};

int gg_api_session_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
