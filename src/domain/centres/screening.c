/* screening.c — grid screening reports and the street's view of who reported (screening.h). */
#include "domain/centres/screening.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/validate.h"

void gg_screening_period_now(char out[8])
{
    char today[11];
    gg_today(today);
    memcpy(out, today, 7);
    out[7] = 0;
}

int gg_screening_period_valid(const char *period, gg_error_t *err)
{
    char date[16];
    if (period && strlen(period) == 7 && period[4] == '-') {
        snprintf(date, sizeof date, "%s-01", period);
        gg_error_t ignored;
        if (gg_date_valid(date, "period", &ignored) == 0) return 0;
    }
    gg_err_invalid(err, "period", "a period is a month written YYYY-MM");
    return gg_error_reason(err, "malformed");
}

int gg_screening_report(const gg_op_t *op, int64_t grid_id, const char *period, int zero,
                        const gg_screening_item_t *items, int nitems, int64_t *id, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    if (gg_screening_period_valid(period, err) < 0) return -1;
    char now_p[8];
    gg_screening_period_now(now_p);
    if (strcmp(period, now_p) > 0) {
        gg_err_invalid(err, "period", "a period that has not begun cannot be reported");
        return gg_error_reason(err, "in_future");
    }
    if (zero && nitems) {
        gg_err_invalid(err, "items", "a zero report lists no disputes");
        return gg_error_reason(err, "not_allowed");
    }
    if (!zero && !nitems) {
        gg_err_invalid(err, "items", "list the disputes found, or send a zero report");
        return gg_error_reason(err, "required");
    }
    gg_unit_t u;
    if (gg_centre_unit(op, grid_id, GG_P_CASE_REPORT, "grid_id", &u, err) < 0) return -1;
    if (strcmp(u.level, "grid") && strcmp(u.level, "micro_grid")) {
        gg_err_invalid(err, "grid_id", "screening is reported per grid");
        return gg_error_reason(err, "not_a_grid");
    }
    const char *json = "[";
    for (int i = 0; i < nitems; i++) {
        const char *t = items[i].title, *s = items[i].summary;
        if (gg_text_field(a, &t, gg_sprintf(a, "items[%d].title", i), 1, err) < 0) return -1;
        json = gg_sprintf(a, "%s%s{\"title\":%s,\"summary\":%s}", json, i ? "," : "",
                          gg_centre_json_str(a, t), gg_centre_json_str(a, s));
    }
    json = gg_sprintf(a, "%s]", json);
    int found;
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO screening_report (grid_id, period, found, items, reported_by, reported_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            GG_ARGS(GG_I64(grid_id), GG_TEXT(period), GG_I64(nitems), GG_TEXT(json),
                    GG_I64(op->actor.account_id), GG_I64(gg_now_ms())),
            id, &found, err) < 0) {
        if (err->http_status == 409) {
            gg_error_set(err, 409, "conflict", "period", "this grid has reported for %s already", period);
            return gg_error_reason(err, "already_reported");
        }
        return -1;
    }
    return gg_centre_audit(op, "screening.report", "screening_report", *id, grid_id,
                           gg_sprintf(a, "{\"period\":\"%s\",\"found\":%d}", period, nitems), err);
}

int gg_screening_status(const gg_op_t *op, int64_t unit_id, const char *period, gg_screening_row_t **rows,
                        int *n, gg_error_t *err)
{
    if (gg_screening_period_valid(period, err) < 0) return -1;
    gg_unit_t u;
    if (gg_centre_unit(op, unit_id, GG_P_UNIT_READ, "unit_id", &u, err) < 0) return -1;
    gg_db_res_t *r;
    const char *sql = gg_sprintf(
        op->arena,
        "SELECT g.id, s.id, s.reported_at, g.name, g.code, p.name, s.items, a.username, s.found, g.path "
        "FROM unit g LEFT JOIN unit p ON p.id = g.parent_id "
        "LEFT JOIN screening_report s ON s.grid_id = g.id AND s.period = $1 "
        "LEFT JOIN account a ON a.id = s.reported_by "
        "WHERE g.level = 'grid' AND g.retired_at IS NULL AND g.path >= '%s' AND g.path < '%.*s0' "
        "ORDER BY g.code LIMIT 2000",
        u.path, (int)strlen(u.path) - 1, u.path);
    if (gg_db_query(op->c, sql, GG_ARGS(GG_TEXT(period)), &r, err) < 0) return -1;
    int step;
    *rows = gg_alloc(op->arena, sizeof(gg_screening_row_t) * 2000);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_screening_row_t *x = &(*rows)[(*n)++];
        memset(x, 0, sizeof *x);
        x->grid_id = gg_db_i64(r, 0);
        x->reported = !gg_db_isnull(r, 1);
        x->report_id = x->reported ? gg_db_i64(r, 1) : 0;
        x->reported_at = x->reported ? gg_db_i64(r, 2) : 0;
        x->grid_name = gg_strdup(op->arena, gg_db_text(r, 3));
        x->grid_code = gg_strdup(op->arena, gg_db_text(r, 4));
        x->community_name = gg_db_isnull(r, 5) ? NULL : gg_strdup(op->arena, gg_db_text(r, 5));
        x->items_json = x->reported ? gg_strdup(op->arena, gg_db_text(r, 6)) : NULL;
        x->reported_by = gg_db_isnull(r, 7) ? NULL : gg_strdup(op->arena, gg_db_text(r, 7));
        x->found = x->reported ? (int)gg_db_i64(r, 8) : 0;
        x->may_report = !x->reported && op->auth && gg_auth_can(op->auth, GG_P_CASE_REPORT, gg_db_text(r, 9));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}
