/*
 * rollup.h — upkeep of the daily case rollups, each case's contribution and the open-case gauge (tables
 * case_rollup, case_fact, case_load; migration 0020; docs/measures.md "Rollup model").
 *
 * Contract
 *  - gg_rollup_case_changed: call once per case write, inside its transaction, after the case row, its
 *    events, tasks and marks are written (case creation, every transition, the scheduler's marks).  It
 *    recomputes the case's contribution from its rows, and adds (new − old) to the rollup rows of the
 *    case's unit and every ancestor, and to their gauge; nothing when nothing changed.  No lag.
 *    cal: the working calendar for the working-time sums; NULL keeps the stored sums (a scheduler's mark
 *    changes no working time).
 *  - gg_rollup_enabled: 0 only when GRIDGOV_ROLLUPS=off (a bench knob: the cost of the upkeep); then the
 *    call does nothing and the rollups are stale until `gridgov rollup-check --fix`.
 *  - gg_rollup_check: recompute every case's contribution from the raw rows, sum them per unit (every
 *    ancestor), day, category and channel, and compare with the stored rollups and gauge.  *differences
 *    counts the rows that differ; each is printed to out (may be NULL) as a line.  fix: rewrite the three
 *    tables from the recomputation (in one transaction) — also how a bulk load or an old database gets them.
 *  - gg_rollup_build_if_needed: the fix, once, when the setting rollups_built is '0' (migrate, serve).
 */
#ifndef GG_DOMAIN_MEASURES_ROLLUP_H
#define GG_DOMAIN_MEASURES_ROLLUP_H

#include <stdio.h>

#include "domain/cases/calendar.h"
#include "domain/op.h"

int gg_rollup_enabled(void);
int gg_rollup_case_changed(gg_op_t *op, const gg_cal_snapshot_t *cal, int64_t case_id, gg_error_t *err);
int gg_rollup_check(gg_db_t *db, const gg_cal_snapshot_t *cal, int fix, FILE *out, int64_t *differences,
                    int64_t *cases, gg_error_t *err);
int gg_rollup_build_if_needed(gg_db_t *db, const gg_cal_snapshot_t *cal, int *built, gg_error_t *err);

#endif
