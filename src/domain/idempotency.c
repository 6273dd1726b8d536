/* idempotency.c — claiming, finishing and purging Idempotency-Keys (see idempotency.h). */
#include "domain/idempotency.h"

#include <string.h>

int gg_idem_key_check(const char *key, gg_error_t *err)
{
    size_t n = key ? strlen(key) : 0;
    if (n < 1 || n > GG_IDEM_KEY_MAX) {
        gg_err_invalid(err, GG_IDEM_HEADER, "Idempotency-Key must be 1 to %d characters", GG_IDEM_KEY_MAX);
        return gg_error_limits(err, n ? "too_long" : "required", 1, 1, 1, GG_IDEM_KEY_MAX);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)key[i];
        if (ch < 0x21 || ch > 0x7e) {
            gg_err_invalid(err, GG_IDEM_HEADER,
                           "Idempotency-Key may hold only printable ASCII characters without spaces");
            return gg_error_reason(err, "invalid_format");
        }
    }
    return 0;
}

void gg_idem_init(gg_idem_t *x, gg_arena_t *arena, const gg_keys_t *keys, int64_t account_id,
                  const char *client_ip, const char *key, const char *method, const char *path,
                  const char *body, size_t body_len)
{
    memset(x, 0, sizeof *x);
    x->arena = arena;
    x->keys = keys;
    x->caller = account_id > 0 ? gg_sprintf(arena, "a:%lld", (long long)account_id)
                               : gg_sprintf(arena, "ip:%s", client_ip ? client_ip : "");
    x->key = key;
    x->method = method;
    x->path = path;
    gg_sha256_hex(body ? body : "", body ? body_len : 0, x->request_hash);
}

/* The stored row of (caller, key) into x, checked against this request: 0, or the 422. */
static int read_first(gg_db_conn_t *c, gg_idem_t *x, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT method, path, request_hash, status, result_id, result_secret FROM idempotency_key "
            "WHERE caller = $1 AND key = $2",
            GG_ARGS(GG_TEXT(x->caller), GG_TEXT(x->key)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err), rc = -1;
    if (step == 0) {
        /* the claim did nothing, so a row is there: only a purge racing this very request removes it */
        rc = gg_error_set(err, 409, "conflict", GG_IDEM_HEADER,
                          "the Idempotency-Key was just released; send the request again");
    } else if (step == 1) {
        if (strcmp(gg_db_text(r, 0), x->method) != 0 || strcmp(gg_db_text(r, 1), x->path) != 0 ||
            strcmp(gg_db_text(r, 2), x->request_hash) != 0) {
            rc = gg_error_set(err, 422, "idempotency_key_reused", GG_IDEM_HEADER,
                              "this Idempotency-Key was used for another request (%s %s or another body); "
                              "use a new key for a new request",
                              gg_db_text(r, 0), gg_db_text(r, 1));
        } else {
            x->status = (int)gg_db_i64(r, 3);
            x->result_id = gg_db_isnull(r, 4) ? 0 : gg_db_i64(r, 4);
            x->secret = NULL;
            rc = GG_IDEM_REPLAY;
            if (gg_db_text(r, 5) && !(x->secret = gg_pii_decrypt(x->keys, x->arena, gg_db_text(r, 5))))
                rc = gg_err_internal(err, "the stored answer of this Idempotency-Key cannot be decrypted");
        }
    }
    gg_db_res_free(r);
    return rc;
}

int gg_idem_claim(gg_db_conn_t *c, gg_idem_t *x, int64_t now, gg_error_t *err)
{
    int64_t claimed = 0;
    /* status 0 until gg_idem_finish in the same transaction: no one ever reads it committed */
    if (gg_db_exec(
            c,
            "INSERT INTO idempotency_key (caller, key, method, path, request_hash, status, result_id, "
            "created_at) VALUES ($1, $2, $3, $4, $5, 0, NULL, $6) ON CONFLICT (caller, key) DO NOTHING",
            GG_ARGS(GG_TEXT(x->caller), GG_TEXT(x->key), GG_TEXT(x->method), GG_TEXT(x->path),
                    GG_TEXT(x->request_hash), GG_I64(now)),
            &claimed, err) < 0)
        return -1;
    if (claimed == 1) return GG_IDEM_NEW;
    return read_first(c, x, err);
}

int gg_idem_finish(gg_db_conn_t *c, const gg_idem_t *x, gg_error_t *err)
{
    const char *secret = x->secret ? gg_pii_encrypt(x->keys, x->arena, x->secret) : NULL;
    return gg_db_exec(c,
                      "UPDATE idempotency_key SET status = $3, result_id = $4, result_secret = $5 "
                      "WHERE caller = $1 AND key = $2",
                      GG_ARGS(GG_TEXT(x->caller), GG_TEXT(x->key), GG_I64(x->status),
                              x->result_id ? GG_I64(x->result_id) : GG_NULL, GG_TEXT(secret)),
                      NULL, err);
}

int gg_idem_purge(gg_db_conn_t *c, int64_t before, int64_t *deleted, gg_error_t *err)
{
    return gg_db_exec(c, "DELETE FROM idempotency_key WHERE created_at < $1", GG_ARGS(GG_I64(before)),
                      deleted, err);
}
