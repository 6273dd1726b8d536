/*
 * migrate.c — gg_db_migrate (see db.h): finds NNNN_name.sql files and their
 * per-dialect overrides, rewrites the dialect tokens, and applies each file
 * not yet recorded in schema_migrations inside one transaction together with
 * its schema_migrations row.
 *
 * Concurrency: two servers starting at once must not both apply a file.  On
 * PostgreSQL every migration transaction first takes one advisory transaction
 * lock; on SQLite BEGIN IMMEDIATE already serialises writers.  Inside the lock
 * the version is checked again, so the loser of the race finds it applied.
 *
 * Because each file runs inside a transaction, statements that cannot
 * (PostgreSQL CREATE INDEX CONCURRENTLY; SQLite VACUUM, PRAGMA foreign_keys,
 * which is a no-op there) do not belong in migration files.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "db/db.h"

/* Arbitrary constant ("gridgov" in ASCII) that names the migration lock. */
#define GG_MIGRATE_LOCK "SELECT pg_advisory_xact_lock(29123416577308278)"

enum { D_COMMON = 0, D_SQLITE = 1, D_PG = 2 };

typedef struct mig_file {
    long version;
    int dialect;
    char *file; /* file name inside dir */
    char *name; /* the "name" of NNNN_name */
} mig_file_t;

typedef struct mig_step {
    gg_db_kind_t kind;
    long version;
    const char *name;
    const char *sql;
    int applied;
} mig_step_t;

static int mig_cmp(const void *a, const void *b)
{
    const mig_file_t *x = a, *y = b;
    if (x->version != y->version) return x->version < y->version ? -1 : 1;
    return x->dialect - y->dialect;
}

/*
 * Parse "0003_cases.sql", "0003_cases.pg.sql", "0003_cases.sqlite.sql".
 * Returns 1 when fn is not a migration at all (no .sql suffix, hidden file),
 * 0 when parsed, <0 when it looks like one but is misnamed.
 */
static int parse_file_name(const char *fn, mig_file_t *m, gg_error_t *err)
{
    size_t n = strlen(fn), i = 0, name_end;
    long v = 0;

    if (fn[0] == '.' || n < 4 || strcmp(fn + n - 4, ".sql") != 0) return 1;
    name_end = n - 4;
    m->dialect = D_COMMON;
    if (name_end > 7 && strncmp(fn + name_end - 7, ".sqlite", 7) == 0) {
        m->dialect = D_SQLITE;
        name_end -= 7;
    } else if (name_end > 3 && strncmp(fn + name_end - 3, ".pg", 3) == 0) {
        m->dialect = D_PG;
        name_end -= 3;
    }
    for (; fn[i] >= '0' && fn[i] <= '9'; i++) {
        v = v * 10 + (fn[i] - '0');
        if (v > 2147483647L) goto bad; /* schema_migrations.version is INTEGER */
    }
    if (i == 0 || fn[i] != '_' || i + 1 >= name_end) goto bad;
    for (size_t j = i + 1; j < name_end; j++) {
        char ch = fn[j];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
              ch == '-'))
            goto bad;
    }
    m->version = v;
    m->file = gg_xstrdup(fn);
    m->name = gg_xmalloc(name_end - i);
    memcpy(m->name, fn + i + 1, name_end - i - 1);
    m->name[name_end - i - 1] = '\0';
    return 0;
bad:
    return gg_err_internal(err,
                           "migration file \"%s\" must be named NNNN_name.sql, NNNN_name.sqlite.sql or "
                           "NNNN_name.pg.sql (name: letters, digits, _ and -)",
                           fn);
}

static void free_files(mig_file_t *files, int n)
{
    for (int i = 0; i < n; i++) {
        free(files[i].file);
        free(files[i].name);
    }
    free(files);
}

/* The directory's migrations, sorted by version then dialect. */
static int scan_dir(const char *dir, mig_file_t **out, int *nout, gg_error_t *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    mig_file_t *files = NULL;
    int n = 0, cap = 0, rc = 0;

    if (!d) return gg_err_internal(err, "cannot open migrations directory \"%s\": %s", dir, strerror(errno));
    while ((de = readdir(d))) {
        mig_file_t m = {0};
        if ((rc = parse_file_name(de->d_name, &m, err)) < 0) goto out;
        if (rc == 1) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            files = gg_xrealloc(files, (size_t)cap * sizeof *files);
        }
        files[n++] = m;
    }
    rc = 0;
    if (n) qsort(files, (size_t)n, sizeof *files, mig_cmp);
    for (int i = 1; i < n; i++) {
        const mig_file_t *a = &files[i - 1], *b = &files[i];
        if (a->version != b->version) continue;
        if (a->dialect == b->dialect) {
            rc = gg_err_internal(err, "migrations \"%s\" and \"%s\" have the same number", a->file, b->file);
            goto out;
        }
        if (strcmp(a->name, b->name) != 0) {
            rc = gg_err_internal(err,
                                 "migration override \"%s\" does not match \"%s\" (same number, other name)",
                                 b->file, a->file);
            goto out;
        }
    }
out:
    closedir(d);
    if (rc < 0) {
        free_files(files, n);
        files = NULL;
        n = 0;
    }
    *out = files;
    *nout = n;
    return rc;
}

/* Read dir/file and rewrite the dialect tokens. */
static int load_sql(const char *dir, const char *file, gg_db_kind_t kind, gg_buf_t *out, gg_error_t *err)
{
    char path[4096];
    FILE *f = NULL;
    char *raw = NULL;
    long size;
    int rc = 0;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        rc = gg_err_internal(err, "cannot read migration %s: %s", file, strerror(errno));
        goto out;
    }
    raw = gg_xmalloc((size_t)size + 1);
    if (fread(raw, 1, (size_t)size, f) != (size_t)size) {
        rc = gg_err_internal(err, "cannot read migration %s: %s", file, strerror(errno));
        goto out;
    }
    raw[size] = '\0';
    if (strlen(raw) != (size_t)size) {
        rc = gg_err_internal(err, "migration %s contains a NUL byte", file);
        goto out;
    }

    const char *id =
        kind == GG_DB_SQLITE ? "INTEGER PRIMARY KEY" : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    const char *blob = kind == GG_DB_SQLITE ? "BLOB" : "BYTEA";
    gg_buf_init(out, (size_t)size + 256);
    for (const char *p = raw; *p;) {
        const char *at = strchr(p, '@');
        if (!at) {
            gg_buf_puts(out, p);
            break;
        }
        gg_buf_append(out, p, (size_t)(at - p));
        if (strncmp(at, "@ID@", 4) == 0) {
            gg_buf_puts(out, id);
            p = at + 4;
        } else if (strncmp(at, "@BLOB@", 6) == 0) {
            gg_buf_puts(out, blob);
            p = at + 6;
        } else if (strncmp(at, "@CTEXT@", 7) == 0) {
            /* byte-order text, for materialised paths compared as ranges */
            gg_buf_puts(out, kind == GG_DB_SQLITE ? "TEXT" : "TEXT COLLATE \"C\"");
            p = at + 7;
        } else {
            gg_buf_putc(out, '@'); /* an ordinary '@' (e-mail in seed data) */
            p = at + 1;
        }
    }
out:
    if (f) fclose(f);
    free(raw);
    return rc;
}

static int ensure_table(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    const mig_step_t *s = ctx;
    int rc;
    /* Under the lock: two concurrent CREATE TABLE IF NOT EXISTS can both try
     * to create on PostgreSQL and one fails on the catalog's unique index. */
    if (s->kind == GG_DB_POSTGRES && (rc = gg_db_exec(c, GG_MIGRATE_LOCK, GG_NOARGS, NULL, err)) < 0)
        return rc;
    return gg_db_exec(c,
                      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                      "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                      GG_NOARGS, NULL, err);
}

static int apply_step(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    mig_step_t *s = ctx;
    int64_t one;
    int found, rc;

    s->applied = 0;
    if (s->kind == GG_DB_POSTGRES && (rc = gg_db_exec(c, GG_MIGRATE_LOCK, GG_NOARGS, NULL, err)) < 0)
        return rc;
    rc = gg_db_query_i64(c, "SELECT 1 FROM schema_migrations WHERE version = $1", GG_ARGS(GG_I64(s->version)),
                         &one, &found, err);
    if (rc < 0 || found) return rc; /* another migrator got here first */
    if ((rc = gg_db_exec_script(c, s->sql, err)) < 0) return rc;
    rc = gg_db_exec(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    GG_ARGS(GG_I64(s->version), GG_TEXT(s->name), GG_I64(gg_now_ms())), NULL, err);
    if (rc == 0) s->applied = 1;
    return rc;
}

/* Versions already applied, ascending. */
static int applied_versions(gg_db_conn_t *c, long **out, int *nout, gg_error_t *err)
{
    gg_db_res_t *r = NULL;
    long *v = NULL;
    int n = 0, cap = 0, rc;

    if ((rc = gg_db_query(c, "SELECT version FROM schema_migrations ORDER BY version", GG_NOARGS, &r, err)) <
        0)
        goto out;
    while ((rc = gg_db_next(r, err)) == 1) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = gg_xrealloc(v, (size_t)cap * sizeof *v);
        }
        v[n++] = (long)gg_db_i64(r, 0);
    }
out:
    gg_db_res_free(r);
    if (rc < 0) {
        free(v);
        v = NULL;
        n = 0;
    }
    *out = v;
    *nout = n;
    return rc;
}

static int is_applied(const long *v, int n, long version)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (v[mid] < version)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == version;
}

/* Prefix the error message with "migration FILE: " (truncating the tail). */
static void name_file(gg_error_t *err, const char *file)
{
    char prefix[128];
    size_t plen, mlen;
    int n;

    if (!err) return;
    n = snprintf(prefix, sizeof prefix, "migration %s: ", file);
    plen = n < 0 ? 0 : (size_t)n >= sizeof prefix ? sizeof prefix - 1 : (size_t)n;
    mlen = strnlen(err->message, sizeof err->message - 1);
    if (plen + mlen > sizeof err->message - 1) mlen = sizeof err->message - 1 - plen;
    memmove(err->message + plen, err->message, mlen);
    memcpy(err->message, prefix, plen);
    err->message[plen + mlen] = '\0';
}

int gg_db_migrate(gg_db_t *db, const char *dir, int *applied, gg_error_t *err)
{
    gg_db_kind_t kind = gg_db_kind(db);
    int want = kind == GG_DB_SQLITE ? D_SQLITE : D_PG;
    gg_db_conn_t *c = NULL;
    mig_file_t *files = NULL;
    long *done = NULL;
    int nfiles = 0, ndone = 0, count = 0, rc;
    gg_buf_t sql = {0};
    mig_step_t step = {.kind = kind};

    if (applied) *applied = 0;
    if ((rc = scan_dir(dir, &files, &nfiles, err)) < 0) goto out;
    if ((rc = gg_db_acquire(db, &c, err)) < 0) goto out;
    if ((rc = gg_db_tx(c, ensure_table, &step, err)) < 0) goto out;
    if ((rc = applied_versions(c, &done, &ndone, err)) < 0) goto out;

    for (int i = 0; i < nfiles;) {
        /* files of one version: [i, j); pick this dialect's override, else the common file */
        const mig_file_t *pick = NULL;
        int j = i;
        for (; j < nfiles && files[j].version == files[i].version; j++)
            if (files[j].dialect == want || (files[j].dialect == D_COMMON && !pick)) pick = &files[j];
        i = j;
        if (!pick || is_applied(done, ndone, pick->version)) continue; /* only the other dialect's override */

        if ((rc = load_sql(dir, pick->file, kind, &sql, err)) < 0) goto out;
        step.version = pick->version;
        step.name = pick->name;
        step.sql = sql.data;
        rc = gg_db_tx(c, apply_step, &step, err);
        gg_buf_free(&sql);
        if (rc < 0) {
            name_file(err, pick->file);
            goto out;
        }
        count += step.applied;
    }
out:
    if (applied) *applied = count; /* files before a failing one stay applied */
    if (c) gg_db_release(db, c);
    gg_buf_free(&sql);
    free(done);
    free_files(files, nfiles);
    return rc;
}
