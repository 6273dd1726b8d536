/* command.c — the command centre's reads: counters, children's load, top categories, map markers (command.h).
 */
#include "domain/command/command.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/cases/category.h"

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

int gg_command_counters(gg_db_conn_t *c, const gg_unit_t *u, int64_t now, gg_command_counters_t *out,
                        gg_error_t *err)
{
    memset(out, 0, sizeof *out);
    gg_arena_t *a = gg_arena_new(0);
    int64_t day = gg_command_day_start(now), month = gg_command_month_start(now);
    const char *in = subtree(a, u, "c.unit_path");
    /* open cases: the state index; the day's and month's reports and closures: bounded by time */
    const char *sql =
        gg_sprintf(a,
                   "SELECT COUNT(*), "
                   "COALESCE(SUM(CASE WHEN c.state IN " RUNNING " AND c.due_at < $1 THEN 1 ELSE 0 END), 0), "
                   "COALESCE(SUM(CASE WHEN c.state IN " RUNNING
                   " AND c.yellow_at <= $1 AND (c.due_at IS NULL OR c.due_at >= $1) THEN 1 ELSE 0 END), 0) "
                   "FROM case_item c WHERE c.state IN " OPEN_STATES " AND %s",
                   in);
    gg_db_res_t *r;
    int rc = gg_db_query(c, sql, GG_ARGS(GG_I64(now)), &r, err);
    if (rc == 0 && (rc = gg_db_next(r, err)) == 1) {
        out->open = gg_db_i64(r, 0);
        out->overdue = gg_db_i64(r, 1);
        out->yellow = gg_db_i64(r, 2);
    }
    if (rc >= 0) gg_db_res_free(r);
    if (rc >= 0)
        rc = gg_db_query_i64(
            c, gg_sprintf(a, "SELECT COUNT(*) FROM case_item c WHERE c.created_at >= $1 AND %s", in),
            GG_ARGS(GG_I64(day)), &out->reported_today, NULL, err);
    if (rc >= 0) {
        sql = gg_sprintf(
            a,
            "SELECT COALESCE(SUM(CASE WHEN c.closed_at >= $1 THEN 1 ELSE 0 END), 0), COUNT(*), "
            "COALESCE(SUM(CASE WHEN c.due_at IS NULL OR c.closed_at <= c.due_at THEN 1 ELSE 0 END), 0) "
            "FROM case_item c WHERE c.closed_at >= $2 AND %s",
            in);
        rc = gg_db_query(c, sql, GG_ARGS(GG_I64(day), GG_I64(month)), &r, err);
        if (rc == 0 && (rc = gg_db_next(r, err)) == 1) {
            out->closed_today = gg_db_i64(r, 0);
            out->on_time_total = gg_db_i64(r, 1);
            out->on_time_closed = gg_db_i64(r, 2);
        }
        if (rc >= 0) gg_db_res_free(r);
    }
    gg_arena_free(a);
    return rc < 0 ? -1 : 0;
}

int gg_command_children(gg_op_t *op, const gg_unit_t *u, int64_t now, gg_command_child_t **rows, int *n,
                        gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    *rows = NULL;
    *n = 0;
    gg_unit_t *kids;
    int nk;
    if (gg_unit_children(op->c, a, op->auth, u->id, &kids, &nk, err) < 0) return -1;
    gg_command_child_t *out = gg_zalloc(a, sizeof *out * (size_t)(nk + 1));
    for (int i = 0; i < nk; i++) {
        out[i].id = kids[i].id;
        out[i].name = kids[i].name;
        out[i].level = kids[i].level;
        out[i].code = kids[i].code;
        out[i].has_centroid = kids[i].has_centroid;
        out[i].lat = kids[i].lat;
        out[i].lon = kids[i].lon;
    }
    /* the open cases by location unit (few rows: open cases only), summed into the child holding each */
    const char *sql =
        gg_sprintf(a,
                   "SELECT c.unit_path, COUNT(*), "
                   "COALESCE(SUM(CASE WHEN c.state IN " RUNNING " AND c.due_at < $1 THEN 1 ELSE 0 END), 0), "
                   "COALESCE(SUM(CASE WHEN c.state IN " RUNNING
                   " AND c.yellow_at <= $1 AND (c.due_at IS NULL OR c.due_at >= $1) THEN 1 ELSE 0 END), 0) "
                   "FROM case_item c WHERE c.state IN " OPEN_STATES " AND %s GROUP BY c.unit_path",
                   subtree(a, u, "c.unit_path"));
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(now)), &r, err) < 0) return -1;
    int step;
    while ((step = gg_db_next(r, err)) == 1) {
        const char *p = gg_db_text(r, 0);
        for (int i = 0; i < nk; i++) {
            size_t len = strlen(kids[i].path);
            if (strncmp(p, kids[i].path, len)) continue;
            out[i].open += gg_db_i64(r, 1);
            out[i].overdue += gg_db_i64(r, 2);
            out[i].yellow += gg_db_i64(r, 3);
            break;
        }
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    *rows = out;
    *n = nk;
    return 0;
}

static int top_cmp(const void *x, const void *y)
{
    const gg_command_top_t *a = x, *b = y;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

int gg_command_top(gg_db_conn_t *c, gg_arena_t *a, const gg_unit_t *u, int64_t now, gg_command_top_t **cats,
                   int *ncats, gg_command_top_t **chans, int *nchans, gg_error_t *err)
{
    *ncats = *nchans = 0;
    *cats = *chans = NULL;
    gg_category_t *tree;
    int nt;
    if (gg_category_tree(c, a, 0, &tree, &nt, err) < 0) return -1;
    /* each category's top-level ancestor: the tree comes depth first */
    int *root = gg_alloc(a, sizeof *root * (size_t)(nt + 1));
    for (int i = 0, cur = -1; i < nt; i++) {
        if (tree[i].depth == 0) cur = i;
        root[i] = cur < 0 ? i : cur;
    }
    gg_command_top_t *tc = gg_zalloc(a, sizeof *tc * (size_t)(nt + 1));
    int ntc = 0;
    int64_t month = gg_command_month_start(now);
    gg_db_res_t *r;
    const char *sql =
        gg_sprintf(a,
                   "SELECT c.category_id, COUNT(*) FROM case_item c WHERE c.created_at >= $1 AND %s "
                   "GROUP BY c.category_id",
                   subtree(a, u, "c.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(month)), &r, err) < 0) return -1;
    int step;
    while ((step = gg_db_next(r, err)) == 1) {
        int64_t id = gg_db_i64(r, 0), k = gg_db_i64(r, 1);
        int at = -1;
        for (int i = 0; i < nt && at < 0; i++)
            if (tree[i].id == id) at = root[i];
        if (at < 0) continue;
        int j = 0;
        while (j < ntc && tc[j].id != tree[at].id)
            j++;
        if (j == ntc) {
            tc[ntc++] = (gg_command_top_t){tree[at].id, tree[at].code, tree[at].name, tree[at].name_en, 0};
        }
        tc[j].count += k;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    qsort(tc, (size_t)ntc, sizeof *tc, top_cmp);
    *cats = tc;
    *ncats = ntc > 10 ? 10 : ntc;

    sql = gg_sprintf(a,
                     "SELECT c.channel, COUNT(*) FROM case_item c WHERE c.created_at >= $1 AND %s "
                     "GROUP BY c.channel",
                     subtree(a, u, "c.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(month)), &r, err) < 0) return -1;
    gg_command_top_t *ch = gg_zalloc(a, sizeof *ch * 8);
    int nch = 0;
    while ((step = gg_db_next(r, err)) == 1 && nch < 8) {
        const char *key = gg_strdup(a, gg_db_text(r, 0));
        ch[nch++] = (gg_command_top_t){0, key, key, key, gg_db_i64(r, 1)};
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    qsort(ch, (size_t)nch, sizeof *ch, top_cmp);
    *chans = ch;
    *nchans = nch;
    return 0;
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
