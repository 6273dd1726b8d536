/* reports_job.c — the report job: the month's schedule once per month, then the pending reports
 * (reports_job.h). */
#include "worker/reports_job.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/reports/report.h"

#define REPORTS_PER_TICK 4

int gg_reports_job_run(void *ctx, gg_error_t *err)
{
    gg_reports_job_t *j = ctx;
    gg_db_conn_t *c;
    if (gg_db_acquire(j->db, &c, err) < 0) return -1;
    int is_pg = gg_db_kind(j->db) == GG_DB_POSTGRES;
    int rc = 0;
    char period[8];
    gg_report_previous_period(gg_now_ms(), period);
    if (j->levels && *j->levels && strcmp(period, j->scheduled)) {
        int added = 0;
        rc = gg_report_schedule_month(c, is_pg, j->levels, period, &added, err);
        if (rc == 0) {
            snprintf(j->scheduled, sizeof j->scheduled, "%s", period);
            if (added) gg_log_info("reports: %d monthly reports of %s scheduled", added, period);
        }
    }
    int done = 0;
    if (rc == 0) rc = gg_report_work(c, is_pg, j->tmp_dir, REPORTS_PER_TICK, &done, err);
    gg_db_release(j->db, c);
    if (rc == 0 && done) gg_log_info("reports: %d reports generated", done);
    return rc;
}
