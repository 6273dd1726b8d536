/* audit_anchor.c — the audit chain's head appended to a file outside the database (see audit_anchor.h). */
#include "domain/identity/audit_anchor.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

#define ANCHOR_FILE "audit-anchor.log"

/* One file per process, shared by every connection; the mutex keeps lines whole and in order. */
static struct {
    pthread_mutex_t mu;
    int fd; /* -1: not anchoring (unit tests, tools that never opened it) */
    unsigned char key[32];
    int64_t last_seq;
    char last_hash[65];
    char path[4096];
} anchor = {PTHREAD_MUTEX_INITIALIZER, -1, {0}, 0, {0}, {0}};

static void line_mac(const unsigned char key[32], int64_t seq, const char *hash, char out[65])
{
    char msg[128];
    int n = snprintf(msg, sizeof msg, "gridgov audit anchor\n%lld\n%s\n", (long long)seq, hash);
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)msg, (size_t)n, key, 32);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static int anchor_path(char *out, size_t size, const char *data_dir, gg_error_t *err)
{
    if ((size_t)snprintf(out, size, "%s/%s", data_dir, ANCHOR_FILE) >= size)
        return gg_err_invalid(err, "data_dir", "path is too long: %s", data_dir);
    return 0;
}

int gg_audit_anchor_open(const char *data_dir, const gg_keys_t *keys, gg_error_t *err)
{
    int rc = 0;
    pthread_mutex_lock(&anchor.mu);
    if (anchor.fd < 0) {
        if (anchor_path(anchor.path, sizeof anchor.path, data_dir, err) < 0) {
            rc = -1;
        } else {
            anchor.fd = open(anchor.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
            if (anchor.fd < 0)
                rc = gg_error_set(err, 500, "io_error", "data_dir", "cannot open %s: %s", anchor.path,
                                  strerror(errno));
            else
                memcpy(anchor.key, keys->audit, sizeof anchor.key);
        }
    }
    pthread_mutex_unlock(&anchor.mu);
    return rc;
}

void gg_audit_anchor_close(void)
{
    pthread_mutex_lock(&anchor.mu);
    if (anchor.fd >= 0) close(anchor.fd);
    anchor.fd = -1;
    sodium_memzero(anchor.key, sizeof anchor.key);
    pthread_mutex_unlock(&anchor.mu);
}

/* Commit hook: the head as committed, read back from audit_head on c (outside the transaction now).
 * Reading it, rather than remembering the row the transaction wrote, keeps a row of a savepoint that
 * rolled back (a failed unit of a group commit, db/db.h) off the anchor, and needs no thread-local state:
 * with group commit the transaction ran on the writer thread, the hook runs on the request's.  The head
 * only moves forward, so a later commit's head read here is as genuine (lines of commits that finish out
 * of order are skipped; the newest line is what the check reads).  The same seq with another hash (a
 * transaction whose COMMIT was lost with its connection, then the row written anew) is appended: the later
 * line wins; the same line twice (several units of one batch) is written once. */
static void anchor_flush(gg_db_conn_t *c, void *ctx)
{
    (void)ctx;
    gg_error_t err;
    gg_db_res_t *r;
    int64_t seq = 0;
    char hash[65] = "";
    if (gg_db_query(c, "SELECT seq, hash FROM audit_head WHERE id = 1", GG_NOARGS, &r, &err) < 0) {
        gg_log_warn("audit anchor: cannot read the audit head: %s", err.message);
        return;
    }
    if (gg_db_next(r, &err) == 1) {
        seq = gg_db_i64(r, 0);
        snprintf(hash, sizeof hash, "%s", gg_db_text(r, 1) ? gg_db_text(r, 1) : "");
    }
    gg_db_res_free(r);
    if (seq <= 0) return;
    pthread_mutex_lock(&anchor.mu);
    if (anchor.fd >= 0 &&
        (seq > anchor.last_seq || (seq == anchor.last_seq && strcmp(hash, anchor.last_hash)))) {
        char mac[65], line[160];
        line_mac(anchor.key, seq, hash, mac);
        int n = snprintf(line, sizeof line, "%lld %s %s\n", (long long)seq, hash, mac);
        if (write(anchor.fd, line, (size_t)n) == n) {
            anchor.last_seq = seq;
            memcpy(anchor.last_hash, hash, sizeof hash);
        } else {
            gg_log_warn("audit anchor: cannot append to %s: %s", anchor.path, strerror(errno));
        }
    }
    pthread_mutex_unlock(&anchor.mu);
}

void gg_audit_anchor_note(gg_db_conn_t *c, int64_t seq, const char *hash)
{
    (void)seq;
    (void)hash;
    if (anchor.fd < 0) return; /* read without the lock: opened once at start-up, before any request */
    gg_db_on_commit(c, anchor_flush, NULL);
}

int gg_audit_anchor_check(gg_db_conn_t *c, const char *data_dir, const gg_keys_t *keys, gg_audit_verdict_t *v,
                          gg_error_t *err)
{
    char path[4096], line[256];
    if (anchor_path(path, sizeof path, data_dir, err) < 0) return -1;
    v->anchored_seq = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) return 0; /* nothing anchored yet (a log from before anchoring) */
        return gg_error_set(err, 500, "io_error", "data_dir", "cannot read %s: %s", path, strerror(errno));
    }
    char best_hash[65] = "";
    int64_t best = 0;
    for (int lineno = 1; fgets(line, sizeof line, f); lineno++) {
        long long seq;
        char hash[65], mac[65], want[65];
        if (sscanf(line, "%lld %64[0-9a-f] %64[0-9a-f]", &seq, hash, mac) != 3 || seq <= 0 ||
            (line_mac(keys->audit, seq, hash, want), sodium_memcmp(want, mac, 64) != 0)) {
            /* the chain itself may be whole; what can no longer be vouched for is its end */
            v->first_bad_seq = v->rows + 1;
            snprintf(v->reason, sizeof v->reason, "line %d of %s is not genuine (edited or made up)", lineno,
                     ANCHOR_FILE);
            fclose(f);
            return 0;
        }
        if (seq >= best) {
            best = seq;
            snprintf(best_hash, sizeof best_hash, "%s", hash);
        }
    }
    fclose(f);
    v->anchored_seq = best;
    if (!best) return 0;
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT hash FROM audit_log WHERE seq = $1", GG_ARGS(GG_I64(best)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    int same = step == 1 && gg_db_text(r, 0) && strcmp(gg_db_text(r, 0), best_hash) == 0;
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) {
        v->first_bad_seq = v->rows + 1;
        snprintf(v->reason, sizeof v->reason,
                 "the log ends at row %lld but row %lld was anchored in %s: the newest rows were removed",
                 (long long)v->rows, (long long)best, ANCHOR_FILE);
    } else if (!same) {
        v->first_bad_seq = best;
        snprintf(v->reason, sizeof v->reason,
                 "row %lld is not the row anchored in %s: the log was replaced from there on",
                 (long long)best, ANCHOR_FILE);
    }
    return 0;
}
