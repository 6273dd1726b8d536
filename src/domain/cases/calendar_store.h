/*
 * calendar_store.h — the calendar_day rows (sql/migrations/0010_calendar.sql):
 * importing the chinese-days package, an administrator's local edits, and
 * loading the rows into a snapshot (domain/cases/calendar.h).
 *
 *  - gg_calendar_import reads DIR/years/YYYY.json of chinese-days ("holidays"
 *    and "workdays": date -> "English,中文,n") and replaces, year by year in
 *    one transaction, the package rows of each year it finds.  Local rows are
 *    never read or written, so running it again changes nothing, and a local
 *    edit survives any import.
 *  - gg_calendar_day_put / _delete: a local override of one date, needing
 *    settings.manage at the root (403 otherwise), audited (calendar.put /
 *    calendar.delete with the before and after), and after the commit the
 *    process's calendar is rebuilt (gg_db_on_commit).
 *  - gg_calendar_reload builds a snapshot from every row and installs it; gg_calendar_sync does so when
 *    another process has written since (the calendar_generation counter, domain/setting.h).
 */
#ifndef GG_DOMAIN_CASES_CALENDAR_STORE_H
#define GG_DOMAIN_CASES_CALENDAR_STORE_H

#include "domain/cases/calendar.h"
#include "domain/op.h"

typedef struct gg_calendar_import_stats {
    int years; /* year files read */
    int days;  /* package rows written */
    int first_year, last_year;
} gg_calendar_import_stats_t;

int gg_calendar_import(gg_db_t *db, const char *dir, gg_calendar_import_stats_t *st, gg_error_t *err);

/* One row as the API shows it. */
typedef struct gg_calendar_row {
    const char *day; /* YYYY-MM-DD */
    const char *kind, *name, *source;
    int64_t updated_by, updated_at; /* updated_by 0 = the package */
    const char *updated_by_name;
    int overrides; /* a local row that hides a package row of the same date */
} gg_calendar_row_t;

/* The rows of a year that decide (local before package), by date. */
int gg_calendar_rows(gg_db_conn_t *c, gg_arena_t *a, int year, gg_calendar_row_t **rows, int *n,
                     gg_error_t *err);

/* Whether auth may change the calendar (settings.manage at the root): what the page offers. */
int gg_calendar_may_edit(const gg_op_t *op, int *may, gg_error_t *err);

/* kind "holiday" | "workday"; name 1..32 characters.  cal is rebuilt after the commit (may be NULL). */
int gg_calendar_day_put(const gg_op_t *op, gg_calendar_t *cal, const char *day, const char *kind,
                        const char *name, gg_error_t *err);
/* 404 when the date has no local row. */
int gg_calendar_day_delete(const gg_op_t *op, gg_calendar_t *cal, const char *day, gg_error_t *err);

/* Load every row with the office hours into a snapshot and install it in cal. */
int gg_calendar_reload(gg_db_conn_t *c, gg_calendar_t *cal, const gg_office_hours_t *hours, gg_error_t *err);
/* Every calendar write (import, local edit) bumps the calendar_generation counter; a reader calls sync before
 * it acquires a snapshot: at most once a second it compares the counter and rebuilds when another process
 * (a CLI import, another node) changed the rows. */
int gg_calendar_sync(gg_db_conn_t *c, gg_calendar_t *cal, gg_error_t *err);
/* Every calendar write (import, local edit) bumps the calendar_generation counter; a reader calls sync before
 * it acquires a snapshot, which compares the counter at most once a second and rebuilds when another process
 * (a CLI import, another node) changed the rows. */
int gg_calendar_sync(gg_db_conn_t *c, gg_calendar_t *cal, gg_error_t *err);

#endif
