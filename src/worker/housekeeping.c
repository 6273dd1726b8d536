/* housekeeping.c — the purge job: one connection, the domain's purges, a log line (see housekeeping.h). */
#include "worker/housekeeping.h"

#include "core/clock.h"
#include "core/log.h"
#include "domain/idempotency.h"
#include "domain/identity/session.h"

int gg_housekeeping_run(void *ctx, gg_error_t *err)
{
    gg_housekeeping_t *h = ctx;
    gg_db_conn_t *c;
    gg_session_purged_t purged;
    if (gg_db_acquire(h->db, &c, err) < 0) return -1;
    int64_t now = gg_now_ms(), keys = 0;
    int rc = gg_session_purge(c, h->sec, now, &purged, err);
    if (rc == 0) rc = gg_idem_purge(c, now - GG_IDEM_TTL_MS, &keys, err);
    gg_db_release(h->db, c);
    if (rc == 0 && (purged.sessions || purged.throttles || keys))
        gg_log_info("housekeeping: deleted %lld ended sessions, %lld spent login throttles and %lld expired "
                    "idempotency keys",
                    (long long)purged.sessions, (long long)purged.throttles, (long long)keys);
    return rc;
}
