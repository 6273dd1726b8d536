/*
 * driver.h — private to src/db: the vtable a database driver fills, the common
 * head of connections and results, and the per-connection statement cache
 * both drivers share.  Nothing outside src/db includes this file.
 *
 * Ownership: the pool (db.c) owns connections; a driver allocates its own
 * connection struct with `struct gg_db_conn` as first member and frees it in
 * close().  Results likewise start with `struct gg_db_res`.
 */
#ifndef GG_DB_DRIVER_H
#define GG_DB_DRIVER_H

#include <stdint.h>

#include "db/db.h"

struct gg_db_conn {
    const struct gg_db_driver *drv;
    gg_db_t *db;
    int tx_depth; /* 0 outside gg_db_tx; >1 means nested (savepoints) */
    int retry;    /* driver sets it when the last error was busy/serialization/deadlock */
    int broken;   /* driver sets it when the connection is lost; acquire reconnects */
    /* Set by the group committer (group.c) while a unit of this connection runs on the writer's
     * connection: every call on this one goes there (db.c, live()), so a transaction function that kept
     * its connection in its context instead of using its argument still writes inside the batch. */
    gg_db_conn_t *redirect;
    int snapshot; /* gg_db_read_begin's transaction is open */
    /* gg_db_on_commit: run after the outermost COMMIT; gg_db_after_tx: run when the outermost transaction
     * ends, committed or not.  Each in registration order, grown as needed. */
    struct gg_db_hooks {
        struct gg_db_hook {
            gg_db_hook_fn fn;
            void *ctx;
        } * v;
        int n, cap;
    } on_commit, after_tx;
};

struct gg_db_res {
    gg_db_conn_t *c;
};

typedef struct gg_db_driver {
    gg_db_kind_t kind;
    /* target: SQLite path (or ":memory:") / PostgreSQL URL. */
    int (*connect)(gg_db_t *db, const char *target, int busy_timeout_ms, gg_db_conn_t **out, gg_error_t *err);
    int (*reconnect)(gg_db_conn_t *c, gg_error_t *err);
    void (*close)(gg_db_conn_t *c);
    int (*exec)(gg_db_conn_t *c, const char *sql, const gg_db_arg_t *args, int nargs, int64_t *changes,
                gg_error_t *err);
    int (*exec_script)(gg_db_conn_t *c, const char *sql, gg_error_t *err);
    int (*query)(gg_db_conn_t *c, const char *sql, const gg_db_arg_t *args, int nargs, gg_db_res_t **out,
                 gg_error_t *err);
    int (*next)(gg_db_res_t *r, gg_error_t *err);
    int (*ncols)(gg_db_res_t *r);
    const char *(*colname)(gg_db_res_t *r, int col);
    int (*isnull)(gg_db_res_t *r, int col);
    int64_t (*i64)(gg_db_res_t *r, int col);
    double (*f64)(gg_db_res_t *r, int col);
    const char *(*text)(gg_db_res_t *r, int col);
    size_t (*len)(gg_db_res_t *r, int col);
    const void *(*blob)(gg_db_res_t *r, int col);
    void (*res_free)(gg_db_res_t *r);
    int (*begin)(gg_db_conn_t *c, gg_error_t *err);
    int (*commit)(gg_db_conn_t *c, gg_error_t *err); /* on failure the transaction is over or rolled back */
    void (*rollback)(gg_db_conn_t *c);
    /* Optional (gg_db_read_begin): one read transaction over several statements, and its end. */
    int (*read_begin)(gg_db_conn_t *c, gg_error_t *err);
    void (*read_end)(gg_db_conn_t *c);
    /* Optional, for /readyz: is what this connection writes to still the
     * database (SQLite: the file at the configured path is the open one)? */
    int (*check)(gg_db_conn_t *c, gg_error_t *err);
    /* Optional: 1 while the connection is inside a transaction (SQLite: an error such as a full disk
     * may have rolled the whole transaction back by itself). */
    int (*in_tx)(gg_db_conn_t *c);
    /* Optional (PostgreSQL): wait up to timeout_ms for a NOTIFY on a connection that ran LISTEN;
     * 1 notified (all pending ones drained), 0 timed out, <0 connection lost. */
    int (*wait_notify)(gg_db_conn_t *c, int timeout_ms, gg_error_t *err);
} gg_db_driver_t;

/* ---- shared by db.c and the group committer (group.c) ---- */

#define GG_DB_TX_ATTEMPTS 5
/* gg_db_tx's pieces: the savepoint of a nested call, the backoff between attempts, the hook lists. */
int gg_db_tx_nested(gg_db_conn_t *c, gg_db_tx_fn fn, void *ctx, gg_error_t *err);
void gg_db_backoff(int attempt);
void gg_db_hooks_add(struct gg_db_hooks *h, gg_db_hook_fn fn, void *ctx);
void gg_db_hooks_run(gg_db_conn_t *c, struct gg_db_hooks *h, int n);

/* The group committer (group.c): queued gg_db_tx calls run in batches, one commit each, on its own
 * connection wc (taken over; the caller closes it after gg_db_group_stop), each batch led by one of the
 * waiting callers. */
struct gg_db_group;
int gg_db_group_start(gg_db_t *db, gg_db_conn_t *wc, struct gg_db_group **out, gg_error_t *err);
/* Queue fn as a unit of the next batch and wait for its commit; the unit's hooks then run on c. */
int gg_db_group_tx(struct gg_db_group *g, gg_db_conn_t *c, gg_db_tx_fn fn, void *ctx, gg_error_t *err);
/* 1 on a thread that is leading a batch now (a transaction it starts must not queue behind itself). */
int gg_db_group_is_writer(const struct gg_db_group *g);
/* Wait for the queue to drain (nothing queues once the server stopped), free the committer. */
void gg_db_group_stop(struct gg_db_group *g);
void gg_db_group_stats(const struct gg_db_group *g, long long *units, long long *batches);

extern const gg_db_driver_t gg_db_sqlite_driver;
extern const gg_db_driver_t gg_db_pg_driver;

/*
 * Statement cache: SQL text -> driver statement, fixed capacity, least recently
 * used entry evicted.  The key is copied once on insert; a hit costs one hash
 * and one memcmp, no allocation.  `busy` marks a statement an open result is
 * stepping (SQLite), so it is neither handed out twice nor evicted.
 */
#define GG_DB_CACHE_CAP 256
#define GG_DB_CACHE_BUCKETS 512 /* power of two */

typedef struct gg_db_cent {
    char *sql;
    size_t len;
    uint32_t hash;
    int next; /* chain in bucket, -1 ends */
    int busy;
    int ordered; /* SQLite: parameter i+1 is "$<i+1>" (set by the driver at prepare; binds skip the lookup) */
    uint64_t used;
    void *stmt;
} gg_db_cent_t;

typedef struct gg_db_cache {
    gg_db_cent_t ent[GG_DB_CACHE_CAP];
    int bucket[GG_DB_CACHE_BUCKETS];
    int n;
    uint64_t tick;
} gg_db_cache_t;

void gg_db_cache_init(gg_db_cache_t *k);
/* Entry for sql (hash and len filled by the call), or NULL. */
gg_db_cent_t *gg_db_cache_get(gg_db_cache_t *k, const char *sql, size_t *len, uint32_t *hash);
/* Insert; when full, evict_fn(ctx, stmt) finalises the least recently used
 * idle entry.  Returns NULL when every entry is busy (caller keeps stmt uncached). */
gg_db_cent_t *gg_db_cache_put(gg_db_cache_t *k, const char *sql, size_t len, uint32_t hash, void *stmt,
                              void (*evict_fn)(void *ctx, void *stmt), void *ctx);
/* Drop every entry (calling evict_fn on each statement). */
void gg_db_cache_clear(gg_db_cache_t *k, void (*evict_fn)(void *ctx, void *stmt), void *ctx);

#endif
