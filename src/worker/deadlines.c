/* deadlines.c — the scheduler job: one connection, one marking run, a log line (deadlines.h). */
#include "worker/deadlines.h"

#include "core/clock.h"
#include "core/log.h"
#include "domain/cases/calendar_store.h"
#include "domain/cases/sla.h"

int gg_deadlines_run(void *ctx, gg_error_t *err)
{
    gg_deadlines_t *d = ctx;
    gg_db_conn_t *c;
    if (gg_db_acquire(d->db, &c, err) < 0) return -1;
    gg_cal_snapshot_t *cal = NULL;
    if (d->calendar) {
        /* the working calendar counts the hours (another node's edit seen within a second) */
        gg_error_t ignored;
        if (gg_calendar_sync(c, d->calendar, &ignored) < 0)
            gg_log_warn("calendar refresh failed: %s", ignored.message);
        cal = gg_calendar_acquire(d->calendar);
    }
    gg_sla_counts_t n;
    int rc = gg_sla_run(c, gg_db_kind(d->db) == GG_DB_POSTGRES, d->keys, cal, gg_now_ms(), &n, err);
    if (cal) gg_cal_snapshot_release(cal);
    gg_db_release(d->db, c);
    if (rc == 0 && (n.yellow || n.red))
        gg_log_info("scheduler: %d cases near due (yellow), %d overdue (red)", n.yellow, n.red);
    if (rc == 0 && n.expired) gg_log_info("scheduler: %d extension requests lapsed unanswered", n.expired);
    if (rc == 0 && (n.reminded || n.escalated))
        gg_log_info("scheduler: %d overdue reminders, %d cases escalated automatically", n.reminded,
                    n.escalated);
    return rc;
}
