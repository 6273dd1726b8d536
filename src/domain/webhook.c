/* webhook.c — subscriptions, deliveries and signatures (webhook.h). */
#include "domain/webhook.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/crypto.h"
#include "core/clock.h"
#include "domain/identity/audit.h"
#include "domain/setting.h"
#include "domain/tree/unit.h"
#include "json/jw.h"

#define MAX_TYPES 32

/* ---- signatures ---- */

static void hmac_hex(const char *secret, int64_t t, const char *body, size_t len, char hex[65])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char ts[24];
    int n = snprintf(ts, sizeof ts, "%lld.", (long long)t);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
    if (len) crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, 65, mac, sizeof mac);
}

void gg_webhook_sign(const char *secret, int64_t t, const char *body, size_t body_len,
                     char out[GG_WEBHOOK_SIGNATURE_MAX])
{
    char hex[65];
    hmac_hex(secret, t, body, body_len, hex);
    snprintf(out, GG_WEBHOOK_SIGNATURE_MAX, "t=%lld,v1=%s", (long long)t, hex);
}

int gg_webhook_verify(const char *secret, const char *header, const char *body, size_t body_len,
                      int64_t now_s, int window_s, const char *field, gg_error_t *err)
{
    if (!header || !*header) {
        gg_error_set(err, 401, "unauthenticated", field, "the request is not signed (%s)", field);
        return gg_error_reason(err, "required");
    }
    long long t = -1;
    const char *v1 = NULL;
    for (const char *p = header; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!strncmp(p, "t=", 2)) {
            char *end;
            t = strtoll(p + 2, &end, 10);
            if (end == p + 2) t = -1;
        } else if (!strncmp(p, "v1=", 3)) {
            v1 = p + 3;
        }
        const char *comma = strchr(p, ',');
        if (!comma) break;
        p = comma;
    }
    char got[65] = {0};
    if (v1) {
        size_t n = strcspn(v1, ", ");
        if (n == 64) memcpy(got, v1, 64);
    }
    if (t < 0 || !got[0]) {
        gg_err_invalid(err, field, "%s must be t=<unix seconds>,v1=<64 hex digits>", field);
        return gg_error_reason(err, "malformed");
    }
    if (t < now_s - window_s || t > now_s + window_s) {
        gg_err_invalid(err, field, "the signature's time is more than %d s away from now", window_s);
        gg_error_reason(err, "stale");
        return gg_error_limits(err, "stale", 0, 0, 1, window_s);
    }
    char want[65];
    hmac_hex(secret, t, body, body_len, want);
    for (char *q = got; *q; q++)
        if (*q >= 'A' && *q <= 'F') *q = (char)(*q - 'A' + 'a');
    if (!gg_ct_streq(want, got)) {
        gg_error_set(err, 401, "unauthenticated", field, "the signature does not match the body");
        return gg_error_reason(err, "bad_signature");
    }
    return 0;
}

/* ---- subscriptions ---- */

static int must_manage(gg_op_t *op, gg_error_t *err)
{
    int may;
    if (gg_settings_may_manage(op->c, op->arena, op->auth, &may, err) < 0) return -1;
    return may ? 0
               : gg_err_forbidden(err, "webhooks are shared settings; managing them needs settings.manage");
}

static const char **split_types(gg_arena_t *a, const char *s, int *n)
{
    const char **out = gg_zalloc(a, sizeof *out * MAX_TYPES);
    *n = 0;
    while (s && *s && *n < MAX_TYPES) {
        size_t len = strcspn(s, ",");
        if (len) out[(*n)++] = gg_strndup(a, s, len);
        s += len;
        if (*s == ',') s++;
    }
    return out;
}

#define COLS                                                                                                 \
    "s.id, s.kind, s.name, s.url, s.event_types, s.unit_id, s.unit_path, u.name, s.line_id, s.active, "      \
    "s.created_by, s.created_at, s.updated_at, s.version, "                                                  \
    "(SELECT COUNT(*) FROM webhook_delivery d WHERE d.subscription_id = s.id AND d.state = 'pending'), "     \
    "(SELECT COUNT(*) FROM webhook_delivery d WHERE d.subscription_id = s.id AND d.state = 'dead') "         \
    "FROM webhook_subscription s LEFT JOIN unit u ON u.id = s.unit_id"

static int64_t num(gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
}

static const char *text(gg_db_res_t *r, gg_arena_t *a, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

static void row(gg_db_res_t *r, gg_arena_t *a, gg_webhook_t *o)
{
    memset(o, 0, sizeof *o);
    o->id = gg_db_i64(r, 0);
    o->kind = text(r, a, 1);
    o->name = text(r, a, 2);
    o->url = text(r, a, 3);
    o->event_types = split_types(a, gg_db_text(r, 4), &o->nevent_types);
    o->unit_id = num(r, 5);
    o->unit_path = text(r, a, 6);
    o->unit_name = text(r, a, 7);
    o->line_id = num(r, 8);
    o->active = (int)num(r, 9);
    o->created_by = num(r, 10);
    o->created_at = num(r, 11);
    o->updated_at = num(r, 12);
    o->version = (int)num(r, 13);
    o->pending = num(r, 14);
    o->dead = num(r, 15);
}

int gg_webhook_list(gg_op_t *op, gg_webhook_t **rows, int *n, gg_error_t *err)
{
    *rows = NULL;
    *n = 0;
    if (must_manage(op, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " COLS " ORDER BY s.id", GG_NOARGS, &r, err) < 0) return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            gg_webhook_t *g = gg_alloc(op->arena, sizeof *g * (size_t)cap);
            if (*n) memcpy(g, *rows, sizeof *g * (size_t)*n);
            *rows = g;
        }
        row(r, op->arena, &(*rows)[(*n)++]);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_webhook_get(gg_op_t *op, int64_t id, gg_webhook_t *out, gg_error_t *err)
{
    if (must_manage(op, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " COLS " WHERE s.id = $1", GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) row(r, op->arena, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    return step ? 0 : gg_err_not_found(err, "no webhook %lld", (long long)id);
}

static int check_url(const char *url, gg_error_t *err)
{
    if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) || strlen(url) < 10) {
        gg_err_invalid(err, "url", "the URL must be http:// or https://");
        return gg_error_reason(err, "malformed");
    }
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ') {
            gg_err_invalid(err, "url", "the URL has spaces or control characters");
            return gg_error_reason(err, "malformed");
        }
    return 0;
}

static int check_types(gg_arena_t *a, const char **types, int n, const char **joined, gg_error_t *err)
{
    if (n < 1) {
        gg_err_invalid(err, "event_types", "name at least one event type");
        return gg_error_reason(err, "required");
    }
    gg_buf_t b = {0};
    for (int i = 0; i < n; i++) {
        const char *t = types[i];
        int ok = *t != 0;
        for (const char *p = t; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || *p == '_' || *p == '.' || *p == '*')) ok = 0;
        if (ok && strcmp(t, "*") && strncmp(t, "case.", 5)) ok = 0;
        if (!ok) {
            gg_buf_free(&b);
            gg_err_invalid(err, gg_sprintf(a, "event_types[%d]", i), "%s is not an event type", t);
            return gg_error_reason(err, "malformed");
        }
        if (i) gg_buf_putc(&b, ',');
        gg_buf_puts(&b, t);
    }
    *joined = gg_strdup(a, b.data);
    gg_buf_free(&b);
    return 0;
}

static int check_unit(gg_op_t *op, int64_t unit_id, const char **path, gg_error_t *err)
{
    *path = NULL;
    if (unit_id <= 0) return 0;
    gg_unit_t u;
    int found;
    if (gg_unit_by_id(op->c, op->arena, unit_id, &u, &found, err) < 0) return -1;
    if (!found) {
        gg_err_invalid(err, "unit_id", "no such unit");
        return gg_error_reason(err, "not_found");
    }
    *path = u.path;
    return 0;
}

static int check_secret(const char *secret, gg_error_t *err)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n < 16 || n > 128) {
        gg_err_invalid(err, "secret", "a secret has 16 to 128 characters");
        return gg_error_limits(err, n < 16 ? "too_short" : "too_long", 1, 16, 1, 128);
    }
    return 0;
}

static int audit(gg_op_t *op, const char *action, int64_t id, const char *url, gg_error_t *err)
{
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "url", url);
    gg_jw_obj_end(&w);
    gg_audit_entry_t e = {.action = action,
                          .object_type = "webhook",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)id),
                          .detail_json = gg_strdup(op->arena, b.data)};
    gg_buf_free(&b);
    return gg_audit_append(op->c, &op->actor, &e, err);
}

int gg_webhook_create(gg_op_t *op, const gg_webhook_t *in, const char *secret,
                      char secret_out[GG_WEBHOOK_SECRET_MAX], int64_t *id, gg_error_t *err)
{
    if (must_manage(op, err) < 0) return -1;
    if (!in->name || !*in->name) {
        gg_err_invalid(err, "name", "a name is required");
        return gg_error_reason(err, "required");
    }
    const char *types, *path;
    if (check_url(in->url, err) < 0 ||
        check_types(op->arena, in->event_types, in->nevent_types, &types, err) < 0 ||
        check_unit(op, in->unit_id, &path, err) < 0)
        return -1;
    if (secret) {
        if (check_secret(secret, err) < 0) return -1;
        snprintf(secret_out, GG_WEBHOOK_SECRET_MAX, "%s", secret);
    } else {
        char tok[44];
        gg_random_token(tok);
        snprintf(secret_out, GG_WEBHOOK_SECRET_MAX, "whsec_%s", tok);
    }
    int64_t now = gg_now_ms();
    int found;
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO webhook_subscription (kind, name, url, secret_enc, event_types, unit_id, "
            "unit_path, line_id, active, created_by, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            GG_ARGS(GG_TEXT(in->kind ? in->kind : "webhook"), GG_TEXT(in->name), GG_TEXT(in->url),
                    GG_TEXT(gg_pii_encrypt(op->keys, op->arena, secret_out)), GG_TEXT(types),
                    path ? GG_I64(in->unit_id) : GG_NULL, GG_TEXT(path),
                    in->line_id > 0 ? GG_I64(in->line_id) : GG_NULL, GG_I64(in->active ? 1 : 0),
                    op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL, GG_I64(now)),
            id, &found, err) < 0)
        return -1;
    return audit(op, "webhook.create", *id, in->url, err);
}

int gg_webhook_update(gg_op_t *op, int64_t id, const gg_webhook_t *in, const char *secret, int version,
                      gg_error_t *err)
{
    gg_webhook_t cur;
    if (gg_webhook_get(op, id, &cur, err) < 0) return -1;
    if (cur.version != version) {
        gg_err_conflict(err, "the webhook changed since version %d (now %d)", version, cur.version);
        return gg_error_reason(err, "version_conflict");
    }
    const char *name = in->name ? in->name : cur.name, *url = in->url ? in->url : cur.url;
    if (!*name) {
        gg_err_invalid(err, "name", "a name is required");
        return gg_error_reason(err, "required");
    }
    const char *types, *path = cur.unit_path;
    if (check_url(url, err) < 0) return -1;
    if (in->event_types) {
        if (check_types(op->arena, in->event_types, in->nevent_types, &types, err) < 0) return -1;
    } else if (check_types(op->arena, cur.event_types, cur.nevent_types, &types, err) < 0) {
        return -1;
    }
    int64_t unit = cur.unit_id;
    if (in->unit_id >= 0) {
        unit = in->unit_id;
        if (check_unit(op, unit, &path, err) < 0) return -1;
    }
    const char *secret_enc = NULL;
    if (secret) {
        if (check_secret(secret, err) < 0) return -1;
        secret_enc = gg_pii_encrypt(op->keys, op->arena, secret);
    }
    int active = in->active >= 0 ? in->active : cur.active;
    if (gg_db_exec(op->c,
                   "UPDATE webhook_subscription SET name = $1, url = $2, event_types = $3, unit_id = $4, "
                   "unit_path = $5, active = $6, secret_enc = COALESCE($7, secret_enc), updated_at = $8, "
                   "version = version + 1 WHERE id = $9",
                   GG_ARGS(GG_TEXT(name), GG_TEXT(url), GG_TEXT(types), unit > 0 ? GG_I64(unit) : GG_NULL,
                           GG_TEXT(unit > 0 ? path : NULL), GG_I64(active ? 1 : 0), GG_TEXT(secret_enc),
                           GG_I64(gg_now_ms()), GG_I64(id)),
                   NULL, err) < 0)
        return -1;
    return audit(op, "webhook.update", id, url, err);
}

/* ---- deliveries ---- */

#define DCOLS                                                                                                \
    "d.id, d.subscription_id, d.outbox_id, o.event_type, d.state, d.last_error, d.attempts, d.last_status, " \
    "d.next_at, d.last_at, d.delivered_at, d.created_at FROM webhook_delivery d JOIN outbox o ON o.id = "    \
    "d.outbox_id"

static void drow(gg_db_res_t *r, gg_arena_t *a, gg_webhook_delivery_t *o)
{
    memset(o, 0, sizeof *o);
    o->id = gg_db_i64(r, 0);
    o->subscription_id = gg_db_i64(r, 1);
    o->outbox_id = gg_db_i64(r, 2);
    o->event_type = text(r, a, 3);
    o->state = text(r, a, 4);
    o->last_error = text(r, a, 5);
    o->attempts = (int)num(r, 6);
    o->last_status = (int)num(r, 7);
    o->next_at = num(r, 8);
    o->last_at = num(r, 9);
    o->delivered_at = num(r, 10);
    o->created_at = num(r, 11);
}

int gg_webhook_deliveries(gg_op_t *op, int64_t id, const char *state, int64_t after, int limit,
                          gg_webhook_delivery_t **rows, int *n, gg_error_t *err)
{
    *rows = NULL;
    *n = 0;
    gg_webhook_t sub;
    if (gg_webhook_get(op, id, &sub, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    "SELECT " DCOLS " WHERE d.subscription_id = $1 AND ($2 = '' OR d.state = $2) "
                    "AND ($3 = 0 OR d.id < $3) ORDER BY d.id DESC LIMIT $4",
                    GG_ARGS(GG_I64(id), GG_TEXT(state ? state : ""), GG_I64(after), GG_I64(limit)), &r,
                    err) < 0)
        return -1;
    *rows = gg_zalloc(op->arena, sizeof **rows * (size_t)(limit > 0 ? limit : 1));
    int step;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit)
        drow(r, op->arena, &(*rows)[(*n)++]);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_webhook_delivery_get(gg_op_t *op, int64_t id, gg_webhook_delivery_t *out, gg_error_t *err)
{
    if (must_manage(op, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " DCOLS " WHERE d.id = $1", GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) drow(r, op->arena, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    return step ? 0 : gg_err_not_found(err, "no webhook delivery %lld", (long long)id);
}

int gg_webhook_retry(gg_op_t *op, int64_t delivery_id, gg_error_t *err)
{
    gg_webhook_delivery_t d;
    if (gg_webhook_delivery_get(op, delivery_id, &d, err) < 0) return -1;
    if (!strcmp(d.state, "delivered")) {
        gg_err_conflict(err, "delivery %lld was delivered", (long long)delivery_id);
        return gg_error_reason(err, "already_delivered");
    }
    if (gg_db_exec(
            op->c,
            "UPDATE webhook_delivery SET state = 'pending', attempts = 0, next_at = $1, lease_until = NULL "
            "WHERE id = $2",
            GG_ARGS(GG_I64(gg_now_ms()), GG_I64(delivery_id)), NULL, err) < 0)
        return -1;
    gg_audit_entry_t e = {.action = "webhook.retry",
                          .object_type = "webhook",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)d.subscription_id),
                          .detail_json = gg_sprintf(op->arena, "{\"delivery_id\":%lld,\"attempts\":%d}",
                                                    (long long)delivery_id, d.attempts)};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

/* ---- the worker's side ---- */

static int64_t setting_i64(gg_db_conn_t *c, gg_arena_t *a, const char *key, int64_t dflt, int64_t min,
                           gg_error_t *err)
{
    const char *v = NULL;
    if (gg_setting_get(c, a, key, &v, err) < 0) return dflt;
    if (!v || !*v) return dflt;
    char *end;
    long long x = strtoll(v, &end, 10);
    return *end || x < min ? dflt : x;
}

int gg_webhook_settings(gg_db_conn_t *c, gg_arena_t *a, gg_webhook_settings_t *s, gg_error_t *err)
{
    s->backoff_ms = setting_i64(c, a, "webhook_backoff_ms", 10000, 1, err);
    s->backoff_max_ms = setting_i64(c, a, "webhook_backoff_max_ms", 3600000, 1, err);
    s->max_attempts = (int)setting_i64(c, a, "webhook_max_attempts", 8, 1, err);
    s->timeout_ms = setting_i64(c, a, "webhook_timeout_ms", 10000, 100, err);
    return 0;
}

typedef struct {
    int64_t id, line_id;
    const char *type, *path;
} orow_t;

typedef struct {
    int64_t id, line_id;
    const char *kind, *path;
    const char **types;
    int ntypes;
} srow_t;

static int type_matches(const srow_t *s, const char *type)
{
    for (int i = 0; i < s->ntypes; i++) {
        const char *t = s->types[i];
        if (!strcmp(t, "*") || !strcmp(t, type)) return 1;
        size_t n = strlen(t);
        if (n >= 2 && t[n - 1] == '*' && t[n - 2] == '.' && !strncmp(t, type, n - 1)) return 1;
    }
    return 0;
}

static int matches(const srow_t *s, const orow_t *o)
{
    if (!strcmp(s->kind, "hotline"))
        return o->line_id && o->line_id == s->line_id && type_matches(s, o->type);
    if (!type_matches(s, o->type)) return 0;
    return !s->path || (o->path && !strncmp(o->path, s->path, strlen(s->path)));
}

typedef struct {
    gg_arena_t *a;
    int pg, made;
} fan_t;

static int fan_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    fan_t *f = ctx;
    f->made = 0;
    gg_db_res_t *r;
    if (gg_db_query(c,
                    f->pg ? "SELECT id, event_type, unit_path, line_id FROM outbox WHERE fanned_at IS NULL "
                            "ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED"
                          : "SELECT id, event_type, unit_path, line_id FROM outbox WHERE fanned_at IS NULL "
                            "ORDER BY id LIMIT 200",
                    GG_NOARGS, &r, err) < 0)
        return -1;
    orow_t *rows = gg_zalloc(f->a, sizeof *rows * 200);
    int n = 0, step;
    while ((step = gg_db_next(r, err)) == 1 && n < 200) {
        rows[n].id = gg_db_i64(r, 0);
        rows[n].type = text(r, f->a, 1);
        rows[n].path = text(r, f->a, 2);
        rows[n].line_id = num(r, 3);
        n++;
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (n == 0) return 0;
    if (gg_db_query(
            c, "SELECT id, kind, unit_path, line_id, event_types FROM webhook_subscription WHERE active = 1",
            GG_NOARGS, &r, err) < 0)
        return -1;
    srow_t *subs = NULL;
    int ns = 0, cap = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        if (ns == cap) {
            cap = cap ? cap * 2 : 16;
            srow_t *g = gg_alloc(f->a, sizeof *g * (size_t)cap);
            if (ns) memcpy(g, subs, sizeof *g * (size_t)ns);
            subs = g;
        }
        srow_t *s = &subs[ns++];
        s->id = gg_db_i64(r, 0);
        s->kind = text(r, f->a, 1);
        s->path = text(r, f->a, 2);
        s->line_id = num(r, 3);
        s->types = split_types(f->a, gg_db_text(r, 4), &s->ntypes);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    int64_t now = gg_now_ms();
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < ns; j++) {
            if (!matches(&subs[j], &rows[i])) continue;
            int64_t changed = 0;
            if (gg_db_exec(c,
                           "INSERT INTO webhook_delivery (subscription_id, outbox_id, next_at, created_at) "
                           "VALUES ($1, $2, $3, $3) ON CONFLICT (subscription_id, outbox_id) DO NOTHING",
                           GG_ARGS(GG_I64(subs[j].id), GG_I64(rows[i].id), GG_I64(now)), &changed, err) < 0)
                return -1;
            f->made += (int)changed;
        }
        if (gg_db_exec(c, "UPDATE outbox SET fanned_at = $1 WHERE id = $2",
                       GG_ARGS(GG_I64(now), GG_I64(rows[i].id)), NULL, err) < 0)
            return -1;
    }
    return 0;
}

int gg_webhook_fanout(gg_db_conn_t *c, gg_arena_t *a, int pg, int *made, gg_error_t *err)
{
    /* a read first: an idle server takes no write lock every run (SQLite has one writer) */
    int64_t one;
    int found;
    *made = 0;
    if (gg_db_query_i64(c, "SELECT 1 FROM outbox WHERE fanned_at IS NULL LIMIT 1", GG_NOARGS, &one, &found,
                        err) < 0)
        return -1;
    if (!found) return 0;
    fan_t f = {.a = a, .pg = pg};
    int rc = gg_db_tx(c, fan_tx, &f, err);
    *made = f.made;
    return rc;
}

int gg_webhook_claim(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, int pg, int64_t now,
                     int64_t lease_ms, gg_webhook_job_t *job, int *found, gg_error_t *err)
{
    *found = 0;
    memset(job, 0, sizeof *job);
    int64_t one;
    int due;
    if (gg_db_query_i64(c,
                        "SELECT 1 FROM webhook_delivery WHERE state = 'pending' AND next_at <= $1 "
                        "AND (lease_until IS NULL OR lease_until <= $1) LIMIT 1",
                        GG_ARGS(GG_I64(now)), &one, &due, err) < 0)
        return -1;
    if (!due) return 0; /* as above: no write lock when nothing is due */
    const char *sql =
        pg ? "UPDATE webhook_delivery SET lease_until = $1, attempts = attempts + 1 WHERE id = ("
             "SELECT d.id FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id "
             "WHERE d.state = 'pending' AND d.next_at <= $2 AND (d.lease_until IS NULL OR d.lease_until <= "
             "$2) "
             "AND s.active = 1 ORDER BY d.next_at, d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED) "
             "RETURNING id, subscription_id, outbox_id, attempts"
           : "UPDATE webhook_delivery SET lease_until = $1, attempts = attempts + 1 WHERE id = ("
             "SELECT d.id FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id "
             "WHERE d.state = 'pending' AND d.next_at <= $2 AND (d.lease_until IS NULL OR d.lease_until <= "
             "$2) "
             "AND s.active = 1 ORDER BY d.next_at, d.id LIMIT 1) "
             "RETURNING id, subscription_id, outbox_id, attempts";
    gg_db_res_t *r;
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(now + lease_ms), GG_I64(now)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        job->delivery_id = gg_db_i64(r, 0);
        job->subscription_id = gg_db_i64(r, 1);
        job->outbox_id = gg_db_i64(r, 2);
        job->attempts = (int)gg_db_i64(r, 3);
    }
    gg_db_res_free(r);
    if (step <= 0) return step;
    if (gg_db_query(
            c,
            "SELECT s.url, s.secret_enc, o.payload, o.event_type FROM webhook_subscription s, outbox o "
            "WHERE s.id = $1 AND o.id = $2",
            GG_ARGS(GG_I64(job->subscription_id), GG_I64(job->outbox_id)), &r, err) < 0)
        return -1;
    step = gg_db_next(r, err);
    if (step == 1) {
        job->url = text(r, a, 0);
        job->secret = gg_pii_decrypt(keys, a, gg_db_text(r, 1));
        job->body = text(r, a, 2);
        job->event_type = text(r, a, 3);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0 || !job->secret) {
        /* the key file cannot open the secret: nothing to sign with, the delivery is dead */
        gg_webhook_settings_t s = {.max_attempts = 1, .backoff_ms = 1, .backoff_max_ms = 1};
        job->attempts = 1;
        if (gg_webhook_finish(c, &s, job, 0, "the subscription's secret cannot be decrypted", now, err) < 0)
            return -1;
        return 0;
    }
    *found = 1;
    return 0;
}

int gg_webhook_finish(gg_db_conn_t *c, const gg_webhook_settings_t *s, const gg_webhook_job_t *job,
                      int status, const char *error, int64_t now, gg_error_t *err)
{
    if (status >= 200 && status < 300)
        return gg_db_exec(c,
                          "UPDATE webhook_delivery SET state = 'delivered', delivered_at = $1, last_at = $1, "
                          "last_status = $2, last_error = NULL, lease_until = NULL WHERE id = $3 AND state = "
                          "'pending'",
                          GG_ARGS(GG_I64(now), GG_I64(status), GG_I64(job->delivery_id)), NULL, err);
    char status_text[32];
    snprintf(status_text, sizeof status_text, "HTTP %d", status);
    const char *why = error ? error : status_text;
    if (job->attempts >= s->max_attempts)
        return gg_db_exec(c,
                          "UPDATE webhook_delivery SET state = 'dead', last_at = $1, last_status = $2, "
                          "last_error = $3, lease_until = NULL WHERE id = $4 AND state = 'pending'",
                          GG_ARGS(GG_I64(now), GG_I64(status), GG_TEXT(why), GG_I64(job->delivery_id)), NULL,
                          err);
    int64_t delay = s->backoff_ms;
    for (int i = 1; i < job->attempts && delay < s->backoff_max_ms; i++)
        delay *= 2;
    if (delay > s->backoff_max_ms) delay = s->backoff_max_ms;
    delay = delay / 2 + (int64_t)randombytes_uniform((uint32_t)(delay / 2 + 1));
    return gg_db_exec(
        c,
        "UPDATE webhook_delivery SET next_at = $1, last_at = $2, last_status = $3, last_error = $4, "
        "lease_until = NULL WHERE id = $5 AND state = 'pending'",
        GG_ARGS(GG_I64(now + delay), GG_I64(now), GG_I64(status), GG_TEXT(why), GG_I64(job->delivery_id)),
        NULL, err);
}
