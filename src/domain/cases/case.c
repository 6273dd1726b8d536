/* case.c — the shared pieces of the case loop (case.h): the row, visibility in SQL, loading one case,
 * appending events, the tasks and duplicates of a case, the loop's settings. */
#include "domain/cases/case.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/cases/case_number.h"
#include "domain/cases/names.h"
#include "domain/outbox.h"
#include "domain/scope.h"
#include "domain/setting.h"

const char *const gg_case_columns =
    "c.id, c.number, c.secret_hash, c.channel, c.line_id, c.external_no, c.category_id, "
    "c.category_version_id, "
    "c.priority, c.description, c.address, c.lat, c.lon, c.place_id, c.unit_id, c.unit_path, "
    "c.owner_unit_id, "
    "c.owner_unit_path, c.handler_unit_id, c.handler_unit_path, c.handler_account_id, c.state, "
    "c.suspended_from, c.suspended_left_ms, c.reporter_account_id, c.anonymous, c.reporter_name_enc, "
    "c.reporter_phone_enc, c.response_limit, c.response_unit, c.handling_limit, c.handling_unit, "
    "c.response_due_at, c.registered_at, c.due_at, c.yellow_at, c.calendar_fallback, c.extension_pending, "
    "c.extension_ms, c.extension_reason, c.supervised, c.supervise_due_at, c.rework_count, c.merged_into, "
    "c.rating, c.rating_comment, c.rated_at, c.closed_at, c.reopen_count, c.created_by, c.created_at, "
    "c.updated_at, c.version, k.name, k.name_en, k.code, lu.name, ou.name, ou.level, hu.name, hl.name";

const char *const gg_case_joins = "JOIN category k ON k.id = c.category_id "
                                  "JOIN unit lu ON lu.id = c.unit_id "
                                  "JOIN unit ou ON ou.id = c.owner_unit_id "
                                  "LEFT JOIN unit hu ON hu.id = c.handler_unit_id "
                                  "LEFT JOIN hotline_line hl ON hl.id = c.line_id";

static const char *txt(gg_db_res_t *r, gg_arena_t *a, int col)
{
    const char *s = gg_db_text(r, col);
    return s ? gg_strdup(a, s) : NULL;
}

static int64_t i64(gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
}

void gg_case_row(gg_db_res_t *r, gg_arena_t *a, const gg_keys_t *keys, gg_case_t *o)
{
    memset(o, 0, sizeof *o);
    int i = 0;
    o->id = i64(r, i++);
    o->number = txt(r, a, i++);
    o->secret_hash = txt(r, a, i++);
    o->channel = txt(r, a, i++);
    o->line_id = i64(r, i++);
    o->external_no = txt(r, a, i++);
    o->category_id = i64(r, i++);
    o->category_version_id = i64(r, i++);
    o->priority = txt(r, a, i++);
    o->description = txt(r, a, i++);
    o->address = txt(r, a, i++);
    o->has_point = !gg_db_isnull(r, i) && !gg_db_isnull(r, i + 1);
    o->lat = o->has_point ? gg_db_f64(r, i) : 0;
    o->lon = o->has_point ? gg_db_f64(r, i + 1) : 0;
    i += 2;
    o->place_id = i64(r, i++);
    o->unit_id = i64(r, i++);
    o->unit_path = txt(r, a, i++);
    o->owner_unit_id = i64(r, i++);
    o->owner_unit_path = txt(r, a, i++);
    o->handler_unit_id = i64(r, i++);
    o->handler_unit_path = txt(r, a, i++);
    o->handler_account_id = i64(r, i++);
    o->state = txt(r, a, i++);
    o->suspended_from = txt(r, a, i++);
    o->suspended_left_ms = gg_db_isnull(r, i) ? -1 : gg_db_i64(r, i);
    i++;
    o->reporter_account_id = i64(r, i++);
    o->anonymous = (int)i64(r, i++);
    const char *name_enc = gg_db_text(r, i++);
    const char *phone_enc = gg_db_text(r, i++);
    o->reporter_name = name_enc && keys ? gg_pii_decrypt(keys, a, name_enc) : NULL;
    o->reporter_phone = phone_enc && keys ? gg_pii_decrypt(keys, a, phone_enc) : NULL;
    o->response_limit = (int)i64(r, i++);
    o->response_unit = txt(r, a, i++);
    o->handling_limit = (int)i64(r, i++);
    o->handling_unit = txt(r, a, i++);
    o->response_due_at = i64(r, i++);
    o->registered_at = i64(r, i++);
    o->due_at = i64(r, i++);
    o->yellow_at = i64(r, i++);
    o->calendar_fallback = (int)i64(r, i++);
    o->extension_pending = (int)i64(r, i++);
    o->extension_ms = i64(r, i++);
    o->extension_reason = txt(r, a, i++);
    o->supervised = (int)i64(r, i++);
    o->supervise_due_at = i64(r, i++);
    o->rework_count = (int)i64(r, i++);
    o->merged_into = i64(r, i++);
    o->rating = txt(r, a, i++);
    o->rating_comment = txt(r, a, i++);
    o->rated_at = i64(r, i++);
    o->closed_at = i64(r, i++);
    o->reopen_count = (int)i64(r, i++);
    o->created_by = i64(r, i++);
    o->created_at = i64(r, i++);
    o->updated_at = i64(r, i++);
    o->version = (int)i64(r, i++);
    o->category_name = txt(r, a, i++);
    o->category_name_en = txt(r, a, i++);
    o->category_code = txt(r, a, i++);
    o->unit_name = txt(r, a, i++);
    o->owner_unit_name = txt(r, a, i++);
    o->owner_unit_level = txt(r, a, i++);
    o->handler_unit_name = txt(r, a, i++);
    o->line_name = txt(r, a, i++);
}

static int has_grant_with(const gg_auth_t *auth, gg_perm_t perm)
{
    for (int i = 0; i < auth->ngrants; i++)
        if ((auth->grants[i].perms & perm) == perm) return 1;
    return 0;
}

const char *gg_case_visible_sql(gg_arena_t *a, const gg_auth_t *auth, const char *al)
{
    if (!auth) return "1=0";
    long long me = auth->account_id > 0 ? (long long)auth->account_id : -1;
    int reads = has_grant_with(auth, GG_P_CASE_READ), handles = has_grant_with(auth, GG_P_CASE_HANDLE);
    const char *handle = gg_scope_sql(a, auth, GG_P_CASE_HANDLE, "t.unit_path");
    if (!reads) {
        /* a department: its tasks and its own reports, driven from the task and reporter indexes */
        if (!handles) return gg_sprintf(a, "%s.reporter_account_id = %lld", al, me);
        return gg_sprintf(a,
                          "%s.id IN (SELECT t.case_id FROM case_task t WHERE %s UNION "
                          "SELECT r.id FROM case_item r WHERE r.reporter_account_id = %lld)",
                          al, handle, me);
    }
    /* case.read over the owner unit needs no term of its own: the owner is the location unit or an ancestor
     * of it (routing and escalation only ever move it up), so a grant covering the owner covers the location
     * (and an OR over two path columns would keep both databases from using either index) */
    const char *read = gg_scope_sql(a, auth, GG_P_CASE_READ, gg_sprintf(a, "%s.unit_path", al));
    if (!handles) return gg_sprintf(a, "(%s OR %s.reporter_account_id = %lld)", read, al, me);
    return gg_sprintf(a,
                      "(%s OR EXISTS (SELECT 1 FROM case_task t WHERE t.case_id = %s.id AND %s) OR "
                      "%s.reporter_account_id = %lld)",
                      read, al, handle, al, me);
}

int gg_case_visible_ids_sql(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const char **out,
                            gg_error_t *err)
{
    *out = NULL;
    if (!auth) return 0;
    int reads = has_grant_with(auth, GG_P_CASE_READ);
    if (reads) {
        /* how many cases lie in the area, counted on the (unit_path, id) index up to the bound */
        int64_t n = 0;
        int found;
        const char *probe =
            gg_sprintf(a, "SELECT COUNT(*) FROM (SELECT 1 FROM case_item v WHERE %s LIMIT %d) p",
                       gg_scope_sql(a, auth, GG_P_CASE_READ, "v.unit_path"), GG_CASE_NARROW_MAX);
        if (gg_db_query_i64(c, probe, GG_NOARGS, &n, &found, err) < 0) return -1;
        if (n >= GG_CASE_NARROW_MAX) return 0;
    }
    long long me = auth->account_id > 0 ? (long long)auth->account_id : -1;
    gg_buf_t b = {0};
    gg_buf_init(&b, 256);
    if (reads)
        gg_buf_printf(&b, "SELECT v.id FROM case_item v WHERE %s UNION ",
                      gg_scope_sql(a, auth, GG_P_CASE_READ, "v.unit_path"));
    if (has_grant_with(auth, GG_P_CASE_HANDLE))
        gg_buf_printf(&b, "SELECT t.case_id FROM case_task t WHERE %s UNION ",
                      gg_scope_sql(a, auth, GG_P_CASE_HANDLE, "t.unit_path"));
    gg_buf_printf(&b, "SELECT r.id FROM case_item r WHERE r.reporter_account_id = %lld", me);
    *out = gg_strdup(a, b.data);
    gg_buf_free(&b);
    return 0;
}

/* the strings of parts (NULL-terminated) one after the other, in a */
static char *cat(gg_arena_t *a, const char *const *parts)
{
    size_t len = 0;
    for (const char *const *p = parts; *p; p++)
        len += strlen(*p);
    char *out = gg_alloc(a, len + 1), *at = out;
    for (const char *const *p = parts; *p; p++) {
        size_t n = strlen(*p);
        memcpy(at, *p, n);
        at += n;
    }
    *at = '\0';
    return out;
}

int gg_case_load_brief(gg_op_t *op, int64_t id, gg_case_t *out, gg_error_t *err)
{
    memset(out, 0, sizeof *out);
    const char *sql =
        cat(op->arena, (const char *[]){"SELECT c.id, c.unit_path, c.owner_unit_path, c.handler_unit_path, "
                                        "c.state FROM case_item c WHERE c.id = $1 AND ",
                                        gg_case_visible_sql(op->arena, op->auth, "c"), NULL});
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        out->id = i64(r, 0);
        out->unit_path = txt(r, op->arena, 1);
        out->owner_unit_path = txt(r, op->arena, 2);
        out->handler_unit_path = txt(r, op->arena, 3);
        out->state = txt(r, op->arena, 4);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_not_found(err, "no case %lld", (long long)id);
    return 0;
}

int gg_case_load(gg_op_t *op, int64_t id, int for_update, gg_case_t *out, gg_error_t *err)
{
    /* the row lock first: a no-op UPDATE locks the row on PostgreSQL (SQLite's BEGIN IMMEDIATE already
     * holds the write lock), portable where SELECT … FOR UPDATE is not */
    if (for_update && gg_db_exec(op->c, "UPDATE case_item SET version = version WHERE id = $1",
                                 GG_ARGS(GG_I64(id)), NULL, err) < 0)
        return -1;
    /* concatenated rather than printed: the column list is long and every case page builds this */
    const char *sql = cat(op->arena, (const char *[]){"SELECT ", gg_case_columns, " FROM case_item c ",
                                                      gg_case_joins, " WHERE c.id = $1 AND ",
                                                      gg_case_visible_sql(op->arena, op->auth, "c"), NULL});
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) gg_case_row(r, op->arena, op->keys, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_not_found(err, "no case %lld", (long long)id);
    return 0;
}

int gg_case_load_tracked(gg_db_conn_t *c, gg_arena_t *a, const char *number, const char *secret,
                         gg_case_t *out, gg_error_t *err)
{
    const char *sql =
        gg_sprintf(a, "SELECT %s FROM case_item c %s WHERE c.number = $1", gg_case_columns, gg_case_joins);
    gg_db_res_t *r;
    if (gg_db_query(c, sql, GG_ARGS(GG_TEXT(number ? number : "")), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) gg_case_row(r, a, NULL, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    char hash[65];
    gg_case_code_hash(number, secret, hash);
    if (step == 0 || !hash[0] || !gg_ct_streq(hash, out->secret_hash))
        return gg_err_not_found(err, "no case with this number and tracking code");
    return 0;
}

int gg_case_visible(gg_op_t *op, int64_t id, gg_error_t *err)
{
    const char *sql = gg_sprintf(op->arena, "SELECT 1 FROM case_item c WHERE c.id = $1 AND %s",
                                 gg_case_visible_sql(op->arena, op->auth, "c"));
    int64_t one;
    int found;
    if (gg_db_query_i64(op->c, sql, GG_ARGS(GG_I64(id)), &one, &found, err) < 0) return -1;
    return found ? 0 : gg_err_not_found(err, "no case %lld", (long long)id);
}

int gg_case_is_staff(const gg_auth_t *auth, const gg_case_t *k)
{
    if (!auth) return 0;
    const gg_perm_t any = GG_P_CASE_READ | GG_P_CASE_DISPATCH | GG_P_CASE_HANDLE | GG_P_CASE_SUPERVISE;
    gg_perm_t p = gg_auth_perms_at(auth, k->unit_path) | gg_auth_perms_at(auth, k->owner_unit_path);
    if (k->handler_unit_path) p |= gg_auth_perms_at(auth, k->handler_unit_path);
    return (p & any) != 0;
}

int gg_case_event_add(gg_op_t *op, const gg_case_event_t *e, int64_t *event_id, gg_error_t *err)
{
    int64_t at = e->at ? e->at : gg_now_ms();
    int64_t account = e->account_id ? e->account_id : op->actor.account_id;
    const char *name = e->actor_name ? e->actor_name : op->actor.username;
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "INSERT INTO case_event (case_id, at, account_id, actor_name, action, from_state, to_state, "
            "unit_id, account_target, note, public, detail) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            GG_ARGS(GG_I64(e->case_id), GG_I64(at), account ? GG_I64(account) : GG_NULL, GG_TEXT(name),
                    GG_TEXT(e->action), GG_TEXT(e->from_state), GG_TEXT(e->to_state),
                    e->unit_id ? GG_I64(e->unit_id) : GG_NULL,
                    e->account_target ? GG_I64(e->account_target) : GG_NULL, GG_TEXT(e->note),
                    GG_I64(e->public ? 1 : 0), GG_TEXT(e->detail)),
            &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    int64_t id = step == 1 ? gg_db_i64(r, 0) : 0;
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_internal(err, "the event was not stored");
    if (event_id) *event_id = id;
    /* every step of every case moves the counter the read caches of the API validate against (case.h): an
     * upsert, so the first events of two transactions cannot both try to create the row */
    if (gg_db_exec(
            op->c,
            "INSERT INTO app_setting (key, value, updated_at) VALUES ('" GG_CASE_GENERATION_KEY
            "', '1', $1) ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(app_setting.value AS BIGINT) + "
            "1 AS TEXT), updated_at = $1",
            GG_ARGS(GG_I64(at)), NULL, err) < 0)
        return -1;
    /* the event leaves the process through the outbox, in this same transaction (domain/outbox.h) */
    return gg_outbox_case_event(op, e, id, at, err);
}

int gg_case_generations(gg_db_conn_t *c, int64_t *cases, int64_t *names, gg_error_t *err)
{
    *cases = *names = 0;
    gg_db_res_t *r;
    /* two primary-key reads as scalar subqueries (an IN list would build a table of its keys each time) */
    if (gg_db_query(c,
                    "SELECT (SELECT value FROM app_setting WHERE key = '" GG_CASE_GENERATION_KEY
                    "'), (SELECT value FROM app_setting WHERE key = '" GG_NAMES_GENERATION_KEY "')",
                    GG_NOARGS, &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        const char *v = gg_db_text(r, 0), *n = gg_db_text(r, 1);
        *cases = v ? strtoll(v, NULL, 10) : 0;
        *names = n ? strtoll(n, NULL, 10) : 0;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_case_page_stamp(gg_db_conn_t *c, int64_t id, int64_t stamp[4], int *found, gg_error_t *err)
{
    *found = 0;
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT c.version, (SELECT COUNT(*) FROM case_event e WHERE e.case_id = c.id), (SELECT "
            "COUNT(*) FROM case_duplicate d JOIN case_event e ON e.case_id = d.other_id WHERE d.case_id "
            "= c.id), (SELECT value FROM app_setting WHERE key = '" GG_NAMES_GENERATION_KEY
            "') FROM case_item c WHERE c.id = $1",
            GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        *found = 1;
        for (int i = 0; i < 3; i++)
            stamp[i] = gg_db_i64(r, i);
        const char *n = gg_db_text(r, 3);
        stamp[3] = n ? strtoll(n, NULL, 10) : 0;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_case_events(gg_op_t *op, int64_t id, int staff, gg_case_event_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    *rows = NULL;
    *n = 0;
    if (gg_db_query(op->c,
                    "SELECT id, case_id, at, account_id, actor_name, action, from_state, to_state, unit_id, "
                    "account_target, note, public, detail FROM case_event "
                    "WHERE case_id = $1 AND ($2 = 1 OR public = 1) ORDER BY id",
                    GG_ARGS(GG_I64(id), GG_I64(staff ? 1 : 0)), &r, err) < 0)
        return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            gg_case_event_t *grown = gg_alloc(op->arena, sizeof *grown * (size_t)cap);
            if (*n) memcpy(grown, *rows, sizeof *grown * (size_t)*n);
            *rows = grown;
        }
        gg_case_event_t *e = &(*rows)[(*n)++];
        memset(e, 0, sizeof *e);
        e->id = gg_db_i64(r, 0);
        e->case_id = gg_db_i64(r, 1);
        e->at = gg_db_i64(r, 2);
        e->account_id = i64(r, 3);
        e->actor_name = txt(r, op->arena, 4);
        e->action = txt(r, op->arena, 5);
        e->from_state = txt(r, op->arena, 6);
        e->to_state = txt(r, op->arena, 7);
        e->unit_id = i64(r, 8);
        e->account_target = i64(r, 9);
        e->note = txt(r, op->arena, 10);
        e->public = (int)i64(r, 11);
        e->detail = txt(r, op->arena, 12);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_case_tasks(gg_op_t *op, int64_t id, gg_case_task_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    *rows = NULL;
    *n = 0;
    if (gg_db_query(op->c,
                    "SELECT t.id, t.case_id, t.unit_id, t.account_id, t.unit_path, u.name, a.display_name, "
                    "t.role, t.state, t.note, t.created_at, t.reported_at FROM case_task t "
                    "JOIN unit u ON u.id = t.unit_id LEFT JOIN account a ON a.id = t.account_id "
                    "WHERE t.case_id = $1 ORDER BY CASE t.role WHEN 'lead' THEN 0 ELSE 1 END, t.id",
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            gg_case_task_t *grown = gg_alloc(op->arena, sizeof *grown * (size_t)cap);
            if (*n) memcpy(grown, *rows, sizeof *grown * (size_t)*n);
            *rows = grown;
        }
        gg_case_task_t *t = &(*rows)[(*n)++];
        t->id = gg_db_i64(r, 0);
        t->case_id = gg_db_i64(r, 1);
        t->unit_id = gg_db_i64(r, 2);
        t->account_id = i64(r, 3);
        t->unit_path = txt(r, op->arena, 4);
        t->unit_name = txt(r, op->arena, 5);
        t->account_name = txt(r, op->arena, 6);
        t->role = txt(r, op->arena, 7);
        t->state = txt(r, op->arena, 8);
        t->note = txt(r, op->arena, 9);
        t->created_at = i64(r, 10);
        t->reported_at = i64(r, 11);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_case_duplicates(gg_op_t *op, int64_t id, gg_case_ref_t **rows, int *n, gg_error_t *err)
{
    const char *sql =
        gg_sprintf(op->arena,
                   "SELECT c.id, c.number, c.state, c.created_at FROM case_duplicate d "
                   "JOIN case_item c ON c.id = d.other_id WHERE d.case_id = $1 AND %s ORDER BY c.id",
                   gg_case_visible_sql(op->arena, op->auth, "c"));
    gg_db_res_t *r;
    *rows = NULL;
    *n = 0;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            gg_case_ref_t *grown = gg_alloc(op->arena, sizeof *grown * (size_t)cap);
            if (*n) memcpy(grown, *rows, sizeof *grown * (size_t)*n);
            *rows = grown;
        }
        gg_case_ref_t *d = &(*rows)[(*n)++];
        d->id = gg_db_i64(r, 0);
        d->number = txt(r, op->arena, 1);
        d->state = txt(r, op->arena, 2);
        d->created_at = gg_db_i64(r, 3);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static double setting_num(gg_db_conn_t *c, gg_arena_t *a, const char *key, double def, double min, double max,
                          gg_error_t *err, int *failed)
{
    const char *v;
    if (gg_setting_get(c, a, key, &v, err) < 0) {
        *failed = 1;
        return def;
    }
    if (!v) return def;
    char *end;
    double d = strtod(v, &end);
    return end != v && *end == '\0' && d >= min && d <= max ? d : def;
}

int gg_case_settings(gg_db_conn_t *c, gg_arena_t *a, gg_case_settings_t *s, gg_error_t *err)
{
    int failed = 0;
    s->yellow_share = setting_num(c, a, "case_yellow_share", 0.8, 0.01, 0.99, err, &failed);
    s->reopen_days = (int)setting_num(c, a, "case_reopen_days", 7, 0, 365, err, &failed);
    s->duplicate_radius_m = (int)setting_num(c, a, "duplicate_radius_m", 100, 0, 100000, err, &failed);
    s->duplicate_window_hours =
        (int)setting_num(c, a, "duplicate_window_hours", 72, 0, 24 * 365, err, &failed);
    return failed ? -1 : 0;
}

static const char *const states[] = {
    "reported",  "accepted", "registered", "dispatched", "in_progress", "awaiting_verification",
    "suspended", "closed",   "rated",      "rejected",   "merged"};

int gg_case_state_valid(const char *state)
{
    for (size_t i = 0; state && i < sizeof states / sizeof states[0]; i++)
        if (!strcmp(states[i], state)) return 1;
    return 0;
}

int gg_case_state_open(const char *state)
{
    return gg_case_state_valid(state) && strcmp(state, "closed") && strcmp(state, "rated") &&
           strcmp(state, "rejected") && strcmp(state, "merged");
}

/* the codes and the names of web/src/locales/cases.zh-CN.js (cases.channels) */
static const char *const channels[][2] = {{"app", "居民随手拍"},   {"hotline", "热线"},
                                          {"patrol", "网格巡查"},  {"walk_in", "来访"},
                                          {"open311", "开放接口"}, {"video_alarm", "视频告警"}};

int gg_case_channel_valid(const char *channel)
{
    for (size_t i = 0; channel && i < sizeof channels / sizeof channels[0]; i++)
        if (!strcmp(channels[i][0], channel)) return 1;
    return 0;
}

const char *gg_case_channel_zh(const char *channel)
{
    for (size_t i = 0; channel && i < sizeof channels / sizeof channels[0]; i++)
        if (!strcmp(channels[i][0], channel)) return channels[i][1];
    return channel ? channel : "";
}
