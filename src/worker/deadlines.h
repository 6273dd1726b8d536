/*
 * deadlines.h — the deadline scheduler's job (domain/cases/sla.h): yellow and red marks with their
 * notifications, every scheduler_seconds (GRIDGOV_SCHEDULER_SECONDS, default 15).  Safe on several nodes:
 * the domain takes a PostgreSQL advisory lock per run, so one node marks at a time and each mark is a
 * unique row.
 */
#ifndef GG_WORKER_DEADLINES_H
#define GG_WORKER_DEADLINES_H

#include "db/db.h"
#include "domain/cases/calendar.h"
#include "domain/domain.h"

typedef struct gg_deadlines {
    gg_db_t *db;
    const gg_keys_t *keys;
    gg_calendar_t
        *calendar; /* the office hours the expiry, reminder and escalation count; NULL: wall hours */
} gg_deadlines_t;

/* A gg_job_fn: ctx is a gg_deadlines_t. */
int gg_deadlines_run(void *ctx, gg_error_t *err);

#endif
