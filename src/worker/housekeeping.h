/*
 * housekeeping.h — the job that deletes what can no longer matter: ended sessions and spent login
 * throttles (gg_session_purge in domain/session.h), Idempotency-Keys older than 24 hours (gg_idem_purge in
 * domain/idempotency.h), attachments nobody claimed within a day with their files (gg_attachment_purge in
 * domain/attachment.h), the video alarms' spent nonces (gg_video_nonce_purge in domain/video.h) and delivered
 * outbox rows past outbox_keep_days (gg_outbox_trim in domain/outbox.h), every
 * housekeeping_seconds (cli/config.h).
 */
#ifndef GG_WORKER_HOUSEKEEPING_H
#define GG_WORKER_HOUSEKEEPING_H

#include "db/db.h"
#include "domain/domain.h"

typedef struct gg_housekeeping {
    gg_db_t *db;
    const gg_security_t *sec; /* the session and login windows the purge tests against */
    const char *data_dir;     /* where attachments/ lives; NULL = no attachment purge */
} gg_housekeeping_t;

/* A gg_job_fn: ctx is a gg_housekeeping_t.  Logs what it deleted, when anything. */
int gg_housekeeping_run(void *ctx, gg_error_t *err);

#endif
