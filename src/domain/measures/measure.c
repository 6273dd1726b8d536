/*
 * measure.c — the measures of a unit's subtree over a period, their formulas, the series behind the charts
 * and the open-case gauge (see measure.h; docs/measures.md is the list).  Case measures read the unit's own
 * rollup rows (case_rollup: one total row per day, kept for every ancestor), so a county's month is about
 * thirty rows; the base-data measures reuse domain/people/stats.c.
 */
#include "domain/measures/measure.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/cases/calendar.h"
#include "domain/mediation/measures.h"
#include "domain/people/stats.h"
#include "domain/scope.h"

/* the rollup columns a measure reads (case_rollup, migration 0020) */
enum {
    R_REPORTED,
    R_REGISTERED,
    R_DISPATCHED,
    R_CLOSED,
    R_CLOSED_ON_TIME,
    R_OVERDUE,
    R_REWORKED,
    R_RETURNED,
    R_REOPENED,
    R_REJECTED,
    R_MERGED,
    R_RESPONDED,
    R_RESPONDED_ON_TIME,
    R_RESOLVED,
    R_RATED,
    R_SATISFIED,
    R_BASICALLY,
    R_UNSATISFIED,
    R_PATROL,
    R_SELF_HANDLED,
    R_HANDLED,
    R_RESPONSE_MS,
    R_HANDLING_MS,
    NR
};
#define SUMS                                                                                                 \
    "coalesce(sum(reported), 0), coalesce(sum(registered), 0), coalesce(sum(dispatched), 0), "               \
    "coalesce(sum(closed), 0), coalesce(sum(closed_on_time), 0), coalesce(sum(overdue), 0), "                \
    "coalesce(sum(reworked), 0), coalesce(sum(returned), 0), coalesce(sum(reopened), 0), "                   \
    "coalesce(sum(rejected), 0), coalesce(sum(merged), 0), coalesce(sum(responded), 0), "                    \
    "coalesce(sum(responded_on_time), 0), coalesce(sum(resolved), 0), coalesce(sum(rated), 0), "             \
    "coalesce(sum(satisfied), 0), coalesce(sum(basically_satisfied), 0), coalesce(sum(unsatisfied), 0), "    \
    "coalesce(sum(patrol), 0), coalesce(sum(self_handled), 0), coalesce(sum(handled), 0), "                  \
    "coalesce(sum(response_ms), 0), coalesce(sum(handling_ms), 0)"

typedef enum { K_PERCENT, K_HOURS, K_COUNT } kind_t;
static const char *const KIND_NAMES[] = {"percent", "hours", "count"};

/* The table of measures: numerator and denominator as sums of rollup columns (den < 0: a count). */
typedef struct {
    const char *code, *zh, *en;
    kind_t kind;
    int num[3], nnum;     /* numerator = sum of these columns … */
    int minus[2], nminus; /* … minus these */
    int den;              /* -1: a count (no denominator) */
    const char *fzh, *fen;
    int source; /* S_ROLLUP, S_GAUGE, S_BASE, S_MEDIATION */
} def_t;

#define N1(a) {a}, 1
#define N2(a, b) {a, b}, 2
#define NO {0}, 0
enum { S_ROLLUP, S_GAUGE, S_BASE, S_MEDIATION };
static const char *const GROUP_NAMES[] = {"cases", "gauge", "base", "mediation"};
enum {
    G_OPEN = 100,
    G_OVERDUE,
    G_YELLOW,
    B_SEPARATED,
    B_SPECIAL,
    B_RESIDENTS,
    M_MEDIATED,
    M_SUCCESS,
    M_AGREEMENTS,
    M_PERFORMED
};

static const def_t DEFS[] = {
    {"reported", "上报数", "Reported", K_COUNT, N1(R_REPORTED), NO, -1, "期内上报的事件数",
     "cases reported in the period", S_ROLLUP},
    {"closed", "结案数", "Closed", K_COUNT, N1(R_CLOSED), NO, -1, "期内上报的事件中已结案（含已评价）的件数",
     "cases reported in the period that are closed (or rated)", S_ROLLUP},
    {"closure_rate", "结案率", "Closure rate", K_PERCENT, N1(R_CLOSED), NO, R_REPORTED,
     "结案率 = 已结案件数 ÷ 上报件数 × 100%（期内上报的事件）",
     "closure rate = closed ÷ reported × 100% (cases reported in the period)", S_ROLLUP},
    {"on_time_rate", "按期结案率", "On-time closure rate", K_PERCENT, N1(R_CLOSED_ON_TIME), NO, R_CLOSED,
     "按期结案率 = 按期结案件数 ÷ 已结案件数 × 100%（按期：从未超期，且在处置时限内结案）",
     "on-time closure rate = closed on time ÷ closed × 100% (on time: never overdue, closed by the deadline)",
     S_ROLLUP},
    {"rework_rate", "返工率", "Rework rate", K_PERCENT, N1(R_REWORKED), NO, R_CLOSED,
     "返工率 = 核查不通过过的已结案件数 ÷ 已结案件数 × 100%",
     "rework rate = closed cases that failed verification at least once ÷ closed × 100%", S_ROLLUP},
    {"return_rate", "退单率", "Return rate", K_PERCENT, N1(R_RETURNED), NO, R_DISPATCHED,
     "退单率 = 被承办单位回退过的件数 ÷ 已派遣件数 × 100%",
     "return rate = cases returned by a handler at least once ÷ cases dispatched × 100%", S_ROLLUP},
    {"response_rate", "响应率", "Response rate", K_PERCENT, N1(R_RESPONDED_ON_TIME), NO, R_REPORTED,
     "响应率 = 在响应时限内受理、立案、不予受理、直接办结或合并的件数 ÷ 受理（上报）件数 × 100%",
     "response rate = cases accepted, registered, rejected, closed or merged within the response deadline ÷ "
     "cases received × 100%",
     S_ROLLUP},
    {"resolution_rate", "解决率", "Resolution rate", K_PERCENT, N1(R_RESOLVED), NO, R_CLOSED,
     "解决率 = 已结案、未被重新办理且评价不为「不满意」的件数 ÷ 已结案件数 × 100%",
     "resolution rate = closed cases never reopened and not rated unsatisfied ÷ closed × 100%", S_ROLLUP},
    {"satisfaction_rate", "满意率", "Satisfaction rate", K_PERCENT, N2(R_SATISFIED, R_BASICALLY), NO, R_RATED,
     "满意率 = （满意 + 基本满意）件数 ÷ 已评价件数 × 100%",
     "satisfaction rate = (satisfied + basically satisfied) ÷ rated × 100%", S_ROLLUP},
    {"valid_report_rate",
     "有效上报率",
     "Valid report rate",
     K_PERCENT,
     N1(R_REPORTED),
     {R_REJECTED, R_MERGED},
     2,
     R_REPORTED,
     "有效上报率 = （上报件数 − 不予受理件数 − 被合并件数） ÷ 上报件数 × 100%",
     "valid report rate = (reported − rejected − merged into another) ÷ reported × 100%",
     S_ROLLUP},
    {"avg_handling_hours", "平均处置时长", "Average handling time", K_HOURS, N1(R_HANDLING_MS), NO, R_HANDLED,
     "平均处置时长 = 已结案件从立案到结案的工作时间之和 ÷ 件数（工作小时，按工作日历）",
     "average handling time = working time from registration to closure, summed ÷ closed cases (working "
     "hours, on the working calendar)",
     S_ROLLUP},
    {"avg_response_hours", "平均响应时长", "Average response time", K_HOURS, N1(R_RESPONSE_MS), NO,
     R_RESPONDED, "平均响应时长 = 从上报到首次响应的工作时间之和 ÷ 已响应件数（工作小时）",
     "average response time = working time from the report to the first response, summed ÷ responded "
     "cases (working hours)",
     S_ROLLUP},
    {"overdue", "超期件数", "Overdue", K_COUNT, N1(R_OVERDUE), NO, -1,
     "期内上报的事件中超期过的件数（被标记超期，或超过处置时限才结案）",
     "cases reported in the period that went overdue (marked red, or closed after the deadline)", S_ROLLUP},
    {"patrol_reports", "网格员巡查上报数", "Patrol reports", K_COUNT, N1(R_PATROL), NO, -1,
     "期内网格员巡查渠道上报的件数", "cases reported by grid workers on patrol in the period", S_ROLLUP},
    {"self_handled_share", "随手办占比", "Handled-on-the-spot share", K_PERCENT, N1(R_SELF_HANDLED), NO,
     R_PATROL, "随手办占比 = 随手办（巡查上报时现场办结）件数 ÷ 巡查上报件数 × 100%",
     "handled-on-the-spot share = patrol cases closed at their report (随手办) ÷ patrol reports × 100%",
     S_ROLLUP},
    {"open", "在办件数", "Open now", K_COUNT, N1(G_OPEN), NO, -1,
     "当前未结案、未不予受理、未合并的件数（实时）", "cases open now: not closed, rejected or merged (live)",
     S_GAUGE},
    {"overdue_open", "超期在办", "Overdue now", K_COUNT, N1(G_OVERDUE), NO, -1,
     "当前在办且已超期（红牌）的件数（实时）", "open cases past their handling deadline now (red card, live)",
     S_GAUGE},
    {"yellow_open", "临期在办", "Near due now", K_COUNT, N1(G_YELLOW), NO, -1,
     "当前在办且临期（黄牌）的件数（实时）",
     "open cases near their handling deadline now (yellow card, live)", S_GAUGE},
    {"separated_rate", "人户分离率", "Separated-residence rate", K_PERCENT, N1(B_SEPARATED), NO, B_RESIDENTS,
     "人户分离率 = 人户分离人数 ÷ 实有人口数 × 100%（基础数据，当前）",
     "separated-residence rate = residents living apart from their registration ÷ residents × 100% (base "
     "data, now)",
     S_BASE},
    {"special_groups", "特殊人群", "Special groups", K_COUNT, N1(B_SPECIAL), NO, -1,
     "各类特殊人群标签的人数之和（基础数据，当前；一人多类分别计）",
     "residents per special-group tag, summed over the tags (base data, now; a resident in two groups "
     "counts twice)",
     S_BASE},
    /* Mediation (docs/mediation.md "Measures"): the disputes registered in the period, from
     * mediation_rollup by domain/mediation/measures.c; listed only for a caller with dispute.read over the
     * unit.  Keep the order of docs/measures.md. */
    {"mediation_success_rate", "调解成功率", "Mediation success rate", K_PERCENT, N1(M_SUCCESS), NO,
     M_MEDIATED, "调解成功率 = 调解成功数 ÷ 已调解纠纷数（成功+失败+转诉讼）× 100%（期内受理的纠纷）",
     "mediation success rate = mediated successfully ÷ disputes mediated (success + failure + referred to "
     "litigation) × 100% (disputes registered in the period)",
     S_MEDIATION},
    /* over the disputes mediated, as domain/mediation/measures.c counts it (docs/mediation.md) */
    {"mediation_performance_rate", "协议履行率", "Agreement performance rate", K_PERCENT, N1(M_PERFORMED), NO,
     M_MEDIATED, "协议履行率 = 回访确认已履行的协议数 ÷ 已调解纠纷数 × 100%（期内受理的纠纷）",
     "agreement performance rate = agreements a follow-up found performed ÷ disputes mediated × 100% "
     "(disputes registered in the period)",
     S_MEDIATION},
};
#define NDEFS ((int)(sizeof DEFS / sizeof DEFS[0]))

/* ---- period ---- */

static int check_day(const char *s, const char *field, int64_t *days, gg_error_t *err)
{
    int y, m, d;
    if (!s || strlen(s) != 10 || gg_cal_parse_date(s, &y, &m, &d) < 0) {
        gg_err_invalid(err, field, "%s must be a date YYYY-MM-DD", field);
        return gg_error_reason(err, "date");
    }
    *days = gg_cal_days_from_civil(y, m, d);
    return 0;
}

static void day_text(int64_t day, char out[11])
{
    int y, m, d;
    gg_cal_civil_from_days(day, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int gg_measure_period(const char *from, const char *to, int64_t now_ms, char from_out[11], char to_out[11],
                      char prev_from[11], char prev_to[11], gg_error_t *err)
{
    int64_t today = (now_ms + GG_CAL_UTC_OFFSET_MS) / 86400000, f, t;
    if (from && *from) {
        if (check_day(from, "from", &f, err) < 0) return -1;
    } else {
        int y, m, d;
        gg_cal_civil_from_days(today, &y, &m, &d);
        f = gg_cal_days_from_civil(y, m, 1);
    }
    if (to && *to) {
        if (check_day(to, "to", &t, err) < 0) return -1;
    } else
        t = today < f ? f : today;
    if (t < f) {
        gg_err_invalid(err, "to", "to must not be before from");
        return gg_error_reason(err, "before_from");
    }
    if (t - f > 3660) {
        gg_err_invalid(err, "to", "a period is at most ten years");
        return gg_error_limits(err, "too_long", 0, 0, 1, 3660);
    }
    int64_t len = t - f + 1;
    day_text(f, from_out);
    day_text(t, to_out);
    day_text(f - len, prev_from);
    day_text(f - 1, prev_to);
    return 0;
}

int gg_measure_unit(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_unit_t *u,
                    gg_error_t *err)
{
    if (gg_unit_get_scoped(c, a, auth, GG_P_DASHBOARD_READ, id, u, err) < 0) {
        if (err->http_status == 404) snprintf(err->field, sizeof err->field, "unit_id");
        return -1;
    }
    return 0;
}

/* ---- reads ---- */

static int rollup_sums(gg_db_conn_t *c, const gg_unit_t *u, const char *from, const char *to, int64_t v[NR],
                       gg_error_t *err)
{
    gg_db_res_t *r;
    memset(v, 0, sizeof(int64_t) * NR);
    if (gg_db_query(c,
                    "SELECT " SUMS
                    " FROM case_rollup WHERE unit_id = $1 AND category_id = 0 AND channel = '' "
                    "AND day >= $2 AND day <= $3",
                    GG_ARGS(GG_I64(u->id), GG_TEXT(from), GG_TEXT(to)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1)
        for (int i = 0; i < NR; i++)
            v[i] = gg_db_i64(r, i);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_case_load_of(gg_db_conn_t *c, gg_arena_t *a, const gg_unit_t *u, gg_case_load_t *out, gg_error_t *err)
{
    memset(out, 0, sizeof *out);
    out->id = u->id;
    out->name = u->name;
    out->level = u->level;
    out->has_centroid = u->has_centroid;
    out->lat = u->lat, out->lon = u->lon;
    (void)a;
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT open, overdue, yellow FROM case_load WHERE unit_id = $1",
                    GG_ARGS(GG_I64(u->id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) out->open = gg_db_i64(r, 0), out->overdue = gg_db_i64(r, 1), out->yellow = gg_db_i64(r, 2);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

/* Base data by stats.c, kept for a few seconds per caller and unit: it counts the subtree's residents,
 * which a dashboard polled every few seconds should not repeat (docs/measures.md). */
#define BASE_TTL_MS 30000
#define BASE_SLOTS 64
typedef struct {
    int64_t account_id, unit_id, at;
    int access;
    int64_t residents, separated, special;
} base_t;
static base_t base_cache[BASE_SLOTS];
static pthread_mutex_t base_mu = PTHREAD_MUTEX_INITIALIZER;

static int base_data(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u, base_t *out,
                     gg_error_t *err)
{
    int64_t now = gg_now_ms();
    unsigned h = (unsigned)(((uint64_t)u->id * 31 + (uint64_t)auth->account_id) % BASE_SLOTS);
    pthread_mutex_lock(&base_mu);
    base_t b = base_cache[h];
    pthread_mutex_unlock(&base_mu);
    if (b.at && b.unit_id == u->id && b.account_id == auth->account_id && now - b.at < BASE_TTL_MS) {
        *out = b;
        return 0;
    }
    gg_unit_stats_t st;
    if (gg_unit_stats(c, a, auth, u, &st, err) < 0) return -1;
    memset(&b, 0, sizeof b);
    b.account_id = auth->account_id, b.unit_id = u->id, b.at = now;
    b.access = st.people_access != GG_ACCESS_NONE;
    b.residents = st.residents, b.separated = st.separated;
    for (int i = 0; i < st.ntags; i++)
        b.special += st.tags[i].n;
    pthread_mutex_lock(&base_mu);
    base_cache[h] = b;
    pthread_mutex_unlock(&base_mu);
    *out = b;
    return 0;
}

typedef struct {
    int64_t v[NR];
    gg_case_load_t g;
    base_t b;
    int have_base;
    gg_med_counts_t med;
    int have_med; /* the mediation counts were read */
} inputs_t;

static int64_t pick(const inputs_t *in, int col)
{
    const gg_case_load_t *g = &in->g;
    const base_t *b = &in->b;
    switch (col) {
    case M_MEDIATED:
        return in->med.mediated;
    case M_SUCCESS:
        return in->med.success;
    case M_AGREEMENTS:
        return in->med.agreements;
    case M_PERFORMED:
        return in->med.performed;
    case G_OPEN:
        return g->open;
    case G_OVERDUE:
        return g->overdue;
    case G_YELLOW:
        return g->yellow;
    case B_SEPARATED:
        return b->separated;
    case B_SPECIAL:
        return b->special;
    case B_RESIDENTS:
        return b->residents;
    default:
        return in->v[col];
    }
}

/* value of num/den: percent (tenths, half up) or hours from ms (tenths, half up) */
static void fill(const def_t *d, int64_t num, int64_t den, int *has, double *value, int64_t *onum,
                 int64_t *oden)
{
    *onum = num, *oden = den < 0 ? 0 : den;
    if (d->kind == K_COUNT) {
        *has = 1;
        *value = (double)num;
        return;
    }
    if (den <= 0) {
        *has = 0;
        *value = 0;
        return;
    }
    *has = 1;
    if (d->kind == K_PERCENT) {
        int64_t tenths = (num * 2000 + den) / (2 * den);
        *value = (double)tenths / 10.0;
    } else {
        /* hours: the numerator is reported in working minutes */
        int64_t tenths = (num * 20 + den * 3600000) / (2 * den * 3600000);
        *value = (double)tenths / 10.0;
        *onum = (num + 30000) / 60000; /* rounded to the minute */
    }
}

static int64_t numerator(const def_t *d, const inputs_t *in)
{
    int64_t n = 0;
    for (int i = 0; i < d->nnum; i++)
        n += pick(in, d->num[i]);
    for (int i = 0; i < d->nminus; i++)
        n -= pick(in, d->minus[i]);
    return n;
}

static int inputs(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u, const char *from,
                  const char *to, int base, int med, inputs_t *in, gg_error_t *err)
{
    memset(in, 0, sizeof *in);
    if (rollup_sums(c, u, from, to, in->v, err) < 0) return -1;
    if (gg_case_load_of(c, a, u, &in->g, err) < 0) return -1;
    if (base) {
        if (base_data(c, a, auth, u, &in->b, err) < 0) return -1;
        in->have_base = in->b.access;
    }
    /* aggregate counts of the subtree, under the caller's dashboard.read over u (checked by the caller) */
    if (med) {
        if (gg_mediation_counts_of(c, u->id, from, to, &in->med, err) < 0) return -1;
        in->have_med = 1;
    }
    return 0;
}

static void measure_of(const def_t *d, const inputs_t *in, gg_measure_t *m)
{
    memset(m, 0, sizeof *m);
    m->code = d->code, m->name_zh = d->zh, m->name_en = d->en;
    m->unit_kind = KIND_NAMES[d->kind];
    m->formula_zh = d->fzh, m->formula_en = d->fen;
    m->base_data = d->source == S_GAUGE || d->source == S_BASE;
    m->group = GROUP_NAMES[d->source];
    if (d->source == S_BASE && !in->have_base) return; /* no resident.read here: no value */
    int64_t num = numerator(d, in);
    int64_t den = d->den < 0 ? -1 : pick(in, d->den);
    fill(d, num, den, &m->has_value, &m->value, &m->numerator, &m->denominator);
}

int gg_measures_compute(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u,
                        const char *from_day, const char *to_day, gg_measure_t **out, int *n, gg_error_t *err)
{
    int64_t f, t;
    if (check_day(from_day, "from", &f, err) < 0 || check_day(to_day, "to", &t, err) < 0) return -1;
    /* the list has the mediation section only for a caller who may read the unit's disputes (dispute.read:
     * a department's staff do not); one figure asked for by code (an assessment task) is given to any
     * caller with dashboard.read, like every case figure */
    inputs_t in;
    if (inputs(c, a, auth, u, from_day, to_day, 1, gg_auth_can(auth, GG_P_DISPUTE_READ, u->path), &in, err) <
        0)
        return -1;
    *out = gg_zalloc(a, sizeof(gg_measure_t) * NDEFS);
    *n = 0;
    for (int i = 0; i < NDEFS; i++)
        if (DEFS[i].source != S_MEDIATION || in.have_med) measure_of(&DEFS[i], &in, &(*out)[(*n)++]);
    return 0;
}

int gg_measure_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u,
                   const char *code, const char *from_day, const char *to_day, gg_measure_t *out,
                   gg_error_t *err)
{
    for (int i = 0; i < NDEFS; i++)
        if (code && !strcmp(DEFS[i].code, code)) {
            int64_t f, t;
            if (check_day(from_day, "from", &f, err) < 0 || check_day(to_day, "to", &t, err) < 0) return -1;
            inputs_t in;
            if (inputs(c, a, auth, u, from_day, to_day, DEFS[i].source == S_BASE,
                       DEFS[i].source == S_MEDIATION, &in, err) < 0)
                return -1;
            measure_of(&DEFS[i], &in, out);
            return 0;
        }
    gg_err_not_found(err, "no measure %s", code ? code : "");
    snprintf(err->field, sizeof err->field, "code");
    return -1;
}

/* ---- series ---- */

#define ROW_SUMS                                                                                             \
    "coalesce(sum(reported), 0), coalesce(sum(closed), 0), coalesce(sum(closed_on_time), 0), "               \
    "coalesce(sum(overdue), 0)"
/* the same from case_fact's bits (rollup.c: reported 0, closed 3, closed_on_time 4, overdue 5) */
#define FACT_SUMS                                                                                            \
    "count(*), sum(CASE WHEN (f.flags & 8) <> 0 THEN 1 ELSE 0 END), "                                        \
    "sum(CASE WHEN (f.flags & 16) <> 0 THEN 1 ELSE 0 END), sum(CASE WHEN (f.flags & 32) <> 0 THEN 1 ELSE 0 " \
    "END)"

static int fine_level(const char *level)
{
    return level && strcmp(level, "community") && strcmp(level, "grid") && strcmp(level, "department");
}

int gg_measure_series(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u,
                      const char *by, const char *from_day, const char *to_day, gg_measure_row_t **rows,
                      int *n, gg_error_t *err)
{
    (void)auth;
    int64_t f, t;
    if (check_day(from_day, "from", &f, err) < 0 || check_day(to_day, "to", &t, err) < 0) return -1;
    const char *sql;
    gg_db_res_t *r;
    int fine = fine_level(u->level), rc;
    char *hi = gg_strdup(a, u->path);
    hi[strlen(hi) - 1] = '0';
    if (!by || !strcmp(by, "day"))
        sql = "SELECT day, day, " ROW_SUMS " FROM case_rollup WHERE unit_id = $1 AND category_id = 0 AND "
              "channel = '' AND day >= $2 AND day <= $3 GROUP BY day ORDER BY day";
    else if (!strcmp(by, "child"))
        sql =
            "SELECT x.id, x.name, coalesce(sum(r.reported), 0), coalesce(sum(r.closed), 0), "
            "coalesce(sum(r.closed_on_time), 0), coalesce(sum(r.overdue), 0) FROM unit x LEFT JOIN "
            "case_rollup "
            "r ON r.unit_id = x.id AND r.category_id = 0 AND r.channel = '' AND r.day >= $2 AND r.day <= $3 "
            "WHERE x.parent_id = $1 AND x.retired_at IS NULL AND x.level <> 'department' GROUP BY x.id, "
            "x.name, x.code ORDER BY x.code";
    else if (!strcmp(by, "category"))
        sql =
            fine
                ? "SELECT r.category_id, g.name, " ROW_SUMS " FROM case_rollup r JOIN category g ON g.id = "
                  "r.category_id WHERE r.unit_id = $1 AND r.category_id <> 0 AND r.day >= $2 AND r.day <= $3 "
                  "GROUP BY r.category_id, g.name ORDER BY 3 DESC, r.category_id"
                : "SELECT f.category_id, g.name, " FACT_SUMS " FROM case_fact f JOIN category g ON g.id = "
                  "f.category_id WHERE f.unit_path >= $1 AND f.unit_path < $2 AND f.day >= $3 AND f.day <= "
                  "$4 GROUP BY f.category_id, g.name ORDER BY 3 DESC, f.category_id";
    else if (!strcmp(by, "channel"))
        sql = fine ? "SELECT channel, channel, " ROW_SUMS
                     " FROM case_rollup WHERE unit_id = $1 AND channel <> '' "
                     "AND day >= $2 AND day <= $3 GROUP BY channel ORDER BY 3 DESC, channel"
                   : "SELECT f.channel, f.channel, " FACT_SUMS
                     " FROM case_fact f WHERE f.unit_path >= $1 AND "
                     "f.unit_path < $2 AND f.day >= $3 AND f.day <= $4 GROUP BY f.channel ORDER BY 3 DESC, "
                     "f.channel";
    else {
        gg_err_invalid(err, "by", "by must be day, category, channel or child");
        return gg_error_reason(err, "enum");
    }
    if (strstr(sql, "case_fact"))
        rc = gg_db_query(c, sql, GG_ARGS(GG_TEXT(u->path), GG_TEXT(hi), GG_TEXT(from_day), GG_TEXT(to_day)),
                         &r, err);
    else
        rc = gg_db_query(c, sql, GG_ARGS(GG_I64(u->id), GG_TEXT(from_day), GG_TEXT(to_day)), &r, err);
    if (rc < 0) return -1;
    int cap = 64, step;
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_measure_row_t) * (size_t)cap);
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_measure_row_t *nr = gg_alloc(a, sizeof(gg_measure_row_t) * (size_t)cap * 2);
            memcpy(nr, *rows, sizeof(gg_measure_row_t) * (size_t)cap);
            *rows = nr;
            cap *= 2;
        }
        gg_measure_row_t *o = &(*rows)[(*n)++];
        o->key = gg_strdup(a, gg_db_text(r, 0));
        o->name = gg_strdup(a, gg_db_text(r, 1) ? gg_db_text(r, 1) : "");
        o->reported = gg_db_i64(r, 2), o->closed = gg_db_i64(r, 3);
        o->closed_on_time = gg_db_i64(r, 4), o->overdue = gg_db_i64(r, 5);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_case_load_children(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u,
                          gg_case_load_t **rows, int *n, gg_error_t *err)
{
    (void)auth;
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT x.id, x.name, x.level, coalesce(l.open, 0), coalesce(l.overdue, 0), "
            "coalesce(l.yellow, 0), x.centroid_lat, x.centroid_lon FROM unit x LEFT JOIN case_load l ON "
            "l.unit_id = x.id WHERE x.parent_id = $1 AND x.retired_at IS NULL ORDER BY x.code",
            GG_ARGS(GG_I64(u->id)), &r, err) < 0)
        return -1;
    int cap = 64, step;
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_case_load_t) * (size_t)cap);
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_case_load_t *nr = gg_alloc(a, sizeof(gg_case_load_t) * (size_t)cap * 2);
            memcpy(nr, *rows, sizeof(gg_case_load_t) * (size_t)cap);
            *rows = nr;
            cap *= 2;
        }
        gg_case_load_t *o = &(*rows)[(*n)++];
        memset(o, 0, sizeof *o);
        o->id = gg_db_i64(r, 0);
        o->name = gg_strdup(a, gg_db_text(r, 1));
        o->level = gg_strdup(a, gg_db_text(r, 2));
        o->open = gg_db_i64(r, 3), o->overdue = gg_db_i64(r, 4), o->yellow = gg_db_i64(r, 5);
        if (!gg_db_isnull(r, 6) && !gg_db_isnull(r, 7)) {
            o->has_centroid = 1;
            o->lat = gg_db_f64(r, 6), o->lon = gg_db_f64(r, 7);
        }
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}
