/* audit.c — appending to and verifying the audit hash chain (see audit.h). */
#include "domain/identity/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/identity/audit_anchor.h"
#include "domain/scope.h"
#include "json/jw.h"

/* The chain is keyed (BLAKE2b with the "audit" subkey of the key file): whoever can
 * write the database but lacks the key cannot rewrite rows and recompute the hashes. */
static void put_field(crypto_generichash_state *st, const char *s)
{
    if (s)
        crypto_generichash_update(st, (const unsigned char *)s, strlen(s));
    else
        crypto_generichash_update(st, (const unsigned char *)"\\N", 2);
    crypto_generichash_update(st, (const unsigned char *)"\n", 1);
}

static void put_int(crypto_generichash_state *st, int64_t v, int is_null)
{
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    put_field(st, is_null ? NULL : tmp);
}

static void row_hash(const gg_keys_t *k, const char *prev, const gg_audit_row_t *r, char out[65])
{
    crypto_generichash_state st;
    unsigned char h[32];
    crypto_generichash_init(&st, k->audit, sizeof k->audit, sizeof h);
    put_field(&st, prev);
    put_int(&st, r->seq, 0);
    put_int(&st, r->at, 0);
    put_int(&st, r->account_id, r->account_id == 0);
    put_field(&st, r->username);
    put_field(&st, r->client_ip);
    put_field(&st, r->action);
    put_field(&st, r->object_type);
    put_field(&st, r->object_id);
    put_int(&st, r->unit_id, r->unit_id == 0);
    put_field(&st, r->detail);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, 65, h, 32);
}

/* The key set the server or the CLI attached to the pool (gg_db_set_context). */
static const gg_keys_t *audit_keys(gg_db_conn_t *c, gg_error_t *err)
{
    const gg_keys_t *k = gg_db_context(c);
    if (!k) gg_err_internal(err, "the audit log needs the key file, and none was loaded");
    return k;
}

int gg_audit_append(gg_db_conn_t *c, const gg_actor_t *actor, const gg_audit_entry_t *e, gg_error_t *err)
{
    gg_db_res_t *r = NULL;
    int rc = -1;
    char prev[65], hash[65];
    if (!gg_db_in_tx(c))
        return gg_err_internal(err, "audit entries must be written inside the change's transaction");
    const gg_keys_t *keys = audit_keys(c, err);
    if (!keys) return -1;
    if (gg_db_query(c, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash", GG_NOARGS, &r,
                    err) < 0)
        goto out;
    if (gg_db_next(r, err) != 1) {
        gg_err_internal(err, "audit_head row is missing");
        goto out;
    }
    gg_audit_row_t row = {
        .seq = gg_db_i64(r, 0),
        .at = gg_now_ms(),
        .account_id = actor ? actor->account_id : 0,
        .username = actor ? actor->username : NULL,
        .client_ip = actor ? actor->client_ip : NULL,
        .action = e->action,
        .object_type = e->object_type,
        .object_id = e->object_id,
        .unit_id = e->unit_id,
        .detail = e->detail_json,
    };
    snprintf(prev, sizeof prev, "%s", gg_db_text(r, 1));
    gg_db_res_free(r);
    r = NULL;
    row_hash(keys, prev, &row, hash);
    if (gg_db_exec(
            c,
            "INSERT INTO audit_log (seq, at, account_id, username, client_ip, action, object_type, "
            "object_id, "
            "unit_id, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            GG_ARGS(GG_I64(row.seq), GG_I64(row.at), row.account_id ? GG_I64(row.account_id) : GG_NULL,
                    GG_TEXT(row.username), GG_TEXT(row.client_ip), GG_TEXT(row.action),
                    GG_TEXT(row.object_type), GG_TEXT(row.object_id),
                    row.unit_id ? GG_I64(row.unit_id) : GG_NULL, GG_TEXT(row.detail), GG_TEXT(prev),
                    GG_TEXT(hash)),
            NULL, err) < 0)
        goto out;
    if (gg_db_exec(c, "UPDATE audit_head SET hash = $1 WHERE id = 1", GG_ARGS(GG_TEXT(hash)), NULL, err) < 0)
        goto out;
    gg_audit_anchor_note(c, row.seq, hash);
    rc = 0;
out:
    gg_db_res_free(r);
    return rc;
}

struct audit_alone {
    const gg_actor_t *actor;
    const gg_audit_entry_t *e;
};

static int audit_alone_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct audit_alone *x = ctx;
    return gg_audit_append(c, x->actor, x->e, err);
}

int gg_audit_alone(gg_db_conn_t *c, const gg_actor_t *actor, const gg_audit_entry_t *e, gg_error_t *err)
{
    struct audit_alone x = {actor, e};
    return gg_db_tx(c, audit_alone_tx, &x, err);
}

#define AUDIT_COLS "seq, at, account_id, username, client_ip, action, object_type, object_id, unit_id, detail"

static void read_row(gg_db_res_t *r, gg_audit_row_t *row)
{
    row->seq = gg_db_i64(r, 0);
    row->at = gg_db_i64(r, 1);
    row->account_id = gg_db_isnull(r, 2) ? 0 : gg_db_i64(r, 2);
    row->username = gg_db_text(r, 3);
    row->client_ip = gg_db_text(r, 4);
    row->action = gg_db_text(r, 5);
    row->object_type = gg_db_text(r, 6);
    row->object_id = gg_db_text(r, 7);
    row->unit_id = gg_db_isnull(r, 8) ? 0 : gg_db_i64(r, 8);
    row->detail = gg_db_text(r, 9);
}

int gg_audit_verify(gg_db_conn_t *c, gg_audit_verdict_t *v, gg_error_t *err)
{
    const gg_keys_t *keys = audit_keys(c, err);
    if (!keys) return -1;
    gg_db_res_t *r = NULL;
    int rc = -1, step;
    char expect_prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
    char h[65];
    memset(v, 0, sizeof *v);
    if (gg_db_query(c, "SELECT " AUDIT_COLS ", prev_hash, hash FROM audit_log ORDER BY seq", GG_NOARGS, &r,
                    err) < 0)
        goto out;
    int64_t expect_seq = 1;
    while ((step = gg_db_next(r, err)) == 1) {
        gg_audit_row_t row;
        read_row(r, &row);
        const char *prev = gg_db_text(r, 10), *hash = gg_db_text(r, 11);
        v->rows++;
        if (row.seq != expect_seq) {
            /* name the row that was removed, not its successor: that is the one to look for in a backup */
            v->first_bad_seq = expect_seq;
            snprintf(v->reason, sizeof v->reason, "row %lld is missing: row %lld follows row %lld",
                     (long long)expect_seq, (long long)row.seq, (long long)expect_seq - 1);
            break;
        }
        if (!prev || strcmp(prev, expect_prev) != 0) {
            v->first_bad_seq = row.seq;
            snprintf(v->reason, sizeof v->reason, "row %lld does not point at the hash of the row before it",
                     (long long)row.seq);
            break;
        }
        row_hash(keys, prev, &row, h);
        if (!hash || strcmp(hash, h) != 0) {
            v->first_bad_seq = row.seq;
            snprintf(v->reason, sizeof v->reason, "row %lld was changed after it was written",
                     (long long)row.seq);
            break;
        }
        snprintf(expect_prev, sizeof expect_prev, "%s", hash);
        expect_seq++;
    }
    if (step < 0) goto out;
    if (!v->first_bad_seq) {
        /* the head must agree with the last row, or the tail was cut off */
        gg_db_res_free(r);
        r = NULL;
        if (gg_db_query(c, "SELECT seq, hash FROM audit_head WHERE id = 1", GG_NOARGS, &r, err) < 0) goto out;
        if (gg_db_next(r, err) == 1 &&
            (gg_db_i64(r, 0) != expect_seq - 1 || strcmp(gg_db_text(r, 1), expect_prev))) {
            v->first_bad_seq = expect_seq;
            snprintf(v->reason, sizeof v->reason,
                     "the log ends at row %lld but %lld rows were written: the newest rows were removed",
                     (long long)expect_seq - 1, (long long)gg_db_i64(r, 0));
        }
    }
    rc = 0;
out:
    gg_db_res_free(r);
    return rc;
}

/* "/1/" — a grant at the top of the tree */
static int is_root_path(const char *p)
{
    return p && p[0] == '/' && strchr(p + 1, '/') == p + strlen(p) - 1;
}

int gg_audit_list(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_audit_filter_t *f,
                  gg_audit_row_t **rows, int *nrows, gg_error_t *err)
{
    gg_db_res_t *r = NULL;
    int rc = -1, step, cap = f->limit > 0 ? f->limit : 50;
    *rows = gg_alloc(a, sizeof(gg_audit_row_t) * (size_t)cap);
    *nrows = 0;
    /* rows without a unit (logins, system events) are visible to auditors at the root only */
    int root = 0;
    for (int i = 0; i < auth->ngrants; i++)
        if ((auth->grants[i].perms & GG_P_AUDIT_READ) && is_root_path(auth->grants[i].unit_path)) root = 1;
    const char *scope = gg_scope_sql(a, auth, GG_P_AUDIT_READ, "u.path");
    const char *prefix = NULL;
    if (f->action && f->action[0] && f->action[strlen(f->action) - 1] == '.') prefix = f->action;
    char *sql = gg_sprintf(
        a,
        "SELECT l.seq, l.at, l.account_id, l.username, l.client_ip, l.action, l.object_type, l.object_id, "
        "l.unit_id, l.detail FROM audit_log l LEFT JOIN unit u ON u.id = l.unit_id "
        "WHERE (%s OR (l.unit_id IS NULL AND %d = 1)) "
        "AND (CAST($1 AS BIGINT) = 0 OR l.seq < CAST($1 AS BIGINT)) "
        "AND (CAST($2 AS BIGINT) = 0 OR l.account_id = CAST($2 AS BIGINT)) "
        "AND (CAST($3 AS TEXT) = '' OR l.action = CAST($3 AS TEXT)) "
        "AND (CAST($4 AS TEXT) = '' OR substr(l.action, 1, length(CAST($4 AS TEXT))) = CAST($4 AS TEXT)) "
        "AND (CAST($5 AS TEXT) = '' OR (l.object_type = CAST($5 AS TEXT) AND l.object_id = CAST($6 AS "
        "TEXT))) "
        "ORDER BY l.seq DESC LIMIT %d",
        scope, root, cap);
    if (gg_db_query(c, sql,
                    GG_ARGS(GG_I64(f->before_seq), GG_I64(f->account_id),
                            GG_TEXT(prefix ? "" : (f->action ? f->action : "")),
                            GG_TEXT(prefix ? prefix : ""), GG_TEXT(f->object_type ? f->object_type : ""),
                            GG_TEXT(f->object_id ? f->object_id : "")),
                    &r, err) < 0)
        goto out;
    while ((step = gg_db_next(r, err)) == 1 && *nrows < cap) {
        gg_audit_row_t *row = &(*rows)[(*nrows)++];
        read_row(r, row);
        row->username = gg_strdup(a, row->username);
        row->client_ip = gg_strdup(a, row->client_ip);
        row->action = gg_strdup(a, row->action);
        row->object_type = gg_strdup(a, row->object_type);
        row->object_id = gg_strdup(a, row->object_id);
        row->detail = gg_strdup(a, row->detail);
    }
    if (step < 0) goto out;
    rc = 0;
out:
    gg_db_res_free(r);
    return rc;
}

int gg_audit_pii_read(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const char *object_type,
                      int64_t object_id, int64_t unit_id, const char *const *fields, int nfields,
                      gg_error_t *err)
{
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_key(&w, "fields");
    gg_jw_arr(&w);
    for (int i = 0; i < nfields; i++)
        gg_jw_str(&w, fields[i]);
    gg_jw_arr_end(&w);
    gg_jw_obj_end(&w);
    gg_audit_entry_t e = {.action = "pii.read",
                          .object_type = object_type,
                          .object_id = gg_sprintf(a, "%lld", (long long)object_id),
                          .unit_id = unit_id,
                          .detail_json = gg_strdup(a, b.data)};
    gg_buf_free(&b);
    return gg_audit_append(c, actor, &e, err);
}
