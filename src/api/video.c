/*
 * video.c — video alarms (docs/api.md "Video alarms"):
 *   POST /api/v1/video/alarms               a camera platform's signed alarm (no session)
 *   POST /api/v1/video/sources              a camera platform and its secret (administrators)
 *   GET|POST /api/v1/cameras, PATCH /api/v1/cameras/{id}   the camera registry (administrators)
 *   POST /api/v1/video/alarm-types          alarm type → category (administrators)
 * An alarm opens a case with channel video_alarm at the camera's point through the ordinary creation
 * (gg_api_case_create_run), or adds to the open case of the same camera and type (domain/video.h); its
 * snapshot (base64 in the body) is stored as an attachment, sniffed like every upload.
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/export.h"
#include "api/cases/cases_internal.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "domain/attachment.h"
#include "domain/video.h"
#include "domain/webhook.h"

/* ---- administration ---- */

typedef struct {
    char secret[GG_WEBHOOK_SECRET_MAX];
    const char *name;
} source_state_t;

static const gg_field_t source_fields[] = {
    {"name", GG_F_STR, 1, 1, 64, 0},
    {"secret", GG_F_STR, 0, 16, 128, 0},
};

static int source_run(gg_write_t *w, gg_error_t *err)
{
    source_state_t *s = w->state;
    s->name = gg_strdup(w->op.arena, gg_json_str(w->body, "name"));
    return gg_video_source_create(&w->op, s->name, gg_json_str(w->body, "secret"), s->secret, &w->result,
                                  err);
}

static int source_respond(gg_write_t *w, gg_error_t *err)
{
    (void)err;
    source_state_t *s = w->state;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", w->result);
    gg_jw_kstr(jw, "name", s->name);
    gg_jw_kstr(jw, "secret", s->secret); /* once */
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t SOURCE_CREATE = {.fields = GG_FIELDS(source_fields),
                                            .state_size = sizeof(source_state_t),
                                            .run = source_run,
                                            .respond = source_respond,
                                            .status = 201};

static void write_camera(gg_jw_t *w, const gg_camera_t *k)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->id);
    gg_jw_kint(w, "source_id", k->source_id);
    gg_jw_kstr(w, "external_id", k->external_id);
    gg_jw_kstr(w, "name", k->name);
    gg_jw_knum(w, "lat", k->lat);
    gg_jw_knum(w, "lon", k->lon);
    gg_jw_kbool(w, "active", k->active);
    gg_jw_ktime(w, "created_at", k->created_at);
    gg_jw_ktime(w, "updated_at", k->updated_at);
    gg_jw_kint(w, "version", k->version);
    gg_jw_obj_end(w);
}

static int camera_list(gg_write_t *w, gg_error_t *err)
{
    gg_camera_t *rows;
    int n;
    if (gg_camera_list(&w->op, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_camera(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static int camera_respond(gg_write_t *w, gg_error_t *err)
{
    gg_camera_t k;
    if (gg_camera_get(&w->op, w->result, &k, err) < 0) return -1;
    write_camera(gg_api_json(w->req, w->status), &k);
    return 0;
}

static const gg_field_t camera_fields[] = {
    {"source_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"external_id", GG_F_STR, 1, 1, 64, 0},
    {"name", GG_F_STR, 1, 1, 100, 0},
    {"lat", GG_F_NUM, 1, -90, 90, 0},
    {"lon", GG_F_NUM, 1, -180, 180, 0},
};

static int camera_create(gg_write_t *w, gg_error_t *err)
{
    gg_camera_t in = {.source_id = gg_json_int(w->body, "source_id", 0),
                      .external_id = gg_json_str(w->body, "external_id"),
                      .name = gg_json_str(w->body, "name"),
                      .lat = gg_json_num(w->body, "lat", 0),
                      .lon = gg_json_num(w->body, "lon", 0)};
    return gg_camera_create(&w->op, &in, &w->result, err);
}

static const gg_field_t camera_patch[] = {
    {"name", GG_F_STR, 0, 1, 100, 0},          {"lat", GG_F_NUM, 0, -90, 90, 0},
    {"lon", GG_F_NUM, 0, -180, 180, 0},        {"active", GG_F_BOOL, 0, 0, 0, 0},
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
};

static int camera_update(gg_write_t *w, gg_error_t *err)
{
    json_t *b = w->body;
    int has_point = json_object_get(b, "lat") && json_object_get(b, "lon");
    return gg_camera_update(&w->op, w->id, gg_json_str(b, "name"), has_point, gg_json_num(b, "lat", 0),
                            gg_json_num(b, "lon", 0),
                            json_object_get(b, "active") ? gg_json_bool(b, "active", 1) : -1,
                            (int)gg_json_int(b, "version", 0), err);
}

/* ?format=xlsx (api/export.h) */
static const gg_export_col_t camera_list_cols[] = {
    {"name", "名称", 20},         {"external_id", "设备编号", 20}, {"active", "启用", 6},
    {"alarm_count", "告警数", 8}, {"created_at", "创建时间", 26},
};
static const gg_export_t CAMERA_LIST_XLSX = {"cameras", "摄像头", GG_EXPORT_COLS(camera_list_cols)};

static const gg_write_op_t CAMERA_LIST = {.respond = camera_list, .xlsx = &CAMERA_LIST_XLSX};
static const gg_write_op_t CAMERA_CREATE = {.fields = GG_FIELDS(camera_fields),
                                            .run = camera_create,
                                            .respond = camera_respond,
                                            .status = 201,
                                            .location = "/api/v1/cameras/%lld"};
static const gg_write_op_t CAMERA_UPDATE = {
    .path_ids = {"id"}, .fields = GG_FIELDS(camera_patch), .run = camera_update, .respond = camera_respond};

static const gg_field_t type_fields[] = {
    {"alarm_type", GG_F_STR, 1, 1, 64, 0},
    {"category_id", GG_F_INT, 1, 1, INT64_MAX, 0},
};

static int type_run(gg_write_t *w, gg_error_t *err)
{
    return gg_video_type_put(&w->op, gg_json_str(w->body, "alarm_type"),
                             gg_json_int(w->body, "category_id", 0), err);
}

static const gg_write_op_t TYPE_PUT = {.fields = GG_FIELDS(type_fields), .run = type_run};

/* ---- the alarm ---- */

typedef struct {
    gg_req_t *req;
    gg_op_t *op;
    gg_case_in_t *in;
    int64_t source_id, attachment_id;
    const char *nonce, *alarm_type, *token;
    gg_camera_t *camera;
    int64_t now, id;
    char secret[44];
    int count, added;
} alarm_t;

static int alarm_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    alarm_t *x = ctx;
    x->added = 0;
    x->count = 1;
    if (gg_video_nonce_use(c, x->source_id, x->nonce, x->now, err) < 0) return -1;
    if (gg_video_open_case(c, x->op->arena, x->camera->id, x->alarm_type, x->now, &x->id, err) < 0) return -1;
    if (x->id) {
        x->added = 1;
        return gg_video_repeat(x->op, x->id, x->attachment_id, x->token, x->now, &x->count, err);
    }
    if (gg_api_case_create_run(x->req, x->op, x->in, &x->id, x->secret, err) < 0) return -1;
    return gg_video_started(x->op, x->id, x->camera->id, x->alarm_type, x->attachment_id, x->now, err);
}

/* The snapshot: base64 → a spool file → gg_attachment_store (sniffed, size-limited). */
static int store_snapshot(gg_req_t *req, gg_db_conn_t *c, const char *b64, const char *token, int64_t *id,
                          gg_error_t *err)
{
    gg_app_t *app = req->app;
    size_t cap = strlen(b64) / 4 * 3 + 3;
    unsigned char *bin = gg_alloc(req->arena, cap);
    size_t len = 0;
    if (sodium_base642bin(bin, cap, b64, strlen(b64), " \r\n", &len, NULL, sodium_base64_VARIANT_ORIGINAL) !=
        0) {
        gg_err_invalid(err, "snapshot_base64", "the snapshot is not base64");
        return gg_error_reason(err, "malformed");
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/snapshot-XXXXXX", app->tmp_dir);
    int fd = mkstemp(path);
    if (fd < 0) return gg_err_internal(err, "no spool file for the snapshot");
    unlink(path);
    int ok = write(fd, bin, len) == (ssize_t)len && lseek(fd, 0, SEEK_SET) == 0;
    if (!ok) {
        close(fd);
        return gg_err_internal(err, "the snapshot could not be spooled");
    }
    gg_attachment_upload_t in = {.fd = fd,
                                 .size = (int64_t)len,
                                 .declared_type = "image/jpeg",
                                 .name = "snapshot.jpg",
                                 .upload_token = token,
                                 .client_ip = gg_req_client_ip(req)};
    gg_attachment_t a;
    int rc = gg_attachment_store(c, req->arena, app->data_dir, &in, &a, err);
    close(fd);
    if (rc < 0) {
        if (!strcmp(err->field, "file")) snprintf(err->field, sizeof err->field, "snapshot_base64");
        return -1;
    }
    *id = a.id;
    return 0;
}

static void take_alarm(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"nonce", GG_F_STR, 1, 8, 64, 0},         {"camera_id", GG_F_STR, 1, 1, 64, 0},
        {"alarm_type", GG_F_STR, 1, 1, 64, 0},    {"occurred_at", GG_F_STR, 0, 0, 40, 1},
        {"description", GG_F_STR, 0, 0, 1000, 1}, {"snapshot_base64", GG_F_STR, 0, 0, 1400000, 1},
    };
    gg_app_t *app = req->app;
    gg_error_t err = {0};
    gg_db_conn_t *c = NULL;
    json_t *body = NULL;
    long long source_id;
    if (gg_api_push_sender(req, "X-Gridgov-Source", "name the video source (X-Gridgov-Source)", &source_id) <
        0)
        return;
    if (gg_api_conn(req, &c) < 0) return;
    const char *secret = NULL;
    int found;
    if (gg_video_source_secret(c, req->arena, &app->keys, source_id, &secret, &found, &err) < 0) goto fail;
    if (gg_api_push_verify(req, secret, found, "X-Gridgov-Source", "this source sends no alarms", &err) < 0)
        goto fail;
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) goto out;
    gg_camera_t cam;
    const char *type = gg_strdup(req->arena, gg_json_str(body, "alarm_type"));
    int64_t category;
    if (gg_video_camera(c, req->arena, source_id, gg_json_str(body, "camera_id"), &cam, &err) < 0 ||
        gg_video_type_category(c, type, &category, &err) < 0)
        goto fail;
    char token[44];
    gg_random_token(token);
    int64_t att = 0;
    const char *b64 = gg_json_str(body, "snapshot_base64");
    if (b64 && *b64 && store_snapshot(req, c, b64, token, &att, &err) < 0) goto fail;
    const char *desc = gg_json_str(body, "description");
    gg_case_in_t in = {.channel = "video_alarm",
                       .category_id = category,
                       .has_point = 1,
                       .lat = cam.lat,
                       .lon = cam.lon,
                       .upload_token = token};
    in.description = desc && *desc ? gg_strdup(req->arena, desc)
                                   : gg_sprintf(req->arena, "视频告警 %s（%s）", type, cam.name);
    in.address = gg_sprintf(req->arena, "摄像头 %s %s", cam.external_id, cam.name);
    if (att) {
        in.attachment_ids[0] = att;
        in.nattachments = 1;
    }
    if (gg_case_in_check(&in, &err) < 0) goto fail;
    gg_api_case_sync_grids(req, c);
    gg_grant_t grant = {.role = "video_source", .perms = GG_P_CASE_REPORT, .unit_path = "/"};
    gg_auth_t who = {.username = gg_sprintf(req->arena, "video:%lld", source_id),
                     .display_name = "视频告警",
                     .ngrants = 1,
                     .grants = &grant,
                     .perms_any = GG_P_CASE_REPORT,
                     .client_ip = gg_req_client_ip(req)};
    gg_op_t op = gg_op_make(c, req->arena, &who, &app->keys);
    alarm_t x = {.req = req,
                 .op = &op,
                 .in = &in,
                 .source_id = source_id,
                 .attachment_id = att,
                 .nonce = gg_strdup(req->arena, gg_json_str(body, "nonce")),
                 .alarm_type = type,
                 .token = token,
                 .camera = &cam,
                 .now = gg_now_ms()};
    if (gg_db_tx(c, alarm_tx, &x, &err) < 0) goto fail;
    const char *number = NULL;
    gg_db_res_t *r;
    if (gg_db_query(c, "SELECT number FROM case_item WHERE id = $1", GG_ARGS(GG_I64(x.id)), &r, &err) < 0)
        goto fail;
    if (gg_db_next(r, &err) == 1) number = gg_strdup(req->arena, gg_db_text(r, 0));
    gg_db_res_free(r);
    gg_jw_t *w = gg_api_json(req, x.added ? 200 : 201);
    gg_jw_obj(w);
    gg_jw_kbool(w, "accepted", 1);
    gg_jw_kbool(w, "added_to_open_case", x.added);
    gg_jw_kint(w, "case_id", x.id);
    gg_jw_kstr(w, "case_number", number);
    gg_jw_kint(w, "alarm_count", x.count);
    if (att)
        gg_jw_kint(w, "snapshot_attachment_id", att);
    else
        gg_jw_knull(w, "snapshot_attachment_id");
    gg_jw_obj_end(w);
    goto out;
fail:
    gg_api_error(req, &err);
out:
    if (body) json_decref(body);
    if (c) gg_api_release(req, c);
}

static const gg_api_route_t routes[] = {
    {"POST", "/api/v1/video/alarms", take_alarm, NULL, 0},
    GG_WRITE_ROUTE("POST", "/api/v1/video/sources", SOURCE_CREATE),
    GG_WRITE_ROUTE("POST", "/api/v1/video/alarm-types", TYPE_PUT),
    GG_WRITE_ROUTE("GET", "/api/v1/cameras", CAMERA_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/cameras", CAMERA_CREATE),
    GG_WRITE_ROUTE("PATCH", "/api/v1/cameras/{id}", CAMERA_UPDATE),
};

int gg_api_video_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
