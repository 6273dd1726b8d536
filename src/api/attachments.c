/* attachments.c — /api/v1: uploading attachments (logged in, or anonymous with an upload token), reading
 * their metadata and content, the public tracking page's photos, and the JSON of an attachment list
 * (see attachments.h; the rules are domain/attachment.h's).
 *
 * Uploads are upload routes with their own limit (http.h: gg_router_add_upload_ex): the body streams to an
 * unlinked temp file and is hashed on the way in; an oversized body still reaches the handler
 * (GG_UPLOAD_OWN_413) so the 413 names the field and the limit. */
#include "api/attachments.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "http/negotiate.h"

/* ---- JSON ---- */

void gg_api_attachment_json(gg_jw_t *w, const gg_attachment_t *a)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", a->id);
    gg_jw_kstr(w, "sha256", a->sha256);
    gg_jw_kstr(w, "mime", a->mime);
    gg_jw_kint(w, "size", a->size);
    gg_jw_kstr(w, "name", a->name);
    if (a->role) gg_jw_kstr(w, "role", a->role);
    gg_jw_ktime(w, "created_at", a->created_at);
    gg_jw_obj_end(w);
}

void gg_api_attachments_json(gg_jw_t *w, const gg_attachment_t *rows, int n, int64_t owner_id)
{
    gg_jw_arr(w);
    for (int i = 0; i < n; i++)
        if (!owner_id || rows[i].owner_id == owner_id) gg_api_attachment_json(w, &rows[i]);
    gg_jw_arr_end(w);
}

/* ---- helpers ---- */

static void too_large(gg_req_t *req)
{
    gg_error_t err;
    gg_error_set(&err, 413, "payload_too_large", "file", "the file is larger than the limit of %lld bytes",
                 (long long)gg_attachment_max_bytes());
    gg_error_limits(&err, "too_large", 0, 0, 1, gg_attachment_max_bytes());
    gg_api_error(req, &err);
}

/* The body as a descriptor: the spool file, or (a server without an upload dir: unit tests) a memfd. */
static int body_fd(gg_req_t *req)
{
    if (req->body_fd >= 0 || !req->body || !req->body_len) return req->body_fd;
    int fd = memfd_create("attachment", MFD_CLOEXEC);
    if (fd < 0) return -1;
    if (write(fd, req->body, req->body_len) != (ssize_t)req->body_len) {
        close(fd);
        return -1;
    }
    req->body_fd = fd; /* the server closes it */
    return fd;
}

static void answer_stored(gg_req_t *req, const gg_attachment_t *a, const char *token)
{
    gg_jw_t *w = gg_api_json(req, 201);
    gg_jw_obj(w);
    gg_jw_kint(w, "id", a->id);
    gg_jw_kstr(w, "sha256", a->sha256);
    gg_jw_kstr(w, "mime", a->mime);
    gg_jw_kint(w, "size", a->size);
    gg_jw_kstr(w, "name", a->name);
    gg_jw_ktime(w, "created_at", a->created_at);
    if (token) gg_jw_kstr(w, "upload_token", token);
    gg_jw_obj_end(w);
    gg_resp_header(req, "Location", gg_sprintf(req->arena, "/api/v1/attachments/%lld", (long long)a->id));
}

/* 1 when token looks like one this server hands out (gg_random_token: base64url) or a client made alike. */
static int token_ok(const char *t)
{
    size_t n = strlen(t);
    if (n < 22 || n > 64) return 0;
    for (; *t; t++)
        if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') || *t == '-' ||
              *t == '_'))
            return 0;
    return 1;
}

/* ---- uploads ---- */

static void upload(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    const char *name;
    if (req->body_too_large) {
        too_large(req);
        return;
    }
    if (gg_api_query_str(req, "name", 1000, &name) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (!gg_auth_has(auth, GG_P_CASE_REPORT) && !gg_auth_has(auth, GG_P_CASE_REPORT_OWN) &&
        !gg_auth_has(auth, GG_P_CASE_HANDLE) && !gg_auth_has(auth, GG_P_ASSESS_SCORE)) {
        gg_err_forbidden(&err, "you may not upload attachments (needs case.report, case.report_own, "
                               "case.handle or assess.score)");
        goto fail;
    }
    gg_attachment_upload_t in = {
        .fd = body_fd(req),
        .size = (int64_t)req->body_len,
        .sha256 = req->body_sha256_ok ? req->body_sha256 : NULL,
        .declared_type = gg_req_header(req, "Content-Type"),
        .name = name,
        .account_id = auth->account_id,
        .client_ip = gg_req_client_ip(req),
    };
    gg_attachment_t a;
    if (gg_attachment_store(c, req->arena, app->data_dir, &in, &a, &err) < 0) goto fail;
    gg_api_end(req, c);
    answer_stored(req, &a, NULL);
    return;
fail:
    gg_api_end(req, c);
    gg_api_error(req, &err);
}

static void public_upload(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_error_t err;
    const char *name, *token;
    if (req->body_too_large) {
        too_large(req);
        return;
    }
    if (gg_api_query_str(req, "name", 1000, &name) < 0 ||
        gg_api_query_str(req, "upload_token", 64, &token) < 0)
        return;
    if (token && !token_ok(token)) {
        gg_err_invalid(&err, "upload_token", "upload_token is not one this server handed out");
        gg_error_reason(&err, "malformed");
        gg_api_error(req, &err);
        return;
    }
    if (gg_api_conn(req, &c) < 0) return;
    if (gg_api_public_lookup(req, c) < 0 ||
        gg_api_public_hit(req, c, "attachment", app->public_limits.attachments_per_address) < 0) {
        gg_api_release(req, c);
        return;
    }
    if (!token) {
        char fresh[44];
        gg_random_token(fresh);
        token = gg_strdup(req->arena, fresh);
    }
    gg_attachment_upload_t in = {
        .fd = body_fd(req),
        .size = (int64_t)req->body_len,
        .sha256 = req->body_sha256_ok ? req->body_sha256 : NULL,
        .declared_type = gg_req_header(req, "Content-Type"),
        .name = name,
        .upload_token = token,
        .client_ip = gg_req_client_ip(req),
    };
    gg_attachment_t a;
    int rc = gg_attachment_store(c, req->arena, app->data_dir, &in, &a, &err);
    gg_api_release(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    answer_stored(req, &a, token);
}

/* ---- reading ---- */

/* Send the file of a (visible to this caller: checked by the caller; api/attachments.h) with its headers;
 * ranges and If-None-Match as the static files have them, ETag the sha256. */
void gg_api_attachment_send(gg_req_t *req, const gg_attachment_t *a)
{
    gg_app_t *app = req->app;
    const char *path = gg_attachment_path(req->arena, app->data_dir, a->sha256);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        gg_error_t err;
        gg_error_set(&err, 500, "internal", NULL, "the file of attachment %lld is missing", (long long)a->id);
        gg_api_error(req, &err);
        return;
    }
    char etag[72];
    snprintf(etag, sizeof etag, "\"%s\"", a->sha256);
    gg_resp_header(req, "ETag", etag);
    gg_resp_header(req, "Cache-Control", "private, max-age=3600");
    gg_resp_header(req, "Accept-Ranges", "bytes");
    gg_resp_header(req, "Content-Disposition",
                   gg_attachment_disposition(req->arena, a->name, a->id, a->mime));
    req->content_type = a->mime;
    const char *inm = gg_req_header(req, "If-None-Match");
    if (inm && gg_etag_listed(inm, etag)) {
        close(fd);
        req->status = 304;
        return;
    }
    uint64_t size = (uint64_t)st.st_size, from = 0, len = size;
    const char *if_range = gg_req_header(req, "If-Range");
    int range = (!if_range || strcmp(if_range, etag) == 0)
                    ? gg_byte_range(gg_req_header(req, "Range"), size, &from, &len)
                    : 0;
    if (range < 0) {
        close(fd);
        gg_resp_header(req, "Content-Range",
                       gg_sprintf(req->arena, "bytes */%llu", (unsigned long long)size));
        req->status = 416;
        req->content_type = "text/plain; charset=utf-8";
        return;
    }
    if (range > 0) {
        gg_resp_header(req, "Content-Range",
                       gg_sprintf(req->arena, "bytes %llu-%llu/%llu", (unsigned long long)from,
                                  (unsigned long long)(from + len - 1), (unsigned long long)size));
        req->status = 206;
    } else {
        req->status = 200;
    }
    req->file_fd = fd;
    req->file_offset = from;
    req->file_size = len;
}

/* The attachment of the path's {id} when this caller may see it; else the 404 (or 401) is written. */
static int visible(gg_req_t *req, gg_attachment_t *a)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return -1;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return -1;
    gg_op_t op = gg_op_make(c, req->arena, auth, &app->keys);
    int rc = gg_attachment_get(&op, id, a, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return -1;
    }
    return 0;
}

static void get_meta(gg_req_t *req)
{
    gg_attachment_t a;
    if (visible(req, &a) < 0) return;
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_kint(w, "id", a.id);
    gg_jw_kstr(w, "sha256", a.sha256);
    gg_jw_kstr(w, "mime", a.mime);
    gg_jw_kint(w, "size", a.size);
    gg_jw_kstr(w, "name", a.name);
    gg_jw_kbool(w, "linked", a.linked_at != 0);
    gg_jw_ktime(w, "created_at", a.created_at);
    gg_jw_kstr(w, "content_url", gg_sprintf(req->arena, "/api/v1/attachments/%lld/content", (long long)a.id));
    gg_jw_obj_end(w);
}

static void get_content(gg_req_t *req)
{
    gg_attachment_t a;
    if (visible(req, &a) < 0) return;
    gg_api_attachment_send(req, &a);
}

static void public_content(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_error_t err;
    int64_t id;
    const char *number = gg_req_param(req, "number"), *secret;
    if (gg_api_path_id(req, "id", &id) < 0 || gg_api_query_str(req, "secret", 200, &secret) < 0) return;
    if (gg_api_conn(req, &c) < 0) return;
    if (gg_api_public_lookup(req, c) < 0) {
        gg_api_release(req, c);
        return;
    }
    gg_attachment_t a;
    int rc = gg_attachment_public_get(c, req->arena, number, secret, id, &a, &err);
    gg_api_release(req, c);
    if (rc < 0) {
        /* before the case tables exist (0012) the join fails: still nothing to see */
        if (err.http_status >= 500) gg_err_not_found(&err, "no such attachment");
        gg_api_error(req, &err);
        return;
    }
    gg_api_attachment_send(req, &a);
}

int gg_api_attachment_routes(gg_router_t *r, gg_error_t *err)
{
    size_t max = (size_t)gg_attachment_max_bytes();
    if (gg_router_add_upload_ex(r, "POST", "/api/v1/attachments", upload, NULL, max,
                                GG_UPLOAD_SHA256 | GG_UPLOAD_OWN_413) < 0 ||
        gg_router_add_upload_ex(r, "POST", "/api/v1/public/attachments", public_upload, NULL, max,
                                GG_UPLOAD_SHA256 | GG_UPLOAD_OWN_413) < 0) {
        gg_error_set(err, 500, "route_conflict", NULL, "cannot register the attachment upload routes");
        return -1;
    }
    static const gg_api_route_t routes[] = {
        {"GET", "/api/v1/attachments/{id}", get_meta, NULL, 0},
        {"GET", "/api/v1/attachments/{id}/content", get_content, NULL, 0},
        {"GET", "/api/v1/public/cases/{number}/attachments/{id}", public_content, NULL, 0},
    };
    return GG_API_ROUTES(r, routes, err);
}
