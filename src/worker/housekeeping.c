/* housekeeping.c — the purge job: one connection, the domain's purge, a log line (see housekeeping.h). */
#include "worker/housekeeping.h"

#include "core/clock.h"
#include "core/log.h"
#include "domain/identity/session.h"

int gg_housekeeping_run(void *ctx, gg_error_t *err)
{
    gg_housekeeping_t *h = ctx;
    gg_db_conn_t *c;
    gg_session_purged_t purged;
    if (gg_db_acquire(h->db, &c, err) < 0) return -1;
    int rc = gg_session_purge(c, h->sec, gg_now_ms(), &purged, err);
    gg_db_release(h->db, c);
    if (rc == 0 && (purged.sessions || purged.throttles))
        gg_log_info("housekeeping: deleted %lld ended sessions and %lld spent login throttles",
                    (long long)purged.sessions, (long long)purged.throttles);
    return rc;
}
