/*
 * calendar.c — /api/v1/calendar: the working calendar (工作日历).
 *
 *  GET    /api/v1/calendar?year=YYYY          the year's listed days, its coverage, the office hours
 *  PUT    /api/v1/calendar/days/{YYYY-MM-DD}  a local override {kind, name} (settings.manage; audited)
 *  DELETE /api/v1/calendar/days/{YYYY-MM-DD}  remove the local override (the package's answer returns)
 *  GET    /api/v1/calendar/deadline?from=RFC3339&days=N | &hours=N   the computed deadline
 *
 * Reads are open to every signed-in account (every case form shows deadlines); the deadline is computed
 * from the process's calendar snapshot (domain/cases/calendar.h), rebuilt after each local edit commits.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/cases/calendar_store.h"
#include "domain/validate.h"

static gg_calendar_t *calendar(const gg_write_t *w)
{
    return ((gg_app_t *)w->req->app)->calendar;
}

static void write_hours(gg_jw_t *jw, const gg_office_hours_t *h)
{
    char text[96];
    gg_office_hours_format(h, text, sizeof text);
    gg_jw_kstr(jw, "office_hours", text);
    gg_jw_kstr(jw, "time_zone", "Asia/Shanghai");
}

/* ---- GET /calendar?year= ---- */

struct year_query {
    int64_t year;
};

static int year_parse(gg_write_t *w)
{
    struct year_query *q = w->state;
    char today[11];
    gg_today(today);
    return gg_api_query_int(w->req, "year", 1900, 2200, atoi(today), &q->year);
}

static int year_respond(gg_write_t *w, gg_error_t *err)
{
    struct year_query *q = w->state;
    gg_calendar_row_t *rows;
    int n;
    int may_edit;
    if (gg_calendar_sync(w->op.c, calendar(w), err) < 0 || gg_calendar_may_edit(&w->op, &may_edit, err) < 0)
        return -1;
    if (gg_calendar_rows(w->op.c, w->op.arena, (int)q->year, &rows, &n, err) < 0) return -1;
    gg_cal_snapshot_t *s = gg_calendar_acquire(calendar(w));
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "year", q->year);
    gg_jw_kstr(jw, "coverage", gg_cal_coverage_name(gg_cal_year_coverage(s, (int)q->year)));
    write_hours(jw, gg_cal_snapshot_hours(s));
    gg_cal_snapshot_release(s);
    gg_jw_kbool(jw, "can_edit", may_edit);
    gg_jw_key(jw, "days");
    gg_jw_arr(jw);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kstr(jw, "date", rows[i].day);
        gg_jw_kstr(jw, "kind", rows[i].kind);
        gg_jw_kstr(jw, "name", rows[i].name);
        gg_jw_kstr(jw, "source", rows[i].source);
        gg_jw_kbool(jw, "overrides_package", rows[i].overrides);
        gg_jw_key(jw, "updated_by");
        if (rows[i].updated_by) {
            gg_jw_obj(jw);
            gg_jw_kint(jw, "id", rows[i].updated_by);
            gg_jw_kstr(jw, "display_name", rows[i].updated_by_name);
            gg_jw_obj_end(jw);
        } else {
            gg_jw_null(jw);
        }
        gg_jw_ktime(jw, "updated_at", rows[i].updated_at);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t CALENDAR_YEAR = {
    .state_size = sizeof(struct year_query),
    .parse = year_parse,
    .respond = year_respond,
};

/* ---- PUT / DELETE /calendar/days/{date} ---- */

static const gg_field_t day_fields[] = {
    {"kind", GG_F_STR, 0, 1, 16, 0},
    {"name", GG_F_STR, 0, 1, 32, 0},
};

static int day_put_run(gg_write_t *w, gg_error_t *err)
{
    return gg_calendar_day_put(&w->op, calendar(w), gg_req_param(w->req, "date"),
                               gg_json_str(w->body, "kind"), gg_json_str(w->body, "name"), err);
}

static int day_delete_run(gg_write_t *w, gg_error_t *err)
{
    return gg_calendar_day_delete(&w->op, calendar(w), gg_req_param(w->req, "date"), err);
}

static const gg_write_op_t CALENDAR_DAY_PUT = {
    .fields = GG_FIELDS(day_fields),
    .run = day_put_run,
    .refused_action = "calendar.put.refused",
    .refused_type = "calendar_day",
};

static const gg_write_op_t CALENDAR_DAY_DELETE = {
    .run = day_delete_run,
    .refused_action = "calendar.delete.refused",
    .refused_type = "calendar_day",
};

/* ---- GET /calendar/deadline ---- */

struct deadline_query {
    int64_t from, days, hours;
};

static int deadline_parse(gg_write_t *w)
{
    struct deadline_query *q = w->state;
    gg_error_t err = {0};
    const char *from = gg_req_query(w->req, "from");
    if (!from) {
        q->from = gg_now_ms();
    } else if (gg_cal_parse_instant(from, &q->from) < 0) {
        gg_err_invalid(&err, "from",
                       "from must be an RFC 3339 time with its offset, e.g. 2024-09-30T10:00:00+08:00");
        gg_api_error(w->req, &err);
        return -1;
    }
    if (gg_api_query_int(w->req, "days", 1, GG_CAL_MAX_DAYS, 0, &q->days) < 0 ||
        gg_api_query_int(w->req, "hours", 1, GG_CAL_MAX_HOURS, 0, &q->hours) < 0)
        return -1;
    if (!q->days == !q->hours) {
        gg_err_invalid(&err, q->days ? "hours" : "days",
                       "give either days or hours (working days or working hours)");
        gg_api_error(w->req, &err);
        return -1;
    }
    return 0;
}

static int deadline_respond(gg_write_t *w, gg_error_t *err)
{
    struct deadline_query *q = w->state;
    if (gg_calendar_sync(w->op.c, calendar(w), err) < 0) return -1;
    gg_cal_snapshot_t *s = gg_calendar_acquire(calendar(w));
    int64_t due;
    int fallback;
    int rc = q->days ? gg_cal_deadline_days(s, q->from, (int)q->days, "days", &due, &fallback, err)
                     : gg_cal_deadline_hours(s, q->from, (int)q->hours, "hours", &due, &fallback, err);
    if (rc == 0) {
        int64_t working = gg_cal_working_ms(s, q->from, due, NULL);
        gg_jw_t *jw = gg_api_json(w->req, w->status);
        gg_jw_obj(jw);
        gg_jw_ktime(jw, "from", q->from);
        gg_jw_key(jw, "days");
        q->days ? gg_jw_int(jw, q->days) : gg_jw_null(jw);
        gg_jw_key(jw, "hours");
        q->hours ? gg_jw_int(jw, q->hours) : gg_jw_null(jw);
        gg_jw_ktime(jw, "deadline", due);
        gg_jw_kint(jw, "working_minutes", working / 60000);
        gg_jw_kbool(jw, "fallback", fallback);
        write_hours(jw, gg_cal_snapshot_hours(s));
        gg_jw_obj_end(jw);
    }
    gg_cal_snapshot_release(s);
    return rc;
}

static const gg_write_op_t CALENDAR_DEADLINE = {
    .state_size = sizeof(struct deadline_query),
    .parse = deadline_parse,
    .respond = deadline_respond,
};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/calendar", CALENDAR_YEAR),
    GG_WRITE_ROUTE("GET", "/api/v1/calendar/deadline", CALENDAR_DEADLINE),
    GG_WRITE_ROUTE("PUT", "/api/v1/calendar/days/{date}", CALENDAR_DAY_PUT),
    GG_WRITE_ROUTE("DELETE", "/api/v1/calendar/days/{date}", CALENDAR_DAY_DELETE),
};

int gg_api_calendar_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
