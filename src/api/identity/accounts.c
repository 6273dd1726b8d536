/*
 * accounts.c — /api/v1/accounts: list, create, read, update, reset password,
 * grant and revoke roles.  Scope and escalation rules live in
 * domain/account.c; refused attempts (403, and 404 beyond the caller's scope)
 * are audited here, in a transaction of their own, because the refused change
 * rolled back (the write runner's refused_action, api/write.h).
 *
 * The phone number is shown masked; ?reveal=phone shows it to callers with
 * pii.read over the account's unit, and that read is audited.
 */
#include <string.h>

#include "api/export.h"
#include "api/api.h"
#include "api/body.h"
#include "api/write.h"
#include "domain/identity/account.h"
#include "domain/identity/audit.h"

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

static gg_security_t *sec_of(const gg_write_t *w)
{
    return &((gg_app_t *)w->req->app)->sec;
}

struct account_query {
    const char *q;
    gg_page_t page;
};

static int list_parse(gg_write_t *w)
{
    struct account_query *x = w->state;
    int64_t total_flag;
    if (gg_api_query_page(w->req, 200, 50, &x->page) < 0 ||
        gg_api_query_int(w->req, "total", 0, 1, 0, &total_flag) < 0 ||
        gg_api_query_str(w->req, "q", 64, &x->q) < 0)
        return -1;
    x->page.want_total = (int)total_flag;
    return 0;
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    struct account_query *x = w->state;
    gg_account_t *rows;
    int n;
    int64_t total;
    if (gg_account_list(w->op.c, w->op.arena, sec_of(w), w->op.auth, x->q, &x->page, &rows, &n, &total, err) <
        0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        write_account(w->req, jw, &rows[i], 0);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, x->page.limit, n ? rows[n - 1].id : 0, total);
    return 0;
}

/* ?format=xlsx (api/export.h) */
static const gg_export_col_t list_cols[] = {
    {"username", "用户名", 18},         {"display_name", "姓名", 12}, {"home_unit.name", "所属单位", 20},
    {"home_unit.code", "单位代码", 14}, {"phone", "手机号", 14},      {"status", "状态", 10},
    {"created_at", "创建时间", 26},
};
static const gg_export_t LIST_XLSX = {"accounts", "账号", GG_EXPORT_COLS(list_cols)};

static const gg_write_op_t LIST = {.state_size = sizeof(struct account_query),
                                   .parse = list_parse,
                                   .respond = list_respond,
                                   .xlsx = &LIST_XLSX};

/* The account w->result, without its grants (the answer of its writes). */
static int account_respond(gg_write_t *w, gg_error_t *err)
{
    gg_account_t acc;
    if (gg_account_get(w->op.c, w->op.arena, sec_of(w), w->op.auth, w->result, &acc, err) < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    write_account(w->req, jw, &acc, 0);
    gg_jw_obj_end(jw);
    return 0;
}

static int create_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_account_new_t in = {.username = gg_json_str(w->body, "username"),
                           .display_name = gg_json_str(w->body, "display_name"),
                           .password = gg_json_str(w->body, "password"),
                           .phone = gg_json_str(w->body, "phone"),
                           .home_unit_id = gg_json_int(w->body, "home_unit_id", 0),
                           .must_change_password = 1};
    const char *role = gg_json_str(w->body, "role");
    if (gg_account_create(op->c, op->arena, sec_of(w), &op->actor, op->auth, &in, &w->result, err) < 0)
        return -1;
    int64_t gid;
    if (role &&
        gg_grant_add(op->c, op->arena, &op->actor, op->auth, w->result, role, in.home_unit_id, &gid, err) < 0)
        return -1;
    return 0;
}

static const gg_field_t create_fields[] = {
    {"username", GG_F_STR, 1, 2, 64, 0},
    {"display_name", GG_F_STR, 1, 1, 64, 0},
    {"password", GG_F_STR, 1, 1, 128, 0},
    {"phone", GG_F_STR, 0, 0, 20, 1},
    {"home_unit_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"role", GG_F_STR, 0, 1, 32, 1},
};

static const gg_write_op_t CREATE = {
    .fields = GG_FIELDS(create_fields),
    .run = create_run,
    .respond = account_respond,
    .status = 201,
    .location = "/api/v1/accounts/%lld",
    .refused_action = "account.create.denied",
    .refused_type = "account",
};

struct account_read {
    int reveal;
    gg_account_t acc;
};

static int reveal_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    gg_write_t *w = ctx;
    const gg_account_t *acc = &((const struct account_read *)w->state)->acc;
    gg_audit_entry_t e = {.action = "pii.read",
                          .object_type = "account",
                          .object_id = gg_sprintf(w->op.arena, "%lld", (long long)acc->id),
                          .unit_id = acc->home_unit_id,
                          .detail_json = "{\"fields\":[\"phone\"]}"};
    return gg_audit_append(c, &w->op.actor, &e, err);
}

static int get_parse(gg_write_t *w)
{
    struct account_read *x = w->state;
    const char *reveal;
    if (gg_api_query_str(w->req, "reveal", 32, &reveal) < 0) return -1;
    if (reveal && strcmp(reveal, "phone") != 0) {
        gg_error_t err;
        gg_err_invalid(&err, "reveal", "reveal may only be \"phone\"");
        gg_api_error(w->req, &err);
        return -1;
    }
    x->reveal = reveal != NULL;
    return 0;
}

/* The account with its grants; ?reveal=phone to the account itself or a caller with pii.read over it, the
 * read on record (committed) before the data leaves. */
static int get_respond(gg_write_t *w, gg_error_t *err)
{
    struct account_read *x = w->state;
    const gg_op_t *op = &w->op;
    gg_grant_t *grants = NULL;
    int ngrants = 0;
    int64_t locked_until = 0;
    int may_manage = 0, may_grant = 0;
    if (gg_account_get(op->c, op->arena, sec_of(w), op->auth, w->id, &x->acc, err) < 0) return -1;
    if (x->reveal) {
        if (!gg_auth_can(op->auth, GG_P_PII_READ, x->acc.home_unit_path) && op->auth->account_id != w->id)
            return gg_err_forbidden(err, "you may not see unmasked personal data of this account");
        if (x->acc.phone && gg_db_tx(op->c, reveal_tx, w, err) < 0) return -1;
    }
    if (gg_account_grants_seen(op->c, op->arena, op->auth, w->id, &grants, &ngrants, err) < 0 ||
        gg_account_locked_until(op->c, op->arena, x->acc.username, &locked_until, err) < 0 ||
        gg_account_may(op->c, op->arena, op->auth, &x->acc, &may_manage, &may_grant, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    write_account(w->req, jw, &x->acc, x->reveal);
    gg_jw_ktime(jw, "locked_until", locked_until); /* null unless too many wrong passwords locked it */
    gg_jw_key(jw, "may"); /* what the caller may do to this account: the page offers only that */
    gg_jw_obj(jw);
    gg_jw_kbool(jw, "manage", may_manage);
    gg_jw_kbool(jw, "grant", may_grant);
    gg_jw_obj_end(jw);
    gg_jw_key(jw, "grants");
    gg_body_grants(jw, grants, ngrants);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t GET = {
    .path_ids = {"id"},
    .state_size = sizeof(struct account_read),
    .parse = get_parse,
    .respond = get_respond,
};

static int update_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_account_patch_t patch = {.display_name = gg_json_str(w->body, "display_name"),
                                .phone = gg_json_str(w->body, "phone"),
                                .status = gg_json_str(w->body, "status"),
                                .version = (int)gg_json_int(w->body, "version", 0)};
    return gg_account_update(op->c, op->arena, sec_of(w), &op->actor, op->auth, w->id, &patch, err);
}

static const gg_field_t update_fields[] = {
    {"display_name", GG_F_STR, 0, 1, 64, 0},
    {"phone", GG_F_STR, 0, 0, 20, 0},
    {"status", GG_F_STR, 0, 1, 16, 0},
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
};

static const gg_write_op_t UPDATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(update_fields),
    .run = update_run,
    .respond = account_respond,
    .refused_action = "account.update.denied",
    .refused_type = "account",
};

static int reset_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    /* a password set by someone else must be changed at the next login */
    return gg_account_set_password(op->c, op->arena, sec_of(w), &op->actor, op->auth, w->id,
                                   gg_json_str(w->body, "password"), op->auth->account_id != w->id, NULL,
                                   err);
}

static const gg_field_t reset_fields[] = {{"password", GG_F_STR, 1, 1, 128, 0}};

static const gg_write_op_t RESET_PASSWORD = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(reset_fields),
    .run = reset_run,
    .refused_action = "account.password.denied",
    .refused_type = "account",
};

static int unlock_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_account_unlock(op->c, op->arena, &op->actor, op->auth, w->id, err);
}

static const gg_write_op_t UNLOCK = {
    .path_ids = {"id"},
    .run = unlock_run,
    .refused_action = "account.unlock.denied",
    .refused_type = "account",
};

static int grant_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_grant_add(op->c, op->arena, &op->actor, op->auth, w->id, gg_json_str(w->body, "role"),
                        gg_json_int(w->body, "unit_id", 0), &w->result, err);
}

/* The grant just made (w->result) as the body sent it. */
static int grant_respond(gg_write_t *w, gg_error_t *err)
{
    (void)err;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", w->result);
    gg_jw_kint(jw, "account_id", w->id);
    gg_jw_kstr(jw, "role", gg_json_str(w->body, "role"));
    gg_jw_kint(jw, "unit_id", gg_json_int(w->body, "unit_id", 0));
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_field_t grant_fields[] = {{"role", GG_F_STR, 1, 1, 32, 0},
                                          {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0}};

static const gg_write_op_t GRANT = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(grant_fields),
    .run = grant_run,
    .respond = grant_respond,
    .status = 201,
    .refused_action = "grant.denied",
    .refused_type = "account",
};

static int revoke_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_grant_remove(op->c, op->arena, &op->actor, op->auth, w->id, w->ids[1], err);
}

static const gg_write_op_t REVOKE = {
    .path_ids = {"id", "grant_id"},
    .run = revoke_run,
    .refused_action = "grant.remove.denied",
    .refused_type = "account",
};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/accounts", LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/accounts", CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/accounts/{id}", GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/accounts/{id}", UPDATE),
    GG_WRITE_ROUTE("POST", "/api/v1/accounts/{id}/password", RESET_PASSWORD),
    GG_WRITE_ROUTE("POST", "/api/v1/accounts/{id}/unlock", UNLOCK),
    GG_WRITE_ROUTE("POST", "/api/v1/accounts/{id}/grants", GRANT),
    GG_WRITE_ROUTE("DELETE", "/api/v1/accounts/{id}/grants/{grant_id}", REVOKE),
};

int gg_api_account_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
