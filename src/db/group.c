/*
 * group.c — the SQLite group committer behind gg_db_tx (DESIGN §4).
 *
 * Request threads queue their write units (a transaction function and its context).  Whoever finds nobody
 * committing becomes the batch's leader: it takes what is queued (at most GG_DB_GROUP_MAX units, its own
 * among them) and runs it on the committer's own connection inside one BEGIN IMMEDIATE, each unit in its own
 * SAVEPOINT so a failing unit rolls back alone, commits once (WAL, synchronous=FULL: one fsync for the
 * batch) and only then wakes the batch's other callers; what queued meanwhile is the next batch, led by its
 * first caller.  Each caller then runs its unit's after-commit and after-transaction hooks on its own
 * connection, outside any transaction, as gg_db_tx always did.
 *
 * No gathering delay and no thread of its own: a lone write is led and committed by its own thread at once
 * (no hand-off), and under load a batch is what queued while the previous one was committing (the fsync is
 * the wait).  (A dedicated writer thread was tried first: the same throughput, but a hand-off to it and
 * back for every write, also a lone one, and a thread to start and stop.)
 *
 * While a unit runs, its request connection is redirected to the committer's (driver.h, `redirect`), so
 * domain code that uses the connection it captured in its context rather than fn's argument still
 * writes inside the batch, and gg_db_on_commit / gg_db_in_tx on it answer for the batch.
 */
#include <errno.h>
#include <unistd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "db/driver.h"

/* 64 units: long enough that a burst of concurrent requests (the server's threads are fewer) fits in
 * one commit, short enough that the write lock is held for a few ms, not the pool's worth of work. */
#define GG_DB_GROUP_MAX 64

typedef struct unit {
    gg_db_tx_fn fn;
    void *ctx;
    gg_db_conn_t *rc; /* the request's connection */
    gg_error_t *err;
    int result;  /* 0 committed, <0 failed */
    int settled; /* this unit's outcome is final (a failure inside the batch, or the commit's verdict) */
    int done;    /* set under the lock: the request thread may go on */
    pthread_cond_t wake; /* this unit's own: a batch wakes its callers only, not every waiting thread */
    struct gg_db_hooks on_commit, after_tx;
    struct unit *next;
} unit_t;

struct gg_db_group {
    gg_db_t *db;
    gg_db_conn_t *wc; /* the committer's connection, used by one leader at a time */
    pthread_mutex_t mu;
    unit_t *head, *tail; /* queued units, not yet in a batch */
    int leader;          /* a caller is running a batch on wc */
    int stopping;
    long long batches, units, max_batch;
};

/* This thread is running a batch (as its leader): a transaction it starts must not queue behind itself. */
static _Thread_local int in_batch;

static void hooks_copy(struct gg_db_hooks *to, const struct gg_db_hooks *from)
{
    to->n = 0;
    for (int i = 0; i < from->n; i++)
        gg_db_hooks_add(to, from->v[i].fn, from->v[i].ctx);
}

/* Run one unit in its savepoint on the committer's connection; its hooks are kept on the unit. */
static void unit_run(gg_db_conn_t *wc, unit_t *u)
{
    wc->on_commit.n = 0;
    hooks_copy(&wc->after_tx, &u->after_tx); /* a re-run finds what it registered before */
    wc->retry = 0;
    u->rc->redirect = wc;
    u->result = gg_db_tx_nested(wc, u->fn, u->ctx, u->err);
    u->rc->redirect = NULL;
    hooks_copy(&u->after_tx, &wc->after_tx);
    if (u->result == 0) hooks_copy(&u->on_commit, &wc->on_commit);
    wc->on_commit.n = wc->after_tx.n = 0;
}

static void batch_fail(unit_t **b, int n, const gg_error_t *why, int rc)
{
    for (int i = 0; i < n; i++) {
        if (b[i]->settled) continue;
        *b[i]->err = *why;
        b[i]->result = rc;
        b[i]->on_commit.n = 0;
        b[i]->settled = 1;
    }
}

/* One batch: begin (retried on busy like gg_db_tx), the units, one commit.  Every unit leaves settled. */
static void batch_run(struct gg_db_group *g, unit_t **b, int n)
{
    gg_db_conn_t *wc = g->wc;
    gg_error_t err = {0};
    int rc = 0;
    for (int attempt = 0; attempt < GG_DB_TX_ATTEMPTS; attempt++) {
        if (attempt > 0) gg_db_backoff(attempt - 1);
        wc->retry = 0;
        if ((rc = wc->drv->begin(wc, &err)) < 0) {
            if (wc->retry) continue;
            break;
        }
        wc->tx_depth = 1;
        int aborted = 0;
        for (int i = 0; i < n && !aborted; i++) {
            if (b[i]->settled) continue;
            unit_run(wc, b[i]);
            if (b[i]->result < 0) {
                b[i]->settled = 1; /* its own error, its work undone with its savepoint */
                b[i]->on_commit.n = 0;
            }
            /* an error that ended the whole transaction (SQLite rolls back by itself on a full disk, an
             * I/O error, an interrupt): the units before it lost their work and run again */
            if (wc->drv->in_tx && !wc->drv->in_tx(wc)) aborted = 1;
        }
        wc->tx_depth = 0;
        if (aborted) {
            wc->drv->rollback(wc);
            rc = -1;
            gg_error_set(&err, 503, "database_unavailable", NULL,
                         "the batch's transaction was rolled back by an error of another write");
            wc->retry = 1;
            continue;
        }
        wc->retry = 0;
        if ((rc = wc->drv->commit(wc, &err)) == 0) {
            for (int i = 0; i < n; i++)
                b[i]->settled = 1; /* the successful ones committed; the failed ones kept their error */
            return;
        }
        for (int i = 0; i < n; i++) /* what the units did is gone with the batch: they all run again */
            if (b[i]->result == 0) b[i]->on_commit.n = 0;
        if (!wc->retry) break;
    }
    if (wc->retry && err.http_status != 503)
        gg_error_set(&err, 503, "database_unavailable", NULL, "database is busy, try again");
    if (!err.http_status) gg_error_set(&err, 500, "database_error", NULL, "the batch did not commit");
    batch_fail(b, n, &err, -err.http_status);
}

/* Take up to GG_DB_GROUP_MAX queued units (under the lock). */
static int batch_take(struct gg_db_group *g, unit_t **batch)
{
    int n = 0;
    while (g->head && n < GG_DB_GROUP_MAX) {
        batch[n++] = g->head;
        g->head = g->head->next;
    }
    if (!g->head) g->tail = NULL;
    return n;
}

int gg_db_group_start(gg_db_t *db, gg_db_conn_t *wc, struct gg_db_group **out, gg_error_t *err)
{
    (void)err;
    struct gg_db_group *g = gg_xcalloc(1, sizeof *g);
    g->db = db;
    g->wc = wc;
    pthread_mutex_init(&g->mu, NULL);
    *out = g;
    return 0;
}

int gg_db_group_is_writer(const struct gg_db_group *g)
{
    return g && in_batch;
}

void gg_db_group_stop(struct gg_db_group *g)
{
    if (!g) return;
    pthread_mutex_lock(&g->mu);
    g->stopping = 1;
    while (g->leader || g->head) { /* callers still queued or committing (none once the server stopped) */
        pthread_mutex_unlock(&g->mu);
        usleep(1000);
        pthread_mutex_lock(&g->mu);
    }
    pthread_mutex_unlock(&g->mu);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

void gg_db_group_stats(const struct gg_db_group *g, long long *units, long long *batches)
{
    *units = g ? g->units : 0;
    *batches = g ? g->batches : 0;
}

int gg_db_group_tx(struct gg_db_group *g, gg_db_conn_t *c, gg_db_tx_fn fn, void *ctx, gg_error_t *err)
{
    unit_t u = {.fn = fn, .ctx = ctx, .rc = c, .err = err};
    unit_t *batch[GG_DB_GROUP_MAX];
    pthread_cond_init(&u.wake, NULL);
    pthread_mutex_lock(&g->mu);
    if (g->stopping) {
        pthread_mutex_unlock(&g->mu);
        pthread_cond_destroy(&u.wake);
        return gg_error_set(err, 503, "database_unavailable", NULL, "the database is closing");
    }
    if (g->tail)
        g->tail->next = &u;
    else
        g->head = &u;
    g->tail = &u;
    while (!u.done) {
        if (g->leader) { /* a batch is committing: wait to be done, or to be handed the next batch */
            pthread_cond_wait(&u.wake, &g->mu);
            continue;
        }
        /* nobody is committing: this caller runs what has queued (its own unit among it) */
        g->leader = 1;
        int n = batch_take(g, batch);
        pthread_mutex_unlock(&g->mu);
        in_batch = 1;
        batch_run(g, batch, n);
        in_batch = 0;
        pthread_mutex_lock(&g->mu);
        g->batches++;
        g->units += n;
        if (n > g->max_batch) g->max_batch = n;
        for (int i = 0; i < n; i++) {
            batch[i]->done = 1;
            if (batch[i] != &u) pthread_cond_signal(&batch[i]->wake);
        }
        g->leader = 0;
        /* what queued meanwhile is the next batch: its first caller leads it */
        if (g->head && g->head != &u) pthread_cond_signal(&g->head->wake);
    }
    pthread_mutex_unlock(&g->mu);
    pthread_cond_destroy(&u.wake);
    /* the hooks on the request's own connection, outside any transaction, as gg_db_tx runs them */
    for (int i = 0; i < u.on_commit.n; i++)
        gg_db_hooks_add(&c->on_commit, u.on_commit.v[i].fn, u.on_commit.v[i].ctx);
    for (int i = 0; i < u.after_tx.n; i++)
        gg_db_hooks_add(&c->after_tx, u.after_tx.v[i].fn, u.after_tx.v[i].ctx);
    free(u.on_commit.v);
    free(u.after_tx.v);
    gg_db_hooks_run(c, &c->on_commit, u.result == 0 ? c->on_commit.n : 0);
    return u.result;
}
