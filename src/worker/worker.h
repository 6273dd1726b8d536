/*
 * worker.h — background work of `gridgov serve`: named jobs run every so often on one thread of their own,
 * beside the HTTP threads.  The layer sits above the domain (a job calls domain functions with a
 * connection from the pool) and below the cli (cmd_serve.c starts and stops it).
 *
 * Contract
 *  - Jobs are added (gg_worker_add) before gg_worker_start; the runner copies the gg_job_t, the ctx it
 *    points to is borrowed and must outlive gg_worker_stop.  At most GG_WORKER_MAX_JOBS jobs.
 *  - Each job runs once soon after start, then again interval_ms after its last run ended (a slow run
 *    never makes runs pile up).  Jobs run one at a time, in the order added when several are due, on
 *    the runner's thread; a job must not block for long (it delays the others and the stop).
 *  - A job returns 0, or -1 with err set: the runner logs "job NAME failed: …" and runs it again at its
 *    next interval.  Nothing a job returns stops the runner or the server.
 *  - gg_worker_stop wakes the runner at once (it never sleeps through a stop), waits for a job that is
 *    running to return, and joins the thread; no job starts after it is called.  Safe to call on a
 *    runner never started.  gg_worker_free after stop.
 *  - Several nodes: every node that runs `gridgov serve` runs every job, so a job must be safe to run
 *    on several nodes at once (the housekeeping job is: it deletes only rows already dead).  A job that
 *    must run on one node only (the deadline scheduler, the outbox) takes its turn in its run function:
 *    on PostgreSQL a transaction-scoped advisory lock named after the job
 *    (SELECT pg_try_advisory_xact_lock(...)) taken first in its transaction, returning 0 without work
 *    when another node holds it; on SQLite there is one node.  That lock belongs in the domain, next to
 *    the job's SQL; the runner stays unaware of nodes.
 *  - Not thread-safe for its owner: add, start, stop and free are called from one thread.
 */
#ifndef GG_WORKER_WORKER_H
#define GG_WORKER_WORKER_H

#include <stdint.h>

#include "core/error.h"

#define GG_WORKER_MAX_JOBS 16

typedef int (*gg_job_fn)(void *ctx, gg_error_t *err);

typedef struct gg_job {
    const char *name;    /* for the log; a string that outlives the runner */
    int64_t interval_ms; /* >= 1 */
    gg_job_fn run;
    void *ctx;
} gg_job_t;

typedef struct gg_worker gg_worker_t;

gg_worker_t *gg_worker_new(void);
/* 400 naming the job when the interval is not positive, run is NULL or the runner is full or started. */
int gg_worker_add(gg_worker_t *w, const gg_job_t *job, gg_error_t *err);
/* Start the thread; 500 when it cannot be made. */
int gg_worker_start(gg_worker_t *w, gg_error_t *err);
void gg_worker_stop(gg_worker_t *w);
void gg_worker_free(gg_worker_t *w);

#endif
