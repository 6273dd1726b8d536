/*
 * pg.c — the PostgreSQL driver behind db.h (libpq): connection setup
 * (UTF-8, UTC, synchronous_commit=on), server-side prepared statements cached
 * per connection, text-format parameters (bytea in binary), whole results
 * fetched in text format, and SQLSTATE mapping onto gg_error_t.
 *
 * A connection that libpq reports as bad is flagged `broken`; the pool
 * resets it on the next acquire (db.c), which also forgets its statements.
 */
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/mem.h"
#include "db/driver.h"

#define PG_BYTEA_OID 17

typedef struct pg_stmt {
    char name[16]; /* "gg<n>" */
    int nparams;
} pg_stmt_t;

typedef struct pg_res {
    struct gg_db_res base;
    PGresult *res;
    int row; /* -1 before the first gg_db_next */
    int nrows;
    int ncols;
    unsigned char **dec; /* bytea of the current row decoded on demand, per column */
    size_t *declen;
} pg_res_t;

typedef struct pg_conn {
    struct gg_db_conn base;
    PGconn *pg;
    gg_db_cache_t cache;
    unsigned next_name;
    int forget; /* statements vanished with the session: evict without DEALLOCATE */

    /* Parameter scratch, grown on demand and reused, so a query allocates nothing. */
    int cap;
    const char **values;
    int *lengths;
    int *formats;
    size_t *offs;
    gg_buf_t num;

    pg_res_t res1; /* reused for the common case of one open result */
    int res1_used;
} pg_conn_t;

#define PGC(c) ((pg_conn_t *)(c))

/* First line of a libpq message, without the trailing newline. */
static const char *first_line(const char *msg, char *buf, size_t size)
{
    snprintf(buf, size, "%s", msg && *msg ? msg : "unknown error");
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

/*
 * Map a failed libpq call onto gg_error_t.  Only the primary message is used:
 * DETAIL lines quote row values ("Key (phone)=(...) already exists"), and so
 * do data-exception messages, which are therefore replaced by the SQLSTATE.
 */
static int pg_err(pg_conn_t *c, const PGresult *res, gg_error_t *err)
{
    char line[256];
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *prim = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

    if (PQstatus(c->pg) == CONNECTION_BAD) {
        c->base.broken = 1;
        return gg_error_set(err, 503, "database_unavailable", NULL, "lost connection to PostgreSQL: %s",
                            first_line(PQerrorMessage(c->pg), line, sizeof line));
    }
    if (!prim) prim = first_line(PQerrorMessage(c->pg), line, sizeof line);
    if (!state) return gg_error_set(err, 500, "database_error", NULL, "postgresql: %s", prim);
    if (strcmp(state, "23505") == 0) return gg_err_conflict(err, "already exists (%s)", prim);
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
        c->base.retry = 1;
        return gg_error_set(err, 503, "database_unavailable", NULL,
                            "database is busy, try again (postgresql: %s)", prim);
    }
    if (strncmp(state, "57P", 3) == 0) /* server shutting down or starting */
        return gg_error_set(err, 503, "database_unavailable", NULL, "postgresql: %s", prim);
    if (strncmp(state, "22", 2) == 0)
        return gg_error_set(err, 500, "database_error", NULL,
                            "postgresql: a value was rejected by its column type (SQLSTATE %s)", state);
    return gg_error_set(err, 500, "database_error", NULL, "postgresql: %s (SQLSTATE %s)", prim, state);
}

/* Result of a statement that must not fail: COMMAND_OK/TUPLES_OK or an error (res is cleared). */
static int pg_check(pg_conn_t *c, PGresult *res, gg_error_t *err)
{
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = 0;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) rc = pg_err(c, res, err);
    PQclear(res);
    return rc;
}

static void pg_quiet(void *arg, const char *message)
{
    /* NOTICEs ("relation already exists, skipping") are not errors and must
     * not reach the server's stderr. */
    (void)arg;
    (void)message;
}

static void pg_evict(void *ctx, void *stmt)
{
    pg_conn_t *c = ctx;
    pg_stmt_t *s = stmt;
    if (!c->forget && PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_INERROR) {
        char sql[32];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        PQclear(PQexec(c->pg, sql)); /* best effort: a leftover dies with the session */
    }
    free(s);
}

/* Per-session settings; run after every (re)connect. */
static int pg_setup(pg_conn_t *c, gg_error_t *err)
{
    PQsetNoticeProcessor(c->pg, pg_quiet, NULL);
    if (PQsetClientEncoding(c->pg, "UTF8") != 0) return pg_err(c, NULL, err);
    /* synchronous_commit=on: COMMIT returns after the WAL is flushed (DESIGN §4),
     * even if the server default was relaxed. */
    return pg_check(c, PQexec(c->pg, "SET synchronous_commit = on; SET TimeZone = 'UTC'"), err);
}

static int pg_connect(gg_db_t *db, const char *target, int busy_timeout_ms, gg_db_conn_t **out,
                      gg_error_t *err)
{
    /* Defaults first: with expand_dbname the URL's own settings come later and win. */
    const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *vals[] = {"10", "gridgov", target, NULL};
    pg_conn_t *c = gg_xcalloc(1, sizeof *c);
    char line[256];
    int rc;

    (void)db;
    (void)busy_timeout_ms;
    *out = NULL;
    gg_db_cache_init(&c->cache);
    gg_buf_init(&c->num, 256);
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        rc = gg_error_set(err, 503, "database_unavailable", NULL, "cannot connect to PostgreSQL: %s",
                          c->pg ? first_line(PQerrorMessage(c->pg), line, sizeof line) : "out of memory");
        goto out;
    }
    rc = pg_setup(c, err);
out:
    if (rc < 0) {
        PQfinish(c->pg);
        gg_buf_free(&c->num);
        free(c);
    } else {
        *out = &c->base;
    }
    return rc;
}

static int pg_reconnect(gg_db_conn_t *gc, gg_error_t *err)
{
    pg_conn_t *c = PGC(gc);
    char line[256];

    c->forget = 1;
    gg_db_cache_clear(&c->cache, pg_evict, c);
    c->forget = 0;
    PQreset(c->pg);
    if (PQstatus(c->pg) != CONNECTION_OK)
        return gg_error_set(err, 503, "database_unavailable", NULL, "cannot connect to PostgreSQL: %s",
                            first_line(PQerrorMessage(c->pg), line, sizeof line));
    return pg_setup(c, err);
}

static void pg_close(gg_db_conn_t *gc)
{
    pg_conn_t *c = PGC(gc);
    c->forget = 1; /* PQfinish drops them all server-side */
    gg_db_cache_clear(&c->cache, pg_evict, c);
    PQfinish(c->pg);
    free(c->values);
    free(c->lengths);
    free(c->formats);
    free(c->offs);
    gg_buf_free(&c->num);
    free(c);
}

/* Server-side prepared statement for sql, prepared on first use. */
static int pg_prepare(pg_conn_t *c, const char *sql, pg_stmt_t **out, gg_error_t *err)
{
    size_t len;
    uint32_t hash;
    gg_db_cent_t *e = gg_db_cache_get(&c->cache, sql, &len, &hash);
    pg_stmt_t *s;
    PGresult *res;
    int rc;

    if (e) {
        *out = e->stmt;
        return 0;
    }
    s = gg_xmalloc(sizeof *s);
    snprintf(s->name, sizeof s->name, "gg%u", ++c->next_name);
    /* paramTypes NULL: the server infers each $N's type from its context, so
     * "WHERE id = $1" receives a text "42" as bigint. */
    if ((rc = pg_check(c, PQprepare(c->pg, s->name, sql, 0, NULL), err)) < 0) goto out;
    /* The parameter count is checked here, once, so a mismatch reads the same
     * as on SQLite instead of a protocol error. */
    res = PQdescribePrepared(c->pg, s->name);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = pg_err(c, res, err);
        PQclear(res);
        goto out;
    }
    s->nparams = PQnparams(res);
    PQclear(res);
    gg_db_cache_put(&c->cache, sql, len, hash, s, pg_evict, c); /* never NULL: PG entries are never busy */
    *out = s;
    s = NULL;
out:
    free(s);
    return rc;
}

static void fmt_i64(gg_buf_t *b, int64_t v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; /* INT64_MIN has no positive twin */
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    gg_buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
    gg_buf_putc(b, '\0');
}

static void fmt_f64(gg_buf_t *b, double v)
{
    if (isnan(v))
        gg_buf_puts(b, "NaN");
    else if (isinf(v))
        gg_buf_puts(b, v > 0 ? "Infinity" : "-Infinity");
    else
        gg_buf_printf(b, "%.17g", v); /* 17 significant digits round-trip every double */
    gg_buf_putc(b, '\0');
}

/* Fill the parameter arrays: text format except bytea, which goes binary so
 * NUL bytes need no escaping.  Numbers and length-bounded text are written to
 * one scratch buffer first and pointed into afterwards (it may move while growing). */
static int pg_params(pg_conn_t *c, const gg_db_arg_t *args, int nargs, gg_error_t *err)
{
    if (nargs > c->cap) {
        c->cap = nargs < 16 ? 16 : nargs;
        c->values = gg_xrealloc(c->values, (size_t)c->cap * sizeof *c->values);
        c->lengths = gg_xrealloc(c->lengths, (size_t)c->cap * sizeof *c->lengths);
        c->formats = gg_xrealloc(c->formats, (size_t)c->cap * sizeof *c->formats);
        c->offs = gg_xrealloc(c->offs, (size_t)c->cap * sizeof *c->offs);
    }
    c->num.len = 0;
    for (int i = 0; i < nargs; i++) {
        const gg_db_arg_t *a = &args[i];
        c->values[i] = NULL;
        c->lengths[i] = 0;
        c->formats[i] = 0;
        c->offs[i] = SIZE_MAX;
        switch (a->type) {
        case GG_ARG_I64:
            c->offs[i] = c->num.len;
            fmt_i64(&c->num, a->i);
            break;
        case GG_ARG_F64:
            c->offs[i] = c->num.len;
            fmt_f64(&c->num, a->f);
            break;
        case GG_ARG_TEXT:
            if (!a->p) break;
            if (a->len < 0) {
                c->values[i] = a->p;
            } else {
                /* Text-format parameters are NUL-terminated C strings for libpq. */
                if (memchr(a->p, '\0', (size_t)a->len))
                    return gg_error_set(err, 500, "database_error", NULL,
                                        "postgresql: text argument $%d contains a NUL byte", i + 1);
                c->offs[i] = c->num.len;
                gg_buf_append(&c->num, a->p, (size_t)a->len);
                gg_buf_putc(&c->num, '\0');
            }
            break;
        case GG_ARG_BLOB:
            if (!a->p) break;
            if (a->len > INT32_MAX)
                return gg_error_set(err, 500, "database_error", NULL,
                                    "postgresql: blob argument $%d too large", i + 1);
            c->values[i] = a->len > 0 ? a->p : "";
            c->lengths[i] = (int)(a->len > 0 ? a->len : 0);
            c->formats[i] = 1;
            break;
        default:
            break;
        }
    }
    for (int i = 0; i < nargs; i++)
        if (c->offs[i] != SIZE_MAX) c->values[i] = c->num.data + c->offs[i];
    return 0;
}

/* Prepare (cached), bind and execute; *res is a successful result. */
static int pg_run(pg_conn_t *c, const char *sql, const gg_db_arg_t *args, int nargs, PGresult **res,
                  gg_error_t *err)
{
    pg_stmt_t *s = NULL;
    ExecStatusType st;
    int rc;

    *res = NULL;
    if ((rc = pg_prepare(c, sql, &s, err)) < 0) return rc;
    if (s->nparams != nargs)
        return gg_error_set(err, 500, "database_error", NULL,
                            "postgresql: statement has %d parameter(s) but %d argument(s) were given",
                            s->nparams, nargs);
    if ((rc = pg_params(c, args, nargs, err)) < 0) return rc;
    *res = PQexecPrepared(c->pg, s->name, nargs, c->values, c->lengths, c->formats, 0);
    st = *res ? PQresultStatus(*res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        rc = pg_err(c, *res, err);
        PQclear(*res);
        *res = NULL;
    }
    return rc;
}

static int pg_exec(gg_db_conn_t *gc, const char *sql, const gg_db_arg_t *args, int nargs, int64_t *changes,
                   gg_error_t *err)
{
    PGresult *res;
    int rc = pg_run(PGC(gc), sql, args, nargs, &res, err);
    if (rc == 0 && changes) *changes = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return rc;
}

static int pg_exec_script(gg_db_conn_t *gc, const char *sql, gg_error_t *err)
{
    /* The simple query protocol runs several ;-separated statements. */
    return pg_check(PGC(gc), PQexec(PGC(gc)->pg, sql), err);
}

static int pg_query(gg_db_conn_t *gc, const char *sql, const gg_db_arg_t *args, int nargs, gg_db_res_t **out,
                    gg_error_t *err)
{
    pg_conn_t *c = PGC(gc);
    PGresult *res;
    pg_res_t *r;
    int rc;

    *out = NULL;
    if ((rc = pg_run(c, sql, args, nargs, &res, err)) < 0) return rc;
    if (!c->res1_used) {
        r = &c->res1;
        c->res1_used = 1;
    } else {
        r = gg_xmalloc(sizeof *r);
    }
    *r = (pg_res_t){
        .base = {.c = gc}, .res = res, .row = -1, .nrows = PQntuples(res), .ncols = PQnfields(res)};
    *out = &r->base;
    return 0;
}

static void pg_free_decoded(pg_res_t *r)
{
    if (!r->dec) return;
    for (int i = 0; i < r->ncols; i++) {
        if (r->dec[i]) PQfreemem(r->dec[i]);
        r->dec[i] = NULL;
    }
}

static int pg_next(gg_db_res_t *gr, gg_error_t *err)
{
    pg_res_t *r = (pg_res_t *)gr;
    (void)err;
    pg_free_decoded(r);
    if (r->row < r->nrows) r->row++;
    return r->row < r->nrows;
}

static int pg_ncols(gg_db_res_t *r)
{
    return ((pg_res_t *)r)->ncols;
}

static const char *pg_colname(gg_db_res_t *r, int col)
{
    return PQfname(((pg_res_t *)r)->res, col);
}

static int pg_isnull(gg_db_res_t *gr, int col)
{
    pg_res_t *r = (pg_res_t *)gr;
    return PQgetisnull(r->res, r->row, col);
}

static const char *pg_text(gg_db_res_t *gr, int col)
{
    pg_res_t *r = (pg_res_t *)gr;
    return PQgetisnull(r->res, r->row, col) ? NULL : PQgetvalue(r->res, r->row, col);
}

static int64_t pg_i64(gg_db_res_t *gr, int col)
{
    const char *v = pg_text(gr, col);
    if (!v) return 0;
    /* boolean columns print as t/f; db.h promises booleans as 0/1 */
    if (v[0] == 't' && !v[1]) return 1;
    return strtoll(v, NULL, 10);
}

static double pg_f64(gg_db_res_t *gr, int col)
{
    const char *v = pg_text(gr, col);
    return v ? strtod(v, NULL) : 0.0;
}

/* bytea arrives hex-escaped in text results; decode it once per row and column. */
static const unsigned char *pg_decoded(pg_res_t *r, int col, size_t *len)
{
    if (!r->dec) {
        r->dec = gg_xcalloc((size_t)r->ncols, sizeof *r->dec);
        r->declen = gg_xcalloc((size_t)r->ncols, sizeof *r->declen);
    }
    if (!r->dec[col]) {
        r->dec[col] =
            PQunescapeBytea((const unsigned char *)PQgetvalue(r->res, r->row, col), &r->declen[col]);
        if (!r->dec[col]) abort(); /* only fails for lack of memory; mem.h: out of memory aborts */
    }
    *len = r->declen[col];
    return r->dec[col];
}

static size_t pg_len(gg_db_res_t *gr, int col)
{
    pg_res_t *r = (pg_res_t *)gr;
    size_t len;
    if (PQgetisnull(r->res, r->row, col)) return 0;
    if (PQftype(r->res, col) != PG_BYTEA_OID) return (size_t)PQgetlength(r->res, r->row, col);
    pg_decoded(r, col, &len);
    return len;
}

static const void *pg_blob(gg_db_res_t *gr, int col)
{
    pg_res_t *r = (pg_res_t *)gr;
    size_t len;
    if (PQgetisnull(r->res, r->row, col)) return NULL;
    if (PQftype(r->res, col) != PG_BYTEA_OID) return PQgetvalue(r->res, r->row, col);
    return pg_decoded(r, col, &len);
}

static void pg_res_free(gg_db_res_t *gr)
{
    pg_res_t *r = (pg_res_t *)gr;
    pg_conn_t *c = PGC(gr->c);

    pg_free_decoded(r);
    free(r->dec);
    free(r->declen);
    PQclear(r->res);
    if (r == &c->res1)
        c->res1_used = 0;
    else
        free(r);
}

static int pg_begin(gg_db_conn_t *gc, gg_error_t *err)
{
    return pg_check(PGC(gc), PQexec(PGC(gc)->pg, "BEGIN"), err);
}

static void pg_rollback(gg_db_conn_t *gc)
{
    pg_conn_t *c = PGC(gc);
    if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        PQclear(PQexec(c->pg, "ROLLBACK"));
}

static int pg_commit(gg_db_conn_t *gc, gg_error_t *err)
{
    pg_conn_t *c = PGC(gc);
    PGresult *res;
    int rc = 0;

    /* COMMIT of an aborted transaction "succeeds" with tag ROLLBACK; a
     * function that swallowed an error must not be told its writes are durable. */
    if (PQtransactionStatus(c->pg) == PQTRANS_INERROR) {
        pg_rollback(gc);
        return gg_error_set(err, 500, "database_error", NULL,
                            "postgresql: transaction was aborted by an earlier error and rolled back");
    }
    res = PQexec(c->pg, "COMMIT");
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = pg_err(c, res, err);
    else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
        rc = gg_error_set(err, 500, "database_error", NULL, "postgresql: COMMIT answered %s",
                          PQcmdStatus(res));
    PQclear(res);
    if (rc < 0) pg_rollback(gc);
    return rc;
}

static int pg_wait_notify(gg_db_conn_t *gc, int timeout_ms, gg_error_t *err)
{
    pg_conn_t *c = PGC(gc);
    char line[256];
    int got = 0;
    for (int round = 0; round < 2; round++) {
        if (!PQconsumeInput(c->pg)) {
            gc->broken = 1;
            return gg_error_set(err, 503, "database_unavailable", NULL, "PostgreSQL listener: %s",
                                first_line(PQerrorMessage(c->pg), line, sizeof line));
        }
        PGnotify *n;
        while ((n = PQnotifies(c->pg)) != NULL) {
            got = 1;
            PQfreemem(n);
        }
        if (got || round == 1) break;
        struct pollfd p = {.fd = PQsocket(c->pg), .events = POLLIN};
        if (p.fd < 0) {
            gc->broken = 1;
            return gg_error_set(err, 503, "database_unavailable", NULL, "PostgreSQL listener: no socket");
        }
        int r = poll(&p, 1, timeout_ms);
        if (r == 0) return 0;
        if (r < 0) return 0; /* EINTR: the caller waits again */
    }
    return got;
}

const gg_db_driver_t gg_db_pg_driver = {
    .kind = GG_DB_POSTGRES,
    .connect = pg_connect,
    .reconnect = pg_reconnect,
    .close = pg_close,
    .exec = pg_exec,
    .exec_script = pg_exec_script,
    .query = pg_query,
    .next = pg_next,
    .ncols = pg_ncols,
    .colname = pg_colname,
    .isnull = pg_isnull,
    .i64 = pg_i64,
    .f64 = pg_f64,
    .text = pg_text,
    .len = pg_len,
    .blob = pg_blob,
    .res_free = pg_res_free,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .wait_notify = pg_wait_notify,
};
