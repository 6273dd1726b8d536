/*
 * measures.c — GET /api/v1/measures (every measure of a unit's subtree over a period, with its formula and
 * the previous period) and GET /api/v1/measures/series (by day, category, channel or child unit); the
 * domain is domain/measures/measure.c.  Scope: dashboard.read over the unit (404 otherwise); without
 * unit_id, the unit of the caller's first dashboard.read grant.
 */
#include <string.h>

#include "api/api.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/measures/measure.h"

struct q {
    int64_t unit_id;
    const char *from, *to, *by;
};

static int parse(gg_write_t *w)
{
    struct q *x = w->state;
    if (gg_api_query_int(w->req, "unit_id", 0, INT64_MAX, 0, &x->unit_id) < 0 ||
        gg_api_query_str(w->req, "from", 10, &x->from) < 0 ||
        gg_api_query_str(w->req, "to", 10, &x->to) < 0 || gg_api_query_str(w->req, "by", 16, &x->by) < 0)
        return -1;
    return 0;
}

/* The unit asked for (or the caller's first dashboard.read grant) and the period. */
static int setup(gg_write_t *w, gg_unit_t *u, char from[11], char to[11], char pf[11], char pt[11],
                 gg_error_t *err)
{
    struct q *x = w->state;
    int64_t id = x->unit_id;
    for (int i = 0; !id && i < w->op.auth->ngrants; i++)
        if (w->op.auth->grants[i].perms & GG_P_DASHBOARD_READ) id = w->op.auth->grants[i].unit_id;
    if (!id) {
        gg_err_forbidden(err, "you may not read dashboards anywhere");
        return gg_error_reason(err, "not_allowed");
    }
    if (gg_measure_period(x->from, x->to, gg_now_ms(), from, to, pf, pt, err) < 0) return -1;
    return gg_measure_unit(w->op.c, w->op.arena, w->op.auth, id, u, err);
}

static void write_head(gg_jw_t *j, const gg_unit_t *u, const char *from, const char *to, const char *pf,
                       const char *pt)
{
    gg_jw_key(j, "unit");
    gg_jw_obj(j);
    gg_jw_kint(j, "id", u->id);
    gg_jw_kstr(j, "name", u->name);
    gg_jw_kstr(j, "level", u->level);
    gg_jw_obj_end(j);
    gg_jw_key(j, "period");
    gg_jw_obj(j);
    gg_jw_kstr(j, "from", from);
    gg_jw_kstr(j, "to", to);
    gg_jw_obj_end(j);
    if (pf) {
        gg_jw_key(j, "previous");
        gg_jw_obj(j);
        gg_jw_kstr(j, "from", pf);
        gg_jw_kstr(j, "to", pt);
        gg_jw_obj_end(j);
    }
}

static void write_value(gg_jw_t *j, const gg_measure_t *m)
{
    gg_jw_kbool(j, "has_value", m->has_value);
    if (m->has_value)
        gg_jw_knum(j, "value", m->value);
    else
        gg_jw_knull(j, "value");
    gg_jw_kint(j, "numerator", m->numerator);
    gg_jw_kint(j, "denominator", m->denominator);
}

static int measures_respond(gg_write_t *w, gg_error_t *err)
{
    gg_unit_t u;
    char from[11], to[11], pf[11], pt[11];
    if (setup(w, &u, from, to, pf, pt, err) < 0) return -1;
    gg_measure_t *cur, *prev;
    int n, np;
    if (gg_measures_compute(w->op.c, w->op.arena, w->op.auth, &u, from, to, &cur, &n, err) < 0 ||
        gg_measures_compute(w->op.c, w->op.arena, w->op.auth, &u, pf, pt, &prev, &np, err) < 0)
        return -1;
    gg_jw_t *j = gg_api_json(w->req, w->status);
    gg_jw_obj(j);
    write_head(j, &u, from, to, pf, pt);
    gg_jw_key(j, "items");
    gg_jw_arr(j);
    for (int i = 0; i < n; i++) {
        const gg_measure_t *m = &cur[i];
        gg_jw_obj(j);
        gg_jw_kstr(j, "code", m->code);
        gg_jw_kstr(j, "name_zh", m->name_zh);
        gg_jw_kstr(j, "name_en", m->name_en);
        gg_jw_kstr(j, "unit_kind", m->unit_kind);
        gg_jw_kbool(j, "base_data", m->base_data);
        gg_jw_kstr(j, "group", m->group);
        write_value(j, m);
        gg_jw_key(j, "formula");
        gg_jw_obj(j);
        gg_jw_kstr(j, "zh", m->formula_zh);
        gg_jw_kstr(j, "en", m->formula_en);
        gg_jw_obj_end(j);
        gg_jw_key(j, "previous");
        gg_jw_obj(j);
        if (m->base_data) { /* the state now: no figure of the previous period */
            gg_measure_t none = {0};
            write_value(j, &none);
        } else
            write_value(j, &prev[i]);
        gg_jw_obj_end(j);
        gg_jw_obj_end(j);
    }
    gg_jw_arr_end(j);
    gg_jw_obj_end(j);
    return 0;
}

static int series_respond(gg_write_t *w, gg_error_t *err)
{
    struct q *x = w->state;
    gg_unit_t u;
    char from[11], to[11], pf[11], pt[11];
    if (setup(w, &u, from, to, pf, pt, err) < 0) return -1;
    const char *by = x->by && *x->by ? x->by : "day";
    gg_measure_row_t *rows;
    int n;
    if (gg_measure_series(w->op.c, w->op.arena, w->op.auth, &u, by, from, to, &rows, &n, err) < 0) return -1;
    gg_jw_t *j = gg_api_json(w->req, w->status);
    gg_jw_obj(j);
    write_head(j, &u, from, to, NULL, NULL);
    gg_jw_kstr(j, "by", by);
    gg_jw_key(j, "items");
    gg_jw_arr(j);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(j);
        gg_jw_kstr(j, "key", rows[i].key);
        gg_jw_kstr(j, "name", rows[i].name);
        gg_jw_kint(j, "reported", rows[i].reported);
        gg_jw_kint(j, "closed", rows[i].closed);
        gg_jw_kint(j, "closed_on_time", rows[i].closed_on_time);
        gg_jw_kint(j, "overdue", rows[i].overdue);
        gg_jw_obj_end(j);
    }
    gg_jw_arr_end(j);
    gg_jw_obj_end(j);
    return 0;
}

static const gg_write_op_t MEASURES = {
    .state_size = sizeof(struct q), .parse = parse, .respond = measures_respond};
static const gg_write_op_t SERIES = {
    .state_size = sizeof(struct q), .parse = parse, .respond = series_respond};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/measures", MEASURES),
    GG_WRITE_ROUTE("GET", "/api/v1/measures/series", SERIES),
};

int gg_api_measure_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
