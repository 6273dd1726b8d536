/*
 * sqlite.c — the SQLite driver behind db.h: connection setup (WAL,
 * synchronous=FULL, foreign keys, busy timeout), a prepared-statement cache per
 * connection, binding $N by name, stepping results, and mapping SQLite result
 * codes onto gg_error_t.
 *
 * Threading: connections are opened NOMUTEX; the pool guarantees one thread
 * per connection at a time.  "sqlite::memory:" is one in-memory database per
 * pool, shared by the pool's connections through the memdb VFS (a plain
 * ":memory:" would give every pooled connection its own empty database).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "core/mem.h"
#include "db/driver.h"

typedef struct sq_res {
    struct gg_db_res base;
    sqlite3_stmt *st;
    gg_db_cent_t *ent; /* cache entry owning st, NULL when st is ours to finalise */
    int pending;       /* result of the step gg_db_query already took; 0 once consumed */
    int done;
} sq_res_t;

typedef struct sq_conn {
    struct gg_db_conn base;
    sqlite3 *db;
    gg_db_cache_t cache;
    sq_res_t res1; /* reused for the common case of one open result, so queries do not malloc */
    int res1_used;
    char *path; /* the database file, NULL for the in-memory database */
    dev_t dev;  /* identity of the file opened, to notice it being moved or replaced */
    ino_t ino;
} sq_conn_t;

#define SQ(c) ((sq_conn_t *)(c))

/* Map a failed SQLite call onto gg_error_t.  sqlite3_errmsg names tables,
 * columns and constraints, never bound values. */
static int sq_err(sq_conn_t *c, int rc, gg_error_t *err)
{
    const char *msg = c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return gg_err_conflict(err, "already exists (%s)", msg);
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        c->base.retry = 1;
        return gg_error_set(err, 503, "database_unavailable", NULL,
                            "database is busy, try again (sqlite: %s)", msg);
    }
    return gg_error_set(err, 500, "database_error", NULL, "sqlite: %s", msg);
}

static void sq_evict(void *ctx, void *stmt)
{
    (void)ctx;
    sqlite3_finalize(stmt);
}

static void sq_read_end(gg_db_conn_t *gc);

/* A statement that writes is never held in a read snapshot (gg_db_read_begin): the snapshot ends first, and
 * the statement runs on its own as it would without one. */
static int end_snapshot_before_write(sq_conn_t *c, sqlite3_stmt *st)
{
    if (c->base.snapshot && !sqlite3_stmt_readonly(st)) {
        c->base.snapshot = 0;
        sq_read_end(&c->base);
    }
    return 0;
}

/* 1 when the statement's parameter i is named "$i" for every i, i.e. the $N first appear in order (almost
 * every statement): binding then needs no lookup by name.  SQLite finds a name by a linear scan of the
 * statement's parameter list, so looking each up costs n² — for the rollups' multi-row upsert (hundreds of
 * parameters) that was half the instructions of a case creation.  Checked once, when the statement is
 * cached. */
static int params_in_order(sqlite3_stmt *st)
{
    int n = sqlite3_bind_parameter_count(st);
    char want[16];
    for (int i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        snprintf(want, sizeof want, "$%d", i);
        if (!name || strcmp(name, want)) return 0;
    }
    return 1;
}

/* A statement for sql: from the cache when idle there, else freshly prepared
 * (and cached unless an open result is already stepping the cached copy). */
static int sq_prepare(sq_conn_t *c, const char *sql, sqlite3_stmt **st, gg_db_cent_t **ent, gg_error_t *err)
{
    size_t len;
    uint32_t hash;
    const char *tail = NULL;
    gg_db_cent_t *e = gg_db_cache_get(&c->cache, sql, &len, &hash);
    int rc;

    if (e && !e->busy) {
        *st = e->stmt;
        *ent = e;
        return end_snapshot_before_write(c, *st);
    }
    *st = NULL;
    *ent = NULL;
    rc = sqlite3_prepare_v3(c->db, sql, (int)len + 1, e ? 0 : SQLITE_PREPARE_PERSISTENT, st, &tail);
    if (rc != SQLITE_OK) return sq_err(c, rc, err);
    if (!*st) return gg_error_set(err, 500, "database_error", NULL, "sqlite: empty statement");
    /* Everything after the first statement would be silently ignored; a tail of
     * blanks, semicolons or comments prepares to nothing. */
    if (tail && *tail) {
        sqlite3_stmt *more = NULL;
        sqlite3_prepare_v3(c->db, tail, -1, 0, &more, NULL);
        if (more) {
            sqlite3_finalize(more);
            sqlite3_finalize(*st);
            *st = NULL;
            return gg_error_set(err, 500, "database_error", NULL,
                                "sqlite: more than one statement in one call; use gg_db_exec_script");
        }
    }
    if (!e) *ent = gg_db_cache_put(&c->cache, sql, len, hash, *st, sq_evict, c);
    if (*ent) (*ent)->ordered = params_in_order(*st);
    return end_snapshot_before_write(c, *st);
}

static void sq_done(sqlite3_stmt *st, gg_db_cent_t *ent)
{
    if (ent) {
        sqlite3_reset(st); /* ends the statement's read transaction now, not at next use */
        sqlite3_clear_bindings(st);
        ent->busy = 0;
    } else {
        sqlite3_finalize(st);
    }
}

/* Bind args[i] to "$<i+1>" by name: SQLite numbers $N parameters in order of
 * first appearance, so "... $2 ... $1" has $2 at index 1.  ordered (params_in_order): by position. */
static int sq_bind(sq_conn_t *c, sqlite3_stmt *st, const gg_db_arg_t *args, int nargs, int copy, int ordered,
                   gg_error_t *err)
{
    sqlite3_destructor_type keep = copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
    char name[16];

    if (sqlite3_bind_parameter_count(st) != nargs) {
        return gg_error_set(err, 500, "database_error", NULL,
                            "sqlite: statement has %d parameter(s) but %d argument(s) were given",
                            sqlite3_bind_parameter_count(st), nargs);
    }
    for (int i = 0; i < nargs; i++) {
        const gg_db_arg_t *a = &args[i];
        int idx, rc;

        idx = i + 1;
        if (!ordered) {
            snprintf(name, sizeof name, "$%d", i + 1);
            if ((idx = sqlite3_bind_parameter_index(st, name)) == 0)
                return gg_error_set(err, 500, "database_error", NULL, "sqlite: statement does not use %s",
                                    name);
        }
        switch (a->type) {
        case GG_ARG_I64:
            rc = sqlite3_bind_int64(st, idx, a->i);
            break;
        case GG_ARG_F64:
            rc = sqlite3_bind_double(st, idx, a->f);
            break;
        case GG_ARG_TEXT:
            if (!a->p)
                rc = sqlite3_bind_null(st, idx);
            else if (a->len < 0)
                rc = sqlite3_bind_text(st, idx, a->p, -1, keep);
            else
                rc = sqlite3_bind_text64(st, idx, a->p, (sqlite3_uint64)a->len, keep, SQLITE_UTF8);
            break;
        case GG_ARG_BLOB:
            /* A zero-length blob needs a non-NULL pointer, or SQLite binds NULL. */
            if (!a->p)
                rc = sqlite3_bind_null(st, idx);
            else
                rc = sqlite3_bind_blob64(st, idx, a->len > 0 ? a->p : "",
                                         (sqlite3_uint64)(a->len > 0 ? a->len : 0), keep);
            break;
        default:
            rc = sqlite3_bind_null(st, idx);
            break;
        }
        if (rc != SQLITE_OK) return sq_err(c, rc, err);
    }
    return 0;
}

static int sq_exec(gg_db_conn_t *gc, const char *sql, const gg_db_arg_t *args, int nargs, int64_t *changes,
                   gg_error_t *err)
{
    sq_conn_t *c = SQ(gc);
    sqlite3_stmt *st = NULL;
    gg_db_cent_t *ent = NULL;
    int rc;

    if ((rc = sq_prepare(c, sql, &st, &ent, err)) < 0) return rc;
    /* The statement runs to completion inside this call, so the caller's
     * argument memory outlives it: bind without copying. */
    if ((rc = sq_bind(c, st, args, nargs, 0, ent && ent->ordered, err)) < 0) goto out;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
        rc = sq_err(c, rc, err);
        goto out;
    }
    rc = 0;
    if (changes) *changes = sqlite3_changes64(c->db);
out:
    sq_done(st, ent);
    return rc;
}

static int sq_exec_script(gg_db_conn_t *gc, const char *sql, gg_error_t *err)
{
    sq_conn_t *c = SQ(gc);
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : sq_err(c, rc, err);
}

static int sq_query(gg_db_conn_t *gc, const char *sql, const gg_db_arg_t *args, int nargs, gg_db_res_t **out,
                    gg_error_t *err)
{
    sq_conn_t *c = SQ(gc);
    sqlite3_stmt *st = NULL;
    gg_db_cent_t *ent = NULL;
    sq_res_t *r;
    int rc;

    *out = NULL;
    if ((rc = sq_prepare(c, sql, &st, &ent, err)) < 0) return rc;
    if (ent) ent->busy = 1;
    /* Rows are stepped after this call returns, when the caller's argument
     * memory may be gone: SQLite keeps its own copy. */
    if ((rc = sq_bind(c, st, args, nargs, 1, ent && ent->ordered, err)) < 0) goto out;
    /* The first step runs now so errors (constraint failures of
     * INSERT ... RETURNING, busy) surface from gg_db_query itself. */
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        rc = sq_err(c, rc, err);
        goto out;
    }
    if (!c->res1_used) {
        r = &c->res1;
        c->res1_used = 1;
    } else {
        r = gg_xmalloc(sizeof *r);
    }
    *r = (sq_res_t){.base = {.c = gc}, .st = st, .ent = ent, .pending = rc};
    *out = &r->base;
    return 0;
out:
    sq_done(st, ent);
    return rc;
}

static int sq_next(gg_db_res_t *gr, gg_error_t *err)
{
    sq_res_t *r = (sq_res_t *)gr;
    int rc;

    if (r->done) return 0;
    if (r->pending) {
        rc = r->pending;
        r->pending = 0;
    } else {
        rc = sqlite3_step(r->st);
    }
    if (rc == SQLITE_ROW) return 1;
    r->done = 1;
    return rc == SQLITE_DONE ? 0 : sq_err(SQ(gr->c), rc, err);
}

static int sq_ncols(gg_db_res_t *r)
{
    return sqlite3_column_count(((sq_res_t *)r)->st);
}

static const char *sq_colname(gg_db_res_t *r, int col)
{
    return sqlite3_column_name(((sq_res_t *)r)->st, col);
}

static int sq_isnull(gg_db_res_t *r, int col)
{
    return sqlite3_column_type(((sq_res_t *)r)->st, col) == SQLITE_NULL;
}

static int64_t sq_i64(gg_db_res_t *r, int col)
{
    return sqlite3_column_int64(((sq_res_t *)r)->st, col);
}

static double sq_f64(gg_db_res_t *r, int col)
{
    return sqlite3_column_double(((sq_res_t *)r)->st, col);
}

static const char *sq_text(gg_db_res_t *r, int col)
{
    return (const char *)sqlite3_column_text(((sq_res_t *)r)->st, col);
}

static size_t sq_len(gg_db_res_t *r, int col)
{
    return (size_t)sqlite3_column_bytes(((sq_res_t *)r)->st, col);
}

static const void *sq_blob(gg_db_res_t *r, int col)
{
    return sqlite3_column_blob(((sq_res_t *)r)->st, col);
}

static void sq_res_free(gg_db_res_t *gr)
{
    sq_res_t *r = (sq_res_t *)gr;
    sq_conn_t *c = SQ(gr->c);

    sq_done(r->st, r->ent);
    if (r == &c->res1)
        c->res1_used = 0;
    else
        free(r);
}

static int sq_begin(gg_db_conn_t *c, gg_error_t *err)
{
    /* IMMEDIATE takes the write lock up front: a deferred transaction that
     * reads and then writes can fail with SQLITE_BUSY without waiting. */
    return sq_exec(c, "BEGIN IMMEDIATE", GG_NOARGS, NULL, err);
}

/* gg_db_read_begin: deferred, so the read lock is taken by the first statement, and nothing is locked for
 * writing */
static int sq_read_begin(gg_db_conn_t *c, gg_error_t *err)
{
    return sq_exec(c, "BEGIN", GG_NOARGS, NULL, err);
}

static void sq_read_end(gg_db_conn_t *gc)
{
    gg_error_t ignored;
    if (!sqlite3_get_autocommit(SQ(gc)->db) && sq_exec(gc, "COMMIT", GG_NOARGS, NULL, &ignored) < 0)
        sq_exec(gc, "ROLLBACK", GG_NOARGS, NULL, &ignored);
}

static void sq_rollback(gg_db_conn_t *gc)
{
    gg_error_t ignored;
    if (!sqlite3_get_autocommit(SQ(gc)->db)) sq_exec(gc, "ROLLBACK", GG_NOARGS, NULL, &ignored);
}

static int sq_commit(gg_db_conn_t *gc, gg_error_t *err)
{
    int rc;

    /* Some errors (busy, I/O, full disk) roll the transaction back by
     * themselves; committing "nothing" must not look like success. */
    if (sqlite3_get_autocommit(SQ(gc)->db))
        return gg_error_set(err, 500, "database_error", NULL,
                            "sqlite: transaction was rolled back by an earlier error");
    if ((rc = sq_exec(gc, "COMMIT", GG_NOARGS, NULL, err)) < 0) sq_rollback(gc);
    return rc;
}

static int sq_in_tx(gg_db_conn_t *gc)
{
    return !sqlite3_get_autocommit(SQ(gc)->db);
}

static void sq_close(gg_db_conn_t *gc)
{
    sq_conn_t *c = SQ(gc);
    gg_db_cache_clear(&c->cache, sq_evict, c);
    sqlite3_close_v2(c->db);
    free(c->path);
    free(c);
}

/* A database file deleted, moved or replaced under a running server would
 * swallow every write into a file nobody will read again: not ready. */
static int sq_check(gg_db_conn_t *base, gg_error_t *err)
{
    sq_conn_t *c = SQ(base);
    struct stat st;
    if (!c->path) return 0;
    if (stat(c->path, &st) != 0)
        return gg_error_set(err, 503, "database_unavailable", NULL, "the SQLite database file %s is gone",
                            c->path);
    if (st.st_dev != c->dev || st.st_ino != c->ino)
        return gg_error_set(
            err, 503, "database_unavailable", NULL,
            "the SQLite database file %s was replaced while the server had it open; restart the server",
            c->path);
    return 0;
}

/* SQLite keeps allocation statistics under one process-wide mutex by default:
 * every sqlite3_malloc of every connection takes it, which serialises the
 * worker threads (measured: the mutex was the top user-space wait of an
 * authenticated read).  Nobody reads those statistics, so turn them off before
 * the library initialises.  Fails harmlessly (SQLITE_MISUSE) if something
 * else in the process initialised SQLite first. */
static void sq_configure_once(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_connect(gg_db_t *db, const char *target, int busy_timeout_ms, gg_db_conn_t **out,
                      gg_error_t *err)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, sq_configure_once);
    sq_conn_t *c = gg_xcalloc(1, sizeof *c);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    char memname[64];
    const char *path = target;
    sqlite3_stmt *st = NULL;
    const char *mode;
    int rc, ret = 0;

    *out = NULL;
    gg_db_cache_init(&c->cache);
    if (strcmp(target, ":memory:") == 0) {
        /* memdb names starting with '/' are shared by every connection of the
         * process; the pool's address keeps two pools apart. */
        snprintf(memname, sizeof memname, "file:/gg-mem-%p?vfs=memdb", (void *)db);
        path = memname;
        flags |= SQLITE_OPEN_URI;
    }
    if ((rc = sqlite3_open_v2(path, &c->db, flags, NULL)) != SQLITE_OK) goto fail;
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, busy_timeout_ms);

    /* journal_mode answers with the mode in force: "wal", or "memory" for the
     * in-memory database.  Anything else (a filesystem without shared memory)
     * would silently drop the durability and concurrency DESIGN §4 relies on. */
    if ((rc = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode=WAL", -1, &st, NULL)) != SQLITE_OK) goto fail;
    if ((rc = sqlite3_step(st)) != SQLITE_ROW) goto fail;
    mode = (const char *)sqlite3_column_text(st, 0);
    if (!mode || (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)) {
        ret = gg_error_set(err, 503, "database_unavailable", NULL,
                           "cannot use SQLite database \"%s\": journal_mode is \"%s\", WAL is required",
                           target, mode ? mode : "?");
        goto out;
    }
    /* reads through a memory map (up to the library's compiled-in bound; Debian's is 2 GB) instead of a
     * pread per page, and a page cache of 16 MB per connection: a case page reads a few random pages of a
     * multi-gigabyte file, and a syscall per page cost more than the query (docs/operations.md).  Writes
     * still go through the WAL with synchronous=FULL. */
    rc = sqlite3_exec(c->db,
                      "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA mmap_size=1099511627776; "
                      "PRAGMA cache_size=-16384;",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK) goto fail;
    if (path == target) {
        struct stat st_file;
        if (stat(target, &st_file) == 0) {
            c->path = gg_xstrdup(target);
            c->dev = st_file.st_dev;
            c->ino = st_file.st_ino;
        }
    }
    goto out;
fail:
    ret = gg_error_set(err, 503, "database_unavailable", NULL, "cannot open SQLite database \"%s\": %s",
                       target, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
out:
    sqlite3_finalize(st);
    if (ret < 0) {
        sqlite3_close_v2(c->db);
        free(c);
    } else {
        *out = &c->base;
    }
    return ret;
}

static int sq_reconnect(gg_db_conn_t *c, gg_error_t *err)
{
    (void)c;
    (void)err;
    return 0; /* a local file does not drop the connection */
}

const gg_db_driver_t gg_db_sqlite_driver = {
    .kind = GG_DB_SQLITE,
    .connect = sq_connect,
    .reconnect = sq_reconnect,
    .check = sq_check,
    .close = sq_close,
    .exec = sq_exec,
    .exec_script = sq_exec_script,
    .query = sq_query,
    .next = sq_next,
    .ncols = sq_ncols,
    .colname = sq_colname,
    .isnull = sq_isnull,
    .i64 = sq_i64,
    .f64 = sq_f64,
    .text = sq_text,
    .len = sq_len,
    .blob = sq_blob,
    .res_free = sq_res_free,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_tx = sq_in_tx,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
};
