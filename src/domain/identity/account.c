/* account.c — accounts and grants (see account.h). */
#include "domain/identity/account.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/utf8.h"
#include "domain/identity/audit.h"
#include "domain/identity/session_cache.h"
#include "domain/scope.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"
#include "json/jw.h"

#define ACCOUNT_COLS                                                                                         \
    "a.id, a.username, a.display_name, a.status, a.phone_enc, a.must_change_password, a.home_unit_id, "      \
    "u.path, "                                                                                               \
    "u.name, u.code, a.password_hash, a.created_at, a.updated_at, a.version, p.total_hits, p.last_hit_at, "  \
    "p.flagged_at"
/* id_probe (domain/id_probe.h): out-of-scope ID-number hits, shown to the account's administrators */
#define ACCOUNT_FROM                                                                                         \
    " FROM account a JOIN unit u ON u.id = a.home_unit_id LEFT JOIN id_probe p ON p.account_id = a.id "

static void read_account(gg_db_res_t *r, gg_arena_t *a, const gg_security_t *sec, gg_account_t *o)
{
    o->id = gg_db_i64(r, 0);
    o->username = gg_strdup(a, gg_db_text(r, 1));
    o->display_name = gg_strdup(a, gg_db_text(r, 2));
    o->status = gg_strdup(a, gg_db_text(r, 3));
    o->phone = sec && sec->keys ? gg_pii_decrypt(sec->keys, a, gg_db_text(r, 4)) : NULL;
    o->must_change_password = (int)gg_db_i64(r, 5);
    o->home_unit_id = gg_db_i64(r, 6);
    o->home_unit_path = gg_strdup(a, gg_db_text(r, 7));
    o->home_unit_name = gg_strdup(a, gg_db_text(r, 8));
    o->home_unit_code = gg_strdup(a, gg_db_text(r, 9));
    o->password_hash = gg_strdup(a, gg_db_text(r, 10));
    o->created_at = gg_db_i64(r, 11);
    o->updated_at = gg_db_i64(r, 12);
    o->version = (int)gg_db_i64(r, 13);
    o->id_probe_hits = gg_db_isnull(r, 14) ? 0 : gg_db_i64(r, 14);
    o->id_probe_last_at = gg_db_isnull(r, 15) ? 0 : gg_db_i64(r, 15);
    o->id_probe_flagged_at = gg_db_isnull(r, 16) ? 0 : gg_db_i64(r, 16);
    o->id_probe_visible = 0;
}

/* What an account did that its administrators should look at is theirs to see, not everyone's who can read
 * the account (its owner included). */
static void show_probes_to_managers(const gg_auth_t *auth, gg_account_t *o)
{
    o->id_probe_visible = !auth || gg_auth_can(auth, GG_P_ACCOUNT_MANAGE, o->home_unit_path);
}

int gg_username_valid(const char *u, gg_error_t *err)
{
    size_t n = strlen(u);
    if (n < 2 || n > 64) return gg_err_invalid(err, "username", "the user name must have 2 to 64 characters");
    for (const char *p = u; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
            return gg_err_invalid(err, "username",
                                  "the user name may contain only letters a-z, digits, '.', '_' and '-'");
    return 0;
}

static char *id_text(gg_arena_t *a, int64_t id)
{
    return gg_sprintf(a, "%lld", (long long)id);
}

/* A small JSON object for audit details; keys and values alternate, NULL values written as null. */
static char *detail(gg_arena_t *a, int npairs, ...)
{
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    va_list ap;
    va_start(ap, npairs);
    for (int i = 0; i < npairs; i++) {
        const char *k = va_arg(ap, const char *);
        const char *v = va_arg(ap, const char *);
        gg_jw_kstr(&w, k, v);
    }
    va_end(ap);
    gg_jw_obj_end(&w);
    char *out = gg_strdup(a, b.data);
    gg_buf_free(&b);
    return out;
}

/* Administering an account (changing, resetting, disabling or unlocking it, or changing its roles) needs
 * reach over all of it, not only over its home unit: every grant it holds must lie where the caller holds
 * `perm` and carry no permission the caller lacks there.  Otherwise an administrator of a district could take
 * over an account homed in the district that also holds a role above it, and act with that role.  The
 * refusal names the account (the caller can read it) but not the grant that is out of reach.  People acting
 * on their own account are not held to this (what they may do to themselves is checked by the caller). */
static int reach_ok(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_account_t *target,
                    uint64_t perm, int *ok, gg_error_t *err)
{
    gg_grant_t *grants;
    int n;
    *ok = 1;
    if (!auth || auth->account_id == target->id) return 0;
    if (gg_account_grants(c, a, target->id, &grants, &n, err) < 0) return -1;
    for (int i = 0; i < n && *ok; i++) {
        const gg_grant_t *g = &grants[i];
        *ok = gg_auth_can(auth, perm, g->unit_path) && !(g->perms & ~gg_auth_perms_at(auth, g->unit_path));
    }
    return 0;
}

static int within_reach(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_account_t *target,
                        uint64_t perm, const char *verb, gg_error_t *err)
{
    int ok;
    if (reach_ok(c, a, auth, target, perm, &ok, err) < 0) return -1;
    if (!ok)
        return gg_err_forbidden(err,
                                "you may not %s account %s: it holds a role outside your scope or with "
                                "permissions you do not hold",
                                verb, target->username);
    return 0;
}

int gg_account_may(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_account_t *target,
                   int *manage, int *grant, gg_error_t *err)
{
    *manage = gg_auth_can(auth, GG_P_ACCOUNT_MANAGE, target->home_unit_path);
    *grant = gg_auth_can(auth, GG_P_GRANT_MANAGE, target->home_unit_path);
    if (*manage && reach_ok(c, a, auth, target, GG_P_ACCOUNT_MANAGE, manage, err) < 0) return -1;
    if (*grant && reach_ok(c, a, auth, target, GG_P_GRANT_MANAGE, grant, err) < 0) return -1;
    return 0;
}

int gg_account_create(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_actor_t *actor,
                      const gg_auth_t *auth, const gg_account_new_t *in, int64_t *id, gg_error_t *err)
{
    gg_unit_t home;
    int found;
    if (gg_username_valid(in->username, err) < 0) return -1;
    if (gg_password_policy(in->password, in->username, "password", err) < 0) return -1;
    if (in->phone && *in->phone && gg_phone_valid(in->phone, "phone", err) < 0) return -1;
    if (gg_unit_by_id(c, a, in->home_unit_id, &home, &found, err) < 0) return -1;
    if (!found || (auth && !gg_auth_can(auth, GG_P_ACCOUNT_READ, home.path)))
        return gg_error_set(err, 404, "not_found", "home_unit_id",
                            "unit %lld does not exist or is outside your scope", (long long)in->home_unit_id);
    if (auth && !gg_auth_can(auth, GG_P_ACCOUNT_MANAGE, home.path))
        return gg_err_forbidden(err, "you may not create accounts in %s", home.name);
    char hash[128];
    if (gg_password_hash(in->password, sec->argon2_ops, sec->argon2_mem, hash, err) < 0) return -1;
    const char *phone = in->phone && *in->phone ? in->phone : NULL;
    int64_t now = gg_now_ms();
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "INSERT INTO account (username, display_name, phone_enc, phone_bidx, password_hash, status, "
            "must_change_password, home_unit_id, password_changed_at, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $8, $8) RETURNING id",
            GG_ARGS(GG_TEXT(in->username), GG_TEXT(in->display_name),
                    GG_TEXT(gg_pii_encrypt(sec->keys, a, phone)),
                    GG_TEXT(gg_pii_blind_index(sec->keys, a, phone)), GG_TEXT(hash),
                    GG_I64(in->must_change_password ? 1 : 0), GG_I64(home.id), GG_I64(now)),
            &r, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", "username", "the user name \"%s\" is taken", in->username);
        return -1;
    }
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "account insert returned no id");
    gg_audit_entry_t e = {.action = "account.create",
                          .object_type = "account",
                          .object_id = id_text(a, *id),
                          .unit_id = home.id,
                          .detail_json =
                              detail(a, 2, "username", in->username, "display_name", in->display_name)};
    return gg_audit_append(c, actor, &e, err);
}

int gg_account_by_username(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const char *username,
                           gg_account_t *out, int *found, gg_error_t *err)
{
    gg_db_res_t *r;
    *found = 0;
    if (gg_db_query(c, "SELECT " ACCOUNT_COLS ACCOUNT_FROM "WHERE a.username = $1",
                    GG_ARGS(GG_TEXT(username)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        read_account(r, a, sec, out);
        *found = 1;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_account_get(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_auth_t *auth,
                   int64_t id, gg_account_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    /* the caller's own account is always readable */
    char *sql = gg_sprintf(a, "SELECT " ACCOUNT_COLS ACCOUNT_FROM "WHERE a.id = $1 AND (a.id = $2 OR %s)",
                           gg_scope_sql(a, auth, GG_P_ACCOUNT_READ, "u.path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(id), GG_I64(auth->account_id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        read_account(r, a, sec, out);
        show_probes_to_managers(auth, out);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0)
        return gg_err_not_found(err, "account %lld does not exist or is outside your scope", (long long)id);
    return 0;
}

int gg_account_list(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_auth_t *auth,
                    const char *q, const gg_page_t *page, gg_account_t **rows, int *n, int64_t *total,
                    gg_error_t *err)
{
    gg_db_res_t *r = NULL;
    int step, limit = page->limit > 0 ? page->limit : 50;
    const char *scope = gg_scope_sql(a, auth, GG_P_ACCOUNT_READ, "u.path");
    const char *like = q && *q ? gg_sprintf(a, "%%%s%%", q) : "";
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_account_t) * (size_t)limit);
    char *sql = gg_sprintf(
        a,
        "SELECT " ACCOUNT_COLS ACCOUNT_FROM "WHERE %s "
        "AND a.id > $1 AND (CAST($2 AS TEXT) = '' OR a.username LIKE $2 OR a.display_name LIKE $2) "
        "ORDER BY a.id LIMIT %d",
        scope, limit);
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(page->after), GG_TEXT(like)), &r, err) < 0) return -1;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit) {
        read_account(r, a, sec, &(*rows)[*n]);
        show_probes_to_managers(auth, &(*rows)[(*n)++]);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (total) {
        *total = -1;
        if (page->want_total) {
            sql = gg_sprintf(a,
                             "SELECT count(*) FROM account a JOIN unit u ON u.id = a.home_unit_id WHERE %s "
                             "AND (CAST($1 AS TEXT) = '' OR a.username LIKE $1 OR a.display_name LIKE $1)",
                             scope);
            int found;
            if (gg_db_query_i64(c, sql, GG_ARGS(GG_TEXT(like)), total, &found, err) < 0) return -1;
        }
    }
    return 0;
}

int gg_account_update(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_actor_t *actor,
                      const gg_auth_t *auth, int64_t id, const gg_account_patch_t *p, gg_error_t *err)
{
    gg_account_t cur;
    if (gg_account_get(c, a, sec, auth, id, &cur, err) < 0) return -1;
    int self = auth->account_id == id;
    if (!gg_auth_can(auth, GG_P_ACCOUNT_MANAGE, cur.home_unit_path)) {
        /* people may change their own display name and phone, nothing else */
        if (!self || p->status) return gg_err_forbidden(err, "you may not change account %s", cur.username);
    }
    if (within_reach(c, a, auth, &cur, GG_P_ACCOUNT_MANAGE, "change", err) < 0) return -1;
    if (self && p->status && strcmp(p->status, "active") != 0)
        return gg_err_invalid(err, "status", "you cannot disable your own account");
    if (p->version && p->version != cur.version)
        return gg_error_set(
            err, 409, "version_conflict", "version",
            "account %s was changed by someone else (version %d, you sent %d); reload and retry",
            cur.username, cur.version, p->version);
    if (p->status && strcmp(p->status, "active") && strcmp(p->status, "disabled"))
        return gg_err_invalid(err, "status", "status must be active or disabled");
    if (p->phone && *p->phone && gg_phone_valid(p->phone, "phone", err) < 0) return -1;
    const char *name = p->display_name ? p->display_name : cur.display_name;
    const char *status = p->status ? p->status : cur.status;
    const char *phone = p->phone ? (*p->phone ? p->phone : NULL) : cur.phone;
    int64_t changes;
    if (gg_db_exec(c,
                   "UPDATE account SET display_name = $1, status = $2, phone_enc = $3, phone_bidx = $4, "
                   "updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7",
                   GG_ARGS(GG_TEXT(name), GG_TEXT(status), GG_TEXT(gg_pii_encrypt(sec->keys, a, phone)),
                           GG_TEXT(gg_pii_blind_index(sec->keys, a, phone)), GG_I64(gg_now_ms()), GG_I64(id),
                           GG_I64(cur.version)),
                   &changes, err) < 0)
        return -1;
    if (changes != 1)
        return gg_error_set(err, 409, "version_conflict", "version",
                            "account %s was changed concurrently; retry", cur.username);
    gg_session_cache_invalidate_on_commit(c); /* name, status: what sessions carry */
    if (strcmp(status, "disabled") == 0 && strcmp(cur.status, "disabled") != 0 &&
        gg_db_exec(c, "UPDATE session SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
                   GG_ARGS(GG_I64(gg_now_ms()), GG_I64(id)), NULL, err) < 0)
        return -1;
    /* before/after for the sensitive fields; the phone itself is not copied into the log */
    int phone_changed =
        (phone == NULL) != (cur.phone == NULL) || (phone && cur.phone && strcmp(phone, cur.phone));
    gg_audit_entry_t e = {.action = "account.update",
                          .object_type = "account",
                          .object_id = id_text(a, id),
                          .unit_id = cur.home_unit_id,
                          .detail_json =
                              detail(a, 5, "display_name_before", cur.display_name, "display_name_after",
                                     name, "status_before", cur.status, "status_after", status, "phone",
                                     phone_changed ? "changed" : "unchanged")};
    return gg_audit_append(c, actor, &e, err);
}

int gg_account_set_password(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_actor_t *actor,
                            const gg_auth_t *auth, int64_t id, const char *password, int must_change,
                            const char *keep_token_hash, gg_error_t *err)
{
    gg_account_t cur;
    if (auth) {
        if (gg_account_get(c, a, sec, auth, id, &cur, err) < 0) return -1;
        if (auth->account_id != id && !gg_auth_can(auth, GG_P_ACCOUNT_MANAGE, cur.home_unit_path))
            return gg_err_forbidden(err, "you may not set the password of %s", cur.username);
        if (within_reach(c, a, auth, &cur, GG_P_ACCOUNT_MANAGE, "set the password of", err) < 0) return -1;
    } else {
        gg_db_res_t *r;
        if (gg_db_query(c, "SELECT " ACCOUNT_COLS ACCOUNT_FROM "WHERE a.id = $1", GG_ARGS(GG_I64(id)), &r,
                        err) < 0)
            return -1;
        int step = gg_db_next(r, err);
        if (step == 1) read_account(r, a, sec, &cur);
        gg_db_res_free(r);
        if (step != 1)
            return step < 0 ? -1 : gg_err_not_found(err, "account %lld does not exist", (long long)id);
    }
    const char *field = auth && auth->account_id == id ? "new_password" : "password";
    if (gg_password_policy(password, cur.username, field, err) < 0) return -1;
    if (gg_password_verify(cur.password_hash, password))
        return gg_err_invalid(err, field, "the new password must differ from the current one");
    char hash[128];
    if (gg_password_hash(password, sec->argon2_ops, sec->argon2_mem, hash, err) < 0) return -1;
    int64_t now = gg_now_ms();
    if (gg_db_exec(
            c,
            "UPDATE account SET password_hash = $1, must_change_password = $2, password_changed_at = $3, "
            "updated_at = $3, version = version + 1 WHERE id = $4",
            GG_ARGS(GG_TEXT(hash), GG_I64(must_change ? 1 : 0), GG_I64(now), GG_I64(id)), NULL, err) < 0)
        return -1;
    gg_session_cache_invalidate_on_commit(c);
    /* a new password ends every other session of the account */
    if (gg_db_exec(c,
                   "UPDATE session SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL "
                   "AND token_hash <> $3",
                   GG_ARGS(GG_I64(now), GG_I64(id), GG_TEXT(keep_token_hash ? keep_token_hash : "")), NULL,
                   err) < 0)
        return -1;
    gg_audit_entry_t e = {.action = "account.password",
                          .object_type = "account",
                          .object_id = id_text(a, id),
                          .unit_id = cur.home_unit_id,
                          .detail_json =
                              detail(a, 1, "by", auth && auth->account_id == id ? "self" : "administrator")};
    return gg_audit_append(c, actor, &e, err);
}

int gg_account_grants(gg_db_conn_t *c, gg_arena_t *a, int64_t account_id, gg_grant_t **rows, int *n,
                      gg_error_t *err)
{
    gg_db_res_t *r;
    int cap = 16, step;
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_grant_t) * (size_t)cap);
    if (gg_db_query(c,
                    "SELECT g.id, g.role, g.unit_id, u.path, u.code, u.name FROM role_grant g "
                    "JOIN unit u ON u.id = g.unit_id WHERE g.account_id = $1 ORDER BY g.id",
                    GG_ARGS(GG_I64(account_id)), &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_grant_t *bigger = gg_alloc(a, sizeof(gg_grant_t) * (size_t)cap * 2);
            memcpy(bigger, *rows, sizeof(gg_grant_t) * (size_t)cap);
            *rows = bigger;
            cap *= 2;
        }
        gg_grant_t *g = &(*rows)[(*n)++];
        g->id = gg_db_i64(r, 0);
        g->role = gg_strdup(a, gg_db_text(r, 1));
        const gg_role_t *role = gg_role_find(g->role);
        g->perms = role ? role->perms : 0;
        g->unit_id = gg_db_i64(r, 2);
        g->unit_path = gg_strdup(a, gg_db_text(r, 3));
        g->unit_code = gg_strdup(a, gg_db_text(r, 4));
        g->unit_name = gg_strdup(a, gg_db_text(r, 5));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_account_grants_seen(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t account_id,
                           gg_grant_t **rows, int *n, gg_error_t *err)
{
    if (gg_account_grants(c, a, account_id, rows, n, err) < 0) return -1;
    for (int i = 0; auth && i < *n; i++) {
        gg_grant_t *g = &(*rows)[i];
        if (gg_auth_can(auth, GG_P_UNIT_READ, g->unit_path)) continue;
        g->unit_id = 0;
        g->unit_path = g->unit_code = g->unit_name = NULL;
    }
    return 0;
}

int gg_grant_add(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                 int64_t account_id, const char *role_code, int64_t unit_id, int64_t *grant_id,
                 gg_error_t *err)
{
    const gg_role_t *role = gg_role_find(role_code);
    if (!role) return gg_err_invalid(err, "role", "unknown role \"%s\"", role_code);
    gg_account_t target;
    gg_unit_t unit;
    int found;
    if (auth) {
        if (gg_account_get(c, a, NULL, auth, account_id, &target, err) < 0) return -1;
        if (gg_unit_get_scoped(c, a, auth, GG_P_UNIT_READ, unit_id, &unit, err) < 0) {
            snprintf(err->field, sizeof err->field, "unit_id");
            return -1;
        }
        if (!gg_auth_can(auth, GG_P_GRANT_MANAGE, unit.path))
            return gg_err_forbidden(err, "you may not grant roles at %s", unit.name);
        if (!gg_auth_can(auth, GG_P_GRANT_MANAGE, target.home_unit_path))
            return gg_err_forbidden(err, "account %s belongs to a unit outside your grant scope",
                                    target.username);
        uint64_t mine = gg_auth_perms_at(auth, unit.path);
        if ((role->perms & mine) != role->perms)
            return gg_err_forbidden(err, "you cannot grant %s: it carries permissions you do not hold at %s",
                                    role->code, unit.name);
        if (within_reach(c, a, auth, &target, GG_P_GRANT_MANAGE, "change the roles of", err) < 0) return -1;
    } else {
        if (gg_unit_by_id(c, a, unit_id, &unit, &found, err) < 0) return -1;
        if (!found)
            return gg_error_set(err, 404, "not_found", "unit_id", "unit %lld does not exist",
                                (long long)unit_id);
    }
    if (unit.retired_at) return gg_err_invalid(err, "unit_id", "unit %s is retired", unit.name);
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "INSERT INTO role_grant (account_id, role, unit_id, granted_by, created_at) "
                    "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    GG_ARGS(GG_I64(account_id), GG_TEXT(role->code), GG_I64(unit.id),
                            actor && actor->account_id ? GG_I64(actor->account_id) : GG_NULL,
                            GG_I64(gg_now_ms())),
                    &r, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", "role", "the account already has %s at %s", role->code,
                         unit.name);
        else if (err->http_status == 500 && strstr(err->message, "FOREIGN KEY"))
            gg_error_set(err, 404, "not_found", "account_id", "account %lld does not exist",
                         (long long)account_id);
        return -1;
    }
    int step = gg_db_next(r, err);
    if (step == 1) *grant_id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "grant insert returned no id");
    gg_session_cache_invalidate_on_commit(c);
    gg_audit_entry_t e = {.action = "grant.add",
                          .object_type = "account",
                          .object_id = id_text(a, account_id),
                          .unit_id = unit.id,
                          .detail_json = detail(a, 2, "role", role->code, "unit", unit.code)};
    return gg_audit_append(c, actor, &e, err);
}

int gg_grant_remove(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                    int64_t account_id, int64_t grant_id, gg_error_t *err)
{
    gg_grant_t *grants;
    int n;
    gg_account_t target;
    if (auth && gg_account_get(c, a, NULL, auth, account_id, &target, err) < 0) return -1;
    if (gg_account_grants(c, a, account_id, &grants, &n, err) < 0) return -1;
    const gg_grant_t *g = NULL;
    for (int i = 0; i < n; i++)
        if (grants[i].id == grant_id) g = &grants[i];
    if (!g) return gg_err_not_found(err, "grant %lld does not exist on this account", (long long)grant_id);
    if (auth && !gg_auth_can(auth, GG_P_GRANT_MANAGE, g->unit_path))
        return gg_err_forbidden(err, "you may not revoke a role granted outside your grant scope");
    if (auth && within_reach(c, a, auth, &target, GG_P_GRANT_MANAGE, "change the roles of", err) < 0)
        return -1;
    if (gg_db_exec(c, "DELETE FROM role_grant WHERE id = $1 AND account_id = $2",
                   GG_ARGS(GG_I64(grant_id), GG_I64(account_id)), NULL, err) < 0)
        return -1;
    gg_session_cache_invalidate_on_commit(c);
    gg_audit_entry_t e = {.action = "grant.remove",
                          .object_type = "account",
                          .object_id = id_text(a, account_id),
                          .unit_id = g->unit_id,
                          .detail_json = detail(a, 2, "role", g->role, "unit", g->unit_code)};
    return gg_audit_append(c, actor, &e, err);
}

/* Lockouts are per (account, client address): keys "ua:NAME/ADDR" (domain/session.c). */
static const char *lock_prefix(gg_arena_t *a, const char *username)
{
    return gg_sprintf(a, "ua:%s/", username);
}

int gg_account_locked_until(gg_db_conn_t *c, gg_arena_t *a, const char *username, int64_t *until,
                            gg_error_t *err)
{
    int found;
    *until = 0;
    if (gg_db_query_i64(c,
                        "SELECT COALESCE(MAX(locked_until), 0) FROM login_throttle "
                        "WHERE substr(key, 1, length(CAST($1 AS TEXT))) = $1",
                        GG_ARGS(GG_TEXT(lock_prefix(a, username))), until, &found, err) < 0)
        return -1;
    if (!found || *until <= gg_now_ms()) *until = 0;
    return 0;
}

int gg_account_unlock(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                      int64_t id, gg_error_t *err)
{
    gg_account_t cur;
    if (gg_account_get(c, a, NULL, auth, id, &cur, err) < 0) return -1;
    if (!gg_auth_can(auth, GG_P_ACCOUNT_MANAGE, cur.home_unit_path))
        return gg_err_forbidden(err, "you may not unlock account %s", cur.username);
    if (within_reach(c, a, auth, &cur, GG_P_ACCOUNT_MANAGE, "unlock", err) < 0) return -1;
    int64_t changes;
    /* the account's counters and its locks at every address; a locked client address ("ip:") stays
     * locked (it may be an attacker's) */
    if (gg_db_exec(
            c, "DELETE FROM login_throttle WHERE key = $1 OR substr(key, 1, length(CAST($2 AS TEXT))) = $2",
            GG_ARGS(GG_TEXT(gg_sprintf(a, "u:%s", cur.username)), GG_TEXT(lock_prefix(a, cur.username))),
            &changes, err) < 0)
        return -1;
    gg_audit_entry_t e = {.action = "account.unlock",
                          .object_type = "account",
                          .object_id = id_text(a, id),
                          .unit_id = cur.home_unit_id,
                          .detail_json = changes ? "{\"was_locked\":true}" : "{\"was_locked\":false}"};
    return gg_audit_append(c, actor, &e, err);
}
