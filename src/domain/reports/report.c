/* report.c — report rows: request, list, read, files, and the worker's schedule and work (report.h).  The
 * figures and the files are report_render.c's. */
#include "domain/reports/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/identity/audit.h"
#include "domain/scope.h"
#include "domain/tree/unit.h"

#define REPORT_LOCK_KEY 74121923        /* pg_try_advisory_xact_lock key of the report job */
#define SHANGHAI_MS (8LL * 3600 * 1000) /* UTC+8, no DST */
#define STALE_RUNNING_MS (10LL * 60 * 1000)

/* ---- reading rows ---- */

#define REPORT_COLS                                                                                          \
    "r.id, r.unit_id, u.name, u.level, r.period, r.kind, r.status, r.origin, r.error, r.pdf_sha256, "        \
    "r.xlsx_sha256, r.pdf_size, r.xlsx_size, r.requested_by, r.created_at, r.started_at, r.generated_at, "   \
    "r.updated_at"

static const char *dup_or_null(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

static void read_row(gg_arena_t *a, gg_db_res_t *r, gg_report_t *o)
{
    o->id = gg_db_i64(r, 0);
    o->unit_id = gg_db_i64(r, 1);
    o->unit_name = dup_or_null(a, r, 2);
    o->unit_level = dup_or_null(a, r, 3);
    o->period = dup_or_null(a, r, 4);
    o->kind = dup_or_null(a, r, 5);
    o->status = dup_or_null(a, r, 6);
    o->origin = dup_or_null(a, r, 7);
    o->error = dup_or_null(a, r, 8);
    o->pdf_sha256 = dup_or_null(a, r, 9);
    o->xlsx_sha256 = dup_or_null(a, r, 10);
    o->pdf_size = gg_db_i64(r, 11);
    o->xlsx_size = gg_db_i64(r, 12);
    o->requested_by = gg_db_i64(r, 13);
    o->created_at = gg_db_i64(r, 14);
    o->started_at = gg_db_i64(r, 15);
    o->generated_at = gg_db_i64(r, 16);
    o->updated_at = gg_db_i64(r, 17);
}

/* The end of a path's range: '/1/7/' → '/1/70' ('0' follows '/'). */
static char *path_end(gg_arena_t *a, const char *path)
{
    char *e = gg_strdup(a, path);
    size_t n = strlen(e);
    if (n) e[n - 1] = '0';
    return e;
}

int gg_report_list(gg_op_t *op, int64_t unit_id, int subtree, int limit, gg_report_t **rows, int *n,
                   gg_error_t *err)
{
    *rows = NULL;
    *n = 0;
    gg_unit_t u;
    if (gg_unit_get_scoped(op->c, op->arena, op->auth, GG_P_DASHBOARD_READ, unit_id, &u, err) < 0) return -1;
    const char *scope = gg_scope_sql(op->arena, op->auth, GG_P_DASHBOARD_READ, "r.unit_path");
    const char *sql =
        gg_sprintf(op->arena,
                   "SELECT " REPORT_COLS " FROM report r JOIN unit u ON u.id = r.unit_id WHERE (%s) AND "
                   "%s ORDER BY r.period DESC, u.code, r.id LIMIT $4",
                   scope, subtree ? "r.unit_path >= $2 AND r.unit_path < $3 AND $1 > 0" : "r.unit_id = $1");
    gg_db_res_t *r;
    if (gg_db_query(
            op->c, sql,
            GG_ARGS(GG_I64(unit_id), GG_TEXT(u.path), GG_TEXT(path_end(op->arena, u.path)), GG_I64(limit)),
            &r, err) < 0)
        return -1;
    int cap = 16, rc;
    gg_report_t *out = gg_alloc(op->arena, sizeof *out * (size_t)cap);
    while ((rc = gg_db_next(r, err)) > 0) {
        if (*n == cap) {
            gg_report_t *bigger = gg_alloc(op->arena, sizeof *out * (size_t)cap * 2);
            memcpy(bigger, out, sizeof *out * (size_t)cap);
            out = bigger;
            cap *= 2;
        }
        read_row(op->arena, r, &out[(*n)++]);
    }
    gg_db_res_free(r);
    if (rc < 0) return -1;
    *rows = out;
    return 0;
}

int gg_report_get(gg_op_t *op, int64_t id, gg_report_t *o, gg_error_t *err)
{
    const char *scope = gg_scope_sql(op->arena, op->auth, GG_P_DASHBOARD_READ, "r.unit_path");
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    gg_sprintf(op->arena,
                               "SELECT " REPORT_COLS " FROM report r JOIN unit u ON u.id = r.unit_id "
                               "WHERE r.id = $1 AND (%s)",
                               scope),
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int rc = gg_db_next(r, err);
    if (rc > 0) read_row(op->arena, r, o);
    gg_db_res_free(r);
    if (rc < 0) return -1;
    if (rc == 0) return gg_err_not_found(err, "no report %lld here", (long long)id);
    return 0;
}

int gg_report_file(gg_op_t *op, int64_t id, const char *format, gg_report_t *meta, const void **data,
                   size_t *len, gg_error_t *err)
{
    if (gg_report_get(op, id, meta, err) < 0) return -1;
    if (strcmp(meta->status, "done"))
        return gg_err_not_found(err, "report %lld has no files yet (%s)", (long long)id, meta->status);
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    strcmp(format, "pdf") ? "SELECT xlsx FROM report WHERE id = $1"
                                          : "SELECT pdf FROM report WHERE id = $1",
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int rc = gg_db_next(r, err);
    if (rc > 0 && !gg_db_isnull(r, 0)) {
        *len = gg_db_len(r, 0);
        void *copy = gg_alloc(op->arena, *len ? *len : 1);
        memcpy(copy, gg_db_blob(r, 0), *len);
        *data = copy;
    } else if (rc >= 0) {
        rc = gg_err_not_found(err, "report %lld has no %s", (long long)id, format);
    }
    gg_db_res_free(r);
    return rc < 0 ? -1 : 0;
}

/* ---- requests ---- */

int gg_report_request(gg_op_t *op, int64_t unit_id, const char *period, int64_t *id, gg_error_t *err)
{
    gg_unit_t u;
    if (gg_unit_get_scoped(op->c, op->arena, op->auth, GG_P_DASHBOARD_READ, unit_id, &u, err) < 0) return -1;
    int64_t now = gg_now_ms();
    char current[8];
    gg_report_current_period(now, current);
    if (!period) period = gg_strdup(op->arena, current);
    if (gg_report_period_bounds(period, NULL, NULL) < 0) {
        gg_err_invalid(err, "period", "period is a month written YYYY-MM (2026-11)");
        return gg_error_reason(err, "malformed");
    }
    if (strcmp(period, current) > 0) {
        gg_err_invalid(err, "period", "%s has not begun yet", period);
        return gg_error_reason(err, "out_of_range");
    }
    int64_t existing = 0;
    int found = 0;
    if (gg_db_query_i64(op->c,
                        "SELECT id FROM report WHERE unit_id = $1 AND period = $2 AND kind = 'monthly'",
                        GG_ARGS(GG_I64(unit_id), GG_TEXT(period)), &existing, &found, err) < 0)
        return -1;
    if (found) {
        /* started over unless it is on its way already */
        if (gg_db_exec(
                op->c,
                "UPDATE report SET status = 'pending', origin = 'request', requested_by = $2, error = NULL, "
                "started_at = NULL, updated_at = $3 WHERE id = $1 AND status IN ('done', 'failed')",
                GG_ARGS(GG_I64(existing), GG_I64(op->actor.account_id), GG_I64(now)), NULL, err) < 0)
            return -1;
        *id = existing;
    } else if (gg_db_query_i64(
                   op->c,
                   "INSERT INTO report (unit_id, unit_path, period, kind, status, origin, requested_by, "
                   "created_at, updated_at) VALUES ($1, $2, $3, 'monthly', 'pending', 'request', $4, "
                   "$5, $5) RETURNING id",
                   GG_ARGS(GG_I64(unit_id), GG_TEXT(u.path), GG_TEXT(period), GG_I64(op->actor.account_id),
                           GG_I64(now)),
                   id, NULL, err) < 0) {
        return -1;
    }
    gg_audit_entry_t e = {.action = "report.request",
                          .object_type = "report",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)*id),
                          .unit_id = unit_id,
                          .detail_json = gg_sprintf(op->arena, "{\"period\":\"%s\"}", period)};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

/* ---- the worker's side ---- */

static int take_lock(gg_db_conn_t *c, int is_pg, int *got, gg_error_t *err)
{
    *got = 1;
    if (!is_pg) return 0;
    int64_t v = 0;
    if (gg_db_query_i64(c, "SELECT CASE WHEN pg_try_advisory_xact_lock($1) THEN 1 ELSE 0 END",
                        GG_ARGS(GG_I64(REPORT_LOCK_KEY)), &v, NULL, err) < 0)
        return -1;
    *got = (int)v;
    return 0;
}

typedef struct schedule {
    int is_pg;
    const char *levels, *period;
    int added;
} schedule_t;

static int schedule_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    schedule_t *x = ctx;
    x->added = 0;
    int got;
    if (take_lock(c, x->is_pg, &got, err) < 0) return -1;
    if (!got) return 0;
    char levels[128];
    snprintf(levels, sizeof levels, "%s", x->levels);
    int64_t now = gg_now_ms();
    char *save = NULL;
    for (char *lv = strtok_r(levels, ", ", &save); lv; lv = strtok_r(NULL, ", ", &save)) {
        int64_t changes = 0;
        if (gg_db_exec(c,
                       "INSERT INTO report (unit_id, unit_path, period, kind, status, origin, created_at, "
                       "updated_at) "
                       "SELECT u.id, u.path, $2, 'monthly', 'pending', 'schedule', $3, $3 FROM unit u "
                       "WHERE u.level = $1 AND u.retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM report r "
                       "WHERE r.unit_id = u.id AND r.period = $2 AND r.kind = 'monthly')",
                       GG_ARGS(GG_TEXT(lv), GG_TEXT(x->period), GG_I64(now)), &changes, err) < 0)
            return -1;
        x->added += (int)changes;
    }
    return 0;
}

int gg_report_schedule_month(gg_db_conn_t *c, int is_pg, const char *levels, const char *period, int *added,
                             gg_error_t *err)
{
    schedule_t x = {.is_pg = is_pg, .levels = levels, .period = period};
    int rc = gg_db_tx(c, schedule_tx, &x, err);
    *added = x.added;
    return rc;
}

typedef struct claim {
    int is_pg;
    int64_t id, unit_id;
    char period[8];
} claim_t;

/* Take the oldest pending report (running rows left by a node that died go back to pending first). */
static int claim_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    claim_t *x = ctx;
    x->id = 0;
    int got;
    if (take_lock(c, x->is_pg, &got, err) < 0) return -1;
    if (!got) return 0;
    int64_t now = gg_now_ms();
    if (gg_db_exec(c,
                   "UPDATE report SET status = 'pending', updated_at = $1 WHERE status = 'running' AND "
                   "started_at < $2",
                   GG_ARGS(GG_I64(now), GG_I64(now - STALE_RUNNING_MS)), NULL, err) < 0)
        return -1;
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT id, unit_id, period FROM report WHERE status = 'pending' ORDER BY id LIMIT 1",
                    GG_NOARGS, &r, err) < 0)
        return -1;
    int rc = gg_db_next(r, err);
    if (rc > 0) {
        x->id = gg_db_i64(r, 0);
        x->unit_id = gg_db_i64(r, 1);
        snprintf(x->period, sizeof x->period, "%s", gg_db_text(r, 2));
    }
    gg_db_res_free(r);
    if (rc < 0) return -1;
    if (!x->id) return 0;
    return gg_db_exec(c,
                      "UPDATE report SET status = 'running', started_at = $2, updated_at = $2 WHERE id = $1",
                      GG_ARGS(GG_I64(x->id), GG_I64(now)), NULL, err);
}

typedef struct finish {
    int64_t id;
    const unsigned char *pdf, *xlsx;
    size_t pdf_len, xlsx_len;
    const char *error;
} finish_t;

static void sha256_hex(const unsigned char *p, size_t n, char out[65]);

static int finish_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    finish_t *x = ctx;
    int64_t now = gg_now_ms();
    if (x->error)
        return gg_db_exec(
            c,
            "UPDATE report SET status = 'failed', error = $2, generated_at = NULL, updated_at = $3 "
            "WHERE id = $1",
            GG_ARGS(GG_I64(x->id), GG_TEXT(x->error), GG_I64(now)), NULL, err);
    char ph[65], xh[65];
    sha256_hex(x->pdf, x->pdf_len, ph);
    sha256_hex(x->xlsx, x->xlsx_len, xh);
    return gg_db_exec(
        c,
        "UPDATE report SET status = 'done', error = NULL, pdf = $2, pdf_sha256 = $3, pdf_size = $4, "
        "xlsx = $5, xlsx_sha256 = $6, xlsx_size = $7, generated_at = $8, updated_at = $8 WHERE id = $1",
        GG_ARGS(GG_I64(x->id), GG_BLOB(x->pdf, x->pdf_len), GG_TEXT(ph), GG_I64(x->pdf_len),
                GG_BLOB(x->xlsx, x->xlsx_len), GG_TEXT(xh), GG_I64(x->xlsx_len), GG_I64(now)),
        NULL, err);
}

#include <sodium.h>
static void sha256_hex(const unsigned char *p, size_t n, char out[65])
{
    unsigned char h[32];
    crypto_hash_sha256(h, p, n);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

int gg_report_work(gg_db_conn_t *c, int is_pg, const char *tmp_dir, int max, int *done, gg_error_t *err)
{
    *done = 0;
    for (int i = 0; i < max; i++) {
        claim_t x = {.is_pg = is_pg};
        if (gg_db_tx(c, claim_tx, &x, err) < 0) return -1;
        if (!x.id) return 0;
        gg_arena_t *a = gg_arena_new(0);
        gg_report_figures_t f;
        gg_error_t gen = {0};
        finish_t fin = {.id = x.id};
        unsigned char *pdf = NULL, *xlsx = NULL;
        if (gg_report_figures(c, a, x.unit_id, x.period, &f, &gen) < 0 ||
            gg_report_render(&f, tmp_dir, &pdf, &fin.pdf_len, &xlsx, &fin.xlsx_len, &gen) < 0)
            fin.error = gen.message[0] ? gen.message : "generation failed";
        fin.pdf = pdf;
        fin.xlsx = xlsx;
        int rc = gg_db_tx(c, finish_tx, &fin, err);
        if (fin.error) gg_log_warn("reports: report %lld failed: %s", (long long)x.id, fin.error);
        free(pdf);
        free(xlsx);
        gg_arena_free(a);
        if (rc < 0) return -1;
        (*done)++;
    }
    return 0;
}
