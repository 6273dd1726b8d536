/* deadlines.c — the scheduler job: one connection, one marking run, a log line (deadlines.h). */
#include "worker/deadlines.h"

#include "core/clock.h"
#include "core/log.h"
#include "domain/cases/sla.h"

int gg_deadlines_run(void *ctx, gg_error_t *err)
{
    gg_deadlines_t *d = ctx;
    gg_db_conn_t *c;
    if (gg_db_acquire(d->db, &c, err) < 0) return -1;
    int yellow = 0, red = 0, expired = 0;
    int rc = gg_sla_run(c, gg_db_kind(d->db) == GG_DB_POSTGRES, d->keys, gg_now_ms(), &yellow, &red, &expired,
                        err);
    gg_db_release(d->db, c);
    if (rc == 0 && (yellow || red))
        gg_log_info("scheduler: %d cases near due (yellow), %d overdue (red)", yellow, red);
    if (rc == 0 && expired) gg_log_info("scheduler: %d extension requests lapsed unanswered", expired);
    return rc;
}
