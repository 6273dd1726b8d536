/* hotline_link.c — the 12345 platform link of a hotline line (hotline_link.h). */
#include "domain/cases/hotline_link.h"

#include <stdio.h>
#include <string.h>

#include "auth/crypto.h"
#include "core/clock.h"
#include "domain/identity/audit.h"
#include "domain/setting.h"

int gg_hotline_link_get(gg_op_t *op, int64_t line_id, gg_hotline_link_t *out, gg_error_t *err)
{
    int may;
    if (gg_settings_may_manage(op->c, op->arena, op->auth, &may, err) < 0) return -1;
    if (!may) return gg_err_forbidden(err, "the 12345 link is a shared setting; it needs settings.manage");
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    "SELECT h.line_id, h.active, s.url, s.id, s.active, h.updated_at FROM hotline_link h "
                    "LEFT JOIN webhook_subscription s ON s.line_id = h.line_id AND s.kind = 'hotline' "
                    "WHERE h.line_id = $1",
                    GG_ARGS(GG_I64(line_id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        memset(out, 0, sizeof *out);
        out->line_id = gg_db_i64(r, 0);
        out->active = (int)gg_db_i64(r, 1);
        int sub_active = !gg_db_isnull(r, 4) && gg_db_i64(r, 4);
        out->callback_url = sub_active ? gg_strdup(op->arena, gg_db_text(r, 2)) : NULL;
        out->subscription_id = gg_db_isnull(r, 3) ? 0 : gg_db_i64(r, 3);
        out->updated_at = gg_db_i64(r, 5);
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    return step ? 0 : gg_err_not_found(err, "hotline line %lld has no 12345 link", (long long)line_id);
}

int gg_hotline_link_set(gg_op_t *op, int64_t line_id, const char *secret, const char *callback_url,
                        int active, char secret_out[GG_WEBHOOK_SECRET_MAX], gg_error_t *err)
{
    secret_out[0] = 0;
    int may;
    if (gg_settings_may_manage(op->c, op->arena, op->auth, &may, err) < 0) return -1;
    if (!may) return gg_err_forbidden(err, "the 12345 link is a shared setting; it needs settings.manage");
    int64_t one;
    int found;
    if (gg_db_query_i64(op->c, "SELECT 1 FROM hotline_line WHERE id = $1", GG_ARGS(GG_I64(line_id)), &one,
                        &found, err) < 0)
        return -1;
    if (!found) return gg_err_not_found(err, "no hotline line %lld", (long long)line_id);
    if (secret) {
        size_t n = strlen(secret);
        if (n < 16 || n > 128) {
            gg_err_invalid(err, "secret", "a secret has 16 to 128 characters");
            return gg_error_limits(err, n < 16 ? "too_short" : "too_long", 1, 16, 1, 128);
        }
    }
    if (callback_url && *callback_url && strncmp(callback_url, "http://", 7) &&
        strncmp(callback_url, "https://", 8)) {
        gg_err_invalid(err, "callback_url", "the URL must be http:// or https://");
        return gg_error_reason(err, "malformed");
    }
    const char *enc = NULL;
    if (gg_db_query_i64(op->c, "SELECT 1 FROM hotline_link WHERE line_id = $1", GG_ARGS(GG_I64(line_id)),
                        &one, &found, err) < 0)
        return -1;
    if (!found && !secret) {
        char tok[44];
        gg_random_token(tok);
        snprintf(secret_out, GG_WEBHOOK_SECRET_MAX, "hlsec_%s", tok);
        secret = secret_out;
    } else if (secret) {
        snprintf(secret_out, GG_WEBHOOK_SECRET_MAX, "%s", secret);
    }
    if (secret) enc = gg_pii_encrypt(op->keys, op->arena, secret);
    int64_t now = gg_now_ms();
    if (found) {
        if (gg_db_exec(
                op->c,
                "UPDATE hotline_link SET secret_enc = COALESCE($1, secret_enc), active = $2, updated_at = $3 "
                "WHERE line_id = $4",
                GG_ARGS(GG_TEXT(enc), GG_I64(active ? 1 : 0), GG_I64(now), GG_I64(line_id)), NULL, err) < 0)
            return -1;
    } else if (gg_db_exec(op->c,
                          "INSERT INTO hotline_link (line_id, secret_enc, active, updated_at) VALUES ($1, "
                          "$2, $3, $4)",
                          GG_ARGS(GG_I64(line_id), GG_TEXT(enc), GG_I64(active ? 1 : 0), GG_I64(now)), NULL,
                          err) < 0) {
        return -1;
    }
    /* the callbacks: the line's subscription, signed with the link's secret */
    const char *cur_enc = NULL;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT secret_enc FROM hotline_link WHERE line_id = $1", GG_ARGS(GG_I64(line_id)),
                    &r, err) < 0)
        return -1;
    if (gg_db_next(r, err) == 1) cur_enc = gg_strdup(op->arena, gg_db_text(r, 0));
    gg_db_res_free(r);
    int on = active && callback_url && *callback_url;
    int64_t changed = 0;
    if (gg_db_exec(op->c,
                   "UPDATE webhook_subscription SET url = COALESCE($1, url), secret_enc = $2, active = $3, "
                   "updated_at = $4, version = version + 1 WHERE line_id = $5 AND kind = 'hotline'",
                   GG_ARGS(GG_TEXT(on ? callback_url : NULL), GG_TEXT(cur_enc), GG_I64(on), GG_I64(now),
                           GG_I64(line_id)),
                   &changed, err) < 0)
        return -1;
    if (!changed && on &&
        gg_db_exec(
            op->c,
            "INSERT INTO webhook_subscription (kind, name, url, secret_enc, event_types, line_id, active, "
            "created_by, created_at, updated_at) VALUES ('hotline', $1, $2, $3, 'case.*', $4, 1, $5, $6, $6)",
            GG_ARGS(GG_TEXT(gg_sprintf(op->arena, "12345 line %lld", (long long)line_id)),
                    GG_TEXT(callback_url), GG_TEXT(cur_enc), GG_I64(line_id),
                    op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL, GG_I64(now)),
            NULL, err) < 0)
        return -1;
    gg_audit_entry_t e = {.action = "hotline_link.update",
                          .object_type = "hotline_line",
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)line_id),
                          .detail_json = gg_sprintf(
                              op->arena, "{\"active\":%s,\"callbacks\":%s,\"new_secret\":%s}",
                              active ? "true" : "false", on ? "true" : "false", secret ? "true" : "false")};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

int gg_hotline_link_secret(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, int64_t line_id,
                           const char **secret, const char **unit_path, const char **number, int *found,
                           gg_error_t *err)
{
    *found = 0;
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "SELECT h.secret_enc, u.path, l.number FROM hotline_link h JOIN hotline_line l ON l.id = "
                    "h.line_id JOIN unit u ON u.id = l.unit_id WHERE h.line_id = $1 AND h.active = 1 AND "
                    "l.retired_at IS NULL",
                    GG_ARGS(GG_I64(line_id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        *secret = gg_pii_decrypt(keys, a, gg_db_text(r, 0));
        *unit_path = gg_strdup(a, gg_db_text(r, 1));
        *number = gg_strdup(a, gg_db_text(r, 2));
        *found = *secret != NULL;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_hotline_order_find(gg_db_conn_t *c, int64_t line_id, const char *external_no, int64_t *case_id,
                          gg_error_t *err)
{
    int found;
    *case_id = 0;
    if (gg_db_query_i64(c, "SELECT id FROM case_item WHERE line_id = $1 AND external_no = $2",
                        GG_ARGS(GG_I64(line_id), GG_TEXT(external_no)), case_id, &found, err) < 0)
        return -1;
    if (!found) *case_id = 0;
    return 0;
}

int gg_hotline_category(gg_db_conn_t *c, const char *code, const char *name, int64_t *id, gg_error_t *err)
{
    int found = 0;
    *id = 0;
    if (code && *code &&
        gg_db_query_i64(c, "SELECT id FROM category WHERE code = $1 ORDER BY id LIMIT 1",
                        GG_ARGS(GG_TEXT(code)), id, &found, err) < 0)
        return -1;
    if (!found && name && *name &&
        gg_db_query_i64(c, "SELECT id FROM category WHERE name = $1 ORDER BY id LIMIT 1",
                        GG_ARGS(GG_TEXT(name)), id, &found, err) < 0)
        return -1;
    if (!found) *id = 0;
    return 0;
}
