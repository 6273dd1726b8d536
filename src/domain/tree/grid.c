/* grid.c — grids: reading them, their lineage, and keeping the point-in-grid index current (see grid.h);
 * writes are in grid_edit.c and grid_restructure.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "domain/tree/grid_internal.h"
#include "domain/scope.h"
#include "domain/setting.h"
#include "domain/tree/unit.h"

void gg_grid_read_row(gg_db_res_t *r, gg_arena_t *a, int with_geometry, gg_grid_t *g)
{
    memset(g, 0, sizeof *g);
    g->id = gg_db_i64(r, 0);
    g->parent_id = gg_db_isnull(r, 1) ? 0 : gg_db_i64(r, 1);
    g->level = gg_strdup(a, gg_db_text(r, 2));
    g->code = gg_strdup(a, gg_db_text(r, 3));
    g->name = gg_strdup(a, gg_db_text(r, 4));
    g->path = gg_strdup(a, gg_db_text(r, 5));
    g->geometry = with_geometry ? gg_strdup(a, gg_db_text(r, 6)) : NULL;
    g->has_centroid = !gg_db_isnull(r, 7) && !gg_db_isnull(r, 8);
    g->lat = g->has_centroid ? gg_db_f64(r, 7) : 0;
    g->lon = g->has_centroid ? gg_db_f64(r, 8) : 0;
    g->area_m2 = gg_db_isnull(r, 9) ? 0 : gg_db_f64(r, 9);
    g->has_bbox = !gg_db_isnull(r, 10);
    for (int k = 0; k < 4; k++)
        g->bbox[k] = g->has_bbox ? gg_db_f64(r, 10 + k) : 0;
    g->valid_from = gg_db_i64(r, 14);
    g->retired_at = gg_db_isnull(r, 15) ? 0 : gg_db_i64(r, 15);
    g->version = (int)gg_db_i64(r, 16);
    g->parent_level = gg_strdup(a, gg_db_text(r, 17));
    g->parent_code = gg_strdup(a, gg_db_text(r, 18));
    g->parent_name = gg_strdup(a, gg_db_text(r, 19));
    g->households = -1;
}

/* Any unit by id, with its shape columns (the parent of a new grid is a community). */
int gg_grid_load_unit(gg_db_conn_t *c, gg_arena_t *a, int64_t id, gg_grid_t *out, int *found, gg_error_t *err)
{
    gg_db_res_t *r;
    *found = 0;
    if (gg_db_query(c, "SELECT " GRID_COLS GRID_FROM "WHERE u.id = $1", GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        gg_grid_read_row(r, a, 1, out);
        *found = 1;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_grid_is_level(const char *level)
{
    return level && (strcmp(level, "grid") == 0 || strcmp(level, "micro_grid") == 0);
}

static int get_scoped(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, int grids_only,
                      gg_grid_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    char *sql =
        gg_sprintf(a, "SELECT " GRID_COLS ", " HOUSEHOLDS("u") GRID_FROM "WHERE u.id = $1 AND %s AND %s",
                   grids_only ? IS_GRID : "1=1", gg_scope_sql(a, auth, GG_P_UNIT_READ, "u.path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        gg_grid_read_row(r, a, 1, out);
        out->households = gg_db_i64(r, GRID_NCOLS);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0)
        return gg_err_not_found(err, "%s %lld does not exist or is outside your scope",
                                grids_only ? "grid" : "unit", (long long)id);
    return 0;
}

int gg_grid_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_grid_t *out,
                gg_error_t *err)
{
    return get_scoped(c, a, auth, id, 1, out, err);
}

int gg_unit_shape_get(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_grid_t *out,
                      gg_error_t *err)
{
    return get_scoped(c, a, auth, id, 0, out, err);
}

/* [lo, hi) of the path range of a unit's subtree; the unit must be readable (404 naming field). */
int gg_grid_subtree(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t unit_id, const char *field,
                    const char **lo, const char **hi, gg_error_t *err)
{
    gg_grid_t u;
    int found;
    *lo = "/";
    *hi = "0"; /* '0' follows '/': every path is below it */
    if (!unit_id) return 0;
    if (gg_grid_load_unit(c, a, unit_id, &u, &found, err) < 0) return -1;
    if (!found || !gg_auth_can(auth, GG_P_UNIT_READ, u.path) || !gg_unit_path_valid(u.path))
        return gg_error_set(err, 404, "not_found", field, "unit %lld does not exist or is outside your scope",
                            (long long)unit_id);
    *lo = u.path;
    *hi = gg_sprintf(a, "%.*s0", (int)strlen(u.path) - 1, u.path);
    return 0;
}

int gg_grid_list(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_grid_filter_t *f,
                 const gg_page_t *page, gg_grid_t **rows, int *n, gg_error_t *err)
{
    const char *lo, *hi, *plo, *phi;
    gg_db_res_t *r;
    int step;
    *n = 0;
    *rows = NULL;
    if (gg_grid_subtree(c, a, auth, f->unit_id, "unit_id", &lo, &hi, err) < 0) return -1;
    /* the children of a unit outside the scope are a 404, not an empty list */
    if (gg_grid_subtree(c, a, auth, f->parent_id, "parent_id", &plo, &phi, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_grid_t) * (size_t)page->limit);
    char *sql =
        gg_sprintf(a,
                   "SELECT " GRID_COLS GRID_FROM "WHERE " IS_GRID
                   " AND (CAST($1 AS TEXT) = '' OR u.level = $1) AND ($2 = 0 OR u.parent_id = $2) "
                   "AND u.path >= $3 AND u.path < $4 AND ($5 = 1 OR u.retired_at IS NULL) AND u.id > $6 "
                   "AND %s ORDER BY u.id LIMIT %d",
                   gg_scope_sql(a, auth, GG_P_UNIT_READ, "u.path"), page->limit);
    if (gg_db_query(c, sql,
                    GG_ARGS(GG_TEXT(f->level ? f->level : ""), GG_I64(f->parent_id), GG_TEXT(lo), GG_TEXT(hi),
                            GG_I64(f->include_retired ? 1 : 0), GG_I64(page->after)),
                    &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1 && *n < page->limit)
        gg_grid_read_row(r, a, f->with_geometry, &(*rows)[(*n)++]);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_unit_borders(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id,
                    gg_unit_border_t **rows, int *n, gg_error_t *err)
{
    gg_grid_t self;
    gg_db_res_t *r;
    int step;
    *n = 0;
    *rows = NULL;
    if (gg_unit_shape_get(c, a, auth, id, &self, err) < 0) return -1;
    /* one more than the limit, to tell "exactly the limit" from "too many" */
    char *sql = gg_sprintf(a,
                           "SELECT " GRID_COLS GRID_FROM "WHERE NOT " IS_GRID
                           " AND u.retired_at IS NULL AND u.geometry IS NOT NULL "
                           "AND (u.id = $1 OR u.parent_id = $1 OR u.id = $2 OR u.parent_id = $2) AND %s "
                           "ORDER BY length(u.path), u.id LIMIT %d",
                           gg_scope_sql(a, auth, GG_P_UNIT_READ, "u.path"), GG_UNIT_BORDERS_MAX + 1);
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(id), GG_I64(self.parent_id)), &r, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_unit_border_t) * (GG_UNIT_BORDERS_MAX + 1));
    while ((step = gg_db_next(r, err)) == 1 && *n <= GG_UNIT_BORDERS_MAX) {
        gg_unit_border_t *b = &(*rows)[(*n)++];
        gg_grid_read_row(r, a, 1, &b->unit);
        b->relation = b->unit.id == id               ? "self"
                      : b->unit.id == self.parent_id ? "parent"
                      : b->unit.parent_id == id      ? "child"
                                                     : "sibling";
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (*n > GG_UNIT_BORDERS_MAX)
        return gg_err_invalid(err, "id",
                              "more than %d units with a border around unit %lld; open a smaller unit",
                              GG_UNIT_BORDERS_MAX, (long long)id);
    return 0;
}

int gg_grid_households(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t unit_id,
                       const gg_page_t *page, gg_grid_t **rows, int *n, gg_error_t *err)
{
    const char *lo, *hi;
    *n = 0;
    *rows = NULL;
    if (gg_grid_subtree(c, a, auth, unit_id, "unit_id", &lo, &hi, err) < 0) return -1;
    char *cond = gg_sprintf(a, "u.retired_at IS NULL AND u.path >= $1 AND u.path < $2 AND u.id > $3 AND %s",
                            gg_scope_sql(a, auth, GG_P_UNIT_READ, "u.path"));
    return gg_grid_select(c, a, cond, GG_ARGS(GG_TEXT(lo), GG_TEXT(hi), GG_I64(page->after)), page->limit,
                          rows, n, err);
}

int gg_grid_select(gg_db_conn_t *c, gg_arena_t *a, const char *cond, const gg_db_arg_t *args, int nargs,
                   int limit, gg_grid_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    int step;
    *n = 0;
    *rows = gg_alloc(a, sizeof(gg_grid_t) * (size_t)(limit > 0 ? limit : 1));
    char *sql = gg_sprintf(a,
                           "SELECT " GRID_COLS ", " HOUSEHOLDS("u") GRID_FROM
                           "WHERE " IS_GRID " AND %s ORDER BY u.id LIMIT %d",
                           cond, limit);
    if (gg_db_query(c, sql, args, nargs, &r, err) < 0) return -1;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit) {
        gg_grid_t *g = &(*rows)[(*n)++];
        gg_grid_read_row(r, a, 0, g);
        g->households = gg_db_i64(r, GRID_NCOLS);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_grid_generation_bump(gg_db_conn_t *c, gg_error_t *err)
{
    return gg_setting_counter_bump(c, "grid_generation", err);
}

/* ---- lineage ---- */

#define LINEAGE_MAX 500
#define LINEAGE_ROUNDS 32

static void read_lineage(gg_db_res_t *r, gg_arena_t *a, gg_lineage_t *l)
{
    l->id = gg_db_i64(r, 0);
    l->restructure_id = gg_db_i64(r, 1);
    l->old_id = gg_db_isnull(r, 2) ? 0 : gg_db_i64(r, 2);
    l->new_id = gg_db_isnull(r, 3) ? 0 : gg_db_i64(r, 3);
    l->operation = gg_strdup(a, gg_db_text(r, 4));
    l->old_code = gg_strdup(a, gg_db_text(r, 5));
    l->old_name = gg_strdup(a, gg_db_text(r, 6));
    l->new_code = gg_strdup(a, gg_db_text(r, 7));
    l->new_name = gg_strdup(a, gg_db_text(r, 8));
    l->old_geometry = gg_strdup(a, gg_db_text(r, 9));
    l->at = gg_db_i64(r, 10);
    l->by_account_id = gg_db_isnull(r, 11) ? 0 : gg_db_i64(r, 11);
    l->by_username = gg_strdup(a, gg_db_text(r, 12));
}

static int have_row(const gg_lineage_t *rows, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (rows[i].id == id) return 1;
    return 0;
}

static int cmp_lineage(const void *x, const void *y)
{
    const gg_lineage_t *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

/*
 * Walk one direction: backwards (rows whose new grid is in the frontier, adding their old grids) or
 * forwards (old in the frontier, adding the new).  Ids in the SQL text are our own integers.
 */
static int walk_lineage(gg_db_conn_t *c, gg_arena_t *a, const char *scope_old, const char *scope_new,
                        int64_t start, int forwards, gg_lineage_t *rows, int *n, gg_error_t *err)
{
    int64_t frontier[LINEAGE_MAX];
    int nf = 1;
    frontier[0] = start;
    for (int round = 0; round < LINEAGE_ROUNDS && nf > 0 && *n < LINEAGE_MAX; round++) {
        gg_buf_t ids = {0};
        gg_buf_init(&ids, 64);
        for (int i = 0; i < nf; i++)
            gg_buf_printf(&ids, "%s%lld", i ? "," : "", (long long)frontier[i]);
        char *sql =
            gg_sprintf(a,
                       "SELECT l.id, l.restructure_id, l.old_unit_id, l.new_unit_id, l.operation, o.code, "
                       "o.name, n.code, "
                       "n.name, l.old_geometry, l.at, l.by_account_id, acc.username FROM unit_lineage l "
                       "LEFT JOIN unit o ON o.id = l.old_unit_id LEFT JOIN unit n ON n.id = l.new_unit_id "
                       "LEFT JOIN account acc ON acc.id = l.by_account_id WHERE l.%s IN (%s) "
                       "AND (o.id IS NULL OR %s) AND (n.id IS NULL OR %s) ORDER BY l.id",
                       forwards ? "old_unit_id" : "new_unit_id", ids.data, scope_old, scope_new);
        gg_buf_free(&ids);
        gg_db_res_t *r;
        int step;
        if (gg_db_query(c, sql, GG_NOARGS, &r, err) < 0) return -1;
        nf = 0;
        while ((step = gg_db_next(r, err)) == 1 && *n < LINEAGE_MAX) {
            gg_lineage_t l;
            if (have_row(rows, *n, gg_db_i64(r, 0))) continue;
            read_lineage(r, a, &l);
            rows[(*n)++] = l;
            int64_t next = forwards ? l.new_id : l.old_id;
            if (next && next != (forwards ? l.old_id : l.new_id) && nf < LINEAGE_MAX) frontier[nf++] = next;
        }
        gg_db_res_free(r);
        if (step < 0) return -1;
    }
    return 0;
}

int gg_grid_lineage(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t id, gg_lineage_t **rows,
                    int *n, gg_error_t *err)
{
    gg_grid_t g;
    *n = 0;
    if (gg_grid_get(c, a, auth, id, &g, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_lineage_t) * LINEAGE_MAX);
    const char *so = gg_scope_sql(a, auth, GG_P_UNIT_READ, "o.path"),
               *sn = gg_scope_sql(a, auth, GG_P_UNIT_READ, "n.path");
    if (walk_lineage(c, a, so, sn, id, 0, *rows, n, err) < 0 ||
        walk_lineage(c, a, so, sn, id, 1, *rows, n, err) < 0)
        return -1;
    qsort(*rows, (size_t)*n, sizeof(gg_lineage_t), cmp_lineage);
    return 0;
}

/* ---- the point-in-grid index ---- */

static int read_generation(gg_db_conn_t *c, int64_t *gen, gg_error_t *err)
{
    return gg_setting_counter_get(c, "grid_generation", gen, err);
}

static void read_ref(gg_db_res_t *r, gg_arena_t *a, int col, gg_grid_ref_t *ref)
{
    ref->id = gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
    ref->level = gg_strdup(a, gg_db_text(r, col + 1));
    ref->code = gg_strdup(a, gg_db_text(r, col + 2));
    ref->name = gg_strdup(a, gg_db_text(r, col + 3));
}

/* Build from the database and install; the caller holds the build lock. */
static int rebuild(gg_db_conn_t *c, gg_grid_index_t *idx, int64_t gen, gg_error_t *err)
{
    gg_arena_t *a = gg_arena_new(1 << 16);
    gg_db_res_t *r = NULL;
    int rc = -1, step, n = 0, cap = 256, skipped = 0;
    gg_grid_entry_t *e = gg_xmalloc(sizeof *e * (size_t)cap);
    if (gg_db_query(
            c,
            "SELECT u.id, u.level, u.code, u.name, u.path, u.geometry, "
            "p.id, p.level, p.code, p.name, q.id, q.level, q.code, q.name, s.id, s.level, s.code, s.name "
            "FROM unit u LEFT JOIN unit p ON p.id = u.parent_id LEFT JOIN unit q ON q.id = p.parent_id "
            "LEFT JOIN unit s ON s.id = q.parent_id WHERE u.level IN ('grid', 'micro_grid') "
            "AND u.geometry IS NOT NULL AND u.retired_at IS NULL",
            GG_NOARGS, &r, err) < 0)
        goto out;
    while ((step = gg_db_next(r, err)) == 1) {
        if (n == cap) {
            cap *= 2;
            e = gg_xrealloc(e, sizeof *e * (size_t)cap);
        }
        gg_grid_entry_t *x = &e[n++];
        memset(x, 0, sizeof *x);
        x->id = gg_db_i64(r, 0);
        x->level = gg_strdup(a, gg_db_text(r, 1));
        x->code = gg_strdup(a, gg_db_text(r, 2));
        x->name = gg_strdup(a, gg_db_text(r, 3));
        x->path = gg_strdup(a, gg_db_text(r, 4));
        x->geojson = gg_strdup(a, gg_db_text(r, 5));
        for (int k = 0; k < GG_GRID_REFS; k++)
            read_ref(r, a, 6 + 4 * k, &x->up[k]);
    }
    gg_db_res_free(r);
    if (step < 0) goto out;
    gg_grid_snapshot_t *s;
    if (gg_grid_snapshot_build(e, n, gen, &s, &skipped, err) < 0) goto out;
    gg_grid_index_install(idx, s);
    rc = 0;
out:
    free(e);
    gg_arena_free(a);
    return rc;
}

/* Rebuild unless the installed snapshot already has the database's generation.  Without wait, a rebuild
 * already running elsewhere in the process is left to finish on its own (lookups do not queue behind it). */
static int reload_if_older(gg_db_conn_t *c, gg_grid_index_t *idx, int wait, gg_error_t *err)
{
    int64_t gen;
    int rc = 0;
    if (wait)
        gg_grid_index_build_lock(idx);
    else if (!gg_grid_index_build_trylock(idx))
        return 0;
    /* the generation first, then the grids: a change committed in between makes the snapshot look older
     * than it is (one extra rebuild later), never newer */
    if (read_generation(c, &gen, err) < 0) {
        rc = -1;
    } else {
        gg_grid_snapshot_t *cur = gg_grid_index_acquire(idx);
        int64_t have = gg_grid_snapshot_generation(cur);
        gg_grid_snapshot_release(cur);
        if (have < gen || have < 0) rc = rebuild(c, idx, gen, err);
    }
    gg_grid_index_build_unlock(idx);
    return rc;
}

int gg_grid_index_reload(gg_db_conn_t *c, gg_grid_index_t *idx, gg_error_t *err)
{
    return idx ? reload_if_older(c, idx, 1, err) : 0;
}

static void reload_hook(gg_db_conn_t *c, void *idx)
{
    gg_error_t err;
    if (gg_grid_index_reload(c, idx, &err) < 0) gg_log_warn("grid index rebuild failed: %s", err.message);
}

void gg_grid_index_reload_on_commit(gg_db_conn_t *c, gg_grid_index_t *idx)
{
    if (idx) gg_db_on_commit(c, reload_hook, idx);
}

int gg_grid_index_sync(gg_db_conn_t *c, gg_grid_index_t *idx, gg_error_t *err)
{
    if (!idx || !gg_grid_index_due(idx, gg_now_ms())) return 0;
    int rc = reload_if_older(c, idx, 0, err);
    gg_grid_index_checked(idx);
    return rc;
}
