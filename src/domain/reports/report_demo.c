/* report_demo.c — the demo's reports (report_demo.h). */
#include "domain/reports/report_demo.h"

#include "core/clock.h"
#include "domain/reports/report.h"

int gg_report_demo(gg_db_t *db, gg_error_t *err)
{
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) return -1;
    int rc = 0, added = 0;
    int64_t at = gg_now_ms();
    for (int back = 1; back <= 3 && rc == 0; back++) {
        char period[8];
        gg_report_previous_period(at, period); /* the month before the one at `at` */
        rc = gg_report_schedule_month(c, gg_db_kind(db) == GG_DB_POSTGRES, "county", period, &added, err);
        int64_t from;
        gg_report_period_bounds(period, &from, NULL);
        at = from; /* step back a month */
    }
    gg_db_release(db, c);
    return rc;
}
