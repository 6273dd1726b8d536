/*
 * measure.h — the measures of a unit's subtree over a period (docs/measures.md is the list, with every
 * formula, numerator, denominator and rounding): 结案率, 按期结案率, 返工率, 退单率, the 12345 three rates
 * (响应率, 解决率, 满意率), 有效上报率, 平均处置时长 (working hours), patrol activity and the 随手办 share,
 * from the daily rollups (domain/measures/rollup.h: a handful of rows per unit and day, never the case
 * table); 人户分离率 and the special-group counts from the base data (domain/people/stats.h); the open-case
 * gauge (case_load); 调解成功率 and 协议履行率 from domain/mediation/measures.h (its rollup), listed only
 * when the caller has dispute.read over the unit.
 *
 * Contract
 *  - Scope: dashboard.read over u (the caller loads u; gg_measure_unit does it with the 404 outside).
 *  - from_day / to_day: "YYYY-MM-DD" local (Asia/Shanghai), inclusive; a case belongs to the day it was
 *    reported (cohort counting).  400 naming from / to for a malformed or reversed period.
 *  - A percent is 0..100 rounded half up to 1 decimal, hours to 1 decimal; has_value = 0 when the
 *    denominator is 0 (the UI shows "—", not 0 %).  Counts have denominator 0 and has_value 1.
 *  - Base-data measures (separated_rate, special_groups) are the state now: the same in any period.
 */
#ifndef GG_DOMAIN_MEASURES_MEASURE_H
#define GG_DOMAIN_MEASURES_MEASURE_H

#include "domain/domain.h"
#include "domain/tree/unit.h"

/* One measure for a unit's subtree over [from_day, to_day] (YYYY-MM-DD, Asia/Shanghai, inclusive). */
typedef struct gg_measure {
    const char *code; /* closure_rate, on_time_rate, rework_rate, return_rate, response_rate,
                         resolution_rate, satisfaction_rate, valid_report_rate, avg_handling_hours,
                         patrol_reports, self_handled_share, separated_rate, special_groups, reported,
                         closed, overdue_open … (docs/measures.md is the list) */
    const char *name_zh, *name_en;
    const char *unit_kind; /* "percent", "hours", "count" */
    int has_value;         /* 0 when the denominator is 0 ("—" in the UI, not 0 %) */
    double value;          /* percent as 0..100 rounded to 1 decimal (half up), hours to 1 decimal */
    int64_t numerator, denominator;
    const char *formula_zh, *formula_en;
    int base_data;     /* 1: from the base data now, not from the period (previous period: no value) */
    const char *group; /* "cases" (the rollups), "gauge" (open cases now), "base" (base data now),
                          "mediation" (the disputes: only for a caller with dispute.read over the unit) */
} gg_measure_t;

/* Every measure, in the order of docs/measures.md (the mediation ones only with dispute.read over u: the
 * same caller and unit always give the same list); *out in a. */
int gg_measures_compute(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u,
                        const char *from_day, const char *to_day, gg_measure_t **out, int *n,
                        gg_error_t *err);
/* one measure by code; err not_found (field "code") for an unknown code */
int gg_measure_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u,
                   const char *code, const char *from_day, const char *to_day, gg_measure_t *out,
                   gg_error_t *err);

/* Load unit id for a caller with dashboard.read over it (404 not_found "unit_id" otherwise). */
int gg_measure_unit(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_unit_t *u,
                    gg_error_t *err);

/* The period: from/to (NULL or "" → this month so far, by now_ms local) checked into from_out/to_out, and
 * the previous period of the same length just before it.  400 naming from or to. */
int gg_measure_period(const char *from, const char *to, int64_t now_ms, char from_out[11], char to_out[11],
                      char prev_from[11], char prev_to[11], gg_error_t *err);

/* Series: one row per day, category, channel or child unit of u over the period (by: "day", "category",
 * "channel", "child"); 400 naming "by" otherwise. */
typedef struct gg_measure_row {
    const char *key, *name;
    int64_t reported, closed, closed_on_time, overdue;
} gg_measure_row_t;
int gg_measure_series(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u,
                      const char *by, const char *from_day, const char *to_day, gg_measure_row_t **rows,
                      int *n, gg_error_t *err);

/* The open-case gauge: one row per live child unit of u (dashboard.read over u), with grids' centroids. */
typedef struct gg_case_load {
    int64_t id;
    const char *name, *level;
    int64_t open, overdue, yellow;
    int has_centroid;
    double lat, lon;
} gg_case_load_t;
int gg_case_load_children(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u,
                          gg_case_load_t **rows, int *n, gg_error_t *err);
/* The gauge of u itself (its whole subtree). */
int gg_case_load_of(gg_db_conn_t *c, gg_arena_t *a, const gg_unit_t *u, gg_case_load_t *out, gg_error_t *err);

#endif
