/*
 * accounts.c — /api/v1/accounts: list, create, read, update, reset password,
 * grant and revoke roles.  Scope and escalation rules live in
 * domain/account.c; refused attempts (403, and 404 beyond the caller's scope)
 * are audited here, in a transaction of their own, because the refused change
 * rolled back.
 *
 * The phone number is shown masked; ?reveal=phone shows it to callers with
 * pii.read over the account's unit, and that read is audited.
 */
#include <string.h>

#include "api/api.h"
#include "domain/account.h"
#include "domain/audit.h"

/* Opens the account object and leaves it open, so callers can add members (grants) before closing it. */
static void write_account(gg_req_t *req, gg_jw_t *w, const gg_account_t *a, int reveal)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", a->id);
    gg_jw_kstr(w, "username", a->username);
    gg_jw_kstr(w, "display_name", a->display_name);
    gg_jw_kstr(w, "status", a->status);
    gg_jw_kstr(w, "phone", reveal ? a->phone : gg_mask_phone(req->arena, a->phone));
    gg_jw_kbool(w, "phone_masked", a->phone && !reveal);
    gg_jw_kbool(w, "must_change_password", a->must_change_password);
    gg_jw_key(w, "home_unit");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", a->home_unit_id);
    gg_jw_kstr(w, "code", a->home_unit_code);
    gg_jw_kstr(w, "name", a->home_unit_name);
    gg_jw_obj_end(w);
    gg_jw_ktime(w, "created_at", a->created_at);
    gg_jw_ktime(w, "updated_at", a->updated_at);
    gg_jw_kint(w, "version", a->version);
    if (a->id_probe_visible) {
        gg_jw_key(w, "id_probe");
        gg_jw_obj(w);
        gg_jw_kint(w, "hits", a->id_probe_hits);
        gg_jw_ktime(w, "last_hit_at", a->id_probe_last_at);
        gg_jw_ktime(w, "flagged_at", a->id_probe_flagged_at);
        gg_jw_obj_end(w);
    }
}

static void list(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t limit, after, total_flag;
    const char *q;
    if (gg_api_query_int(req, "limit", 1, 200, 50, &limit) < 0 ||
        gg_api_query_int(req, "after", 0, INT64_MAX, 0, &after) < 0 ||
        gg_api_query_int(req, "total", 0, 1, 0, &total_flag) < 0 || gg_api_query_str(req, "q", 64, &q) < 0)
        return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_page_t page = {.limit = (int)limit, .after = after, .want_total = (int)total_flag};
    gg_account_t *rows;
    int n;
    int64_t total;
    int rc = gg_account_list(c, req->arena, &app->sec, auth, q, &page, &rows, &n, &total, &err);
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
        write_account(req, w, &rows[i], 0);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    if (n == page.limit)
        gg_jw_kstr(w, "next", gg_sprintf(req->arena, "%lld", (long long)rows[n - 1].id));
    else
        gg_jw_knull(w, "next");
    if (total >= 0) gg_jw_kint(w, "total", total);
    gg_jw_obj_end(w);
}

struct create_ctx {
    gg_app_t *app;
    gg_arena_t *arena;
    const gg_auth_t *auth;
    gg_account_new_t in;
    const char *role;
    int64_t id;
};

static int create_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct create_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    if (gg_account_create(c, x->arena, &x->app->sec, &actor, x->auth, &x->in, &x->id, err) < 0) return -1;
    if (x->role) {
        int64_t gid;
        if (gg_grant_add(c, x->arena, &actor, x->auth, x->id, x->role, x->in.home_unit_id, &gid, err) < 0)
            return -1;
    }
    return 0;
}

/*
 * A refusal the log must show: 403 (in scope, not allowed) and also 404 — to the caller an object outside
 * its scope looks missing, but reaching past one's scope (granting oneself admin at the root, editing another
 * street's account) is exactly the attempt an auditor looks for.
 */
static int refused(const gg_error_t *e)
{
    return e->http_status == 403 || e->http_status == 404;
}

static void audit_denial(gg_req_t *req, gg_db_conn_t *c, const gg_auth_t *auth, const char *action,
                         int64_t object_id, const gg_error_t *why)
{
    gg_actor_t actor = gg_actor_of(auth);
    gg_jw_t w;
    gg_buf_t b = {0};
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "refused", why->message);
    gg_jw_kint(&w, "status", why->http_status);
    gg_jw_obj_end(&w);
    gg_audit_entry_t e = {.action = action,
                          .object_type = "account",
                          .object_id =
                              object_id ? gg_sprintf(req->arena, "%lld", (long long)object_id) : NULL,
                          .detail_json = gg_strdup(req->arena, b.data)};
    gg_buf_free(&b);
    gg_error_t ignored;
    gg_audit_alone(c, &actor, &e, &ignored);
}

static void create(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"username", GG_F_STR, 1, 2, 64, 0},
        {"display_name", GG_F_STR, 1, 1, 64, 0},
        {"password", GG_F_STR, 1, 1, 128, 0},
        {"phone", GG_F_STR, 0, 0, 20, 1},
        {"home_unit_id", GG_F_INT, 1, 1, INT64_MAX, 0},
        {"role", GG_F_STR, 0, 1, 32, 1},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, 6, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct create_ctx x = {.app = req->app,
                           .arena = req->arena,
                           .auth = auth,
                           .in = {.username = gg_strdup(req->arena, gg_json_str(body, "username")),
                                  .display_name = gg_strdup(req->arena, gg_json_str(body, "display_name")),
                                  .password = gg_strdup(req->arena, gg_json_str(body, "password")),
                                  .phone = gg_strdup(req->arena, gg_json_str(body, "phone")),
                                  .home_unit_id = gg_json_int(body, "home_unit_id", 0),
                                  .must_change_password = 1},
                           .role = gg_strdup(req->arena, gg_json_str(body, "role"))};
    json_decref(body);
    int rc = gg_db_tx(c, create_tx, &x, &err);
    if (rc < 0 && refused(&err)) audit_denial(req, c, auth, "account.create.denied", 0, &err);
    gg_account_t acc;
    if (rc == 0) rc = gg_account_get(c, req->arena, &((gg_app_t *)req->app)->sec, auth, x.id, &acc, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_resp_header(req, "Location", gg_sprintf(req->arena, "/api/v1/accounts/%lld", (long long)x.id));
    gg_jw_t *w = gg_api_json(req, 201);
    write_account(req, w, &acc, 0);
    gg_jw_obj_end(w);
}

struct reveal_ctx {
    const gg_auth_t *auth;
    const gg_account_t *acc;
    gg_arena_t *arena;
};

static int reveal_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct reveal_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    gg_audit_entry_t e = {.action = "pii.read",
                          .object_type = "account",
                          .object_id = gg_sprintf(x->arena, "%lld", (long long)x->acc->id),
                          .unit_id = x->acc->home_unit_id,
                          .detail_json = "{\"fields\":[\"phone\"]}"};
    return gg_audit_append(c, &actor, &e, err);
}

static void get(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    const char *reveal;
    if (gg_api_path_id(req, "id", &id) < 0 || gg_api_query_str(req, "reveal", 32, &reveal) < 0) return;
    if (reveal && strcmp(reveal, "phone") != 0) {
        gg_err_invalid(&err, "reveal", "reveal may only be \"phone\"");
        gg_api_error(req, &err);
        return;
    }
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_account_t acc;
    gg_grant_t *grants = NULL;
    int ngrants = 0;
    int rc = gg_account_get(c, req->arena, &app->sec, auth, id, &acc, &err);
    if (rc == 0 && reveal) {
        if (!gg_auth_can(auth, GG_P_PII_READ, acc.home_unit_path) && auth->account_id != id) {
            rc = gg_err_forbidden(&err, "you may not see unmasked personal data of this account");
        } else if (acc.phone) {
            struct reveal_ctx x = {auth, &acc, req->arena};
            rc = gg_db_tx(c, reveal_tx, &x, &err); /* the read is on record before the data leaves */
        }
    }
    if (rc == 0) rc = gg_account_grants_seen(c, req->arena, auth, id, &grants, &ngrants, &err);
    int64_t locked_until = 0;
    int may_manage = 0, may_grant = 0;
    if (rc == 0) rc = gg_account_locked_until(c, req->arena, acc.username, &locked_until, &err);
    if (rc == 0) rc = gg_account_may(c, req->arena, auth, &acc, &may_manage, &may_grant, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    write_account(req, w, &acc, reveal != NULL);
    gg_jw_ktime(w, "locked_until", locked_until); /* null unless too many wrong passwords locked it */
    gg_jw_key(w, "may");
    gg_jw_obj(w);
    gg_jw_kbool(w, "manage", may_manage);
    gg_jw_kbool(w, "grant", may_grant);
    gg_jw_obj_end(w);
    gg_jw_key(w, "grants");
    gg_jw_arr(w);
    for (int i = 0; i < ngrants; i++) {
        const gg_role_t *role = gg_role_find(grants[i].role);
        gg_jw_obj(w);
        gg_jw_kint(w, "id", grants[i].id);
        gg_jw_kstr(w, "role", grants[i].role);
        gg_jw_kstr(w, "role_name", role ? role->name_zh : grants[i].role);
        if (grants[i].unit_id)
            gg_jw_kint(w, "unit_id", grants[i].unit_id);
        else
            gg_jw_knull(w, "unit_id"); /* outside the caller's scope */
        gg_jw_kstr(w, "unit_code", grants[i].unit_code);
        gg_jw_kstr(w, "unit_name", grants[i].unit_name);
        gg_jw_kbool(w, "outside_scope", !grants[i].unit_id);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

struct update_ctx {
    gg_app_t *app;
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
    gg_account_patch_t patch;
};

static int update_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct update_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_account_update(c, x->arena, &x->app->sec, &actor, x->auth, x->id, &x->patch, err);
}

static void update(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"display_name", GG_F_STR, 0, 1, 64, 0},
        {"phone", GG_F_STR, 0, 0, 20, 0},
        {"status", GG_F_STR, 0, 1, 16, 0},
        {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, 4, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct update_ctx x = {.app = req->app,
                           .arena = req->arena,
                           .auth = auth,
                           .id = id,
                           .patch = {.display_name = gg_strdup(req->arena, gg_json_str(body, "display_name")),
                                     .phone = gg_strdup(req->arena, gg_json_str(body, "phone")),
                                     .status = gg_strdup(req->arena, gg_json_str(body, "status")),
                                     .version = (int)gg_json_int(body, "version", 0)}};
    json_decref(body);
    int rc = gg_db_tx(c, update_tx, &x, &err);
    if (rc < 0 && refused(&err)) audit_denial(req, c, auth, "account.update.denied", id, &err);
    gg_account_t acc;
    if (rc == 0) rc = gg_account_get(c, req->arena, &((gg_app_t *)req->app)->sec, auth, id, &acc, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    write_account(req, w, &acc, 0);
    gg_jw_obj_end(w);
}

struct reset_ctx {
    gg_app_t *app;
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
    const char *password;
};

static int reset_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct reset_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    /* a password set by someone else must be changed at the next login */
    return gg_account_set_password(c, x->arena, &x->app->sec, &actor, x->auth, x->id, x->password,
                                   x->auth->account_id != x->id, NULL, err);
}

struct unlock_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t account_id;
};

static int unlock_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct unlock_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_account_unlock(c, x->arena, &actor, x->auth, x->account_id, err);
}

static void unlock(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    struct unlock_ctx x = {.arena = req->arena, .auth = auth, .account_id = id};
    int rc = gg_db_tx(c, unlock_tx, &x, &err);
    if (rc < 0 && (err.http_status == 403 || err.http_status == 404))
        audit_denial(req, c, auth, "account.unlock.denied", id, &err);
    gg_api_end(req, c);
    if (rc < 0)
        gg_api_error(req, &err);
    else
        req->status = 204;
}

static void reset_password(gg_req_t *req)
{
    static const gg_field_t fields[] = {{"password", GG_F_STR, 1, 1, 128, 0}};
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, 1, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct reset_ctx x = {req->app, req->arena, auth, id,
                          gg_strdup(req->arena, gg_json_str(body, "password"))};
    json_decref(body);
    int rc = gg_db_tx(c, reset_tx, &x, &err);
    if (rc < 0 && refused(&err)) audit_denial(req, c, auth, "account.password.denied", id, &err);
    gg_api_end(req, c);
    if (rc < 0)
        gg_api_error(req, &err);
    else
        req->status = 204;
}

struct grant_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t account_id, unit_id, grant_id;
    const char *role;
};

static int grant_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct grant_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_grant_add(c, x->arena, &actor, x->auth, x->account_id, x->role, x->unit_id, &x->grant_id, err);
}

static int revoke_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct grant_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_grant_remove(c, x->arena, &actor, x->auth, x->account_id, x->grant_id, err);
}

static void grant(gg_req_t *req)
{
    static const gg_field_t fields[] = {{"role", GG_F_STR, 1, 1, 32, 0},
                                        {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0}};
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, 2, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct grant_ctx x = {.arena = req->arena,
                          .auth = auth,
                          .account_id = id,
                          .unit_id = gg_json_int(body, "unit_id", 0),
                          .role = gg_strdup(req->arena, gg_json_str(body, "role"))};
    json_decref(body);
    int rc = gg_db_tx(c, grant_tx, &x, &err);
    if (rc < 0 && refused(&err)) audit_denial(req, c, auth, "grant.denied", id, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 201);
    gg_jw_obj(w);
    gg_jw_kint(w, "id", x.grant_id);
    gg_jw_kint(w, "account_id", id);
    gg_jw_kstr(w, "role", x.role);
    gg_jw_kint(w, "unit_id", x.unit_id);
    gg_jw_obj_end(w);
}

static void revoke(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id, gid;
    if (gg_api_path_id(req, "id", &id) < 0 || gg_api_path_id(req, "grant_id", &gid) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    struct grant_ctx x = {.arena = req->arena, .auth = auth, .account_id = id, .grant_id = gid};
    int rc = gg_db_tx(c, revoke_tx, &x, &err);
    if (rc < 0 && refused(&err)) audit_denial(req, c, auth, "grant.remove.denied", id, &err);
    gg_api_end(req, c);
    if (rc < 0)
        gg_api_error(req, &err);
    else
        req->status = 204;
}

void gg_api_account_routes(gg_router_t *r)
{
    gg_router_add(r, "GET", "/api/v1/accounts", list, NULL);
    gg_router_add(r, "POST", "/api/v1/accounts", create, NULL);
    gg_router_add(r, "GET", "/api/v1/accounts/{id}", get, NULL);
    gg_router_add(r, "PATCH", "/api/v1/accounts/{id}", update, NULL);
    gg_router_add(r, "POST", "/api/v1/accounts/{id}/password", reset_password, NULL);
    gg_router_add(r, "POST", "/api/v1/accounts/{id}/unlock", unlock, NULL);
    gg_router_add(r, "POST", "/api/v1/accounts/{id}/grants", grant, NULL);
    gg_router_add(r, "DELETE", "/api/v1/accounts/{id}/grants/{grant_id}", revoke, NULL);
}
