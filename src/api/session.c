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
#include "domain/account.h"
#include "domain/session.h"

static void write_permissions(gg_jw_t *w, uint64_t perms)
{
    gg_jw_arr(w);
    for (int b = 0; b < GG_PERM_COUNT; b++)
        if (perms & (1ull << b)) gg_jw_str(w, gg_perm_name(b));
    gg_jw_arr_end(w);
}

static void write_grants(gg_jw_t *w, const gg_grant_t *g, int n)
{
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        const gg_role_t *role = gg_role_find(g[i].role);
        gg_jw_obj(w);
        gg_jw_kint(w, "id", g[i].id);
        gg_jw_kstr(w, "role", g[i].role);
        gg_jw_kstr(w, "role_name", role ? role->name_zh : g[i].role);
        gg_jw_kint(w, "unit_id", g[i].unit_id);
        gg_jw_kstr(w, "unit_code", g[i].unit_code);
        gg_jw_kstr(w, "unit_name", g[i].unit_name);
        /* with the unit's path, the web app can tell what the session may do at a given unit (the path
         * of every unit it is shown) and offer only that; the server checks again in any case */
        gg_jw_kstr(w, "unit_path", g[i].unit_path);
        gg_jw_key(w, "permissions");
        write_permissions(w, g[i].perms);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
}

static void write_me(gg_jw_t *w, const gg_auth_t *auth)
{
    gg_jw_kint(w, "id", auth->account_id);
    gg_jw_kstr(w, "username", auth->username);
    gg_jw_kstr(w, "display_name", auth->display_name);
    gg_jw_kbool(w, "must_change_password", auth->must_change_password);
    gg_jw_key(w, "grants");
    write_grants(w, auth->grants, auth->ngrants);
    gg_jw_key(w, "permissions");
    write_permissions(w, auth->perms_any);
}

static void cookie(gg_req_t *req, const char *token, int64_t max_age_s)
{
    const char *proto = gg_req_header(req, "X-Forwarded-Proto");
    int secure = proto && strcmp(proto, "https") == 0;
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
        if (err.http_status == 429) {
            char extra[48];
            snprintf(extra, sizeof extra, "\"retry_after\":%d", res.retry_after_s);
            gg_resp_header(req, "Retry-After", extra + 14);
            gg_resp_error(req, &err, extra);
        } else {
            gg_api_error(req, &err);
        }
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

struct pw_ctx {
    gg_app_t *app;
    gg_arena_t *arena;
    const gg_auth_t *auth;
    const char *current, *next;
};

static int change_password_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct pw_ctx *x = ctx;
    gg_account_t me;
    if (gg_account_get(c, x->arena, NULL, x->auth, x->auth->account_id, &me, err) < 0) return -1;
    if (!gg_password_verify(me.password_hash, x->current))
        return gg_err_invalid(err, "current_password", "the current password is wrong");
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_account_set_password(c, x->arena, &x->app->sec, &actor, x->auth, x->auth->account_id, x->next,
                                   0, x->auth->token_hash, err);
}

static void change_password(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"current_password", GG_F_STR, 1, 1, 128, 0},
        {"new_password", GG_F_STR, 1, 1, 128, 0},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    if (gg_api_begin(req, GG_API_ALLOW_PWCHANGE, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, 2, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct pw_ctx x = {req->app, req->arena, auth,
                       gg_strdup(req->arena, gg_json_str(body, "current_password")),
                       gg_strdup(req->arena, gg_json_str(body, "new_password"))};
    json_decref(body);
    int rc = gg_db_tx(c, change_password_tx, &x, &err);
    gg_api_end(req, c);
    if (rc < 0)
        gg_api_error(req, &err);
    else
        req->status = 204;
}

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
        write_permissions(w, gg_roles[i].perms);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

void gg_api_session_routes(gg_router_t *r)
{
    gg_router_add(r, "POST", "/api/v1/session", login, NULL);
    gg_router_add(r, "DELETE", "/api/v1/session", logout, NULL);
    gg_router_add(r, "GET", "/api/v1/me", me, NULL);
    gg_router_add(r, "POST", "/api/v1/me/password", change_password, NULL);
    gg_router_add(r, "GET", "/api/v1/roles", roles, NULL);
}
