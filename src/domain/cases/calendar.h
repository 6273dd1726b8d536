/*
 * calendar.h — the working calendar (工作日历): which dates are working days,
 * the office hours, and the deadline arithmetic every case deadline uses.
 *
 * The rule is Monday to Friday, except the dates the calendar lists: a
 * holiday (法定节假日, no work although a weekday) or a workday (调休, work
 * although a Saturday or Sunday).  Listed dates come from the chinese-days
 * package or from a local edit (domain/cases/calendar_store.h loads them).
 *
 * Time: instants are Unix milliseconds; dates and office hours are in
 * Asia/Shanghai, which has been UTC+8 all year since 1992 (no daylight
 * saving), so local time is the instant plus eight hours — no tz database.
 *
 * Snapshots (like geo/grid_index.h): a gg_cal_snapshot_t never changes after
 * gg_cal_snapshot_build returns, so any number of threads compute with it at
 * once and no deadline check queries the database.  A gg_calendar_t holds
 * the current one; readers acquire a reference and release it; installing a
 * new snapshot swaps a pointer under a mutex, and the last reference frees
 * the old one.
 *
 * Contract of the arithmetic (all pure functions of the snapshot):
 *  - gg_cal_deadline_days(from, n): the close of office (end of the last
 *    office-hours interval) of the n-th working day after the local date of
 *    from — "N个工作日内", counted from the next day (次日起算), whatever the
 *    hour of from and whether from's own day is a working day.  1..3660.
 *  - gg_cal_deadline_hours(from, n): the instant when n hours of office time
 *    have passed since from; time outside office hours and on non-working
 *    days does not count.  A count that ends exactly at a closing time
 *    answers that closing time (18:00, not 14:30 of the next day).  1..20000.
 *  - gg_cal_working_ms(a, b): office time between a and b in ms (0 when
 *    b <= a): with a = now and b = the deadline it is the time remaining,
 *    with a = the start it is the time used.
 *  - Every answer says, in *fallback, whether a year it went through has no
 *    calendar data, so the Mon–Fri rule alone decided (the UI says so).
 */
#ifndef GG_DOMAIN_CASES_CALENDAR_H
#define GG_DOMAIN_CASES_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define GG_CAL_MAX_INTERVALS 4
#define GG_CAL_MAX_DAYS 3660
#define GG_CAL_MAX_HOURS 20000
#define GG_CAL_UTC_OFFSET_MS (8LL * 3600 * 1000) /* Asia/Shanghai */

/* Office hours: up to four intervals in minutes after local midnight, in
 * order, not touching or overlapping. */
typedef struct gg_office_hours {
    int n;
    int start[GG_CAL_MAX_INTERVALS], end[GG_CAL_MAX_INTERVALS];
} gg_office_hours_t;

/* "08:30-12:00,14:30-18:00" into h; err names field.  The default of the
 * office_hours setting is GG_OFFICE_HOURS_DEFAULT. */
#define GG_OFFICE_HOURS_DEFAULT "08:30-12:00,14:30-18:00"
int gg_office_hours_parse(const char *text, const char *field, gg_office_hours_t *h, gg_error_t *err);
/* Write h back as text (at least 64 bytes). */
void gg_office_hours_format(const gg_office_hours_t *h, char *out, size_t size);

typedef enum { GG_CAL_HOLIDAY = 1, GG_CAL_WORKDAY = 2 } gg_cal_kind_t;
typedef enum { GG_CAL_SRC_PACKAGE = 1, GG_CAL_SRC_LOCAL = 2 } gg_cal_source_t;

/* One listed date: the input of a build. */
typedef struct gg_cal_day {
    int year, month, day;
    gg_cal_kind_t kind;
    gg_cal_source_t source;
} gg_cal_day_t;

/* A year's coverage: what decides its days. */
typedef enum {
    GG_CAL_COVER_FALLBACK = 0, /* no data: Mon–Fri */
    GG_CAL_COVER_LOCAL = 1,    /* only local edits */
    GG_CAL_COVER_PACKAGE = 2,  /* chinese-days (with or without local edits) */
} gg_cal_coverage_t;
const char *gg_cal_coverage_name(gg_cal_coverage_t c); /* "fallback" | "local" | "chinese-days" */

typedef struct gg_cal_snapshot gg_cal_snapshot_t;
typedef struct gg_calendar gg_calendar_t;

/* Build from n listed dates (copied; a date listed twice keeps the local
 * one) and the office hours.  Fails only on a date that does not exist, or office hours without an
 * interval (400 naming office_hours). */
int gg_cal_snapshot_build(const gg_cal_day_t *days, int n, const gg_office_hours_t *hours,
                          gg_cal_snapshot_t **out, gg_error_t *err);
void gg_cal_snapshot_release(gg_cal_snapshot_t *s); /* drop a reference (or a never-installed snapshot) */
const gg_office_hours_t *gg_cal_snapshot_hours(const gg_cal_snapshot_t *s);

gg_cal_coverage_t gg_cal_year_coverage(const gg_cal_snapshot_t *s, int year);
/* 1 when the local date is a working day; *fallback (may be NULL) set to 1
 * when its year has no data. */
int gg_cal_is_workday(const gg_cal_snapshot_t *s, int year, int month, int day, int *fallback);

/* The deadlines and the office time between two instants (contract above).
 * Return 0, or -1 with a 400 naming field when n is out of range. */
int gg_cal_deadline_days(const gg_cal_snapshot_t *s, int64_t from_ms, int n, const char *field,
                         int64_t *out_ms, int *fallback, gg_error_t *err);
int gg_cal_deadline_hours(const gg_cal_snapshot_t *s, int64_t from_ms, int n, const char *field,
                          int64_t *out_ms, int *fallback, gg_error_t *err);
int64_t gg_cal_working_ms(const gg_cal_snapshot_t *s, int64_t a_ms, int64_t b_ms, int *fallback);

/* The holder of the current snapshot (long-lived, one per process). */
gg_calendar_t *gg_calendar_new(void);
void gg_calendar_free(gg_calendar_t *c);
/* The current snapshot with a reference held (an empty Mon–Fri one with the
 * default office hours before the first install); pair with
 * gg_cal_snapshot_release. */
gg_cal_snapshot_t *gg_calendar_acquire(gg_calendar_t *c);
/* Publish s (takes ownership), built from the data at generation (the calendar_generation counter,
 * calendar_store.h).  A snapshot older than the installed one (a slower concurrent rebuild) is dropped. */
void gg_calendar_install(gg_calendar_t *c, gg_cal_snapshot_t *s, int64_t generation);
int64_t gg_calendar_generation(gg_calendar_t *c);
/* 1 when the caller should compare the generation with the database now: more than a second since the last
 * check, and no other thread checking; the caller then calls gg_calendar_checked. */
int gg_calendar_due(gg_calendar_t *c, int64_t now_ms);
void gg_calendar_checked(gg_calendar_t *c, int64_t now_ms);

/* Civil-date helpers shared by the store and the API: days since 1970-01-01
 * and back; "YYYY-MM-DD" checked (0) or not (-1). */
int64_t gg_cal_days_from_civil(int y, int m, int d);
void gg_cal_civil_from_days(int64_t z, int *y, int *m, int *d);
int gg_cal_parse_date(const char *text, int *y, int *m, int *d);
/* An RFC 3339 instant with its offset ("2024-09-30T10:00:00+08:00", "…Z",
 * fractions of a second dropped) into Unix ms; -1 when it is not one. */
int gg_cal_parse_instant(const char *text, int64_t *ms);

#endif
