/* hotspot.c — 高发点 (DBSCAN per category), 重复诉求 (same reporter, house or address) and rising grids
 * (hotspot.h). */
#include "domain/command/hotspot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY_MS (86400LL * 1000)
#define LOCAL_MS (8LL * 3600 * 1000)

/* the local date (Asia/Shanghai) of t as 'YYYY-MM-DD' */
static void local_day(int64_t t, char out[11])
{
    time_t s = (time_t)((t + LOCAL_MS) / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *subtree(gg_arena_t *a, const gg_unit_t *u, const char *col)
{
    if (!gg_unit_path_valid(u->path)) return "1=0";
    size_t len = strlen(u->path);
    return gg_sprintf(a, "%s >= '%s' AND %s < '%.*s0'", col, u->path, col, (int)(len - 1), u->path);
}

/* ---- DBSCAN on a cell grid ---- */

typedef struct cellpt {
    int64_t cx, cy;
    int idx;
} cellpt_t;

static int cell_cmp(const void *x, const void *y)
{
    const cellpt_t *a = x, *b = y;
    if (a->cx != b->cx) return a->cx < b->cx ? -1 : 1;
    if (a->cy != b->cy) return a->cy < b->cy ? -1 : 1;
    return a->idx - b->idx;
}

/* the first position in s[0..n) whose cell is >= (cx, cy) */
static int lower(const cellpt_t *s, int n, int64_t cx, int64_t cy)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (s[mid].cx < cx || (s[mid].cx == cx && s[mid].cy < cy))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

typedef struct grid {
    const double *x, *y;
    cellpt_t *s;
    int n;
    double eps;
} grid_t;

/* calls fn for each point within eps of point i (i itself included); returns how many */
static int neighbours(const grid_t *g, int i, int *out, int cap)
{
    int64_t cx = (int64_t)floor(g->x[i] / g->eps), cy = (int64_t)floor(g->y[i] / g->eps);
    int k = 0;
    double e2 = g->eps * g->eps;
    for (int64_t dx = -1; dx <= 1; dx++)
        for (int64_t dy = -1; dy <= 1; dy++) {
            for (int j = lower(g->s, g->n, cx + dx, cy + dy);
                 j < g->n && g->s[j].cx == cx + dx && g->s[j].cy == cy + dy; j++) {
                int o = g->s[j].idx;
                double ddx = g->x[o] - g->x[i], ddy = g->y[o] - g->y[i];
                if (ddx * ddx + ddy * ddy <= e2) {
                    if (out && k < cap) out[k] = o;
                    k++;
                }
            }
        }
    return k;
}

int gg_hotspot_dbscan(const double *lat, const double *lon, int n, double radius_m, int min_pts, int *cluster)
{
    if (n <= 0) return 0;
    double lat0 = 0;
    for (int i = 0; i < n; i++)
        lat0 += lat[i];
    lat0 /= n;
    double kx = 111320.0 * cos(lat0 * M_PI / 180.0), ky = 110540.0;
    double *x = malloc(sizeof *x * (size_t)n), *y = malloc(sizeof *y * (size_t)n);
    cellpt_t *s = malloc(sizeof *s * (size_t)n);
    int *count = malloc(sizeof *count * (size_t)n), *queue = malloc(sizeof *queue * (size_t)n),
        *nb = malloc(sizeof *nb * (size_t)n);
    int nclusters = 0;
    if (!x || !y || !s || !count || !queue || !nb) {
        for (int i = 0; i < n; i++)
            cluster[i] = -1;
        goto done;
    }
    for (int i = 0; i < n; i++) {
        x[i] = lon[i] * kx;
        y[i] = lat[i] * ky;
        s[i] = (cellpt_t){(int64_t)floor(x[i] / radius_m), (int64_t)floor(y[i] / radius_m), i};
        cluster[i] = -1;
    }
    qsort(s, (size_t)n, sizeof *s, cell_cmp);
    grid_t g = {x, y, s, n, radius_m};
    for (int i = 0; i < n; i++)
        count[i] = neighbours(&g, i, NULL, 0);
    for (int i = 0; i < n; i++) {
        if (cluster[i] >= 0 || count[i] < min_pts) continue;
        /* a core point not yet reached: a new cluster, grown through core points */
        int c = nclusters++, qh = 0, qt = 0;
        cluster[i] = c;
        queue[qt++] = i;
        while (qh < qt) {
            int p = queue[qh++];
            if (count[p] < min_pts) continue; /* a border point: reached, not grown from */
            int k = neighbours(&g, p, nb, n);
            for (int j = 0; j < k && j < n; j++) {
                int o = nb[j];
                if (cluster[o] >= 0) continue;
                cluster[o] = c;
                queue[qt++] = o;
            }
        }
    }
done:
    free(x);
    free(y);
    free(s);
    free(count);
    free(queue);
    free(nb);
    return nclusters;
}

/* ---- reading the period's cases ---- */

typedef struct crow {
    int64_t id, category_id, created_at;
    double lat, lon;
    int open;
} crow_t;

typedef struct catname {
    int64_t id;
    const char *code, *name, *name_en;
} catname_t;

static int load_categories(gg_op_t *op, catname_t **out, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    *n = 0;
    int64_t total = 0;
    if (gg_db_query_i64(op->c, "SELECT COUNT(*) FROM category", GG_NOARGS, &total, NULL, err) < 0) return -1;
    *out = gg_zalloc(op->arena, sizeof **out * (size_t)(total + 1));
    if (gg_db_query(op->c, "SELECT id, code, name, name_en FROM category ORDER BY id", GG_NOARGS, &r, err) <
        0)
        return -1;
    int step;
    while ((step = gg_db_next(r, err)) == 1 && *n < total) {
        catname_t *c = &(*out)[(*n)++];
        c->id = gg_db_i64(r, 0);
        c->code = gg_strdup(op->arena, gg_db_text(r, 1));
        c->name = gg_strdup(op->arena, gg_db_text(r, 2));
        c->name_en = gg_db_isnull(r, 3) ? NULL : gg_strdup(op->arena, gg_db_text(r, 3));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static const catname_t *cat_of(const catname_t *cs, int n, int64_t id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (cs[mid].id == id) return &cs[mid];
        if (cs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

static int crow_cmp(const void *x, const void *y)
{
    const crow_t *a = x, *b = y;
    if (a->category_id != b->category_id) return a->category_id < b->category_id ? -1 : 1;
    return a->id < b->id ? 1 : a->id > b->id ? -1 : 0; /* newest first within a category */
}

static int hot_cmp(const void *x, const void *y)
{
    const gg_hotspot_t *a = x, *b = y;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return a->last_at > b->last_at ? -1 : a->last_at < b->last_at ? 1 : 0;
}

int gg_hotspots(gg_op_t *op, const gg_unit_t *u, const gg_hotspot_query_t *q, gg_hotspot_t **rows, int *n,
                int *truncated, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    *rows = NULL;
    *n = 0;
    *truncated = 0;
    int64_t from = q->now - (int64_t)q->days * DAY_MS;
    const char *sql = gg_sprintf(
        a,
        "SELECT c.id, c.category_id, c.created_at, c.lat, c.lon, CASE WHEN c.state IN ('closed', 'rated') "
        "THEN 0 ELSE 1 END FROM case_item c WHERE %s AND c.created_at >= $1 AND c.lat IS NOT NULL AND "
        "c.lon IS NOT NULL AND c.state NOT IN ('merged', 'rejected') ORDER BY c.id DESC LIMIT %d",
        subtree(a, u, "c.unit_path"), GG_HOTSPOT_ROWS + 1);
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(from)), &r, err) < 0) return -1;
    int cap = 1024, nr = 0, step;
    crow_t *cr = malloc(sizeof *cr * (size_t)cap);
    if (!cr) {
        gg_db_res_free(r);
        return gg_err_internal(err, "out of memory");
    }
    while ((step = gg_db_next(r, err)) == 1) {
        if (nr == GG_HOTSPOT_ROWS) {
            *truncated = 1;
            break;
        }
        if (nr == cap) {
            crow_t *g = realloc(cr, sizeof *cr * (size_t)cap * 2);
            if (!g) {
                step = gg_err_internal(err, "out of memory");
                break;
            }
            cr = g;
            cap *= 2;
        }
        cr[nr++] = (crow_t){gg_db_i64(r, 0), gg_db_i64(r, 1), gg_db_i64(r, 2),
                            gg_db_f64(r, 3), gg_db_f64(r, 4), (int)gg_db_i64(r, 5)};
    }
    gg_db_res_free(r);
    catname_t *cats = NULL;
    int ncats = 0;
    if (step < 0 || load_categories(op, &cats, &ncats, err) < 0) {
        free(cr);
        return -1;
    }
    qsort(cr, (size_t)nr, sizeof *cr, crow_cmp);
    double *lat = malloc(sizeof *lat * (size_t)(nr + 1)), *lon = malloc(sizeof *lon * (size_t)(nr + 1));
    int *cl = malloc(sizeof *cl * (size_t)(nr + 1));
    int hcap = 16, nh = 0;
    gg_hotspot_t *hs = malloc(sizeof *hs * (size_t)hcap);
    int rc = 0;
    if (!lat || !lon || !cl || !hs) rc = gg_err_internal(err, "out of memory");
    for (int i = 0; rc == 0 && i < nr;) {
        int j = i;
        while (j < nr && cr[j].category_id == cr[i].category_id)
            j++;
        int m = j - i;
        if (m >= q->min_cases) {
            for (int k = 0; k < m; k++) {
                lat[k] = cr[i + k].lat;
                lon[k] = cr[i + k].lon;
            }
            int nc = gg_hotspot_dbscan(lat, lon, m, q->radius_m, q->min_cases, cl);
            const catname_t *cat = cat_of(cats, ncats, cr[i].category_id);
            for (int c = 0; c < nc && rc == 0; c++) {
                if (nh == hcap) {
                    gg_hotspot_t *g = realloc(hs, sizeof *hs * (size_t)hcap * 2);
                    if (!g) {
                        rc = gg_err_internal(err, "out of memory");
                        break;
                    }
                    hs = g;
                    hcap *= 2;
                }
                gg_hotspot_t *h = &hs[nh++];
                memset(h, 0, sizeof *h);
                h->category_id = cr[i].category_id;
                h->category_code = cat ? cat->code : "";
                h->category_name = cat ? cat->name : "";
                h->category_name_en = cat ? cat->name_en : NULL;
                h->ids = gg_alloc(a, sizeof *h->ids * GG_HOTSPOT_IDS);
                for (int k = 0; k < m; k++) {
                    if (cl[k] != c) continue;
                    const crow_t *x = &cr[i + k];
                    h->count++;
                    h->open += x->open;
                    h->lat += x->lat;
                    h->lon += x->lon;
                    if (!h->first_at || x->created_at < h->first_at) h->first_at = x->created_at;
                    if (x->created_at > h->last_at) h->last_at = x->created_at;
                    if (h->nids < GG_HOTSPOT_IDS) h->ids[h->nids++] = x->id;
                }
                h->lat /= h->count;
                h->lon /= h->count;
                double kx = 111320.0 * cos(h->lat * M_PI / 180.0), ky = 110540.0;
                for (int k = 0; k < m; k++) {
                    if (cl[k] != c) continue;
                    double dx = (cr[i + k].lon - h->lon) * kx, dy = (cr[i + k].lat - h->lat) * ky;
                    double d = sqrt(dx * dx + dy * dy);
                    if (d > h->radius_m) h->radius_m = d;
                }
            }
        }
        i = j;
    }
    if (rc == 0) {
        qsort(hs, (size_t)nh, sizeof *hs, hot_cmp);
        int keep = nh > GG_HOTSPOT_MAX_ITEMS ? GG_HOTSPOT_MAX_ITEMS : nh;
        *rows = gg_alloc(a, sizeof **rows * (size_t)(keep + 1));
        memcpy(*rows, hs, sizeof *hs * (size_t)keep);
        *n = keep;
    }
    free(hs);
    free(lat);
    free(lon);
    free(cl);
    free(cr);
    return rc;
}

/* ---- repeats: runs of one key and category, read sorted by the database ---- */

static int repeat_cmp(const void *x, const void *y)
{
    const gg_repeat_t *a = x, *b = y;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return a->last_at > b->last_at ? -1 : a->last_at < b->last_at ? 1 : 0;
}

/* key_sql: the key column (text); label_sql: what to show (or NULL) */
static int repeat_runs(gg_op_t *op, const gg_unit_t *u, const gg_hotspot_query_t *q, const char *kind,
                       const char *key_sql, const char *not_null, const catname_t *cats, int ncats,
                       gg_repeat_t **rows, int *n, int *cap, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    int64_t from = q->now - (int64_t)q->days * DAY_MS;
    const char *sql =
        gg_sprintf(a,
                   "SELECT %s, c.category_id, c.id, c.created_at, c.place_id, c.address FROM case_item c "
                   "WHERE %s AND c.created_at >= $1 AND %s AND c.state NOT IN ('merged', 'rejected') "
                   "ORDER BY 1, 2, 3 DESC LIMIT %d",
                   key_sql, subtree(a, u, "c.unit_path"), not_null, GG_HOTSPOT_ROWS);
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(from)), &r, err) < 0) return -1;
    char *key = NULL;
    int64_t cat = -1;
    gg_repeat_t cur = {0};
    int step;
    for (;;) {
        step = gg_db_next(r, err);
        const char *k = step == 1 ? gg_db_text(r, 0) : NULL;
        int64_t c = step == 1 ? gg_db_i64(r, 1) : -1;
        if (step != 1 || !key || strcmp(k, key) || c != cat) {
            /* the run before ends */
            if (key && cur.count >= q->min_cases) {
                if (*n == *cap) {
                    gg_repeat_t *g = gg_alloc(a, sizeof *g * (size_t)*cap * 2);
                    memcpy(g, *rows, sizeof *g * (size_t)*cap);
                    *rows = g;
                    *cap *= 2;
                }
                (*rows)[(*n)++] = cur;
            }
            if (step != 1) break;
            free(key);
            key = strdup(k);
            cat = c;
            const catname_t *cn = cat_of(cats, ncats, c);
            memset(&cur, 0, sizeof cur);
            cur.kind = kind;
            cur.category_id = c;
            cur.category_code = cn ? cn->code : "";
            cur.category_name = cn ? cn->name : "";
            cur.category_name_en = cn ? cn->name_en : NULL;
            cur.ids = gg_alloc(a, sizeof *cur.ids * GG_HOTSPOT_IDS);
            if (!strcmp(kind, "house")) cur.place_id = gg_db_i64(r, 4);
            if (strcmp(kind, "reporter") && !gg_db_isnull(r, 5)) cur.label = gg_strdup(a, gg_db_text(r, 5));
        }
        int64_t at = gg_db_i64(r, 3);
        cur.count++;
        if (!cur.first_at || at < cur.first_at) cur.first_at = at;
        if (at > cur.last_at) cur.last_at = at;
        if (cur.nids < GG_HOTSPOT_IDS) cur.ids[cur.nids++] = gg_db_i64(r, 2);
    }
    free(key);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_repeats(gg_op_t *op, const gg_unit_t *u, const gg_hotspot_query_t *q, gg_repeat_t **rows, int *n,
               gg_error_t *err)
{
    catname_t *cats;
    int ncats, cap = 32;
    *n = 0;
    *rows = gg_alloc(op->arena, sizeof **rows * (size_t)cap);
    if (load_categories(op, &cats, &ncats, err) < 0 ||
        repeat_runs(op, u, q, "reporter", "c.reporter_phone_bidx", "c.reporter_phone_bidx IS NOT NULL", cats,
                    ncats, rows, n, &cap, err) < 0 ||
        repeat_runs(op, u, q, "house", "CAST(c.place_id AS TEXT)", "c.place_id IS NOT NULL", cats, ncats,
                    rows, n, &cap, err) < 0 ||
        /* an address typed without a house (a house's cases are counted by the house) */
        repeat_runs(op, u, q, "address", "c.address",
                    "c.place_id IS NULL AND c.address IS NOT NULL AND c.address <> ''", cats, ncats, rows, n,
                    &cap, err) < 0)
        return -1;
    qsort(*rows, (size_t)*n, sizeof **rows, repeat_cmp);
    if (*n > GG_HOTSPOT_MAX_ITEMS) *n = GG_HOTSPOT_MAX_ITEMS;
    return 0;
}

static int rising_cmp(const void *x, const void *y)
{
    const gg_rising_t *a = x, *b = y;
    int64_t da = a->current - a->previous, db = b->current - b->previous;
    if (da != db) return da > db ? -1 : 1;
    return a->current > b->current ? -1 : a->current < b->current ? 1 : 0;
}

int gg_rising(gg_op_t *op, const gg_unit_t *u, const gg_hotspot_query_t *q, gg_rising_t **rows, int *n,
              gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    *rows = NULL;
    *n = 0;
    /* from the rollups' total rows of each grid (cases by the local day they were reported) */
    int64_t mid = q->now - (int64_t)(q->days - 1) * DAY_MS, from = mid - (int64_t)q->days * DAY_MS;
    char dmid[11], dfrom[11];
    local_day(mid, dmid);
    local_day(from, dfrom);
    const char *sql = gg_sprintf(
        a,
        "SELECT g.id, g.name, g.code, g.centroid_lat, g.centroid_lon, x.cur, x.prev FROM (SELECT r.unit_id "
        "AS "
        "uid, SUM(CASE WHEN r.day >= $1 THEN r.reported ELSE 0 END) AS cur, SUM(CASE WHEN r.day < $1 THEN "
        "r.reported ELSE 0 END) AS prev FROM unit u JOIN case_rollup r ON r.unit_id = u.id AND r.category_id "
        "= 0 "
        "AND r.channel = '' AND r.day >= $2 WHERE %s AND u.level = 'grid' GROUP BY r.unit_id) x JOIN unit g "
        "ON "
        "g.id = x.uid WHERE x.cur > x.prev AND x.cur >= $3",
        subtree(a, u, "u.path"));
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, GG_ARGS(GG_TEXT(dmid), GG_TEXT(dfrom), GG_I64(q->min_cases)), &r, err) < 0)
        return -1;
    int cap = 64, step;
    gg_rising_t *out = gg_alloc(a, sizeof *out * (size_t)cap);
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_rising_t *g = gg_alloc(a, sizeof *g * (size_t)cap * 2);
            memcpy(g, out, sizeof *g * (size_t)cap);
            out = g;
            cap *= 2;
        }
        gg_rising_t *x = &out[(*n)++];
        x->unit_id = gg_db_i64(r, 0);
        x->name = gg_strdup(a, gg_db_text(r, 1));
        x->code = gg_strdup(a, gg_db_text(r, 2));
        x->has_centroid = !gg_db_isnull(r, 3) && !gg_db_isnull(r, 4);
        x->lat = x->has_centroid ? gg_db_f64(r, 3) : 0;
        x->lon = x->has_centroid ? gg_db_f64(r, 4) : 0;
        x->current = gg_db_i64(r, 5);
        x->previous = gg_db_i64(r, 6);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    qsort(out, (size_t)*n, sizeof *out, rising_cmp);
    if (*n > GG_HOTSPOT_MAX_ITEMS) *n = GG_HOTSPOT_MAX_ITEMS;
    *rows = out;
    return 0;
}
