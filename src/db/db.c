/*
 * db.c — the generic half of db.h: database URL validation, the connection
 * pool, dispatch to the SQLite/PostgreSQL drivers (driver.h), transactions with
 * retry, the small one-row helpers, and the statement cache the drivers share.
 *
 * Pool: a fixed number of connection slots guarded by one mutex + condvar.
 * Connections are opened lazily (one eagerly in gg_db_open to prove the URL)
 * and kept on a LIFO free stack so the most recently used, warm connection
 * (statement cache, page cache) is handed out first.
 */
#include "db/db.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/driver.h"

#define GG_DB_POOL_MAX 256

struct gg_db {
    gg_db_kind_t kind;
    const gg_db_driver_t *drv;
    char *target; /* SQLite path / PostgreSQL URL, as the driver wants it */
    int busy_timeout_ms;
    int size;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    int created;          /* connections open or being opened */
    int nfree;            /* top of the free stack */
    gg_db_conn_t **freel; /* capacity size */
    const void *context;  /* set once before use, read-only afterwards (see gg_db_set_context) */
    /* SQLite's group committer (group.c), started by the first write transaction; NULL until then, and
     * always for PostgreSQL or with no_group_commit */
    int group_wanted;
    struct gg_db_group *group;
    gg_db_conn_t *group_conn;
};

/* The connection calls go to: the group committer's while a unit of c runs there (driver.h). */
static inline gg_db_conn_t *live(gg_db_conn_t *c)
{
    return c->redirect ? c->redirect : c;
}

/* ---- URL ---- */

static const char url_hint[] = "use sqlite:PATH, sqlite::memory: or postgresql://user@host/db";

/* Split url into driver kind and driver target (pointer into url). */
static int url_parse(const char *url, gg_db_kind_t *kind, const char **target, gg_error_t *err)
{
    if (!url || !*url) return gg_err_invalid(err, "database.url", "database URL is empty; %s", url_hint);

    if (strncmp(url, "sqlite:", 7) == 0) {
        const char *path = url + 7;
        /* "sqlite://x" is ambiguous (SQLAlchemy reads it as a relative path,
         * others as host "x"), so it is refused instead of guessed. */
        if (strncmp(path, "//", 2) == 0)
            return gg_err_invalid(err, "database.url",
                                  "\"sqlite://\" is ambiguous; write sqlite:PATH (e.g. sqlite:var/gridgov.db "
                                  "or sqlite:/abs/path.db)");
        if (!*path) return gg_err_invalid(err, "database.url", "SQLite path is empty; %s", url_hint);
        *kind = GG_DB_SQLITE;
        *target = path;
        return 0;
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        /* libpq's own parser, so what passes here also connects; its message
         * names the bad part but never echoes a password. */
        char *msg = NULL;
        PQconninfoOption *opts = PQconninfoParse(url, &msg);
        if (!opts) {
            char clean[200] = "out of memory";
            if (msg) {
                snprintf(clean, sizeof clean, "%s", msg);
                clean[strcspn(clean, "\n")] = '\0';
                PQfreemem(msg);
            }
            return gg_err_invalid(err, "database.url", "invalid PostgreSQL URL: %s", clean);
        }
        PQconninfoFree(opts);
        *kind = GG_DB_POSTGRES;
        *target = url;
        return 0;
    }

    /* Name only the scheme: the rest may hold a password. */
    size_t n = strcspn(url, ":/@");
    if (url[n] != ':' || n == 0)
        return gg_err_invalid(err, "database.url", "database URL has no scheme; %s", url_hint);
    return gg_err_invalid(err, "database.url", "unsupported scheme \"%.*s\"; %s", n > 32 ? 32 : (int)n, url,
                          url_hint);
}

int gg_db_url_check(const char *url, gg_error_t *err)
{
    gg_db_kind_t kind;
    const char *target = NULL;
    return url_parse(url, &kind, &target, err);
}

/* ---- pool ---- */

int gg_db_open(const gg_db_config_t *cfg, gg_db_t **out, gg_error_t *err)
{
    gg_db_t *db = NULL;
    gg_db_conn_t *c = NULL;
    gg_db_kind_t kind = GG_DB_SQLITE;
    const char *target = NULL;
    int rc;

    *out = NULL;
    if ((rc = url_parse(cfg->url, &kind, &target, err)) < 0) goto out;
    if (cfg->pool_size < 0 || cfg->pool_size > GG_DB_POOL_MAX) {
        rc = gg_err_invalid(err, "database.pool_size", "pool size must be between 1 and %d (0 = default)",
                            GG_DB_POOL_MAX);
        goto out;
    }
    if (cfg->busy_timeout_ms < 0) {
        rc = gg_err_invalid(err, "database.busy_timeout_ms", "busy timeout must be >= 0 ms (0 = 5000)");
        goto out;
    }

    db = gg_xcalloc(1, sizeof *db);
    db->kind = kind;
    db->drv = kind == GG_DB_SQLITE ? &gg_db_sqlite_driver : &gg_db_pg_driver;
    db->target = gg_xstrdup(target);
    db->busy_timeout_ms = cfg->busy_timeout_ms ? cfg->busy_timeout_ms : 5000;
    db->size = cfg->pool_size;
    db->group_wanted = kind == GG_DB_SQLITE && !cfg->no_group_commit;
    if (db->size == 0) {
        /* The server's worker threads plus room for the outbox worker and a CLI task. */
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        db->size = (int)(cpus > 0 ? (cpus > 64 ? 64 : cpus) : 4) + 2;
    }
    db->freel = gg_xcalloc((size_t)db->size, sizeof *db->freel);
    pthread_mutex_init(&db->mu, NULL);
    pthread_cond_init(&db->cv, NULL);

    /* One connection now, so a bad path or an unreachable server fails at startup. */
    if ((rc = gg_db_acquire(db, &c, err)) < 0) goto out;
    gg_db_release(db, c);
    *out = db;
    db = NULL;
out:
    if (db) gg_db_close(db);
    return rc;
}

void gg_db_close(gg_db_t *db)
{
    if (!db) return;
    if (db->group) {
        gg_db_group_stop(db->group);
        free(db->group_conn->on_commit.v);
        free(db->group_conn->after_tx.v);
        db->drv->close(db->group_conn);
    }
    if (db->nfree != db->created)
        gg_log_warn("db: closing pool with %d connection(s) still checked out", db->created - db->nfree);
    for (int i = 0; i < db->nfree; i++) {
        free(db->freel[i]->on_commit.v);
        free(db->freel[i]->after_tx.v);
        db->drv->close(db->freel[i]);
    }
    pthread_cond_destroy(&db->cv);
    pthread_mutex_destroy(&db->mu);
    free(db->freel);
    free(db->target);
    free(db);
}

gg_db_kind_t gg_db_kind(const gg_db_t *db)
{
    return db->kind;
}

gg_db_kind_t gg_db_conn_kind(const gg_db_conn_t *c)
{
    return c->drv->kind;
}

int gg_db_listener_open(gg_db_t *db, const char *channel, gg_db_conn_t **out, gg_error_t *err)
{
    *out = NULL;
    if (!db->drv->wait_notify) return 0;
    for (const char *p = channel; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_')) return gg_err_internal(err, "bad channel name");
    gg_db_conn_t *c;
    if (db->drv->connect(db, db->target, db->busy_timeout_ms, &c, err) < 0) return -1;
    c->drv = db->drv;
    c->db = db;
    char sql[96];
    snprintf(sql, sizeof sql, "LISTEN %s", channel);
    if (db->drv->exec(c, sql, NULL, 0, NULL, err) < 0) {
        db->drv->close(c);
        return -1;
    }
    *out = c;
    return 0;
}

int gg_db_listener_wait(gg_db_conn_t *c, int timeout_ms, gg_error_t *err)
{
    return c->drv->wait_notify(c, timeout_ms, err);
}

void gg_db_listener_close(gg_db_conn_t *c)
{
    if (c) c->drv->close(c);
}

void gg_db_set_context(gg_db_t *db, const void *context)
{
    db->context = context;
}

const void *gg_db_context(const gg_db_conn_t *c)
{
    if (c->redirect) c = c->redirect;
    return c->db->context;
}

int gg_db_acquire(gg_db_t *db, gg_db_conn_t **out, gg_error_t *err)
{
    gg_db_conn_t *c = NULL;
    int rc;

    *out = NULL;
    pthread_mutex_lock(&db->mu);
    while (db->nfree == 0 && db->created >= db->size)
        pthread_cond_wait(&db->cv, &db->mu);
    if (db->nfree > 0)
        c = db->freel[--db->nfree];
    else
        db->created++; /* reserve the slot; connect outside the lock (it may take a network round trip) */
    pthread_mutex_unlock(&db->mu);

    if (!c) {
        if ((rc = db->drv->connect(db, db->target, db->busy_timeout_ms, &c, err)) < 0) {
            pthread_mutex_lock(&db->mu);
            db->created--;
            pthread_cond_signal(&db->cv);
            pthread_mutex_unlock(&db->mu);
            return rc;
        }
        c->drv = db->drv;
        c->db = db;
    } else if (c->broken) {
        if ((rc = db->drv->reconnect(c, err)) < 0) {
            gg_db_release(db, c); /* stays broken; the next acquire tries again */
            return rc;
        }
        c->broken = 0;
    }
    *out = c;
    return 0;
}

void gg_db_release(gg_db_t *db, gg_db_conn_t *c)
{
    if (!c) return;
    /* A caller that leaves a transaction open (gg_db_tx or a plain "BEGIN")
     * must not hand its locks and half-done writes to the next user of the
     * connection.  rollback() asks the driver's local state first: no round trip. */
    if (!c->broken) c->drv->rollback(c);
    c->tx_depth = 0;
    c->snapshot = 0;
    c->retry = 0;
    c->redirect = NULL;
    c->on_commit.n = 0;
    c->after_tx.n = 0;
    pthread_mutex_lock(&db->mu);
    db->freel[db->nfree++] = c;
    pthread_cond_signal(&db->cv);
    pthread_mutex_unlock(&db->mu);
}

int gg_db_ping(gg_db_t *db, gg_error_t *err)
{
    gg_db_conn_t *c = NULL;
    int64_t one = 0;
    int found = 0, rc;

    if ((rc = gg_db_acquire(db, &c, err)) < 0) return rc;
    rc = gg_db_query_i64(c, "SELECT 1", GG_NOARGS, &one, &found, err);
    /* A server restart breaks every pooled connection at once; one fresh
     * connection proves the database is back, so /readyz recovers at once. */
    if (rc < 0 && c->broken) {
        if ((rc = c->drv->reconnect(c, err)) == 0) {
            c->broken = 0;
            rc = gg_db_query_i64(c, "SELECT 1", GG_NOARGS, &one, &found, err);
        }
    }
    if (rc == 0 && c->drv->check) rc = c->drv->check(c, err);
    gg_db_release(db, c);
    return rc;
}

/* ---- dispatch ---- */

int gg_db_exec(gg_db_conn_t *c, const char *sql, const gg_db_arg_t *args, int nargs, int64_t *changes,
               gg_error_t *err)
{
    c = live(c);
    return c->drv->exec(c, sql, args, nargs, changes, err);
}

int gg_db_exec_script(gg_db_conn_t *c, const char *sql, gg_error_t *err)
{
    c = live(c);
    return c->drv->exec_script(c, sql, err);
}

int gg_db_query(gg_db_conn_t *c, const char *sql, const gg_db_arg_t *args, int nargs, gg_db_res_t **out,
                gg_error_t *err)
{
    c = live(c);
    return c->drv->query(c, sql, args, nargs, out, err);
}

int gg_db_next(gg_db_res_t *r, gg_error_t *err)
{
    return r->c->drv->next(r, err);
}

int gg_db_ncols(gg_db_res_t *r)
{
    return r->c->drv->ncols(r);
}

const char *gg_db_colname(gg_db_res_t *r, int col)
{
    return r->c->drv->colname(r, col);
}

int gg_db_isnull(gg_db_res_t *r, int col)
{
    return r->c->drv->isnull(r, col);
}

int64_t gg_db_i64(gg_db_res_t *r, int col)
{
    return r->c->drv->i64(r, col);
}

double gg_db_f64(gg_db_res_t *r, int col)
{
    return r->c->drv->f64(r, col);
}

const char *gg_db_text(gg_db_res_t *r, int col)
{
    return r->c->drv->text(r, col);
}

size_t gg_db_len(gg_db_res_t *r, int col)
{
    return r->c->drv->len(r, col);
}

const void *gg_db_blob(gg_db_res_t *r, int col)
{
    return r->c->drv->blob(r, col);
}

void gg_db_res_free(gg_db_res_t *r)
{
    if (r) r->c->drv->res_free(r);
}

int gg_db_query_i64(gg_db_conn_t *c, const char *sql, const gg_db_arg_t *args, int nargs, int64_t *out,
                    int *found, gg_error_t *err)
{
    gg_db_res_t *r = NULL;
    int rc;

    if (found) *found = 0;
    if ((rc = gg_db_query(c, sql, args, nargs, &r, err)) < 0) goto out;
    if ((rc = gg_db_next(r, err)) < 0) goto out;
    if (rc == 1) {
        *out = gg_db_i64(r, 0);
        if (found) *found = 1;
    }
    rc = 0;
out:
    gg_db_res_free(r);
    return rc;
}

/* ---- transactions ---- */

int gg_db_in_tx(gg_db_conn_t *c)
{
    return live(c)->tx_depth > 0;
}

/* Nested gg_db_tx: a savepoint, so an inner failure undoes only the inner
 * work (the group-commit writer of DESIGN §4 runs each unit this way).  The
 * outermost call owns retries.  Savepoints with one reused name nest: both
 * databases resolve a name to the most recent unreleased one. */
int gg_db_tx_nested(gg_db_conn_t *c, gg_db_tx_fn fn, void *ctx, gg_error_t *err)
{
    gg_error_t ignored;
    int rc;

    if ((rc = gg_db_exec(c, "SAVEPOINT gg_sp", GG_NOARGS, NULL, err)) < 0) return rc;
    int hooks_before = c->on_commit.n;
    c->tx_depth++;
    rc = fn(c, ctx, err);
    c->tx_depth--;
    if (rc == 0) {
        rc = gg_db_exec(c, "RELEASE SAVEPOINT gg_sp", GG_NOARGS, NULL, err);
        if (rc < 0) c->on_commit.n = hooks_before;
        return rc;
    }
    c->on_commit.n = hooks_before; /* what the savepoint asked for is undone with it */
    if (gg_db_exec(c, "ROLLBACK TO SAVEPOINT gg_sp", GG_NOARGS, NULL, &ignored) == 0)
        gg_db_exec(c, "RELEASE SAVEPOINT gg_sp", GG_NOARGS, NULL, &ignored);
    return rc;
}

void gg_db_backoff(int attempt)
{
    /* 5, 10, 20, 40 ms doubled per attempt plus up to as much jitter, so two
     * writers that collided do not collide again in lockstep. */
    long base_us = 5000L << attempt;
    long us = base_us + (long)((uint64_t)gg_mono_us() % (uint64_t)base_us);
    struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* Add (fn, ctx) to a hook list unless it is there already. */
void gg_db_hooks_add(struct gg_db_hooks *h, gg_db_hook_fn fn, void *ctx)
{
    for (int i = 0; i < h->n; i++)
        if (h->v[i].fn == fn && h->v[i].ctx == ctx) return;
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 8;
        h->v = gg_xrealloc(h->v, sizeof *h->v * (size_t)h->cap);
    }
    h->v[h->n++] = (struct gg_db_hook){fn, ctx};
}

/* Run the first n hooks of *h and empty it.  The list is taken off the connection first: a hook may run
 * a transaction of its own, which starts a list of its own. */
void gg_db_hooks_run(gg_db_conn_t *c, struct gg_db_hooks *h, int n)
{
    struct gg_db_hooks taken = *h;
    *h = (struct gg_db_hooks){0};
    for (int i = 0; i < n; i++)
        taken.v[i].fn(c, taken.v[i].ctx);
    if (!h->v) { /* give the storage back for the next transaction */
        *h = taken;
        h->n = 0;
    } else {
        free(taken.v);
    }
}

void gg_db_on_commit(gg_db_conn_t *c, gg_db_hook_fn fn, void *ctx)
{
    c = live(c);
    if (c->tx_depth == 0)
        fn(c, ctx);
    else
        gg_db_hooks_add(&c->on_commit, fn, ctx);
}

void gg_db_after_tx(gg_db_conn_t *c, gg_db_hook_fn fn, void *ctx)
{
    c = live(c);
    if (c->tx_depth == 0)
        fn(c, ctx);
    else
        gg_db_hooks_add(&c->after_tx, fn, ctx);
}

void *gg_db_after_tx_find(gg_db_conn_t *c, gg_db_hook_fn fn)
{
    c = live(c);
    for (int i = 0; i < c->after_tx.n; i++)
        if (c->after_tx.v[i].fn == fn) return c->after_tx.v[i].ctx;
    return NULL;
}

static int tx_attempts(gg_db_conn_t *c, gg_db_tx_fn fn, void *ctx, gg_error_t *err);

/* The group committer of c's pool, started on first use: NULL when there is none (PostgreSQL,
 * no_group_commit) or it cannot start (then the transaction commits alone, as without one). */
static struct gg_db_group *group_of(gg_db_conn_t *c)
{
    gg_db_t *db = c->db;
    if (!__atomic_load_n(&db->group_wanted, __ATOMIC_ACQUIRE)) return NULL;
    struct gg_db_group *g = __atomic_load_n(&db->group, __ATOMIC_ACQUIRE);
    if (g) return g;
    pthread_mutex_lock(&db->mu);
    if (!db->group && db->group_wanted) {
        gg_error_t err;
        gg_db_conn_t *wc = NULL;
        if (db->drv->connect(db, db->target, db->busy_timeout_ms, &wc, &err) == 0) {
            wc->drv = db->drv;
            wc->db = db;
            if (gg_db_group_start(db, wc, &g, &err) == 0) {
                db->group_conn = wc;
                __atomic_store_n(&db->group, g, __ATOMIC_RELEASE);
            } else {
                db->drv->close(wc);
            }
        }
        if (!db->group) {
            gg_log_warn("db: no group commit (%s); each transaction commits alone", err.message);
            __atomic_store_n(&db->group_wanted, 0, __ATOMIC_RELEASE);
        }
    }
    g = db->group;
    pthread_mutex_unlock(&db->mu);
    return g;
}

void gg_db_group_counts(gg_db_t *db, long long *transactions, long long *commits)
{
    gg_db_group_stats(__atomic_load_n(&db->group, __ATOMIC_ACQUIRE), transactions, commits);
}

void gg_db_read_begin(gg_db_conn_t *c)
{
    gg_error_t ignored;
    if (c->tx_depth == 0 && !c->snapshot && !c->broken && c->drv->read_begin &&
        c->drv->read_begin(c, &ignored) == 0)
        c->snapshot = 1;
}

void gg_db_read_end(gg_db_conn_t *c)
{
    if (!c->snapshot) return;
    c->snapshot = 0;
    c->drv->read_end(c);
}

int gg_db_tx(gg_db_conn_t *c, gg_db_tx_fn fn, void *ctx, gg_error_t *err)
{
    c = live(c);
    if (c->tx_depth > 0) return gg_db_tx_nested(c, fn, ctx, err);
    gg_db_read_end(c);
    c->after_tx.n = 0;
    struct gg_db_group *g = group_of(c);
    int rc = g && c != c->db->group_conn && !gg_db_group_is_writer(g) ? gg_db_group_tx(g, c, fn, ctx, err)
                                                                      : tx_attempts(c, fn, ctx, err);
    gg_db_hooks_run(c, &c->after_tx, c->after_tx.n);
    return rc;
}

static int tx_attempts(gg_db_conn_t *c, gg_db_tx_fn fn, void *ctx, gg_error_t *err)
{
    int rc = 0;

    for (int attempt = 0; attempt < GG_DB_TX_ATTEMPTS; attempt++) {
        if (attempt > 0) gg_db_backoff(attempt - 1);
        c->retry = 0;
        if (c->broken) {
            if ((rc = c->drv->reconnect(c, err)) < 0) return rc;
            c->broken = 0;
        }
        if ((rc = c->drv->begin(c, err)) < 0) {
            /* Busy, or the connection died while idle in the pool (server
             * restart): nothing has run yet, so going again is safe. */
            if (c->retry || c->broken) continue;
            return rc;
        }
        c->tx_depth = 1;
        c->on_commit.n = 0;
        rc = fn(c, ctx, err);
        if (rc == 0)
            rc = c->drv->commit(c, err);
        else if (!c->broken)
            c->drv->rollback(c);
        c->tx_depth = 0;
        /* a lost connection may have committed: a cache must assume it did */
        gg_db_hooks_run(c, &c->on_commit, rc == 0 || c->broken ? c->on_commit.n : 0);
        if (rc == 0) return 0;
        /* Lost mid-transaction: whether COMMIT landed is unknown, so no retry. */
        if (!c->retry || c->broken) return rc;
    }
    return rc;
}

/* ---- statement cache ---- */

void gg_db_cache_init(gg_db_cache_t *k)
{
    memset(k, 0, sizeof *k);
    for (int i = 0; i < GG_DB_CACHE_BUCKETS; i++)
        k->bucket[i] = -1;
}

gg_db_cent_t *gg_db_cache_get(gg_db_cache_t *k, const char *sql, size_t *len, uint32_t *hash)
{
    /* FNV-1a; measuring the length on the way saves a strlen. */
    uint32_t h = 2166136261u;
    const unsigned char *p = (const unsigned char *)sql;
    for (; *p; p++)
        h = (h ^ *p) * 16777619u;
    *len = (size_t)(p - (const unsigned char *)sql);
    *hash = h;
    for (int i = k->bucket[h & (GG_DB_CACHE_BUCKETS - 1)]; i >= 0; i = k->ent[i].next) {
        gg_db_cent_t *e = &k->ent[i];
        if (e->hash == h && e->len == *len && memcmp(e->sql, sql, *len) == 0) {
            e->used = ++k->tick;
            return e;
        }
    }
    return NULL;
}

static void cache_unlink(gg_db_cache_t *k, int idx)
{
    int *pp = &k->bucket[k->ent[idx].hash & (GG_DB_CACHE_BUCKETS - 1)];
    while (*pp != idx)
        pp = &k->ent[*pp].next;
    *pp = k->ent[idx].next;
}

gg_db_cent_t *gg_db_cache_put(gg_db_cache_t *k, const char *sql, size_t len, uint32_t hash, void *stmt,
                              void (*evict_fn)(void *ctx, void *stmt), void *ctx)
{
    int idx = -1;

    if (k->n < GG_DB_CACHE_CAP) {
        idx = k->n++;
    } else {
        /* Full: a linear scan for the least recently used idle entry costs far
         * less than the prepare that made this insert necessary. */
        uint64_t oldest = UINT64_MAX;
        for (int i = 0; i < GG_DB_CACHE_CAP; i++) {
            if (!k->ent[i].busy && k->ent[i].used < oldest) {
                oldest = k->ent[i].used;
                idx = i;
            }
        }
        if (idx < 0) return NULL;
        cache_unlink(k, idx);
        evict_fn(ctx, k->ent[idx].stmt);
        free(k->ent[idx].sql);
    }
    gg_db_cent_t *e = &k->ent[idx];
    e->sql = gg_xmalloc(len + 1);
    memcpy(e->sql, sql, len + 1);
    e->len = len;
    e->hash = hash;
    e->busy = 0;
    e->ordered = 0;
    e->used = ++k->tick;
    e->stmt = stmt;
    int *b = &k->bucket[hash & (GG_DB_CACHE_BUCKETS - 1)];
    e->next = *b;
    *b = idx;
    return e;
}

void gg_db_cache_clear(gg_db_cache_t *k, void (*evict_fn)(void *ctx, void *stmt), void *ctx)
{
    for (int i = 0; i < k->n; i++) {
        evict_fn(ctx, k->ent[i].stmt);
        free(k->ent[i].sql);
    }
    gg_db_cache_init(k);
}
