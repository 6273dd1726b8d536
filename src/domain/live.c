/* live.c — notifications written with case steps, the scope of a case event, the hub's reads (live.h). */
#include "domain/live.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/command/command.h"
#include "json/jw.h"

static void (*waker)(void);

void gg_live_set_waker(void (*fn)(void))
{
    waker = fn;
}

static void wake_hook(gg_db_conn_t *c, void *ctx)
{
    (void)c;
    (void)ctx;
    if (waker) waker();
}

/* The staff of unit: active accounts holding a role with perm at the unit itself, or homed at the unit
 * with such a role at or above it (a department's staff often hold their role at the street). */
static int notify_unit(gg_op_t *op, const char *kind, int64_t case_id, int64_t unit, gg_perm_t perm,
                       const char *params, gg_error_t *err)
{
    if (unit <= 0) return 0;
    gg_buf_t roles = {0};
    for (int i = 0; i < gg_nroles; i++)
        if (gg_roles[i].perms & perm)
            gg_buf_printf(&roles, "%s'%s'", roles.len ? ", " : "", gg_roles[i].code);
    if (!roles.len) return 0;
    const char *sql = gg_sprintf(
        op->arena,
        "INSERT INTO notification (account_id, kind, case_id, params, created_at) "
        "SELECT DISTINCT g.account_id, $3, CAST($4 AS BIGINT), $5, CAST($6 AS BIGINT) FROM role_grant g "
        "JOIN account a ON a.id = g.account_id AND a.status = 'active' JOIN unit gu ON gu.id = g.unit_id "
        "JOIN unit t ON t.id = $1 WHERE g.role IN (%s) AND g.account_id <> $2 AND (g.unit_id = t.id OR "
        "(a.home_unit_id = t.id AND substr(t.path, 1, length(gu.path)) = gu.path))",
        roles.data);
    gg_buf_free(&roles);
    return gg_db_exec(op->c, sql,
                      GG_ARGS(GG_I64(unit), GG_I64(op->actor.account_id > 0 ? op->actor.account_id : -1),
                              GG_TEXT(kind), GG_I64(case_id), GG_TEXT(params), GG_I64(gg_now_ms())),
                      NULL, err);
}

static int notify_account(gg_op_t *op, const char *kind, int64_t case_id, int64_t account, const char *params,
                          gg_error_t *err)
{
    if (account <= 0 || account == op->actor.account_id) return 0;
    return gg_db_exec(
        op->c,
        "INSERT INTO notification (account_id, kind, case_id, params, created_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        GG_ARGS(GG_I64(account), GG_TEXT(kind), GG_I64(case_id), GG_TEXT(params), GG_I64(gg_now_ms())), NULL,
        err);
}

int gg_live_case_event(gg_op_t *op, const gg_case_event_t *e, const char **scope, gg_error_t *err)
{
    gg_db_res_t *r;
    *scope = NULL;
    if (gg_db_query(op->c,
                    "SELECT c.unit_path, c.owner_unit_path, c.reporter_account_id, c.number, k.code, "
                    "c.owner_unit_id, c.handler_unit_id, c.handler_account_id, c.rating "
                    "FROM case_item c JOIN category k ON k.id = c.category_id WHERE c.id = $1",
                    GG_ARGS(GG_I64(e->case_id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step <= 0) {
        gg_db_res_free(r);
        return step < 0 ? -1 : gg_err_internal(err, "no case %lld for its event", (long long)e->case_id);
    }
    gg_buf_t s = {0};
    /* the reporter sees only public events (as GET /cases/{id}/events shows a non-staff caller) */
    gg_buf_printf(&s, "u=%s;o=%s;r=%lld;t=", gg_db_text(r, 0), gg_db_text(r, 1),
                  gg_db_isnull(r, 2) || !e->public ? 0LL : (long long)gg_db_i64(r, 2));
    const char *number = gg_strdup(op->arena, gg_db_text(r, 3)),
               *code = gg_strdup(op->arena, gg_db_text(r, 4));
    int64_t owner = gg_db_i64(r, 5), hunit = gg_db_isnull(r, 6) ? 0 : gg_db_i64(r, 6),
            haccount = gg_db_isnull(r, 7) ? 0 : gg_db_i64(r, 7);
    const char *rating = gg_db_isnull(r, 8) ? NULL : gg_strdup(op->arena, gg_db_text(r, 8));
    gg_db_res_free(r);
    if (gg_db_query(op->c, "SELECT unit_path FROM case_task WHERE case_id = $1 AND state <> 'withdrawn'",
                    GG_ARGS(GG_I64(e->case_id)), &r, err) < 0) {
        gg_buf_free(&s);
        return -1;
    }
    int first = 1;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_buf_printf(&s, "%s%s", first ? "" : ",", gg_db_text(r, 0));
        first = 0;
    }
    gg_db_res_free(r);
    if (step < 0) {
        gg_buf_free(&s);
        return -1;
    }
    *scope = gg_strdup(op->arena, s.data);
    gg_buf_free(&s);

    gg_buf_t p = {0};
    gg_jw_t w;
    gg_jw_init(&w, &p);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "number", number);
    gg_jw_kstr(&w, "category_code", code);
    gg_jw_kstr(&w, "action", e->action);
    gg_jw_obj_end(&w);
    const char *params = gg_strdup(op->arena, p.data);
    gg_buf_free(&p);

    const char *a = e->action;
    int rc = 0;
    if (!strcmp(a, "dispatch") || !strcmp(a, "reassign")) {
        rc = notify_unit(op, "new_task", e->case_id, hunit, GG_P_CASE_HANDLE, params, err);
    } else if (!strcmp(a, "supervise") || !strcmp(a, "mark_yellow") || !strcmp(a, "mark_red") ||
               !strcmp(a, "extend_expire")) {
        const char *kind = a[0] == 's'   ? "supervised"
                           : a[0] == 'e' ? "extension_expired"
                           : a[5] == 'y' ? "near_due"
                                         : "overdue";
        rc = haccount ? notify_account(op, kind, e->case_id, haccount, params, err)
                      : notify_unit(op, kind, e->case_id, hunit, GG_P_CASE_HANDLE, params, err);
        if (rc == 0 && !strcmp(a, "mark_red") && owner != hunit)
            rc = notify_unit(op, kind, e->case_id, owner, GG_P_CASE_DISPATCH, params, err);
    } else if (!strcmp(a, "remind_overdue")) {
        /* still overdue (domain/cases/sla.h): the assignee, the owner's dispatchers, its supervisors */
        rc = haccount ? notify_account(op, "overdue_reminder", e->case_id, haccount, params, err)
                      : notify_unit(op, "overdue_reminder", e->case_id, hunit, GG_P_CASE_HANDLE, params, err);
        if (rc == 0 && owner != hunit)
            rc = notify_unit(op, "overdue_reminder", e->case_id, owner,
                             GG_P_CASE_DISPATCH | GG_P_CASE_SUPERVISE, params, err);
    } else if (!strcmp(a, "escalate")) {
        /* the new owner (the case row is already written): its dispatchers take it from here */
        rc = notify_unit(op, "escalated", e->case_id, owner, GG_P_CASE_DISPATCH, params, err);
    } else if (!strcmp(a, "return")) {
        rc = notify_unit(op, "returned", e->case_id, owner, GG_P_CASE_DISPATCH, params, err);
    } else if (!strcmp(a, "rate") && rating && !strcmp(rating, "unsatisfied")) {
        rc = notify_unit(op, "rated", e->case_id, owner, GG_P_CASE_DISPATCH, params, err);
    }
    if (rc == 0) rc = gg_command_case_event(op, e, err); /* 今日办结 (domain/command/command.h) */
    if (rc < 0) return -1;
    /* other nodes' hubs hear of it at commit (api/stream.c listens on PostgreSQL); this node's at once */
    if (gg_db_conn_kind(op->c) == GG_DB_POSTGRES &&
        gg_db_exec(op->c, "SELECT pg_notify('gg_live', '')", GG_NOARGS, NULL, err) < 0)
        return -1;
    gg_db_on_commit(op->c, wake_hook, NULL);
    return 0;
}

/* does the comma-separated list of paths have one that a grant with perm covers */
static int any_path(const gg_auth_t *auth, gg_perm_t perm, const char *list, size_t len)
{
    char path[256];
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && list[j] != ',')
            j++;
        if (j - i > 0 && j - i < sizeof path) {
            memcpy(path, list + i, j - i);
            path[j - i] = 0;
            if (gg_auth_can(auth, perm, path)) return 1;
        }
        i = j + 1;
    }
    return 0;
}

int gg_live_visible(const gg_auth_t *auth, const char *scope)
{
    if (!auth || !scope) return 0;
    const char *p = scope;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len >= 2 && p[1] == '=') {
            const char *v = p + 2;
            size_t vl = len - 2;
            if ((p[0] == 'u' || p[0] == 'o') && any_path(auth, GG_P_CASE_READ, v, vl)) return 1;
            if (p[0] == 't' && any_path(auth, GG_P_CASE_HANDLE, v, vl)) return 1;
            if (p[0] == 'r' && auth->account_id > 0 && strtoll(v, NULL, 10) == auth->account_id) return 1;
        }
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

int gg_notifications(gg_op_t *op, int unread_only, int64_t after, int limit, gg_notification_t **rows, int *n,
                     gg_error_t *err)
{
    gg_db_res_t *r;
    *rows = NULL;
    *n = 0;
    /* newest first; after is a cursor: ids below it */
    if (gg_db_query(
            op->c,
            "SELECT id, kind, case_id, params, read_at, created_at FROM notification "
            "WHERE account_id = $1 AND ($2 = 0 OR read_at IS NULL) AND ($3 = 0 OR id < $3) "
            "ORDER BY id DESC LIMIT $4",
            GG_ARGS(GG_I64(op->auth->account_id), GG_I64(unread_only ? 1 : 0), GG_I64(after), GG_I64(limit)),
            &r, err) < 0)
        return -1;
    *rows = gg_zalloc(op->arena, sizeof **rows * (size_t)(limit > 0 ? limit : 1));
    int step;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit) {
        gg_notification_t *x = &(*rows)[(*n)++];
        x->id = gg_db_i64(r, 0);
        x->kind = gg_strdup(op->arena, gg_db_text(r, 1));
        x->case_id = gg_db_isnull(r, 2) ? 0 : gg_db_i64(r, 2);
        x->params = gg_strdup(op->arena, gg_db_text(r, 3));
        x->read_at = gg_db_isnull(r, 4) ? 0 : gg_db_i64(r, 4);
        x->created_at = gg_db_i64(r, 5);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_notification_unread(gg_db_conn_t *c, int64_t account_id, int64_t *count, gg_error_t *err)
{
    return gg_db_query_i64(c, "SELECT COUNT(*) FROM notification WHERE account_id = $1 AND read_at IS NULL",
                           GG_ARGS(GG_I64(account_id)), count, NULL, err);
}

int gg_notification_read(gg_op_t *op, int64_t id, gg_error_t *err)
{
    int64_t mine = 0;
    if (gg_db_query_i64(op->c, "SELECT COUNT(*) FROM notification WHERE id = $1 AND account_id = $2",
                        GG_ARGS(GG_I64(id), GG_I64(op->auth->account_id)), &mine, NULL, err) < 0)
        return -1;
    if (!mine) return gg_err_not_found(err, "no notification %lld", (long long)id);
    if (gg_db_exec(op->c, "UPDATE notification SET read_at = $1 WHERE id = $2 AND read_at IS NULL",
                   GG_ARGS(GG_I64(gg_now_ms()), GG_I64(id)), NULL, err) < 0)
        return -1;
    gg_db_on_commit(op->c, wake_hook, NULL);
    return 0;
}

int gg_notification_read_all(gg_op_t *op, int64_t *changed, gg_error_t *err)
{
    if (gg_db_exec(op->c, "UPDATE notification SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL",
                   GG_ARGS(GG_I64(gg_now_ms()), GG_I64(op->auth->account_id)), changed, err) < 0)
        return -1;
    gg_db_on_commit(op->c, wake_hook, NULL);
    return 0;
}

int gg_live_outbox_after(gg_db_conn_t *c, gg_arena_t *a, int64_t after, int limit, gg_live_row_t **rows,
                         int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    *n = 0;
    *rows = gg_zalloc(a, sizeof **rows * (size_t)(limit > 0 ? limit : 1));
    if (gg_db_query(c,
                    "SELECT id, event_type, payload, scope FROM outbox WHERE id > $1 AND scope IS NOT NULL "
                    "ORDER BY id LIMIT $2",
                    GG_ARGS(GG_I64(after), GG_I64(limit)), &r, err) < 0)
        return -1;
    int step;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit) {
        gg_live_row_t *x = &(*rows)[(*n)++];
        x->id = gg_db_i64(r, 0);
        x->type = gg_strdup(a, gg_db_text(r, 1));
        x->payload = gg_strdup(a, gg_db_text(r, 2));
        x->scope = gg_strdup(a, gg_db_text(r, 3));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_live_outbox_last(gg_db_conn_t *c, int64_t *id, gg_error_t *err)
{
    return gg_db_query_i64(c, "SELECT COALESCE(MAX(id), 0) FROM outbox", GG_NOARGS, id, NULL, err);
}

int gg_live_notification_last(gg_db_conn_t *c, int64_t *id, gg_error_t *err)
{
    return gg_db_query_i64(c, "SELECT COALESCE(MAX(id), 0) FROM notification", GG_NOARGS, id, NULL, err);
}

int gg_live_notified_after(gg_db_conn_t *c, gg_arena_t *a, int64_t after, int64_t **accounts, int *n,
                           int64_t *last, gg_error_t *err)
{
    gg_db_res_t *r;
    *n = 0;
    *last = after;
    int cap = 64;
    *accounts = gg_alloc(a, sizeof **accounts * (size_t)cap);
    if (gg_db_query(c, "SELECT id, account_id FROM notification WHERE id > $1 ORDER BY id LIMIT 1000",
                    GG_ARGS(GG_I64(after)), &r, err) < 0)
        return -1;
    int step;
    while ((step = gg_db_next(r, err)) == 1) {
        int64_t id = gg_db_i64(r, 0), acc = gg_db_i64(r, 1);
        if (id > *last) *last = id;
        int seen = 0;
        for (int i = 0; i < *n && !seen; i++)
            seen = (*accounts)[i] == acc;
        if (seen) continue;
        if (*n == cap) {
            int64_t *g = gg_alloc(a, sizeof *g * (size_t)cap * 2);
            memcpy(g, *accounts, sizeof *g * (size_t)cap);
            *accounts = g;
            cap *= 2;
        }
        (*accounts)[(*n)++] = acc;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static int hex64(const char *h)
{
    if (!h || strlen(h) != 64) return 0;
    for (const char *p = h; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
    return 1;
}

int gg_live_sessions_alive(gg_db_conn_t *c, gg_arena_t *a, const char *const *hashes, int n, int64_t now,
                           int64_t idle_ms, int *alive, gg_error_t *err)
{
    for (int i = 0; i < n; i++)
        alive[i] = 0;
    for (int from = 0; from < n; from += 500) {
        int to = from + 500 < n ? from + 500 : n;
        gg_buf_t in = {0};
        for (int i = from; i < to; i++)
            if (hex64(hashes[i])) gg_buf_printf(&in, "%s'%s'", in.len ? ", " : "", hashes[i]);
        if (!in.len) continue;
        /* the hashes are checked hex: safe in the text */
        const char *sql =
            gg_sprintf(a,
                       "SELECT token_hash FROM session WHERE token_hash IN (%s) AND revoked_at IS NULL "
                       "AND expires_at > $1 AND last_seen_at > $2",
                       in.data);
        gg_buf_free(&in);
        gg_db_res_t *r;
        if (gg_db_query(c, sql, GG_ARGS(GG_I64(now), GG_I64(now - idle_ms)), &r, err) < 0) return -1;
        int step;
        while ((step = gg_db_next(r, err)) == 1) {
            const char *h = gg_db_text(r, 0);
            for (int i = from; i < to; i++)
                if (!alive[i] && hashes[i] && !strcmp(hashes[i], h)) alive[i] = 1;
        }
        gg_db_res_free(r);
        if (step < 0) return -1;
    }
    return 0;
}
