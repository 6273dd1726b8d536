/* command.c — the command centre's reads: counters, children's load, top categories, map markers (command.h).
 */
#include "domain/command/command.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdio.h>

#include "core/clock.h"
#include "domain/measures/measure.h"

#define OPEN_STATES                                                                                          \
    "('reported', 'accepted', 'registered', 'dispatched', 'in_progress', 'awaiting_verification', "          \
    "'suspended')"
#define RUNNING "('registered', 'dispatched', 'in_progress', 'awaiting_verification')"
#define LOCAL_MS (8LL * 3600 * 1000)
#define DAY_MS (86400LL * 1000)

int64_t gg_command_day_start(int64_t now)
{
    int64_t local = now + LOCAL_MS;
    return local - (local % DAY_MS + DAY_MS) % DAY_MS - LOCAL_MS;
}

int64_t gg_command_month_start(int64_t now)
{
    time_t t = (time_t)((now + LOCAL_MS) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_mday = 1;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    return (int64_t)timegm(&tm) * 1000 - LOCAL_MS;
}

/* the unit's subtree as a range over a path column (paths are checked digits and slashes) */
static const char *subtree(gg_arena_t *a, const gg_unit_t *u, const char *col)
{
    if (!gg_unit_path_valid(u->path)) return "1=0";
    size_t len = strlen(u->path);
    return gg_sprintf(a, "%s >= '%s' AND %s < '%.*s0'", col, u->path, col, (int)(len - 1), u->path);
}

static int top_cmp(const void *x, const void *y)
{
    const gg_command_top_t *a = x, *b = y;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* the local date of t as 'YYYY-MM-DD' */
static void local_day(int64_t t, char out[11])
{
    time_t s = (time_t)((t + LOCAL_MS) / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int gg_command_counters(gg_db_conn_t *c, const gg_unit_t *u, int64_t now, gg_command_counters_t *out,
                        gg_error_t *err)
{
    memset(out, 0, sizeof *out);
    char today[11], month[11];
    local_day(now, today);
    local_day(gg_command_month_start(now), month);
    /* one statement: the gauge (case_load), today's reports and this month's closures of the cases
     * reported this month (the rollups' total rows), today's closures (command_closed) */
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT (SELECT open FROM case_load WHERE unit_id = $1), "
            "(SELECT overdue FROM case_load WHERE unit_id = $1), "
            "(SELECT yellow FROM case_load WHERE unit_id = $1), "
            "(SELECT closed FROM command_closed WHERE unit_id = $1 AND day = $2), "
            "x.rep, x.cl, x.ot FROM (SELECT COALESCE(SUM(CASE WHEN day = $2 THEN reported ELSE 0 END), 0) "
            "AS rep, COALESCE(SUM(closed), 0) AS cl, COALESCE(SUM(closed_on_time), 0) AS ot FROM "
            "case_rollup WHERE unit_id = $1 AND category_id = 0 AND channel = '' AND day >= $3 AND "
            "day <= $2) x",
            GG_ARGS(GG_I64(u->id), GG_TEXT(today), GG_TEXT(month)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        int64_t *f[7] = {&out->open,           &out->overdue,       &out->yellow,        &out->closed_today,
                         &out->reported_today, &out->on_time_total, &out->on_time_closed};
        for (int i = 0; i < 7; i++)
            *f[i] = gg_db_isnull(r, i) ? 0 : gg_db_i64(r, i);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static _Atomic uint64_t generation = 1;

uint64_t gg_command_generation(void)
{
    return generation;
}

static void bump(gg_db_conn_t *c, void *ctx)
{
    (void)c;
    (void)ctx;
    generation++;
}

int gg_command_case_event(gg_op_t *op, const gg_case_event_t *e, gg_error_t *err)
{
    gg_db_on_commit(op->c, bump, NULL); /* the summaries this node keeps are out of date once it commits */
    if (!e->to_state || strcmp(e->to_state, "closed") || (e->from_state && !strcmp(e->from_state, "closed")))
        return 0;
    const char *path = NULL;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT unit_path FROM case_item WHERE id = $1", GG_ARGS(GG_I64(e->case_id)), &r,
                    err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) path = gg_strdup(op->arena, gg_db_text(r, 0));
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (!path) return 0;
    char day[11];
    local_day(e->at ? e->at : gg_now_ms(), day);
    /* the unit and every ancestor (the ids of its path "/1/7/93/") in one multi-row upsert */
    gg_db_arg_t args[2 * 32];
    int n = 0;
    gg_buf_t sql = {0};
    gg_buf_puts(&sql, "INSERT INTO command_closed (unit_id, day, closed) VALUES ");
    for (const char *p = path; *p && n < 32;) {
        while (*p == '/')
            p++;
        if (!*p) break;
        char *end;
        long long id = strtoll(p, &end, 10);
        if (end == p) break;
        p = end;
        gg_buf_printf(&sql, "%s($%d, $%d, 1)", n ? ", " : "", 2 * n + 1, 2 * n + 2);
        args[2 * n] = GG_I64(id);
        args[2 * n + 1] = GG_TEXT(day);
        n++;
    }
    gg_buf_puts(&sql, " ON CONFLICT (unit_id, day) DO UPDATE SET closed = command_closed.closed + 1");
    int rc = n ? gg_db_exec(op->c, sql.data, args, 2 * n, NULL, err) : 0;
    gg_buf_free(&sql);
    if (rc < 0) return -1;
    return 0;
}

int gg_command_children(gg_op_t *op, const gg_unit_t *u, gg_command_child_t **rows, int *n, gg_error_t *err)
{
    gg_case_load_t *l;
    int nl;
    *rows = NULL;
    *n = 0;
    if (gg_case_load_children(op->c, op->arena, op->auth, u, &l, &nl, err) < 0) return -1;
    gg_command_child_t *out = gg_zalloc(op->arena, sizeof *out * (size_t)(nl + 1));
    for (int i = 0; i < nl; i++)
        out[i] = (gg_command_child_t){l[i].id,  l[i].name, l[i].level,   l[i].has_centroid, l[i].lat,
                                      l[i].lon, l[i].open, l[i].overdue, l[i].yellow};
    *rows = out;
    *n = nl;
    return 0;
}

static int top_of(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u, const char *by,
                  const char *from, const char *to, gg_command_top_t **out, int *n, gg_error_t *err)
{
    gg_measure_row_t *rows;
    int nr;
    *out = NULL;
    *n = 0;
    if (gg_measure_series(c, a, auth, u, by, from, to, &rows, &nr, err) < 0) return -1;
    gg_command_top_t *t = gg_zalloc(a, sizeof *t * (size_t)(nr + 1));
    int k = 0;
    for (int i = 0; i < nr; i++)
        if (rows[i].reported > 0)
            t[k++] = (gg_command_top_t){strtoll(rows[i].key, NULL, 10), rows[i].key, rows[i].name, NULL,
                                        rows[i].reported};
    qsort(t, (size_t)k, sizeof *t, top_cmp);
    *out = t;
    *n = k > 10 ? 10 : k;
    return 0;
}

int gg_command_top(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u, int64_t now,
                   gg_command_top_t **cats, int *ncats, gg_command_top_t **chans, int *nchans,
                   gg_error_t *err)
{
    char today[11], month[11];
    local_day(now, today);
    local_day(gg_command_month_start(now), month);
    return top_of(c, a, auth, u, "category", month, today, cats, ncats, err) < 0 ||
                   top_of(c, a, auth, u, "channel", month, today, chans, nchans, err) < 0
               ? -1
               : 0;
}

/* ---- markers ---- */

typedef struct pt {
    int64_t cx, cy;
    int idx;
} pt_t;

static int pt_cmp(const void *x, const void *y)
{
    const pt_t *a = x, *b = y;
    if (a->cx != b->cx) return a->cx < b->cx ? -1 : 1;
    if (a->cy != b->cy) return a->cy < b->cy ? -1 : 1;
    return a->idx - b->idx;
}

typedef struct mrow {
    int64_t id;
    double lat, lon;
    int overdue;
    const char *number, *code, *name, *state;
} mrow_t;

int gg_command_markers(gg_op_t *op, const gg_unit_t *u, const gg_bbox_t *bbox, int zoom, int64_t now,
                       gg_command_marker_t **rows, int *n, int64_t *total, int *truncated, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    *rows = NULL;
    *n = 0;
    *total = 0;
    *truncated = 0;
    gg_buf_t w = {0};
    gg_buf_printf(&w, "c.state IN " OPEN_STATES " AND %s AND c.lat IS NOT NULL AND c.lon IS NOT NULL",
                  subtree(a, u, "c.unit_path"));
    if (bbox->set)
        gg_buf_printf(&w, " AND c.lat >= %.7f AND c.lat <= %.7f AND c.lon >= %.7f AND c.lon <= %.7f",
                      bbox->south, bbox->north, bbox->west, bbox->east);
    const char *sql = gg_sprintf(
        a,
        "SELECT c.id, c.number, c.lat, c.lon, c.state, "
        "CASE WHEN c.state IN " RUNNING " AND c.due_at < $1 THEN 1 ELSE 0 END, k.code, k.name "
        "FROM case_item c JOIN category k ON k.id = c.category_id WHERE %s ORDER BY c.id DESC LIMIT %d",
        w.data, GG_COMMAND_MARKER_ROWS + 1);
    gg_buf_free(&w);
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(now)), &r, err) < 0) return -1;
    int cap = 1024, nr = 0, step;
    mrow_t *m = malloc(sizeof *m * (size_t)cap);
    if (!m) {
        gg_db_res_free(r);
        return gg_err_internal(err, "out of memory");
    }
    while ((step = gg_db_next(r, err)) == 1) {
        if (nr == GG_COMMAND_MARKER_ROWS) {
            *truncated = 1;
            break;
        }
        if (nr == cap) {
            mrow_t *g = realloc(m, sizeof *m * (size_t)cap * 2);
            if (!g) {
                step = gg_err_internal(err, "out of memory");
                break;
            }
            m = g;
            cap *= 2;
        }
        mrow_t *x = &m[nr++];
        x->id = gg_db_i64(r, 0);
        x->number = NULL;
        x->lat = gg_db_f64(r, 2);
        x->lon = gg_db_f64(r, 3);
        x->overdue = (int)gg_db_i64(r, 5);
        /* the texts only when the case may end up alone in its cell: copied lazily below would need the row;
         * copy them all (numbers and codes are short) */
        x->number = gg_strdup(a, gg_db_text(r, 1));
        x->state = gg_strdup(a, gg_db_text(r, 4));
        x->code = gg_strdup(a, gg_db_text(r, 6));
        x->name = gg_strdup(a, gg_db_text(r, 7));
    }
    gg_db_res_free(r);
    if (step < 0) {
        free(m);
        return -1;
    }
    if (zoom < 0) zoom = 0;
    if (zoom > 22) zoom = 22;
    double cell = 360.0 / (double)(1LL << zoom) / 4.0;
    pt_t *p = malloc(sizeof *p * (size_t)(nr + 1));
    if (!p) {
        free(m);
        return gg_err_internal(err, "out of memory");
    }
    for (int i = 0; i < nr; i++) {
        p[i].cx = (int64_t)floor(m[i].lon / cell);
        p[i].cy = (int64_t)floor(m[i].lat / cell);
        p[i].idx = i;
    }
    qsort(p, (size_t)nr, sizeof *p, pt_cmp);
    int ncl = 0;
    for (int i = 0; i < nr; i++)
        if (i == 0 || p[i].cx != p[i - 1].cx || p[i].cy != p[i - 1].cy) ncl++;
    gg_command_marker_t *out = gg_zalloc(a, sizeof *out * (size_t)(ncl + 1));
    int k = -1;
    for (int i = 0; i < nr; i++) {
        const mrow_t *x = &m[p[i].idx];
        if (i == 0 || p[i].cx != p[i - 1].cx || p[i].cy != p[i - 1].cy) {
            k++;
            out[k].south = out[k].north = x->lat;
            out[k].west = out[k].east = x->lon;
            out[k].id = x->id;
            out[k].number = x->number;
            out[k].category_code = x->code;
            out[k].category_name = x->name;
            out[k].state = x->state;
        }
        gg_command_marker_t *o = &out[k];
        o->count++;
        o->overdue += x->overdue;
        o->lat += x->lat;
        o->lon += x->lon;
        if (x->lat < o->south) o->south = x->lat;
        if (x->lat > o->north) o->north = x->lat;
        if (x->lon < o->west) o->west = x->lon;
        if (x->lon > o->east) o->east = x->lon;
    }
    for (int i = 0; i < ncl; i++) {
        out[i].lat /= out[i].count;
        out[i].lon /= out[i].count;
        if (out[i].count > 1) out[i].id = 0;
    }
    free(p);
    free(m);
    *rows = out;
    *n = ncl;
    *total = nr;
    return 0;
}
