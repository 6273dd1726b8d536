/* measures.c — the mediation measures from the rollup, and their breakdowns (measures.h). */
#include "domain/mediation/measures.h"

#include <stdio.h>
#include <string.h>

#include "domain/scope.h"
#include "domain/tree/unit.h"

double gg_mediation_percent(int64_t num, int64_t den)
{
    /* tenths of a percent, half up, in integers: round(num * 1000 / den) */
    int64_t tenths = (num * 2000 + den) / (2 * den);
    return (double)tenths / 10.0;
}

static void one(gg_med_measure_t *m, const char *code, const char *zh, const char *en, int64_t num,
                int64_t den, const char *fzh, const char *fen)
{
    m->code = code;
    m->name_zh = zh;
    m->name_en = en;
    m->numerator = num;
    m->denominator = den;
    m->has_value = den > 0;
    m->value = den > 0 ? gg_mediation_percent(num, den) : 0;
    m->formula_zh = fzh;
    m->formula_en = fen;
}

void gg_mediation_measures(const gg_med_counts_t *c, gg_med_measure_t out[GG_MED_NMEASURES])
{
    one(&out[0], "mediation_rate", "调解率", "Mediation rate", c->mediated, c->registered,
        "调解率 = 已调解纠纷数（成功+失败+转诉讼）÷ 受理纠纷数 × 100%",
        "mediation rate = disputes mediated (success + failure + referred to litigation) / disputes "
        "registered × "
        "100%");
    one(&out[1], "success_rate", "调解成功率", "Success rate", c->success, c->mediated,
        "调解成功率 = 调解成功数 ÷ 已调解纠纷数 × 100%",
        "success rate = mediated successfully / disputes mediated × 100%");
    /* over the disputes mediated, as the centres report it (docs/mediation.md): a failed mediation is an
     * agreement not performed, so 1,509 performed of 1,515 mediated is 99.6 % */
    one(&out[2], "performance_rate", "协议履行率", "Agreement performance rate", c->performed, c->mediated,
        "协议履行率 = 回访确认已履行的协议数 ÷ 已调解纠纷数 × 100%",
        "performance rate = agreements a follow-up found performed / disputes mediated × 100%");
    one(&out[3], "on_time_rate", "按期化解率", "Resolved on time", c->on_time, c->closed,
        "按期化解率 = 在期限内办结的纠纷数 ÷ 已办结纠纷数 × 100%",
        "on-time rate = disputes closed by their deadline / disputes closed × 100%");
}

#define SUMS                                                                                                 \
    "COALESCE(SUM(registered), 0), COALESCE(SUM(mediated), 0), COALESCE(SUM(success), 0), "                  \
    "COALESCE(SUM(failure), 0), COALESCE(SUM(litigation), 0), COALESCE(SUM(withdrawn), 0), "                 \
    "COALESCE(SUM(closed), 0), COALESCE(SUM(on_time), 0), COALESCE(SUM(agreements), 0), "                    \
    "COALESCE(SUM(performed), 0)"

static void read_counts(gg_db_res_t *r, int col, gg_med_counts_t *c)
{
    int64_t *v = &c->registered;
    for (int i = 0; i < 10; i++)
        v[i] = gg_db_i64(r, col + i);
}

static const char *day_or(const char *d, const char *def)
{
    return d && *d ? d : def;
}

/* The rollup keeps a row per day ('YYYY-MM-DD'), per month ('MYYYY-MM', after every day key) and the total
 * ('T', after every month key): no period reads the totals; a period is
 * its whole months from the month rows plus the days of its partial first and last months.  Six bounds for
 * "(day BETWEEN $a AND $b) OR (day BETWEEN $c AND $d) OR (day BETWEEN $e AND $f)" — an unused range is empty
 * ('~' > 'A'). */
typedef struct ranges {
    char b[6][16];
} ranges_t;

static int last_day(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[(m - 1) % 12];
}

static void period(const char *from, const char *to, ranges_t *r)
{
    int fy = 0, fm = 1, fd = 1, ty = 9999, tm = 12, td = 31;
    if (from && *from) sscanf(from, "%d-%d-%d", &fy, &fm, &fd);
    if (to && *to) sscanf(to, "%d-%d-%d", &ty, &tm, &td);
    for (int i = 0; i < 6; i += 2) {
        snprintf(r->b[i], 16, "~");
        snprintf(r->b[i + 1], 16, "A");
    }
    if ((!from || !*from) && (!to || !*to)) {
        /* all time: the unit's total rows */
        snprintf(r->b[0], 16, "T");
        snprintf(r->b[1], 16, "T");
        return;
    }
    if (fy * 100 + fm > ty * 100 + tm) return;
    if (fy == ty && fm == tm) {
        if (fd == 1 && td >= last_day(ty, tm)) {
            snprintf(r->b[0], 16, "M%04d-%02d", fy % 10000, fm % 100);
            snprintf(r->b[1], 16, "M%04d-%02d", fy % 10000, fm % 100);
        } else {
            snprintf(r->b[0], 16, "%04d-%02d-%02d", fy % 10000, fm % 100, fd % 100);
            snprintf(r->b[1], 16, "%04d-%02d-%02d", ty % 10000, tm % 100, td % 100);
        }
        return;
    }
    /* first month: whole or partial */
    int my = fy, mm = fm;
    if (fd != 1) {
        snprintf(r->b[2], 16, "%04d-%02d-%02d", fy % 10000, fm % 100, fd % 100);
        snprintf(r->b[3], 16, "%04d-%02d-31", fy % 10000, fm % 100);
        if (++mm > 12) mm = 1, my++;
    }
    int ny = ty, nm = tm;
    if (td < last_day(ty, tm)) {
        snprintf(r->b[4], 16, "%04d-%02d-01", ty % 10000, tm % 100);
        snprintf(r->b[5], 16, "%04d-%02d-%02d", ty % 10000, tm % 100, td % 100);
        if (--nm < 1) nm = 12, ny--;
    }
    if (my * 100 + mm <= ny * 100 + nm) {
        snprintf(r->b[0], 16, "M%04d-%02d", my % 10000, mm % 100);
        snprintf(r->b[1], 16, "M%04d-%02d", ny % 10000, nm % 100);
    }
}

/* u: the unit condition, repeated in each range so that each is one index range (SQLite's OR plan) */
#define PERIOD(u, col)                                                                                       \
    "((" u " AND " col " >= $2 AND " col " <= $3) OR (" u " AND " col " >= $4 AND " col " <= $5) OR (" u     \
    " AND " col " >= $6 AND " col " <= $7))"
#define PERIOD_ARGS(r)                                                                                       \
    GG_TEXT((r).b[0]), GG_TEXT((r).b[1]), GG_TEXT((r).b[2]), GG_TEXT((r).b[3]), GG_TEXT((r).b[4]),           \
        GG_TEXT((r).b[5])

int gg_mediation_counts(gg_op_t *op, int64_t unit_id, const char *from, const char *to, gg_med_counts_t *out,
                        gg_error_t *err)
{
    memset(out, 0, sizeof *out);
    gg_unit_t u;
    if (gg_unit_get_scoped(op->c, op->arena, op->auth, GG_P_DISPUTE_READ, unit_id, &u, err) < 0) return -1;
    return gg_mediation_counts_of(op->c, u.id, from, to, out, err);
}

int gg_mediation_counts_of(gg_db_conn_t *c, int64_t unit_id, const char *from, const char *to,
                           gg_med_counts_t *out, gg_error_t *err)
{
    memset(out, 0, sizeof *out);
    gg_db_res_t *r;
    ranges_t p;
    period(from, to, &p);
    if (gg_db_query(c, "SELECT " SUMS " FROM mediation_rollup WHERE " PERIOD("unit_id = $1", "day"),
                    GG_ARGS(GG_I64(unit_id), PERIOD_ARGS(p)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_counts(r, 0, out);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_mediation_breakdown(gg_op_t *op, int64_t unit_id, const char *from, const char *to, const char *by,
                           gg_med_breakdown_t **rows, int *n, gg_error_t *err)
{
    *rows = NULL;
    *n = 0;
    gg_unit_t u;
    if (gg_unit_get_scoped(op->c, op->arena, op->auth, GG_P_DISPUTE_READ, unit_id, &u, err) < 0) return -1;
    const char *f = day_or(from, "0000-00-00"), *t = day_or(to, "9999-99-99");
    gg_db_res_t *r;
    ranges_t p;
    period(from, to, &p);
    int rc;
    if (!strcmp(by, "type")) {
        rc = gg_db_query(op->c,
                         "SELECT type, type, " SUMS " FROM mediation_rollup WHERE " PERIOD(
                             "unit_id = $1", "day") " GROUP BY type ORDER BY type",
                         GG_ARGS(GG_I64(u.id), PERIOD_ARGS(p)), &r, err);
    } else if (!strcmp(by, "child")) {
        rc = gg_db_query(
            op->c,
            "SELECT CAST(x.id AS TEXT), x.name, " SUMS " FROM unit x JOIN mediation_rollup m ON " PERIOD(
                "m.unit_id = x.id", "m.day") " WHERE x.parent_id = $1 GROUP BY x.id, x.name ORDER BY x.name",
            GG_ARGS(GG_I64(u.id), PERIOD_ARGS(p)), &r, err);
    } else if (!strcmp(by, "mediator")) {
        const char *hi = gg_sprintf(op->arena, "%.*s0", (int)strlen(u.path) - 1, u.path);
        rc = gg_db_query(
            op->c,
            "SELECT CAST(COALESCE(d.lead_mediator_id, 0) AS TEXT), COALESCE(MAX(m.name), ''), COUNT(*), "
            "SUM(CASE WHEN d.outcome IN ('success', 'failure', 'litigation') THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'success' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'failure' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'litigation' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'withdrawn' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome IS NOT NULL AND d.outcome_at <= d.due_at THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN a.dispute_id IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN a.dispute_id IS NOT NULL AND (SELECT f.result FROM dispute_followup f WHERE "
            "f.dispute_id = d.id AND f.result IS NOT NULL ORDER BY f.done_at DESC, f.id DESC LIMIT 1) = "
            "'performed' THEN 1 ELSE 0 END) "
            "FROM dispute d LEFT JOIN mediator m ON m.id = d.lead_mediator_id LEFT JOIN dispute_agreement a "
            "ON "
            "a.dispute_id = d.id WHERE d.revoked_at IS NULL AND d.unit_path >= $1 AND d.unit_path < $2 AND "
            "d.day >= $3 AND d.day <= "
            "$4 "
            "GROUP BY COALESCE(d.lead_mediator_id, 0) ORDER BY 3 DESC LIMIT 500",
            GG_ARGS(GG_TEXT(u.path), GG_TEXT(hi), GG_TEXT(f), GG_TEXT(t)), &r, err);
    } else {
        gg_err_invalid(err, "by", "by is type, child or mediator");
        return gg_error_reason(err, "not_allowed");
    }
    if (rc < 0) return -1;
    int cap = 64, step;
    *rows = gg_alloc(op->arena, sizeof **rows * (size_t)cap);
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_med_breakdown_t *more = gg_alloc(op->arena, sizeof *more * (size_t)cap * 2);
            memcpy(more, *rows, sizeof *more * (size_t)cap);
            *rows = more;
            cap *= 2;
        }
        gg_med_breakdown_t *b = &(*rows)[(*n)++];
        b->key = gg_strdup(op->arena, gg_db_text(r, 0));
        b->name = gg_strdup(op->arena, gg_db_text(r, 1));
        read_counts(r, 2, &b->counts);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}
