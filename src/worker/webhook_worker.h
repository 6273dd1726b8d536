/*
 * webhook_worker.h — the job that delivers the outbox (domain/outbox.h) to webhook subscribers and 12345
 * platforms (domain/webhook.h): each run fans new outbox rows into deliveries, then claims due deliveries one
 * at a time and POSTs each with libcurl (connect timeout 5 s, total webhook_timeout_ms, redirects not
 * followed, http and https only), signed with X-Gridgov-Signature, and records the answer.  A run stops after
 * 50 deliveries or 5 s, so a stop never waits long.  Safe on several nodes at once (the claim is a lease
 * taken with SKIP LOCKED).  It runs on a runner of its own (cmd_serve.c), so a slow endpoint delays no other
 * job.
 */
#ifndef GG_WORKER_WEBHOOK_WORKER_H
#define GG_WORKER_WEBHOOK_WORKER_H

#include "db/db.h"
#include "domain/domain.h"

typedef struct gg_webhook_worker {
    gg_db_t *db;
    const gg_keys_t *keys;
} gg_webhook_worker_t;

/* Once per process, before the first run (curl_global_init). */
int gg_webhook_worker_init(gg_error_t *err);
/* A gg_job_fn: ctx is a gg_webhook_worker_t. */
int gg_webhook_worker_run(void *ctx, gg_error_t *err);

#endif
