/*
 * deadline.h — the clocks of a case (docs/cases.md "Deadlines"): from a limit
 * pinned from its category version ("4 working_hours", "15 working_days")
 * and a start instant, the deadline, the yellow-card instant and whether a
 * year without calendar data was crossed; and for a case now, the working
 * time left and its mark.  Pure functions of a calendar snapshot
 * (domain/cases/calendar.h): no database.
 *
 *  - gg_deadline_due: start + limit in working days (close of office of the
 *    n-th working day after start's date) or working hours (office time).
 *  - gg_deadline_handling: the handling deadline from the registration
 *    instant and yellow_at, the instant when share (case_yellow_share, 0.8)
 *    of the working time between start and the deadline is used — the
 *    earliest instant t with working_ms(start, t) >= share * working_ms(start,
 *    due) (a binary search: working time only grows with t).
 *  - gg_deadline_mark: "red" at or after due, "yellow" at or after yellow,
 *    else "none"; remaining working ms (0 once due) by gg_cal_working_ms.
 */
#ifndef GG_DOMAIN_CASES_DEADLINE_H
#define GG_DOMAIN_CASES_DEADLINE_H

#include <stdint.h>

#include "domain/cases/calendar.h"

/* 1 when unit is "working_hours" or "working_days". */
int gg_deadline_unit_valid(const char *unit);

/* *due = start + limit units; *fallback |= 1 when a year without calendar data decided (not cleared).
 * 400 naming field for a limit out of the calendar's range or an unknown unit. */
int gg_deadline_due(const gg_cal_snapshot_t *s, int64_t start, int limit, const char *unit, const char *field,
                    int64_t *due, int *fallback, gg_error_t *err);

/* The instant share (0 < share < 1) of the working time from start to due is used; due when there is none. */
int64_t gg_deadline_yellow(const gg_cal_snapshot_t *s, int64_t start, int64_t due, double share,
                           int *fallback);

/* The handling deadline and its yellow instant from start. */
int gg_deadline_handling(const gg_cal_snapshot_t *s, int64_t start, int limit, const char *unit, double share,
                         int64_t *due, int64_t *yellow, int *fallback, gg_error_t *err);

typedef enum { GG_MARK_NONE = 0, GG_MARK_YELLOW = 1, GG_MARK_RED = 2 } gg_deadline_mark_t;
const char *gg_deadline_mark_name(gg_deadline_mark_t m); /* "none" | "yellow" | "red" */

/* The mark and working time left at now of a clock running to due (0: no clock) with yellow. */
gg_deadline_mark_t gg_deadline_mark(const gg_cal_snapshot_t *s, int64_t now, int64_t due, int64_t yellow,
                                    int64_t *remaining_ms, int *fallback);

#endif
