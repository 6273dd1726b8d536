/* names.c — the snapshot of unit and category names for inbox rows (names.h). */
#include "domain/cases/names.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "domain/setting.h"

#define GENERATION_KEY GG_NAMES_GENERATION_KEY

typedef struct entry {
    int64_t id;
    size_t name, name_en; /* offsets into text; (size_t)-1: NULL */
} entry_t;

struct gg_names_snapshot {
    atomic_int refs;
    entry_t *units, *cats; /* sorted by id */
    int nunits, ncats;
    char *text;
};

struct gg_names {
    pthread_mutex_t mu;
    gg_names_snapshot_t *current;
    int64_t generation; /* of current; -1: nothing loaded */
};

#define NONE ((size_t)-1)

static void snapshot_free(gg_names_snapshot_t *s)
{
    if (!s) return;
    free(s->units);
    free(s->cats);
    free(s->text);
    free(s);
}

void gg_names_release(gg_names_snapshot_t *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1) snapshot_free(s);
}

gg_names_t *gg_names_new(void)
{
    gg_names_t *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->current = calloc(1, sizeof *n->current);
    if (!n->current) {
        free(n);
        return NULL;
    }
    atomic_init(&n->current->refs, 1);
    pthread_mutex_init(&n->mu, NULL);
    n->generation = -1;
    return n;
}

void gg_names_free(gg_names_t *n)
{
    if (!n) return;
    gg_names_release(n->current);
    pthread_mutex_destroy(&n->mu);
    free(n);
}

gg_names_snapshot_t *gg_names_acquire(gg_names_t *n)
{
    pthread_mutex_lock(&n->mu);
    gg_names_snapshot_t *s = n->current;
    atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&n->mu);
    return s;
}

typedef struct text {
    char *data;
    size_t len, cap;
} text_t;

static size_t put(text_t *t, const char *s, int *oom)
{
    if (!s) return NONE;
    size_t n = strlen(s) + 1;
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n)
            cap *= 2;
        char *more = realloc(t->data, cap);
        if (!more) {
            *oom = 1;
            return NONE;
        }
        t->data = more;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    return t->len - n;
}

/* rows of sql (id, name[, name_en]) ordered by id into *out */
static int load(gg_db_conn_t *c, const char *sql, int cols, text_t *t, entry_t **out, int *count,
                gg_error_t *err)
{
    gg_db_res_t *r;
    *out = NULL;
    *count = 0;
    if (gg_db_query(c, sql, NULL, 0, &r, err) < 0) return -1;
    int cap = 0, step, oom = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*count == cap) {
            entry_t *more = realloc(*out, sizeof *more * (size_t)(cap = cap ? cap * 2 : 1024));
            if (!more) {
                oom = 1;
                break;
            }
            *out = more;
        }
        entry_t *e = &(*out)[(*count)++];
        e->id = gg_db_i64(r, 0);
        e->name = put(t, gg_db_text(r, 1), &oom);
        e->name_en = cols > 2 ? put(t, gg_db_text(r, 2), &oom) : NONE;
        if (oom) break;
    }
    gg_db_res_free(r);
    if (oom) step = gg_err_internal(err, "out of memory");
    return step < 0 ? -1 : 0;
}

int gg_names_reload(gg_db_conn_t *c, gg_names_t *n, gg_error_t *err)
{
    int64_t generation; /* read first: the rows are at least this new */
    if (gg_setting_counter_get(c, GENERATION_KEY, &generation, err) < 0) return -1;
    gg_names_snapshot_t *s = calloc(1, sizeof *s);
    if (!s) return gg_err_internal(err, "out of memory");
    atomic_init(&s->refs, 1);
    text_t t = {0};
    if (load(c, "SELECT id, name FROM unit ORDER BY id", 2, &t, &s->units, &s->nunits, err) < 0 ||
        load(c, "SELECT id, name, name_en FROM category ORDER BY id", 3, &t, &s->cats, &s->ncats, err) < 0) {
        free(t.data);
        snapshot_free(s);
        return -1;
    }
    s->text = t.data;
    pthread_mutex_lock(&n->mu);
    gg_names_snapshot_t *old = s;
    if (generation >= n->generation) {
        old = n->current;
        n->current = s;
        n->generation = generation;
    }
    pthread_mutex_unlock(&n->mu);
    gg_names_release(old);
    return 0;
}

int gg_names_sync(gg_db_conn_t *c, gg_names_t *n, gg_error_t *err)
{
    int64_t generation;
    if (gg_setting_counter_get(c, GENERATION_KEY, &generation, err) < 0) return -1;
    pthread_mutex_lock(&n->mu);
    int stale = generation > n->generation;
    pthread_mutex_unlock(&n->mu);
    return stale ? gg_names_reload(c, n, err) : 0;
}

static const entry_t *find(const entry_t *e, int n, int64_t id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (e[mid].id == id) return &e[mid];
        if (e[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

static const char *str(const gg_names_snapshot_t *s, size_t off)
{
    return off == NONE ? NULL : s->text + off;
}

const char *gg_names_unit(const gg_names_snapshot_t *s, int64_t id)
{
    const entry_t *e = s ? find(s->units, s->nunits, id) : NULL;
    return e ? str(s, e->name) : NULL;
}

int gg_names_category(const gg_names_snapshot_t *s, int64_t id, const char **name, const char **name_en)
{
    const entry_t *e = s ? find(s->cats, s->ncats, id) : NULL;
    *name = e ? str(s, e->name) : NULL;
    *name_en = e ? str(s, e->name_en) : NULL;
    return e != NULL;
}

int gg_names_changed(gg_db_conn_t *c, gg_error_t *err)
{
    return gg_setting_counter_bump(c, GENERATION_KEY, err);
}
