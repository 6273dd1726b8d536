/*
 * video.h — video alarms from camera platforms (雪亮工程): the sources and their secrets, the camera
 * registry, the alarm type → category mapping, the replay guard, and the one-case-per-(camera, type)-window
 * rule. docs/api.md "Video alarms".
 *
 * Contract
 *  - Sources, cameras and the type mapping are shared settings: settings.manage at the root
 *    (gg_settings_may_manage), 403 otherwise; audited (video_source.create, camera.create, camera.update,
 *    video_alarm_type.put).  A source's secret is stored encrypted and shown once.
 *  - The alarm (api/video.c) has no caller: the signature (domain/webhook.h's scheme, the source's secret,
 *    a 5-minute window) proves the source; gg_video_nonce_use refuses a nonce the source already used
 *    (409 field "nonce" reason "replayed"; the unique key (source_id, nonce) decides, in the alarm's
 *    transaction); gg_video_nonce_purge drops nonces older than 10 minutes (housekeeping).
 *  - gg_video_open_case: the open case (not closed, rated, rejected or merged) that an alarm of camera and
 *    type within video_dedup_minutes (default 30) of its last alarm adds to, or 0.  gg_video_repeat adds the
 *    alarm to it: alarm_count + 1, last_at, an internal note event with the snapshot linked (role
 *    "snapshot").  gg_video_started records a new case's first alarm.
 */
#ifndef GG_DOMAIN_VIDEO_H
#define GG_DOMAIN_VIDEO_H

#include "domain/domain.h"
#include "domain/op.h"
#include "domain/webhook.h" /* GG_WEBHOOK_SECRET_MAX */

typedef struct gg_camera {
    int64_t id, source_id;
    const char *external_id, *name;
    double lat, lon;
    int active;
    int64_t created_at, updated_at;
    int version;
} gg_camera_t;

int gg_video_source_create(gg_op_t *op, const char *name, const char *secret,
                           char secret_out[GG_WEBHOOK_SECRET_MAX], int64_t *id, gg_error_t *err);
int gg_camera_list(gg_op_t *op, gg_camera_t **rows, int *n, gg_error_t *err);
int gg_camera_get(gg_op_t *op, int64_t id, gg_camera_t *out, gg_error_t *err);
int gg_camera_create(gg_op_t *op, const gg_camera_t *in, int64_t *id, gg_error_t *err);
/* name NULL: unchanged; has_point: lat/lon; active -1: unchanged. */
int gg_camera_update(gg_op_t *op, int64_t id, const char *name, int has_point, double lat, double lon,
                     int active, int version, gg_error_t *err);
int gg_video_type_put(gg_op_t *op, const char *alarm_type, int64_t category_id, gg_error_t *err);

/* ---- the alarm (no caller) ---- */

int gg_video_source_secret(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, int64_t source_id,
                           const char **secret, int *found, gg_error_t *err);
int gg_video_nonce_use(gg_db_conn_t *c, int64_t source_id, const char *nonce, int64_t now, gg_error_t *err);
int gg_video_nonce_purge(gg_db_conn_t *c, int64_t now, int64_t *deleted, gg_error_t *err);
/* The active camera external_id of source: 400 field "camera_id" reason "not_found" otherwise. */
int gg_video_camera(gg_db_conn_t *c, gg_arena_t *a, int64_t source_id, const char *external_id,
                    gg_camera_t *out, gg_error_t *err);
/* The category of alarm_type: 400 field "alarm_type" reason "not_found" when unmapped. */
int gg_video_type_category(gg_db_conn_t *c, const char *alarm_type, int64_t *category_id, gg_error_t *err);
int gg_video_open_case(gg_db_conn_t *c, gg_arena_t *a, int64_t camera_id, const char *alarm_type, int64_t now,
                       int64_t *case_id, gg_error_t *err);
/* attachment_id 0: no snapshot; upload_token proves the snapshot upload for the claim. */
int gg_video_repeat(gg_op_t *op, int64_t case_id, int64_t attachment_id, const char *upload_token,
                    int64_t now, int *count, gg_error_t *err);
int gg_video_started(gg_op_t *op, int64_t case_id, int64_t camera_id, const char *alarm_type,
                     int64_t attachment_id, int64_t now, gg_error_t *err);

#endif
