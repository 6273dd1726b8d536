/* housekeeping.c — the purge job: one connection, the domain's purges, a log line (see housekeeping.h). */
#include "worker/housekeeping.h"

#include "core/clock.h"
#include "core/log.h"
#include "domain/attachment.h"
#include "domain/idempotency.h"
#include "domain/identity/session.h"
#include "domain/outbox.h"
#include "domain/video.h"

/* An upload nobody linked to anything within this long is dropped (attachment.h). */
#define ATTACHMENT_UNCLAIMED_MS (24LL * 3600 * 1000)

int gg_housekeeping_run(void *ctx, gg_error_t *err)
{
    gg_housekeeping_t *h = ctx;
    gg_db_conn_t *c;
    gg_session_purged_t purged;
    if (gg_db_acquire(h->db, &c, err) < 0) return -1;
    int64_t now = gg_now_ms(), keys = 0;
    int rc = gg_session_purge(c, h->sec, now, &purged, err);
    if (rc == 0) rc = gg_idem_purge(c, now - GG_IDEM_TTL_MS, &keys, err);
    int attachments = 0;
    if (rc == 0 && h->data_dir)
        rc = gg_attachment_purge(c, h->data_dir, now, ATTACHMENT_UNCLAIMED_MS, &attachments, err);
    int64_t nonces = 0;
    if (rc == 0) rc = gg_video_nonce_purge(c, now, &nonces, err); /* past the alarms' window */
    int64_t outbox = 0;
    if (rc == 0) rc = gg_outbox_trim(c, now, &outbox, err); /* delivered, older than outbox_keep_days */
    gg_db_release(h->db, c);
    if (rc == 0 && outbox)
        gg_log_info("housekeeping: deleted %lld delivered outbox rows past outbox_keep_days",
                    (long long)outbox);
    if (rc == 0 && (purged.sessions || purged.throttles))
        gg_log_info("housekeeping: deleted %lld ended sessions and %lld spent login throttles",
                    (long long)purged.sessions, (long long)purged.throttles);
    if (rc == 0 && keys) gg_log_info("housekeeping: deleted %lld expired idempotency keys", (long long)keys);
    if (rc == 0 && attachments)
        gg_log_info("housekeeping: deleted %d attachments nobody claimed within a day", attachments);
    return rc;
}
