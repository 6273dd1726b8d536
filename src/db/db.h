/*
 * db.h — the one database interface; SQLite and PostgreSQL drivers behind it.
 *
 * Contracts
 *  - SQL text is written once with $1..$n placeholders and runs on both
 *    drivers.  The SQLite driver binds by name ("$1") with
 *    sqlite3_bind_parameter_index, because SQLite numbers $N by first
 *    appearance.  Dialect differences live in the driver, never in domain code.
 *  - Types crossing the interface: NULL, int64, double, text (UTF-8), blob.
 *    Booleans are int64 0/1; timestamps are int64 Unix milliseconds UTC
 *    (docs/decisions.md explains why).
 *  - A gg_db_t is a pool of connections, safe to share between threads.
 *    A gg_db_conn_t is used by one thread at a time (checked out, then put back).
 *  - Durability: SQLite runs WAL with synchronous=FULL; PostgreSQL
 *    synchronous_commit=on.  gg_db_tx returns 0 only after COMMIT returned.
 *  - Errors fill gg_error_t with http_status 500 ("database_error") or 503
 *    ("database_unavailable"); unique-constraint violations are reported as 409
 *    code "conflict" so callers can rely on database constraints (DESIGN §6.8).
 *    Messages never contain bound parameter values (they may be personal data).
 *  - Additions to the original contract (by the db layer's implementer):
 *    gg_db_text_arg (the function behind GG_TEXT, see there); a nested
 *    gg_db_tx runs as a SAVEPOINT (see gg_db_tx); gg_db_release rolls back a
 *    transaction left open; GG_TEXT/GG_BLOB with a NULL pointer bind NULL;
 *    busy/serialization/deadlock errors that gg_db_tx could not retry away
 *    are 503 "database_unavailable"; an argument count that does not match
 *    the statement's $N parameters is a 500, never a silent NULL;
 *    "sqlite::memory:" is one database shared by the pool's connections;
 *    SQLite's gg_db_query takes the first step itself, so errors (e.g. a
 *    conflict from INSERT ... RETURNING) come from gg_db_query.
 *  - Results: gg_db_query materialises nothing up front for SQLite (it steps);
 *    for PostgreSQL the whole result is fetched.  Column accessors return
 *    pointers valid until the next gg_db_next or gg_db_res_free.
 */
#ifndef GG_DB_DB_H
#define GG_DB_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef enum { GG_DB_SQLITE = 1, GG_DB_POSTGRES = 2 } gg_db_kind_t;

typedef enum {
    GG_ARG_NULL = 0,
    GG_ARG_I64,
    GG_ARG_F64,
    GG_ARG_TEXT, /* NUL-terminated unless len >= 0 */
    GG_ARG_BLOB,
} gg_arg_type_t;

typedef struct gg_db_arg {
    gg_arg_type_t type;
    int64_t i;
    double f;
    const void *p;
    long len; /* -1: strlen for TEXT */
} gg_db_arg_t;

/* Argument constructors: gg_db_exec(c, sql, GG_ARGS(GG_I64(id), GG_TEXT(name)), err) */
#define GG_NULL ((gg_db_arg_t){.type = GG_ARG_NULL})
#define GG_I64(v) ((gg_db_arg_t){.type = GG_ARG_I64, .i = (int64_t)(v)})
#define GG_F64(v) ((gg_db_arg_t){.type = GG_ARG_F64, .f = (double)(v)})
/* GG_TEXT(NULL) binds SQL NULL.  An inline function, not a conditional in the
 * macro: `s ? ... : ...` on a char array trips -Werror=address. */
static inline gg_db_arg_t gg_db_text_arg(const char *s)
{
    return (gg_db_arg_t){.type = s ? GG_ARG_TEXT : GG_ARG_NULL, .p = s, .len = -1};
}
#define GG_TEXT(s) gg_db_text_arg(s)
#define GG_TEXTN(s, n) ((gg_db_arg_t){.type = GG_ARG_TEXT, .p = (s), .len = (long)(n)})
#define GG_BLOB(b, n) ((gg_db_arg_t){.type = GG_ARG_BLOB, .p = (b), .len = (long)(n)})
#define GG_ARGS(...)                                                                                         \
    (const gg_db_arg_t[]){__VA_ARGS__}, (int)(sizeof((gg_db_arg_t[]){__VA_ARGS__}) / sizeof(gg_db_arg_t))
#define GG_NOARGS NULL, 0

typedef struct gg_db gg_db_t;
typedef struct gg_db_conn gg_db_conn_t;
typedef struct gg_db_res gg_db_res_t;

typedef struct gg_db_config {
    const char *url;     /* "sqlite:var/gridgov.db" | "sqlite::memory:" | "postgresql://..." */
    int pool_size;       /* connections; 0 = default (threads + 2) */
    int busy_timeout_ms; /* SQLite busy timeout; 0 = 5000 */
    int no_group_commit; /* SQLite: 1 = every gg_db_tx commits alone (no group committer; see gg_db_tx) */
} gg_db_config_t;

/* Validate a URL without connecting ("database.url: unsupported scheme \"mysq\""). */
int gg_db_url_check(const char *url, gg_error_t *err);

/* Open the pool (connects at least one connection to prove the URL works). */
int gg_db_open(const gg_db_config_t *cfg, gg_db_t **out, gg_error_t *err);
void gg_db_close(gg_db_t *db);
gg_db_kind_t gg_db_kind(const gg_db_t *db);
gg_db_kind_t gg_db_conn_kind(const gg_db_conn_t *c);

/* LISTEN/NOTIFY (PostgreSQL; on SQLite open gives *out = NULL and 0): a connection of its own, outside the
 * pool, that ran LISTEN channel (lower-case letters and '_').  wait: 1 when a NOTIFY arrived (all pending
 * drained), 0 after timeout_ms without one, <0 when the connection is lost (close it and open another).
 * One thread uses a listener at a time. */
int gg_db_listener_open(gg_db_t *db, const char *channel, gg_db_conn_t **out, gg_error_t *err);
int gg_db_listener_wait(gg_db_conn_t *c, int timeout_ms, gg_error_t *err);
void gg_db_listener_close(gg_db_conn_t *c);

/* An application context attached to the pool, for what every write inside a
 * transaction needs without threading it through each call — the domain layer
 * keeps its key set here (the audit chain is keyed).  Set once right after
 * gg_db_open, before other threads use the pool; read-only afterwards. */
void gg_db_set_context(gg_db_t *db, const void *context);
const void *gg_db_context(const gg_db_conn_t *c);

/* Check out / return a connection.  Acquire blocks while the pool is empty. */
int gg_db_acquire(gg_db_t *db, gg_db_conn_t **out, gg_error_t *err);
void gg_db_release(gg_db_t *db, gg_db_conn_t *c);

/* Cheap liveness probe for /readyz: acquire, "SELECT 1", release. */
int gg_db_ping(gg_db_t *db, gg_error_t *err);

/* Run a statement that returns no rows.  *changes (may be NULL) gets rows affected. */
int gg_db_exec(gg_db_conn_t *c, const char *sql, const gg_db_arg_t *args, int nargs, int64_t *changes,
               gg_error_t *err);
/* Run one or more statements without parameters (migrations, DDL). */
int gg_db_exec_script(gg_db_conn_t *c, const char *sql, gg_error_t *err);

/* Query.  Iterate with gg_db_next (returns 1 row ready, 0 done, <0 error). */
int gg_db_query(gg_db_conn_t *c, const char *sql, const gg_db_arg_t *args, int nargs, gg_db_res_t **out,
                gg_error_t *err);
int gg_db_next(gg_db_res_t *r, gg_error_t *err);
int gg_db_ncols(gg_db_res_t *r);
const char *gg_db_colname(gg_db_res_t *r, int col);
int gg_db_isnull(gg_db_res_t *r, int col);
int64_t gg_db_i64(gg_db_res_t *r, int col);
double gg_db_f64(gg_db_res_t *r, int col);
const char *gg_db_text(gg_db_res_t *r, int col); /* NULL when SQL NULL */
size_t gg_db_len(gg_db_res_t *r, int col);       /* bytes of text/blob */
const void *gg_db_blob(gg_db_res_t *r, int col); /* PG bytea is decoded */
void gg_db_res_free(gg_db_res_t *r);

/* One-row helpers: 0 and *found=1/0, or <0 on error.  Value copied nowhere:
 * gg_db_query_i64 stores the first column of the first row. */
int gg_db_query_i64(gg_db_conn_t *c, const char *sql, const gg_db_arg_t *args, int nargs, int64_t *out,
                    int *found, gg_error_t *err);

/*
 * Transactions.  gg_db_tx runs fn inside BEGIN IMMEDIATE (SQLite) / BEGIN
 * (PostgreSQL) and commits when fn returns 0, rolls back otherwise.  It retries
 * the whole function (up to 5 times, with backoff) on SQLITE_BUSY/LOCKED and
 * PostgreSQL 40001/40P01, so fn must not have effects outside the database.
 * Returns 0 only after COMMIT succeeded (durable).  Called inside a
 * transaction it runs fn in a SAVEPOINT instead: a failure of fn undoes only
 * fn's work and the outer transaction goes on (no retry at that level).
 * A PostgreSQL connection found dead at BEGIN is reconnected and retried.
 *
 * Group commit (SQLite, unless gg_db_config_t.no_group_commit; DESIGN §4, db/group.c): an outermost
 * gg_db_tx does not begin on c.  It queues fn as a unit; the first caller that finds nobody committing
 * leads a batch: on the committer's own connection it runs what is queued (at most 64 units) inside one
 * BEGIN IMMEDIATE, each unit in its own SAVEPOINT, commits once (one fsync for the batch) and then wakes
 * the batch's other callers.  For fn nothing changes:
 *  - fn(c, ctx, err) gets the committer's connection; c itself is redirected there while fn runs, so a
 *    function that uses the connection kept in its context writes inside the batch too;
 *  - a unit that fails rolls back to its savepoint and gets its own error; the others commit;
 *  - busy at BEGIN or COMMIT is retried for the whole batch as above (fn may run again); an error that
 *    ends the whole transaction (a full disk) re-runs the other units;
 *  - the unit's gg_db_on_commit and gg_db_after_tx hooks run after the batch's COMMIT (on commit only
 *    for a unit that committed), on the caller's thread and its own connection c, before gg_db_tx
 *    returns — not on the committer's, so a hook may run a transaction of its own;
 *  - reads (gg_db_query outside gg_db_tx) never wait for the writer: WAL readers see the last commit.
 * fn may run on another caller's thread (the batch's leader): thread-local state set inside fn is not the
 * caller's, so keep what a hook needs in its ctx or in the database.  PostgreSQL keeps one transaction per
 * connection (many connections).
 */
typedef int (*gg_db_tx_fn)(gg_db_conn_t *c, void *ctx, gg_error_t *err);
int gg_db_tx(gg_db_conn_t *c, gg_db_tx_fn fn, void *ctx, gg_error_t *err);
/* Write transactions run and commits made by the group committer so far (0, 0 without one). */
void gg_db_group_counts(gg_db_t *db, long long *transactions, long long *commits);

/* A read snapshot over the statements that follow, outside gg_db_tx, until gg_db_read_end (a read-only
 * request's answer: one read transaction instead of one per statement, and its reads agree with each other).
 * SQLite only (a deferred BEGIN; PostgreSQL gives each statement its own snapshot and a BEGIN would cost a
 * round trip): elsewhere a no-op.  gg_db_tx, and on SQLite any statement that writes, ends the snapshot
 * first, so writes are never held in it; gg_db_release ends a forgotten one. */
void gg_db_read_begin(gg_db_conn_t *c);
void gg_db_read_end(gg_db_conn_t *c);

/*
 * After-commit hooks: the one mechanism for effects that must follow a
 * transaction's COMMIT and never precede it — emptying a cache of committed
 * state (domain/session_cache.h: an invalidation before COMMIT could be
 * refilled from the old state), rebuilding the point-in-grid index, and next
 * live updates and the outbox.
 *  - gg_db_on_commit(c, fn, ctx) inside gg_db_tx: fn(c, ctx) runs once the
 *    outermost transaction has committed, after gg_db_tx's COMMIT and before
 *    gg_db_tx returns, on the same connection (now outside any transaction, so
 *    fn may query or run a transaction of its own).  Hooks run in the order
 *    they were registered.
 *  - Rolled back, or retried: the hooks do not run (a retry runs the
 *    transaction function again, which registers again).  Registered inside a
 *    nested gg_db_tx (savepoint) that fails: dropped with the savepoint's
 *    work.  A connection lost during COMMIT may have committed: the hooks run
 *    (a cache must assume it did).
 *  - The same (fn, ctx) twice in one transaction runs once; the same fn with
 *    another ctx runs for each.  No fixed limit (the list grows; on an
 *    allocation failure the process aborts like every gg_x* allocation).
 *  - Outside a transaction the statement before it has already committed, so
 *    fn runs at once.
 *  - ctx is borrowed: it must stay valid until gg_db_tx returns.  fn must not
 *    fail the write (it has committed): it logs what it cannot do.
 */
typedef void (*gg_db_hook_fn)(gg_db_conn_t *c, void *ctx);
void gg_db_on_commit(gg_db_conn_t *c, gg_db_hook_fn fn, void *ctx);

/* Run fn(c, ctx) once the outermost gg_db_tx has ended, committed or rolled back — for what must be recorded
 * even when the work is undone (a dry run, a refused write): the connection is free then and fn may run a
 * transaction of its own.  A retried transaction keeps what it registered (its function runs again and
 * finds it with gg_db_after_tx_find).  No fixed limit; outside a transaction, fn runs at once. */
void gg_db_after_tx(gg_db_conn_t *c, gg_db_hook_fn fn, void *ctx);
/* The ctx registered with fn in the running transaction, or NULL. */
void *gg_db_after_tx_find(gg_db_conn_t *c, gg_db_hook_fn fn);
int gg_db_in_tx(gg_db_conn_t *c);

/* Migrations: apply sql/migrations files not yet in schema_migrations.
 * dir holds NNNN_name.sql (both dialects) and optional NNNN_name.sqlite.sql /
 * NNNN_name.pg.sql overrides.  Tokens rewritten per dialect before running:
 *   @ID@   -> INTEGER PRIMARY KEY | BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY
 *   @BLOB@ -> BLOB | BYTEA
 *   @CTEXT@ -> TEXT | TEXT COLLATE "C"  (byte order, for range queries on paths)
 * *applied (may be NULL) gets the number of files applied. */
int gg_db_migrate(gg_db_t *db, const char *dir, int *applied, gg_error_t *err);

#endif
