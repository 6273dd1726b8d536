/*
 * suggest_worker.h — the job that keeps the dispatch suggestions' models fresh (domain/suggest/suggest.h:
 * gg_suggest_tick): every GG_SUGGEST_JOB_MS it retrains the counties whose model is older than the setting
 * suggest_retrain_hours (one node per county and turn, by a claim under a PostgreSQL advisory lock) and
 * builds this node's copy of any model another node trained since.  It runs on a runner of its own
 * (cmd_serve.c): a training takes about a second per 20,000 cases and must not delay the deadline marks.
 */
#ifndef GG_WORKER_SUGGEST_WORKER_H
#define GG_WORKER_SUGGEST_WORKER_H

#include "db/db.h"

#define GG_SUGGEST_JOB_MS 60000

typedef struct gg_suggest_worker {
    gg_db_t *db;
} gg_suggest_worker_t;

/* A gg_job_fn: ctx is a gg_suggest_worker_t. */
int gg_suggest_worker_run(void *ctx, gg_error_t *err);

#endif
