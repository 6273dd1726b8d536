/*
 * report.h — generated reports (docs/reports.md): the monthly report of a unit (a county, a street …) for
 * one calendar month in Asia/Shanghai, kept as a PDF and an XLSX in the report row (0023_reports).
 *
 * Life of a report: requested (gg_report_request: a caller with dashboard.read over the unit) or
 * scheduled (gg_report_schedule_month: on the 1st of a month, last month's report of every unit of the
 * configured levels) → a row `pending`; the worker job (worker/reports_job.c) takes pending rows one by
 * one (gg_report_work: `running`, then `done` with both files, or `failed` with the error), on
 * PostgreSQL one node per tick (an advisory lock).  Asking again for a report that exists starts it
 * over (its files are kept until the new ones replace them).
 *
 * Content (gg_report_figures): the unit's subtree, cases reported in the month (created_at within it),
 * closed in the month, closed on time (closed_at <= due_at, or no due time), open and overdue at the end
 * of the month; the same by category, by channel and by child unit; and the month's measures of
 * domain/measures (the assessment indicators) computed for a leader's view of the unit.
 *
 * Scope: reads and requests take dashboard.read over the report's unit; anything else is 404.
 */
#ifndef GG_DOMAIN_REPORTS_REPORT_H
#define GG_DOMAIN_REPORTS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "domain/domain.h"
#include "domain/op.h"

typedef struct gg_report {
    int64_t id, unit_id;
    const char *unit_name, *unit_level, *period, *kind, *status, *origin, *error;
    const char *pdf_sha256, *xlsx_sha256;
    int64_t pdf_size, xlsx_size;
    int64_t requested_by, created_at, started_at, generated_at, updated_at;
} gg_report_t;

/* One row of a breakdown (by category, channel or child unit). */
typedef struct gg_report_row {
    const char *name;
    int64_t reported, closed, on_time, overdue_open;
} gg_report_row_t;

typedef struct gg_report_figures {
    const char *unit_name, *unit_level, *period; /* period 'YYYY-MM' */
    gg_report_row_t total;
    gg_report_row_t *by_category, *by_channel, *by_child;
    int ncategory, nchannel, nchild;
    /* the measures of the month (domain/measures/measure.h: 结案率, 按期结案率, 12345 三率 …), as a leader of
     * the unit sees them; nmeasures 0 when they could not be computed (the report says so) */
    struct gg_measure *measures;
    int nmeasures;
} gg_report_figures_t;

/* 'YYYY-MM' valid (months 1..12, years 2000..2099)?  Start and end (Unix ms) of that month in Shanghai. */
int gg_report_period_bounds(const char *period, int64_t *from_ms, int64_t *to_ms);
/* The period of the month before the one that contains now_ms (Shanghai), into out[8]. */
void gg_report_previous_period(int64_t now_ms, char out[8]);
/* The period containing now_ms. */
void gg_report_current_period(int64_t now_ms, char out[8]);

/* Ask for the monthly report of unit_id for period (NULL: this month so far): a pending row (a new one,
 * or the existing one started over unless it is pending or running already).  404 outside dashboard.read,
 * 400 naming "period" for a malformed or future month.  In op's transaction (audited as report.request). */
int gg_report_request(gg_op_t *op, int64_t unit_id, const char *period, int64_t *id, gg_error_t *err);
/* Reports of the unit (and its subtree when subtree = 1) the caller may see, newest period first. */
int gg_report_list(gg_op_t *op, int64_t unit_id, int subtree, int limit, gg_report_t **rows, int *n,
                   gg_error_t *err);
int gg_report_get(gg_op_t *op, int64_t id, gg_report_t *out, gg_error_t *err); /* 404 outside scope */
/* The file ("pdf" or "xlsx") of a done report the caller may see: *data (arena copy), *len.  404 when not
 * there (other scope, not done yet). */
int gg_report_file(gg_op_t *op, int64_t id, const char *format, gg_report_t *meta, const void **data,
                   size_t *len, gg_error_t *err);

/* The figures of a unit for a period (no scope check: the caller checked it). */
int gg_report_figures(gg_db_conn_t *c, gg_arena_t *a, int64_t unit_id, const char *period,
                      gg_report_figures_t *f, gg_error_t *err);
/* The PDF and XLSX of the figures (malloc'd, caller frees).  tmp_dir: where the XLSX is written first. */
int gg_report_render(const gg_report_figures_t *f, const char *tmp_dir, unsigned char **pdf, size_t *pdf_len,
                     unsigned char **xlsx, size_t *xlsx_len, gg_error_t *err);

/* The worker's side (no caller: the system).  Schedule: pending rows for period for every unit of the
 * given levels (comma-separated, e.g. "county,street") that has no report for it yet; *added.
 * Work: generate up to max pending reports; *done counts the finished ones (done or failed).  Both take
 * a PostgreSQL advisory lock first and do nothing (0) when another node holds it. */
int gg_report_schedule_month(gg_db_conn_t *c, int is_pg, const char *levels, const char *period, int *added,
                             gg_error_t *err);
int gg_report_work(gg_db_conn_t *c, int is_pg, const char *tmp_dir, int max, int *done, gg_error_t *err);

#endif
