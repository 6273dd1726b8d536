/*
 * demo_cases.h — a year of demonstration cases (事件/工单) for the demo
 * counties, from the seeded generator, and the bulk variant the benchmark
 * uses to build a million.
 *
 * Each case is simulated through the workflow of docs/cases.md from its
 * report to wherever it stands at `now`: the timeline is cut at now, so old
 * cases are closed (and mostly rated) and recent ones stand in every open
 * state.  Every event's from_state is the previous event's to_state, the
 * case's version is 1 + the number of actions after the report other than
 * notes, deadlines are pinned from the category's current version on the
 * working calendar (response from the report, handling from the registration,
 * moved by approved extensions and by suspensions), numbers are
 * GG + local date + 6-digit serial and case_counter ends at the last serial
 * of each day.  Locations are the demo's buildings (inside their grid), the
 * house when a resident or grid worker names one.
 *
 * What it writes, in SQL directly (like demo.c's places and people):
 * case_item, case_task, case_event, case_counter; the departments a case is
 * dispatched to (one per kind of department per county, created through the
 * unit domain when absent); the setting demo_cases (so the demo runs it once).
 */
#ifndef GG_DOMAIN_DEMO_CASES_H
#define GG_DOMAIN_DEMO_CASES_H

#include <stdio.h>

#include "domain/cases/calendar.h"
#include "domain/domain.h"

typedef struct gg_demo_cases_options {
    uint64_t seed;
    int64_t now;   /* the end of the simulated year (Unix ms); 0: the clock */
    int64_t count; /* cases in all; 0: the demo's mix (GG_DEMO_CASES_XIALU for 下陆区, fewer elsewhere) */
    double scale;  /* with count 0: the mix multiplied by this (`gridgov demo --scale`, a smaller world has
                    * fewer  cases); 0 counts as 1 */
    int showcase;  /* also the cases the demo accounts are shown (every state in their boxes) */
    int bulk;      /* a bulk load into SQLite: synchronous=OFF and foreign keys off for this connection,
                    * the case tables' indexes dropped during the load and created again as defined */
    int per_tx;    /* cases per transaction; 0: 5,000 (bulk: 50,000) */
    const gg_cal_snapshot_t *calendar; /* the working calendar (required) */
    void (*progress)(void *ctx, int64_t done, int64_t total);
    void *progress_ctx;
} gg_demo_cases_options_t;

typedef struct gg_demo_cases_stats {
    int already; /* the demo's cases were generated before (count 0 only): nothing done */
    int64_t cases, events, tasks, departments;
    int64_t by_state[12]; /* indexed like gg_demo_case_states */
} gg_demo_cases_stats_t;

/* 下陆区's share of a year in the demo: about 55 a day over its 304 grids. */
#define GG_DEMO_CASES_XIALU 20000
/* each of the other four counties */
#define GG_DEMO_CASES_OTHER 2500

/* "reported", "accepted", … "merged" (NULL-terminated), the order of by_state */
extern const char *const gg_demo_case_states[];

/* Generate.  With count 0 it runs once per database (the setting demo_cases); with count N it adds N cases
 * spread over the counties like the demo's mix, numbered after the existing ones of each day. */
int gg_demo_cases_generate(gg_db_t *db, const gg_security_t *sec, const gg_demo_cases_options_t *o,
                           gg_demo_cases_stats_t *st, gg_error_t *err);

#endif
