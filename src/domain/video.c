/* video.c — video alarms: sources, cameras, type mapping, replay guard, one case per window (video.h). */
#include "domain/video.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/crypto.h"
#include "core/clock.h"
#include "domain/attachment.h"
#include "domain/cases/case.h"
#include "domain/identity/audit.h"
#include "domain/setting.h"

#define NONCE_KEEP_MS (10LL * 60 * 1000)

static int must_manage(gg_op_t *op, gg_error_t *err)
{
    int may;
    if (gg_settings_may_manage(op->c, op->arena, op->auth, &may, err) < 0) return -1;
    return may ? 0
               : gg_err_forbidden(err,
                                  "video sources and cameras are shared settings; they need settings.manage");
}

static int audit(gg_op_t *op, const char *action, const char *type, int64_t id, const char *detail,
                 gg_error_t *err)
{
    gg_audit_entry_t e = {.action = action,
                          .object_type = type,
                          .object_id = gg_sprintf(op->arena, "%lld", (long long)id),
                          .detail_json = detail};
    return gg_audit_append(op->c, &op->actor, &e, err);
}

static int need_name(const char *name, gg_error_t *err)
{
    if (name && *name) return 0;
    gg_err_invalid(err, "name", "a name is required");
    return gg_error_reason(err, "required");
}

int gg_video_source_create(gg_op_t *op, const char *name, const char *secret,
                           char secret_out[GG_WEBHOOK_SECRET_MAX], int64_t *id, gg_error_t *err)
{
    if (must_manage(op, err) < 0 || need_name(name, err) < 0) return -1;
    if (secret) {
        size_t n = strlen(secret);
        if (n < 16 || n > 128) {
            gg_err_invalid(err, "secret", "a secret has 16 to 128 characters");
            return gg_error_limits(err, n < 16 ? "too_short" : "too_long", 1, 16, 1, 128);
        }
        snprintf(secret_out, GG_WEBHOOK_SECRET_MAX, "%s", secret);
    } else {
        char tok[44];
        gg_random_token(tok);
        snprintf(secret_out, GG_WEBHOOK_SECRET_MAX, "vssec_%s", tok);
    }
    int64_t now = gg_now_ms();
    int found;
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO video_source (name, secret_enc, created_at, updated_at) VALUES ($1, $2, $3, $3) "
            "RETURNING id",
            GG_ARGS(GG_TEXT(name), GG_TEXT(gg_pii_encrypt(op->keys, op->arena, secret_out)), GG_I64(now)), id,
            &found, err) < 0)
        return -1;
    return audit(op, "video_source.create", "video_source", *id, NULL, err);
}

#define CCOLS                                                                                                \
    "id, source_id, external_id, name, lat, lon, active, created_at, updated_at, version FROM camera"

static void crow(gg_db_res_t *r, gg_arena_t *a, gg_camera_t *o)
{
    o->id = gg_db_i64(r, 0);
    o->source_id = gg_db_i64(r, 1);
    o->external_id = gg_strdup(a, gg_db_text(r, 2));
    o->name = gg_strdup(a, gg_db_text(r, 3));
    o->lat = gg_db_f64(r, 4);
    o->lon = gg_db_f64(r, 5);
    o->active = (int)gg_db_i64(r, 6);
    o->created_at = gg_db_i64(r, 7);
    o->updated_at = gg_db_i64(r, 8);
    o->version = (int)gg_db_i64(r, 9);
}

int gg_camera_list(gg_op_t *op, gg_camera_t **rows, int *n, gg_error_t *err)
{
    *rows = NULL;
    *n = 0;
    if (must_manage(op, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " CCOLS " ORDER BY id", GG_NOARGS, &r, err) < 0) return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            gg_camera_t *g = gg_alloc(op->arena, sizeof *g * (size_t)cap);
            if (*n) memcpy(g, *rows, sizeof *g * (size_t)*n);
            *rows = g;
        }
        crow(r, op->arena, &(*rows)[(*n)++]);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_camera_get(gg_op_t *op, int64_t id, gg_camera_t *out, gg_error_t *err)
{
    if (must_manage(op, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " CCOLS " WHERE id = $1", GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) crow(r, op->arena, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    return step ? 0 : gg_err_not_found(err, "no camera %lld", (long long)id);
}

int gg_camera_create(gg_op_t *op, const gg_camera_t *in, int64_t *id, gg_error_t *err)
{
    if (must_manage(op, err) < 0 || need_name(in->name, err) < 0) return -1;
    int64_t one;
    int found;
    if (gg_db_query_i64(op->c, "SELECT 1 FROM video_source WHERE id = $1", GG_ARGS(GG_I64(in->source_id)),
                        &one, &found, err) < 0)
        return -1;
    if (!found) {
        gg_err_invalid(err, "source_id", "no such video source");
        return gg_error_reason(err, "not_found");
    }
    if (gg_db_query_i64(op->c, "SELECT 1 FROM camera WHERE source_id = $1 AND external_id = $2",
                        GG_ARGS(GG_I64(in->source_id), GG_TEXT(in->external_id)), &one, &found, err) < 0)
        return -1;
    if (found) {
        gg_err_invalid(err, "external_id", "this source already has camera %s", in->external_id);
        return gg_error_reason(err, "taken");
    }
    int64_t now = gg_now_ms();
    if (gg_db_query_i64(op->c,
                        "INSERT INTO camera (source_id, external_id, name, lat, lon, created_at, updated_at) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                        GG_ARGS(GG_I64(in->source_id), GG_TEXT(in->external_id), GG_TEXT(in->name),
                                GG_F64(in->lat), GG_F64(in->lon), GG_I64(now)),
                        id, &found, err) < 0)
        return -1;
    return audit(op, "camera.create", "camera", *id, NULL, err);
}

int gg_camera_update(gg_op_t *op, int64_t id, const char *name, int has_point, double lat, double lon,
                     int active, int version, gg_error_t *err)
{
    gg_camera_t cur;
    if (gg_camera_get(op, id, &cur, err) < 0) return -1;
    if (cur.version != version) {
        gg_err_conflict(err, "the camera changed since version %d (now %d)", version, cur.version);
        return gg_error_reason(err, "version_conflict");
    }
    if (name && need_name(name, err) < 0) return -1;
    if (gg_db_exec(op->c,
                   "UPDATE camera SET name = $1, lat = $2, lon = $3, active = $4, updated_at = $5, "
                   "version = version + 1 WHERE id = $6",
                   GG_ARGS(GG_TEXT(name ? name : cur.name), GG_F64(has_point ? lat : cur.lat),
                           GG_F64(has_point ? lon : cur.lon), GG_I64(active >= 0 ? active : cur.active),
                           GG_I64(gg_now_ms()), GG_I64(id)),
                   NULL, err) < 0)
        return -1;
    return audit(op, "camera.update", "camera", id, NULL, err);
}

int gg_video_type_put(gg_op_t *op, const char *alarm_type, int64_t category_id, gg_error_t *err)
{
    if (must_manage(op, err) < 0) return -1;
    for (const char *p = alarm_type; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.')) {
            gg_err_invalid(err, "alarm_type", "an alarm type has a-z, 0-9, _ - . only");
            return gg_error_reason(err, "malformed");
        }
    int64_t one;
    int found;
    if (gg_db_query_i64(op->c, "SELECT 1 FROM category WHERE id = $1", GG_ARGS(GG_I64(category_id)), &one,
                        &found, err) < 0)
        return -1;
    if (!found) {
        gg_err_invalid(err, "category_id", "no such category");
        return gg_error_reason(err, "not_found");
    }
    int64_t now = gg_now_ms();
    if (gg_db_exec(op->c,
                   "INSERT INTO video_alarm_type (alarm_type, category_id, updated_at) VALUES ($1, $2, $3) "
                   "ON CONFLICT (alarm_type) DO UPDATE SET category_id = $2, updated_at = $3",
                   GG_ARGS(GG_TEXT(alarm_type), GG_I64(category_id), GG_I64(now)), NULL, err) < 0)
        return -1;
    return audit(op, "video_alarm_type.put", "video_alarm_type", category_id,
                 gg_sprintf(op->arena, "{\"alarm_type\":\"%s\"}", alarm_type), err);
}

/* ---- the alarm ---- */

int gg_video_source_secret(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, int64_t source_id,
                           const char **secret, int *found, gg_error_t *err)
{
    *found = 0;
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT secret_enc FROM video_source WHERE id = $1 AND active = 1",
                    GG_ARGS(GG_I64(source_id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        *secret = gg_pii_decrypt(keys, a, gg_db_text(r, 0));
        *found = *secret != NULL;
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_video_nonce_use(gg_db_conn_t *c, int64_t source_id, const char *nonce, int64_t now, gg_error_t *err)
{
    int64_t changed = 0;
    if (gg_db_exec(c,
                   "INSERT INTO video_nonce (source_id, nonce, created_at) VALUES ($1, $2, $3) "
                   "ON CONFLICT (source_id, nonce) DO NOTHING",
                   GG_ARGS(GG_I64(source_id), GG_TEXT(nonce), GG_I64(now)), &changed, err) < 0)
        return -1;
    if (changed) return 0;
    gg_error_set(err, 409, "conflict", "nonce", "this nonce was used already: a replayed alarm");
    return gg_error_reason(err, "replayed");
}

int gg_video_nonce_purge(gg_db_conn_t *c, int64_t now, int64_t *deleted, gg_error_t *err)
{
    return gg_db_exec(c, "DELETE FROM video_nonce WHERE created_at < $1",
                      GG_ARGS(GG_I64(now - NONCE_KEEP_MS)), deleted, err);
}

int gg_video_camera(gg_db_conn_t *c, gg_arena_t *a, int64_t source_id, const char *external_id,
                    gg_camera_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT " CCOLS " WHERE source_id = $1 AND external_id = $2 AND active = 1",
                    GG_ARGS(GG_I64(source_id), GG_TEXT(external_id)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) crow(r, a, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step) return 0;
    gg_err_invalid(err, "camera_id", "no active camera %s at this source", external_id);
    return gg_error_reason(err, "not_found");
}

int gg_video_type_category(gg_db_conn_t *c, const char *alarm_type, int64_t *category_id, gg_error_t *err)
{
    int found;
    if (gg_db_query_i64(c, "SELECT category_id FROM video_alarm_type WHERE alarm_type = $1",
                        GG_ARGS(GG_TEXT(alarm_type)), category_id, &found, err) < 0)
        return -1;
    if (found) return 0;
    gg_err_invalid(err, "alarm_type", "alarm type %s has no category", alarm_type);
    return gg_error_reason(err, "not_found");
}

int gg_video_open_case(gg_db_conn_t *c, gg_arena_t *a, int64_t camera_id, const char *alarm_type, int64_t now,
                       int64_t *case_id, gg_error_t *err)
{
    const char *v = NULL;
    int minutes = 30;
    if (gg_setting_get(c, a, "video_dedup_minutes", &v, err) == 0 && v && atoi(v) > 0) minutes = atoi(v);
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT v.case_id FROM video_case v JOIN case_item c ON c.id = v.case_id "
            "WHERE v.camera_id = $1 AND v.alarm_type = $2 AND v.last_at >= $3 "
            "AND c.state NOT IN ('closed', 'rated', 'rejected', 'merged') ORDER BY v.last_at DESC LIMIT 1",
            GG_ARGS(GG_I64(camera_id), GG_TEXT(alarm_type), GG_I64(now - (int64_t)minutes * 60000)), &r,
            err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    *case_id = step == 1 ? gg_db_i64(r, 0) : 0;
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_video_repeat(gg_op_t *op, int64_t case_id, int64_t attachment_id, const char *upload_token,
                    int64_t now, int *count, gg_error_t *err)
{
    int found;
    int64_t n = 0;
    if (gg_db_query_i64(
            op->c,
            "UPDATE video_case SET alarm_count = alarm_count + 1, last_at = $1, "
            "last_attachment_id = COALESCE($2, last_attachment_id) WHERE case_id = $3 "
            "RETURNING alarm_count",
            GG_ARGS(GG_I64(now), attachment_id ? GG_I64(attachment_id) : GG_NULL, GG_I64(case_id)), &n,
            &found, err) < 0)
        return -1;
    *count = (int)n;
    const char *state = NULL;
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT state FROM case_item WHERE id = $1", GG_ARGS(GG_I64(case_id)), &r, err) <
        0)
        return -1;
    if (gg_db_next(r, err) == 1) state = gg_strdup(op->arena, gg_db_text(r, 0));
    gg_db_res_free(r);
    gg_case_event_t e = {
        .case_id = case_id,
        .at = now,
        .action = "note",
        .from_state = state,
        .to_state = state,
        .note = gg_sprintf(op->arena, "视频告警再次触发（第 %d 次）/ the alarm again (%d)", *count, *count),
        .detail = gg_sprintf(op->arena, "{\"video_alarm_count\":%d}", *count)};
    int64_t event_id;
    if (gg_case_event_add(op, &e, &event_id, err) < 0) return -1;
    if (gg_db_exec(op->c, "UPDATE case_item SET updated_at = $1, version = version + 1 WHERE id = $2",
                   GG_ARGS(GG_I64(now), GG_I64(case_id)), NULL, err) < 0)
        return -1;
    if (!attachment_id) return 0;
    return gg_attachment_claim(op, &attachment_id, 1, upload_token, "case_event", event_id, "snapshot", err);
}

int gg_video_started(gg_op_t *op, int64_t case_id, int64_t camera_id, const char *alarm_type,
                     int64_t attachment_id, int64_t now, gg_error_t *err)
{
    return gg_db_exec(
        op->c,
        "INSERT INTO video_case (case_id, camera_id, alarm_type, alarm_count, first_at, last_at, "
        "last_attachment_id) VALUES ($1, $2, $3, 1, $4, $4, $5)",
        GG_ARGS(GG_I64(case_id), GG_I64(camera_id), GG_TEXT(alarm_type), GG_I64(now),
                attachment_id ? GG_I64(attachment_id) : GG_NULL),
        NULL, err);
}
