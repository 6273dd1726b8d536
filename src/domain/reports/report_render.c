/* report_render.c — a monthly report's figures (SQL over case_item) and its two files: the PDF through
 * core/pdf.h, the XLSX with libxlsxwriter (report.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/clock.h"
#include "auth/roles.h"
#include "core/log.h"
#include "core/pdf.h"
#include "domain/cases/case.h"
#include "domain/measures/measure.h"
#include "domain/tree/unit.h"
#include "domain/reports/report.h"

/* ---- figures ---- */

/* Overdue at the month's end ($4), as the measures define overdue (docs/measures.md: marked red by the
 * scheduler, or past its handling deadline) and the gauge counts it (open, not suspended), at that moment and
 * not now: its handling deadline had passed by then (the deadline now, when it is before the end — a later
 * extension or reopening only moves it later —, or a red mark made before the end and not lifted by an
 * extension or a reopening before the end), and its state then — the last state its events reached before
 * the end — was open and not suspended.  The cheap tests on the row first (closed before the end and never
 * reopened: closed at the end), so the events are read only for the cases that can qualify. */
#define OVERDUE_AT_END                                                                                       \
    "(k.closed_at IS NULL OR k.closed_at >= $4 OR k.reopen_count > 0) AND "                                  \
    "(k.due_at < $4 OR EXISTS (SELECT 1 FROM case_mark m WHERE m.case_id = k.id AND m.kind = 'red' AND "     \
    "m.at < $4 AND NOT EXISTS (SELECT 1 FROM case_event x WHERE x.case_id = k.id AND x.action IN "           \
    "('extend_approve', 'reopen') AND x.at > m.at AND x.at < $4))) AND "                                     \
    "COALESCE((SELECT e.to_state FROM case_event e WHERE e.case_id = k.id AND e.at < $4 AND e.to_state IS "  \
    "NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1), 'reported') NOT IN ('closed', 'rated', 'rejected', "   \
    "'merged', 'suspended')"

/* The four counts of the rows matched by where_sql ($1, $2: the subtree's path range; $3, $4: the month). */
#define COUNTS                                                                                               \
    "COALESCE(SUM(CASE WHEN k.created_at >= $3 AND k.created_at < $4 AND k.state <> 'merged' THEN 1 ELSE 0 " \
    "END), 0), "                                                                                             \
    "COALESCE(SUM(CASE WHEN k.closed_at >= $3 AND k.closed_at < $4 THEN 1 ELSE 0 END), 0), "                 \
    "COALESCE(SUM(CASE WHEN k.closed_at >= $3 AND k.closed_at < $4 AND (k.due_at IS NULL OR k.closed_at <= " \
    "k.due_at) THEN 1 ELSE 0 END), 0), "                                                                     \
    "COALESCE(SUM(CASE WHEN k.created_at < $4 AND " OVERDUE_AT_END " THEN 1 ELSE 0 END), 0)"
#define IN_SUBTREE "k.unit_path >= $1 AND k.unit_path < $2 AND k.created_at < $4"

static void read_counts(gg_db_res_t *r, int col, gg_report_row_t *o)
{
    o->reported = gg_db_i64(r, col);
    o->closed = gg_db_i64(r, col + 1);
    o->on_time = gg_db_i64(r, col + 2);
    o->overdue_open = gg_db_i64(r, col + 3);
}

/* Rows of a grouped query: name in column 0, the counts from column 1. */
static int grouped(gg_db_conn_t *c, gg_arena_t *a, const char *sql, const gg_db_arg_t *args, int nargs,
                   int channel, gg_report_row_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    *rows = NULL;
    *n = 0;
    if (gg_db_query(c, sql, args, nargs, &r, err) < 0) return -1;
    int cap = 8, rc;
    gg_report_row_t *out = gg_alloc(a, sizeof *out * (size_t)cap);
    while ((rc = gg_db_next(r, err)) > 0) {
        gg_report_row_t row;
        read_counts(r, 1, &row);
        if (!row.reported && !row.closed && !row.overdue_open) continue;
        const char *name = gg_db_text(r, 0);
        row.name = gg_strdup(a, channel ? gg_case_channel_zh(name ? name : "") : (name ? name : ""));
        if (*n == cap) {
            gg_report_row_t *bigger = gg_alloc(a, sizeof *out * (size_t)cap * 2);
            memcpy(bigger, out, sizeof *out * (size_t)cap);
            out = bigger;
            cap *= 2;
        }
        out[(*n)++] = row;
    }
    gg_db_res_free(r);
    if (rc < 0) return -1;
    *rows = out;
    return 0;
}

static char *path_end(gg_arena_t *a, const char *path)
{
    char *e = gg_strdup(a, path);
    size_t n = strlen(e);
    if (n) e[n - 1] = '0';
    return e;
}

int gg_report_figures(gg_db_conn_t *c, gg_arena_t *a, int64_t unit_id, const char *period,
                      gg_report_figures_t *f, gg_error_t *err)
{
    memset(f, 0, sizeof *f);
    int64_t from, to;
    if (gg_report_period_bounds(period, &from, &to) < 0) return gg_err_invalid(err, "period", "bad period");
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT name, level, path FROM unit WHERE id = $1", GG_ARGS(GG_I64(unit_id)), &r,
                    err) < 0)
        return -1;
    int rc = gg_db_next(r, err);
    const char *path = NULL;
    if (rc > 0) {
        f->unit_name = gg_strdup(a, gg_db_text(r, 0));
        f->unit_level = gg_strdup(a, gg_db_text(r, 1));
        path = gg_strdup(a, gg_db_text(r, 2));
    }
    gg_db_res_free(r);
    if (rc < 0) return -1;
    if (!path) return gg_err_not_found(err, "unit %lld is gone", (long long)unit_id);
    f->period = gg_strdup(a, period);
    const char *end = path_end(a, path);

    if (gg_db_query(c, "SELECT " COUNTS " FROM case_item k WHERE " IN_SUBTREE,
                    GG_ARGS(GG_TEXT(path), GG_TEXT(end), GG_I64(from), GG_I64(to)), &r, err) < 0)
        return -1;
    rc = gg_db_next(r, err);
    if (rc > 0) read_counts(r, 0, &f->total);
    gg_db_res_free(r);
    if (rc < 0) return -1;

    if (grouped(c, a,
                "SELECT g.name, " COUNTS
                " FROM case_item k JOIN category g ON g.id = k.category_id WHERE " IN_SUBTREE
                " GROUP BY g.id, g.name ORDER BY 2 DESC, g.name",
                GG_ARGS(GG_TEXT(path), GG_TEXT(end), GG_I64(from), GG_I64(to)), 0, &f->by_category,
                &f->ncategory, err) < 0 ||
        grouped(c, a,
                "SELECT k.channel, " COUNTS " FROM case_item k WHERE " IN_SUBTREE
                " GROUP BY k.channel ORDER BY 2 "
                "DESC, k.channel",
                GG_ARGS(GG_TEXT(path), GG_TEXT(end), GG_I64(from), GG_I64(to)), 1, &f->by_channel,
                &f->nchannel, err) < 0)
        return -1;

    /* by child unit: one query per child over its own path range */
    if (gg_db_query(c,
                    "SELECT name, path FROM unit WHERE parent_id = $1 AND retired_at IS NULL ORDER BY code",
                    GG_ARGS(GG_I64(unit_id)), &r, err) < 0)
        return -1;
    int cap = 16;
    const char **names = gg_alloc(a, sizeof(char *) * (size_t)cap),
               **paths = gg_alloc(a, sizeof(char *) * (size_t)cap);
    int nkids = 0;
    while ((rc = gg_db_next(r, err)) > 0) {
        if (nkids == cap) {
            const char **nn = gg_alloc(a, sizeof(char *) * (size_t)cap * 2),
                       **pp = gg_alloc(a, sizeof(char *) * (size_t)cap * 2);
            memcpy(nn, names, sizeof(char *) * (size_t)cap);
            memcpy(pp, paths, sizeof(char *) * (size_t)cap);
            names = nn;
            paths = pp;
            cap *= 2;
        }
        names[nkids] = gg_strdup(a, gg_db_text(r, 0));
        paths[nkids++] = gg_strdup(a, gg_db_text(r, 1));
    }
    gg_db_res_free(r);
    if (rc < 0) return -1;
    f->by_child = gg_zalloc(a, sizeof(gg_report_row_t) * (size_t)(nkids ? nkids : 1));
    for (int i = 0; i < nkids; i++) {
        if (gg_db_query(c, "SELECT " COUNTS " FROM case_item k WHERE " IN_SUBTREE,
                        GG_ARGS(GG_TEXT(paths[i]), GG_TEXT(path_end(a, paths[i])), GG_I64(from), GG_I64(to)),
                        &r, err) < 0)
            return -1;
        rc = gg_db_next(r, err);
        if (rc > 0) read_counts(r, 0, &f->by_child[i]);
        gg_db_res_free(r);
        if (rc < 0) return -1;
        f->by_child[i].name = names[i];
    }
    f->nchild = nkids;

    /* the measures, for the view of a leader of the unit (the report's reader); a failure leaves them out */
    const gg_role_t *leader = gg_role_find("leader");
    gg_grant_t *g = gg_zalloc(a, sizeof *g);
    *g = (gg_grant_t){.role = "leader",
                      .perms = leader ? leader->perms : GG_P_DASHBOARD_READ,
                      .unit_id = unit_id,
                      .unit_path = path,
                      .unit_name = f->unit_name};
    gg_auth_t *auth = gg_zalloc(a, sizeof *auth);
    *auth = (gg_auth_t){
        .username = "system", .display_name = "system", .ngrants = 1, .grants = g, .perms_any = g->perms};
    gg_unit_t u;
    int found = 0;
    char from_day[11], to_day[11];
    snprintf(from_day, sizeof from_day, "%s-01", period);
    char last[32];
    gg_time_rfc3339(to - 1, last);
    snprintf(to_day, sizeof to_day, "%.10s", last);
    gg_error_t merr = {0};
    if (gg_unit_by_id(c, a, unit_id, &u, &found, &merr) < 0 || !found ||
        gg_measures_compute(c, a, auth, &u, from_day, to_day, &f->measures, &f->nmeasures, &merr) < 0) {
        gg_log_warn("reports: the measures of unit %lld for %s were left out: %s", (long long)unit_id, period,
                    merr.message);
        f->measures = NULL;
        f->nmeasures = 0;
    }
    return 0;
}

/* ---- files ---- */

static const char *level_zh(const char *level)
{
    static const char *const names[][2] = {{"province", "省"},     {"city", "市"},        {"county", "区县"},
                                           {"street", "街道"},     {"community", "社区"}, {"grid", "网格"},
                                           {"department", "部门"}, {"root", "全域"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (level && !strcmp(names[i][0], level)) return names[i][1];
    return level ? level : "";
}

/* "97.5%" or "—" when nothing was closed */
static const char *rate(gg_arena_t *a, int64_t num, int64_t den)
{
    if (den <= 0) return "—";
    int64_t tenths = (num * 1000 + den / 2) / den;
    return gg_sprintf(a, "%lld.%lld%%", (long long)(tenths / 10), (long long)(tenths % 10));
}

static const char *num(gg_arena_t *a, int64_t v)
{
    return gg_sprintf(a, "%lld", (long long)v);
}

/* "97.5%", "12.3 小时", "42" or "—" */
static const char *measure_value(gg_arena_t *a, const gg_measure_t *m)
{
    if (!m->has_value) return "—";
    if (m->unit_kind && !strcmp(m->unit_kind, "percent")) return gg_sprintf(a, "%.1f%%", m->value);
    if (m->unit_kind && !strcmp(m->unit_kind, "hours")) return gg_sprintf(a, "%.1f 小时", m->value);
    return gg_sprintf(a, "%.0f", m->value);
}

static void pdf_breakdown(gg_pdf_t *d, gg_arena_t *a, const char *heading, const char *first_col,
                          const gg_report_row_t *rows, int n)
{
    gg_pdf_heading(d, heading);
    if (n == 0) {
        gg_pdf_paragraph(d, "本月无数据。");
        return;
    }
    const char *header[] = {first_col, "受理", "办结", "按期办结", "按期办结率", "超期未办结"};
    const char **cells = gg_alloc(a, sizeof(char *) * (size_t)n * 6);
    for (int i = 0; i < n; i++) {
        cells[i * 6] = rows[i].name;
        cells[i * 6 + 1] = num(a, rows[i].reported);
        cells[i * 6 + 2] = num(a, rows[i].closed);
        cells[i * 6 + 3] = num(a, rows[i].on_time);
        cells[i * 6 + 4] = rate(a, rows[i].on_time, rows[i].closed);
        cells[i * 6 + 5] = num(a, rows[i].overdue_open);
    }
    gg_pdf_table(d, 6, header, cells, n);
}

static int render_pdf(const gg_report_figures_t *f, gg_arena_t *a, unsigned char **out, size_t *len,
                      gg_error_t *err)
{
    int y = atoi(f->period), m = atoi(f->period + 5);
    int64_t from, to;
    gg_report_period_bounds(f->period, &from, &to);
    char last[32], made[32];
    gg_time_rfc3339(to - 1, last);
    gg_time_rfc3339(gg_now_ms(), made);
    const char *title = gg_sprintf(a, "%s %d年%d月事件办理月报", f->unit_name, y, m);
    gg_pdf_t *d = gg_pdf_new(title);
    if (!d) return gg_err_internal(err, "out of memory");
    gg_pdf_title(d, title);
    const char *labels[] = {"单位", "层级", "统计周期", "生成时间"};
    const char *values[] = {f->unit_name, level_zh(f->unit_level),
                            gg_sprintf(a, "%s-01 至 %.10s", f->period, last),
                            gg_sprintf(a, "%.10s %.5s", made, made + 11)};
    gg_pdf_fields(d, labels, values, 4);
    gg_pdf_heading(d, "一、总体情况");
    const gg_report_row_t *t = &f->total;
    gg_pdf_paragraph(d, gg_sprintf(a,
                                   "本月受理事件 %lld 件，办结 %lld 件，其中按期办结 %lld 件，按期办结率 %s；"
                                   "截至月末超期未办结 %lld 件。",
                                   (long long)t->reported, (long long)t->closed, (long long)t->on_time,
                                   rate(a, t->on_time, t->closed), (long long)t->overdue_open));
    const char *th[] = {"指标", "数值"};
    const char *tc[] = {"受理事件",   num(a, t->reported),
                        "办结事件",   num(a, t->closed),
                        "按期办结",   num(a, t->on_time),
                        "按期办结率", rate(a, t->on_time, t->closed),
                        "办结率",     rate(a, t->closed, t->reported),
                        "超期未办结", num(a, t->overdue_open)};
    gg_pdf_table(d, 2, th, tc, 6);
    pdf_breakdown(d, a, "二、按事项分类", "事项分类", f->by_category, f->ncategory);
    pdf_breakdown(d, a, "三、按上报渠道", "渠道", f->by_channel, f->nchannel);
    pdf_breakdown(d, a, "四、按下级单位", "单位", f->by_child, f->nchild);
    gg_pdf_heading(d, "五、考核指标");
    if (f->nmeasures) {
        const char *mh[] = {"指标", "数值", "分子 / 分母", "口径"};
        const char **mc = gg_alloc(a, sizeof(char *) * (size_t)f->nmeasures * 4);
        for (int i = 0; i < f->nmeasures; i++) {
            const gg_measure_t *me = &f->measures[i];
            mc[i * 4] = me->name_zh ? me->name_zh : me->code;
            mc[i * 4 + 1] = measure_value(a, me);
            mc[i * 4 + 2] = me->denominator ? gg_sprintf(a, "%lld / %lld", (long long)me->numerator,
                                                         (long long)me->denominator)
                                            : "";
            mc[i * 4 + 3] = me->formula_zh ? me->formula_zh : "";
        }
        gg_pdf_table(d, 4, mh, mc, f->nmeasures);
    } else {
        gg_pdf_paragraph(d, "考核指标暂无法计算，见服务日志。");
    }
    gg_pdf_paragraph(d, "说明：受理按上报时间、办结按结案时间计入本月；按期办结指在办理时限内结案；"
                        "超期未办结为月末前已过时限、至生成时仍未结案的事件。");
    return gg_pdf_finish(d, out, len, err);
}

static void sheet_rows(lxw_workbook *wb, lxw_format *bold, const char *name, const char *first_col,
                       const gg_report_row_t *rows, int n)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    const char *head[] = {first_col, "受理", "办结", "按期办结", "按期办结率(%)", "超期未办结"};
    for (int c = 0; c < 6; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], bold);
    worksheet_set_column(ws, 0, 0, 24, NULL);
    worksheet_set_column(ws, 1, 5, 12, NULL);
    for (int i = 0; i < n; i++) {
        lxw_row_t r = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, r, 0, rows[i].name, NULL);
        worksheet_write_number(ws, r, 1, (double)rows[i].reported, NULL);
        worksheet_write_number(ws, r, 2, (double)rows[i].closed, NULL);
        worksheet_write_number(ws, r, 3, (double)rows[i].on_time, NULL);
        if (rows[i].closed)
            worksheet_write_number(
                ws, r, 4, (double)((rows[i].on_time * 1000 + rows[i].closed / 2) / rows[i].closed) / 10.0,
                NULL);
        worksheet_write_number(ws, r, 5, (double)rows[i].overdue_open, NULL);
    }
}

static int render_xlsx(const gg_report_figures_t *f, const char *tmp_dir, unsigned char **out, size_t *len,
                       gg_error_t *err)
{
    static int serial;
    char path[1200];
    snprintf(path, sizeof path, "%s/report-%d-%d-%lld.xlsx", tmp_dir ? tmp_dir : "/tmp", (int)getpid(),
             __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED), (long long)gg_now_ms());
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return gg_err_internal(err, "cannot create the XLSX in %s", tmp_dir);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "概况");
    worksheet_set_column(ws, 0, 0, 20, NULL);
    worksheet_set_column(ws, 1, 1, 30, NULL);
    const char *labels[] = {"单位", "层级", "统计月份", "受理事件", "办结事件", "按期办结", "超期未办结"};
    for (int i = 0; i < 7; i++)
        worksheet_write_string(ws, (lxw_row_t)i, 0, labels[i], bold);
    worksheet_write_string(ws, 0, 1, f->unit_name, NULL);
    worksheet_write_string(ws, 1, 1, level_zh(f->unit_level), NULL);
    worksheet_write_string(ws, 2, 1, f->period, NULL);
    worksheet_write_number(ws, 3, 1, (double)f->total.reported, NULL);
    worksheet_write_number(ws, 4, 1, (double)f->total.closed, NULL);
    worksheet_write_number(ws, 5, 1, (double)f->total.on_time, NULL);
    worksheet_write_number(ws, 6, 1, (double)f->total.overdue_open, NULL);
    sheet_rows(wb, bold, "按事项分类", "事项分类", f->by_category, f->ncategory);
    sheet_rows(wb, bold, "按上报渠道", "渠道", f->by_channel, f->nchannel);
    sheet_rows(wb, bold, "按下级单位", "单位", f->by_child, f->nchild);
    lxw_worksheet *ms = workbook_add_worksheet(wb, "考核指标");
    const char *mhead[] = {"指标", "代码", "数值", "分子", "分母", "口径"};
    for (int c = 0; c < 6; c++)
        worksheet_write_string(ms, 0, (lxw_col_t)c, mhead[c], bold);
    worksheet_set_column(ms, 0, 0, 20, NULL);
    worksheet_set_column(ms, 5, 5, 60, NULL);
    for (int i = 0; i < f->nmeasures; i++) {
        const gg_measure_t *m = &f->measures[i];
        lxw_row_t r = (lxw_row_t)(i + 1);
        worksheet_write_string(ms, r, 0, m->name_zh ? m->name_zh : m->code, NULL);
        worksheet_write_string(ms, r, 1, m->code, NULL);
        if (m->has_value) worksheet_write_number(ms, r, 2, m->value, NULL);
        worksheet_write_number(ms, r, 3, (double)m->numerator, NULL);
        worksheet_write_number(ms, r, 4, (double)m->denominator, NULL);
        worksheet_write_string(ms, r, 5, m->formula_zh ? m->formula_zh : "", NULL);
    }
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        unlink(path);
        return gg_err_internal(err, "the XLSX could not be written: %s", lxw_strerror(e));
    }
    FILE *fp = fopen(path, "rb");
    unlink(path);
    if (!fp) return gg_err_internal(err, "the XLSX is gone");
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    *out = malloc(n > 0 ? (size_t)n : 1);
    *len = n > 0 && fread(*out, 1, (size_t)n, fp) == (size_t)n ? (size_t)n : 0;
    fclose(fp);
    if (!*len) {
        free(*out);
        *out = NULL;
        return gg_err_internal(err, "the XLSX could not be read back");
    }
    return 0;
}

int gg_report_render(const gg_report_figures_t *f, const char *tmp_dir, unsigned char **pdf, size_t *pdf_len,
                     unsigned char **xlsx, size_t *xlsx_len, gg_error_t *err)
{
    *pdf = *xlsx = NULL;
    *pdf_len = *xlsx_len = 0;
    gg_arena_t *a = gg_arena_new(0);
    int rc = render_pdf(f, a, pdf, pdf_len, err);
    gg_arena_free(a);
    if (rc < 0) return -1;
    if (render_xlsx(f, tmp_dir, xlsx, xlsx_len, err) < 0) {
        free(*pdf);
        *pdf = NULL;
        return -1;
    }
    return 0;
}
