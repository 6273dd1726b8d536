/*
 * reports_job.h — the report job (domain/reports/report.h): every few seconds it generates the pending
 * reports (asked for through POST /api/v1/reports, or scheduled), and once a month — the first tick of a
 * month in Asia/Shanghai, normally just after midnight on the 1st — it schedules last month's report of
 * every unit of the configured levels (GRIDGOV_REPORT_LEVELS, default "county,street"; "" turns the
 * schedule off).  Safe on several nodes: the domain takes a PostgreSQL advisory lock in each transaction,
 * and the schedule's rows are unique per unit and month.
 */
#ifndef GG_WORKER_REPORTS_JOB_H
#define GG_WORKER_REPORTS_JOB_H

#include "db/db.h"

#define GG_REPORTS_JOB_INTERVAL_MS 2000

typedef struct gg_reports_job {
    gg_db_t *db;
    const char *tmp_dir; /* where an XLSX is written before it goes into the row */
    const char *levels;  /* comma-separated unit levels of the monthly schedule */
    char scheduled[8];   /* the last period scheduled by this process ("" at start: schedule once) */
} gg_reports_job_t;

/* A gg_job_fn: ctx is a gg_reports_job_t. */
int gg_reports_job_run(void *ctx, gg_error_t *err);

#endif
