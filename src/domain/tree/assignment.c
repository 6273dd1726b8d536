/* assignment.c — grid assignments and the "no worker" / "too many households" queries (see assignment.h). */
#include "domain/tree/assignment.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/utf8.h"
#include "domain/identity/account.h"
#include "domain/identity/audit.h"
#include "domain/scope.h"
#include "domain/validate.h"
#include "json/jw.h"

const char *const gg_duties[] = {
    "grid_leader", "grid_worker", "unit_chief", "building_chief", "household_head_contact", NULL};

#define ASSIGNMENT_COLS                                                                                      \
    "ga.id, ga.unit_id, u.level, u.code, u.name, u.path, ga.duty, ga.account_id, acc.username, "             \
    "acc.display_name, ga.person_name, ga.person_phone_enc, ga.building_id, b.name, ga.entrance, ga.note, "  \
    "ga.starts_on, ga.ends_on, ga.created_at, ga.ended_at"
#define ASSIGNMENT_FROM                                                                                      \
    " FROM grid_assignment ga JOIN unit u ON u.id = ga.unit_id LEFT JOIN account acc ON acc.id = "           \
    "ga.account_id "                                                                                         \
    "LEFT JOIN building b ON b.id = ga.building_id "

/* starts_on <= today < ends_on, on 'YYYY-MM-DD' text (which sorts like the dates) */
#define CURRENT(alias, today)                                                                                \
    alias ".starts_on <= " today " AND (" alias ".ends_on IS NULL OR " alias ".ends_on > " today ")"

static int is_current(const char *starts_on, const char *ends_on, const char *today)
{
    return strcmp(starts_on, today) <= 0 && (!ends_on || strcmp(ends_on, today) > 0);
}

static void read_assignment(gg_db_res_t *r, gg_arena_t *a, const gg_security_t *sec, const char *today,
                            gg_assignment_t *o)
{
    memset(o, 0, sizeof *o);
    o->id = gg_db_i64(r, 0);
    o->unit_id = gg_db_i64(r, 1);
    o->unit_level = gg_strdup(a, gg_db_text(r, 2));
    o->unit_code = gg_strdup(a, gg_db_text(r, 3));
    o->unit_name = gg_strdup(a, gg_db_text(r, 4));
    o->unit_path = gg_strdup(a, gg_db_text(r, 5));
    o->duty = gg_strdup(a, gg_db_text(r, 6));
    o->account_id = gg_db_isnull(r, 7) ? 0 : gg_db_i64(r, 7);
    o->username = gg_strdup(a, gg_db_text(r, 8));
    o->display_name = gg_strdup(a, gg_db_text(r, 9));
    o->person_name = gg_strdup(a, gg_db_text(r, 10));
    o->person_phone = sec && sec->keys ? gg_pii_decrypt(sec->keys, a, gg_db_text(r, 11)) : NULL;
    o->building_id = gg_db_isnull(r, 12) ? 0 : gg_db_i64(r, 12);
    o->building_name = gg_strdup(a, gg_db_text(r, 13));
    o->entrance = gg_strdup(a, gg_db_text(r, 14));
    o->note = gg_strdup(a, gg_db_text(r, 15));
    o->starts_on = gg_strdup(a, gg_db_text(r, 16));
    o->ends_on = gg_strdup(a, gg_db_text(r, 17));
    o->created_at = gg_db_i64(r, 18);
    o->ended_at = gg_db_isnull(r, 19) ? 0 : gg_db_i64(r, 19);
    o->current = is_current(o->starts_on, o->ends_on, today);
}

static int can_assign(const gg_auth_t *auth, const char *path)
{
    return !auth || gg_auth_can(auth, GG_P_UNIT_MANAGE, path) || gg_auth_can(auth, GG_P_ACCOUNT_MANAGE, path);
}

static int check_text(gg_arena_t *a, const char **s, const char *field, int max, gg_error_t *err)
{
    if (gg_text_field(a, s, field, 0, err) < 0) return -1;
    if (*s && gg_utf8_len(*s) > (size_t)max)
        return gg_err_invalid(err, field, "%s is too long (at most %d characters)", field, max);
    return 0;
}

/* The person: an account the caller can read, or a name (and phone) — one of the two. */
static int check_person(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_auth_t *auth,
                        gg_assignment_new_t *in, gg_error_t *err)
{
    int needs_account = !strcmp(in->duty, "grid_leader") || !strcmp(in->duty, "grid_worker");
    if (check_text(a, &in->person_name, "person_name", 50, err) < 0) return -1;
    if (in->account_id && (in->person_name || in->person_phone))
        return gg_err_invalid(err, "person_name",
                              "give either account_id or person_name (and person_phone), not both");
    if (!in->account_id) {
        if (needs_account)
            return gg_err_invalid(err, "account_id",
                                  "a %s must be an account: they log in to work their grid", in->duty);
        if (!in->person_name)
            return gg_err_invalid(err, "person_name",
                                  "give account_id, or person_name for someone without an account");
        if (in->person_phone && gg_phone_valid(in->person_phone, "person_phone", err) < 0) return -1;
        return 0;
    }
    const char *status = NULL;
    if (auth) {
        gg_account_t acc;
        if (gg_account_get(c, a, sec, auth, in->account_id, &acc, err) < 0) {
            if (err->http_status == 404)
                gg_error_set(err, 404, "not_found", "account_id",
                             "account %lld does not exist or is outside your scope",
                             (long long)in->account_id);
            return -1;
        }
        status = acc.status;
    } else {
        gg_db_res_t *r;
        if (gg_db_query(c, "SELECT status FROM account WHERE id = $1", GG_ARGS(GG_I64(in->account_id)), &r,
                        err) < 0)
            return -1;
        int step = gg_db_next(r, err);
        if (step == 1) status = gg_strdup(a, gg_db_text(r, 0));
        gg_db_res_free(r);
        if (step < 0) return -1;
        if (step == 0)
            return gg_error_set(err, 404, "not_found", "account_id", "account %lld does not exist",
                                (long long)in->account_id);
    }
    if (status && strcmp(status, "active") != 0)
        return gg_err_invalid(err, "account_id", "account %lld is %s", (long long)in->account_id, status);
    return 0;
}

/* A building of this grid or of one of its micro-grids. */
static int check_building(gg_db_conn_t *c, gg_arena_t *a, const gg_grid_t *g, gg_assignment_new_t *in,
                          gg_error_t *err)
{
    if (check_text(a, &in->entrance, "entrance", 20, err) < 0) return -1;
    if (!in->building_id) {
        if (in->entrance) return gg_err_invalid(err, "entrance", "an entrance needs building_id");
        return 0;
    }
    if (!strcmp(in->duty, "grid_leader") || !strcmp(in->duty, "grid_worker"))
        return gg_err_invalid(err, "building_id", "a %s serves the whole grid, not one building", in->duty);
    int64_t n = 0;
    int found;
    if (gg_db_query_i64(c,
                        "SELECT count(*) FROM building b JOIN unit m ON m.id = b.grid_id WHERE b.id = $1 "
                        "AND (m.id = $2 OR m.parent_id = $2)",
                        GG_ARGS(GG_I64(in->building_id), GG_I64(g->id)), &n, &found, err) < 0)
        return -1;
    if (!n)
        return gg_err_invalid(err, "building_id", "building %lld does not stand in %s (%s)",
                              (long long)in->building_id, g->name, g->code);
    return 0;
}

static int check_dates(gg_assignment_new_t *in, const char *today, gg_error_t *err)
{
    if (!in->starts_on) in->starts_on = today;
    if (gg_date_valid(in->starts_on, "starts_on", err) < 0) return -1;
    if (in->ends_on) {
        if (gg_date_valid(in->ends_on, "ends_on", err) < 0) return -1;
        if (strcmp(in->ends_on, in->starts_on) <= 0)
            return gg_err_invalid(
                err, "ends_on",
                "ends_on is the first day no longer served, so it must come after starts_on %s",
                in->starts_on);
    }
    return 0;
}

int gg_assignment_create(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_actor_t *actor,
                         const gg_auth_t *auth, const gg_assignment_new_t *input, int64_t *id,
                         gg_error_t *err)
{
    gg_assignment_new_t in = *input;
    gg_grid_t g;
    char today[11];
    gg_today(today);
    if (auth) {
        if (gg_grid_get(c, a, auth, in.unit_id, &g, err) < 0) return -1;
    } else {
        /* the operator (CLI, demo) sees everything */
        const char *cond = "u.id = $1";
        gg_grid_t *rows;
        int n;
        if (gg_grid_select(c, a, cond, GG_ARGS(GG_I64(in.unit_id)), 1, &rows, &n, err) < 0) return -1;
        if (!n) return gg_err_not_found(err, "grid %lld does not exist", (long long)in.unit_id);
        g = rows[0];
    }
    if (!can_assign(auth, g.path)) return gg_err_forbidden(err, "you may not assign people to %s", g.name);
    if (g.retired_at) return gg_err_invalid(err, NULL, "grid %s (%s) is retired", g.name, g.code);
    if (gg_choice_valid(in.duty, gg_duties, "duty", err) < 0) return -1;
    if (check_person(c, a, sec, auth, &in, err) < 0 || check_building(c, a, &g, &in, err) < 0 ||
        check_dates(&in, today, err) < 0 || check_text(a, &in.note, "note", 200, err) < 0)
        return -1;
    const char *phone = in.person_phone && *in.person_phone ? in.person_phone : NULL;
    const gg_keys_t *keys = sec ? sec->keys : NULL;
    if (phone && !keys) return gg_err_internal(err, "no key to encrypt the phone number with");
    int64_t now = gg_now_ms();
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "INSERT INTO grid_assignment (unit_id, unit_path, duty, account_id, person_name, "
            "person_phone_enc, person_phone_bidx, building_id, entrance, note, starts_on, ends_on, "
            "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
            "RETURNING id",
            GG_ARGS(GG_I64(g.id), GG_TEXT(g.path), GG_TEXT(in.duty),
                    in.account_id ? GG_I64(in.account_id) : GG_NULL, GG_TEXT(in.person_name),
                    GG_TEXT(phone ? gg_pii_encrypt(keys, a, phone) : NULL),
                    GG_TEXT(phone ? gg_pii_blind_index(keys, a, phone) : NULL),
                    in.building_id ? GG_I64(in.building_id) : GG_NULL, GG_TEXT(in.entrance), GG_TEXT(in.note),
                    GG_TEXT(in.starts_on), GG_TEXT(in.ends_on), GG_I64(now),
                    actor && actor->account_id ? GG_I64(actor->account_id) : GG_NULL),
            &r, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", "account_id",
                         !strcmp(in.duty, "grid_leader")
                             ? "%s already has a grid leader; end that assignment first"
                             : "this person already serves %s in this duty; end that assignment first",
                         g.name);
        return -1;
    }
    int step = gg_db_next(r, err);
    if (step == 1) *id = gg_db_i64(r, 0);
    gg_db_res_free(r);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "assignment insert returned no id");
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "duty", in.duty);
    gg_jw_kint(&w, "grid_id", g.id);
    if (in.account_id) gg_jw_kint(&w, "account_id", in.account_id);
    if (in.person_name) gg_jw_kstr(&w, "person_name", in.person_name);
    if (phone) gg_jw_kstr(&w, "person_phone", "set"); /* never the number itself */
    gg_jw_kstr(&w, "starts_on", in.starts_on);
    if (in.ends_on) gg_jw_kstr(&w, "ends_on", in.ends_on);
    gg_jw_obj_end(&w);
    gg_audit_entry_t e = {.action = "grid_assignment.create",
                          .object_type = "grid_assignment",
                          .object_id = gg_sprintf(a, "%lld", (long long)*id),
                          .unit_id = g.id,
                          .detail_json = gg_strdup(a, b.data)};
    gg_buf_free(&b);
    return gg_audit_append(c, actor, &e, err);
}

int gg_assignment_get(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_auth_t *auth,
                      int64_t id, gg_assignment_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    char today[11];
    gg_today(today);
    char *sql = gg_sprintf(a, "SELECT " ASSIGNMENT_COLS ASSIGNMENT_FROM "WHERE ga.id = $1 AND %s",
                           auth ? gg_scope_sql(a, auth, GG_P_UNIT_READ, "ga.unit_path") : "1=1");
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_assignment(r, a, sec, today, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0)
        return gg_err_not_found(err, "assignment %lld does not exist or is outside your scope",
                                (long long)id);
    return 0;
}

int gg_assignment_end(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                      int64_t id, const char *ends_on, gg_error_t *err)
{
    gg_assignment_t cur;
    char today[11];
    gg_today(today);
    if (gg_assignment_get(c, a, NULL, auth, id, &cur, err) < 0) return -1;
    if (!can_assign(auth, cur.unit_path))
        return gg_err_forbidden(err, "you may not change the assignments of %s", cur.unit_name);
    if (!ends_on) ends_on = today;
    if (gg_date_valid(ends_on, "ends_on", err) < 0) return -1;
    if (cur.ends_on && strcmp(cur.ends_on, today) <= 0)
        return gg_err_conflict(err, "assignment %lld already ended on %s", (long long)id, cur.ends_on);
    if (strcmp(ends_on, cur.starts_on) < 0)
        return gg_err_invalid(err, "ends_on", "ends_on cannot come before the assignment started (%s)",
                              cur.starts_on);
    if (gg_db_exec(c, "UPDATE grid_assignment SET ends_on = $1, ended_at = $2, ended_by = $3 WHERE id = $4",
                   GG_ARGS(GG_TEXT(ends_on), GG_I64(gg_now_ms()),
                           actor && actor->account_id ? GG_I64(actor->account_id) : GG_NULL, GG_I64(id)),
                   NULL, err) < 0)
        return -1;
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "duty", cur.duty);
    gg_jw_kint(&w, "grid_id", cur.unit_id);
    gg_jw_kstr(&w, "ends_on_before", cur.ends_on);
    gg_jw_kstr(&w, "ends_on", ends_on);
    gg_jw_obj_end(&w);
    gg_audit_entry_t e = {.action = "grid_assignment.end",
                          .object_type = "grid_assignment",
                          .object_id = gg_sprintf(a, "%lld", (long long)id),
                          .unit_id = cur.unit_id,
                          .detail_json = gg_strdup(a, b.data)};
    gg_buf_free(&b);
    return gg_audit_append(c, actor, &e, err);
}

int gg_assignment_list(gg_db_conn_t *c, gg_arena_t *a, const gg_security_t *sec, const gg_auth_t *auth,
                       int64_t grid_id, int include_ended, gg_assignment_t **rows, int *n, gg_error_t *err)
{
    gg_grid_t g;
    gg_db_res_t *r;
    int step, cap = 32;
    char today[11];
    gg_today(today);
    *n = 0;
    if (gg_grid_get(c, a, auth, grid_id, &g, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_assignment_t) * (size_t)cap);
    char *sql =
        gg_sprintf(a,
                   "SELECT " ASSIGNMENT_COLS ASSIGNMENT_FROM
                   "WHERE ga.unit_id = $1 AND ($2 = 1 OR " CURRENT("ga", "$3") ") AND %s ORDER BY ga.id",
                   gg_scope_sql(a, auth, GG_P_UNIT_READ, "ga.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(grid_id), GG_I64(include_ended ? 1 : 0), GG_TEXT(today)), &r,
                    err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_assignment_t *bigger = gg_alloc(a, sizeof(gg_assignment_t) * (size_t)cap * 2);
            memcpy(bigger, *rows, sizeof(gg_assignment_t) * (size_t)cap);
            *rows = bigger;
            cap *= 2;
        }
        read_assignment(r, a, sec, today, &(*rows)[(*n)++]);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* current first, each group in the order made */
    gg_assignment_t *sorted = gg_alloc(a, sizeof(gg_assignment_t) * (size_t)(*n ? *n : 1));
    int k = 0;
    for (int pass = 1; pass >= 0; pass--)
        for (int i = 0; i < *n; i++)
            if ((*rows)[i].current == pass) sorted[k++] = (*rows)[i];
    *rows = sorted;
    return 0;
}

int gg_grids_unassigned(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t unit_id,
                        const gg_page_t *page, gg_grid_t **rows, int *n, gg_error_t *err)
{
    const char *lo, *hi;
    char today[11];
    gg_today(today);
    if (gg_grid_subtree(c, a, auth, unit_id, "unit_id", &lo, &hi, err) < 0) return -1;
    char *cond = gg_sprintf(a,
                            "u.level = 'grid' AND u.retired_at IS NULL AND u.path >= $1 AND u.path < $2 "
                            "AND u.id > $3 AND %s AND NOT EXISTS (SELECT 1 FROM grid_assignment ga WHERE "
                            "ga.unit_id = u.id AND ga.duty = 'grid_worker' AND " CURRENT("ga", "$4") ")",
                            gg_scope_sql(a, auth, GG_P_UNIT_READ, "u.path"));
    return gg_grid_select(c, a, cond, GG_ARGS(GG_TEXT(lo), GG_TEXT(hi), GG_I64(page->after), GG_TEXT(today)),
                          page->limit, rows, n, err);
}

int gg_workers_overloaded(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t unit_id,
                          int64_t max_households, int limit, gg_overloaded_t **rows, int *n, gg_error_t *err)
{
    const char *lo, *hi;
    gg_db_res_t *r;
    int step;
    char today[11];
    gg_today(today);
    *n = 0;
    if (gg_grid_subtree(c, a, auth, unit_id, "unit_id", &lo, &hi, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_overloaded_t) * (size_t)(limit > 0 ? limit : 1));
    /* one row per (account, grid) first, so a person listed twice on a grid is not counted twice */
    char *sql = gg_sprintf(
        a,
        "SELECT acc.id, acc.username, acc.display_name, count(*), sum(x.households) FROM "
        "(SELECT DISTINCT ga.account_id, u.id AS grid_id, " GG_GRID_HOUSEHOLDS_SQL(
            "u") " AS households FROM grid_assignment ga JOIN unit u ON u.id = ga.unit_id "
                 "WHERE ga.duty = 'grid_worker' AND ga.account_id IS NOT NULL AND " CURRENT(
                     "ga", "$1") " AND u.retired_at IS NULL AND u.path >= $2 AND u.path < $3 AND %s) x "
                                 "JOIN account acc ON acc.id = x.account_id GROUP BY acc.id, acc.username, "
                                 "acc.display_name HAVING sum(x.households) > $4 ORDER BY sum(x.households) "
                                 "DESC, acc.id "
                                 "LIMIT %d",
        gg_scope_sql(a, auth, GG_P_UNIT_READ, "u.path"), limit);
    if (gg_db_query(c, sql, GG_ARGS(GG_TEXT(today), GG_TEXT(lo), GG_TEXT(hi), GG_I64(max_households)), &r,
                    err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit) {
        gg_overloaded_t *o = &(*rows)[(*n)++];
        o->account_id = gg_db_i64(r, 0);
        o->username = gg_strdup(a, gg_db_text(r, 1));
        o->display_name = gg_strdup(a, gg_db_text(r, 2));
        o->grids = gg_db_i64(r, 3);
        o->households = gg_db_i64(r, 4);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}
