/* api.c — shared handler plumbing: errors, bodies, authentication, query parameters, the route table. */
#include "api/api.h"
#include "api/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/attachments.h"
#include "api/body.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "domain/identity/session.h"
#include "domain/people/registration.h"
#include "domain/validate.h"
#include "domain/webhook.h"

int gg_api_register(gg_router_t *r, gg_error_t *err)
{
    int (*const resources[])(gg_router_t *, gg_error_t *) = {
        gg_api_health_routes,
        gg_api_session_routes,
        gg_api_account_routes,
        gg_api_audit_routes,
        gg_api_unit_routes,
        gg_api_grid_routes,
        gg_api_grid_assignment_routes,
        gg_api_place_routes,
        gg_api_resident_routes,
        gg_api_qr_routes,
        gg_api_transfer_routes,
        gg_api_map_routes,
        gg_api_category_routes,
        gg_api_calendar_routes,
        gg_api_attachment_routes,
        gg_api_case_routes,
        gg_api_public_case_routes,
        gg_api_hotline_line_routes,
        gg_api_case_action_routes,
        gg_api_public_category_routes,
        gg_api_open311_routes,
        gg_api_open311_key_routes,
        gg_api_webhook_routes,
        gg_api_hotline_link_routes,
        gg_api_video_routes,
        gg_api_command_routes,
        gg_api_notification_routes,
        gg_api_stream_routes,
        gg_api_report_routes,
        gg_api_measure_routes,
        gg_api_dispute_routes,
        gg_api_mediation_routes,
        gg_api_suggest_routes,
        gg_api_assessment_routes,
        gg_api_centre_routes,
        gg_api_petition_routes,
        gg_api_legal_routes,
        gg_api_visit_routes,
    };
    for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++)
        if (resources[i](r, err) < 0) return -1;
    return 0;
}

int gg_api_add_routes(gg_router_t *r, const gg_api_route_t *routes, int n, gg_error_t *err)
{
    for (int i = 0; i < n; i++) {
        const gg_api_route_t *rt = &routes[i];
        int rc = rt->upload ? gg_router_add_upload(r, rt->method, rt->pattern, rt->fn, rt->data)
                            : gg_router_add(r, rt->method, rt->pattern, rt->fn, rt->data);
        if (rc < 0) {
            gg_error_set(err, 500, "route_conflict", NULL,
                         "cannot register route %s %s: a bad pattern, a duplicate, or a parameter "
                         "named differently from another route's at the same place",
                         rt->method, rt->pattern);
            return -1;
        }
    }
    return 0;
}

void gg_api_error(gg_req_t *req, const gg_error_t *e)
{
    gg_resp_error(req, e, NULL);
}

void gg_api_error_retry(gg_req_t *req, const gg_error_t *e, int retry_after_s)
{
    if (e->http_status != 429 || retry_after_s <= 0) {
        gg_api_error(req, e);
        return;
    }
    char extra[48], secs[16];
    snprintf(extra, sizeof extra, "\"retry_after\":%d", retry_after_s);
    snprintf(secs, sizeof secs, "%d", retry_after_s);
    gg_resp_header(req, "Retry-After", secs);
    gg_resp_error(req, e, extra);
}

int gg_api_public_hit(gg_req_t *req, gg_db_conn_t *c, const char *prefix, int max)
{
    gg_app_t *app = req->app;
    gg_error_t err;
    int retry = 0;
    const char *key = gg_sprintf(req->arena, "%s:%s", prefix, gg_req_client_ip(req));
    if (gg_rate_limit_hit(c, key, max, app->public_limits.window_ms, &retry, &err) < 0) {
        gg_api_error_retry(req, &err, retry);
        return -1;
    }
    return 0;
}

int gg_api_push_sender(gg_req_t *req, const char *header, const char *missing, long long *id)
{
    const char *h = gg_req_header(req, header);
    char *end = NULL;
    *id = h ? strtoll(h, &end, 10) : 0;
    if (h && *h && !*end && *id > 0) return 0;
    gg_error_t err;
    gg_error_set(&err, 401, "unauthenticated", header, "%s", missing);
    gg_error_reason(&err, "required");
    gg_api_error(req, &err);
    return -1;
}

int gg_api_push_verify(gg_req_t *req, const char *secret, int found, const char *header, const char *unknown,
                       gg_error_t *err)
{
    if (!found) {
        gg_error_set(err, 401, "unauthenticated", header, "%s", unknown);
        return gg_error_reason(err, "bad_signature");
    }
    return gg_webhook_verify(secret, gg_req_header(req, "X-Gridgov-Signature"), req->body ? req->body : "",
                             req->body ? req->body_len : 0, gg_now_ms() / 1000, 300, "X-Gridgov-Signature",
                             err);
}

int gg_api_public_lookup(gg_req_t *req, gg_db_conn_t *c)
{
    return gg_api_public_hit(req, c, "public", ((gg_app_t *)req->app)->public_limits.lookups_per_address);
}

gg_jw_t *gg_api_json(gg_req_t *req, int status)
{
    gg_jw_t *w = gg_alloc(req->arena, sizeof *w);
    req->status = status;
    req->content_type = "application/json; charset=utf-8";
    req->out.len = 0;
    gg_jw_init(w, &req->out);
    return w;
}

gg_jw_t *gg_api_items(gg_req_t *req, int status)
{
    gg_jw_t *w = gg_api_json(req, status);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    return w;
}

void gg_api_items_end(gg_req_t *req, gg_jw_t *w, int n, int limit, int64_t last_id, int64_t total)
{
    gg_jw_arr_end(w);
    if (limit) gg_body_next(w, req->arena, n, limit, last_id);
    if (total >= 0) gg_jw_kint(w, "total", total);
    gg_jw_obj_end(w);
}

int gg_api_query_page(gg_req_t *req, int max, int def, gg_page_t *page)
{
    int64_t limit, after;
    /* an export (api/export.h): one page of up to GG_EXPORT_MAX_ROWS rows (a limit= given still applies) */
    if (gg_api_export_rows() > 0) max = def = gg_api_export_rows();
    if (gg_api_query_int(req, "limit", 1, max, def, &limit) < 0 ||
        gg_api_query_int(req, "after", 0, INT64_MAX, 0, &after) < 0)
        return -1;
    page->limit = (int)limit;
    page->after = after;
    return 0;
}

int gg_api_body(gg_req_t *req, const gg_field_t *fields, int nfields, json_t **out)
{
    gg_error_t err;
    *out = NULL;
    /* JSON only: a cross-site HTML form cannot send application/json without a CORS preflight */
    const char *ct = gg_req_header(req, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
        gg_error_set(&err, 415, "unsupported_media_type", NULL,
                     "send the body as Content-Type: application/json");
        gg_api_error(req, &err);
        return -1;
    }
    json_t *root = NULL;
    if (gg_json_parse_body(req->body, req->body_len, &root, &err) < 0 ||
        gg_json_check(root, fields, nfields, "", &err) < 0) {
        if (root) json_decref(root);
        gg_api_error(req, &err);
        return -1;
    }
    *out = root;
    return 0;
}

int gg_api_conn(gg_req_t *req, gg_db_conn_t **c)
{
    gg_app_t *app = req->app;
    gg_error_t err;
    if (gg_db_acquire(app->db, c, &err) < 0) {
        gg_api_error(req, &err);
        return -1;
    }
    return 0;
}

void gg_api_release(gg_req_t *req, gg_db_conn_t *c)
{
    gg_app_t *app = req->app;
    if (c) gg_db_release(app->db, c);
}

const char *gg_api_token(gg_req_t *req, int *via_cookie)
{
    const char *h = gg_req_header(req, "Authorization");
    *via_cookie = 0;
    if (h && strncasecmp(h, "Bearer ", 7) == 0) return h + 7;
    const char *ck = gg_req_cookie(req, GG_SESSION_COOKIE);
    if (ck && *ck) {
        *via_cookie = 1;
        return ck;
    }
    return NULL;
}

int gg_api_begin(gg_req_t *req, int flags, gg_db_conn_t **c, gg_auth_t **auth)
{
    gg_app_t *app = req->app;
    gg_error_t err;
    int via_cookie;
    *c = NULL;
    *auth = NULL;
    const char *token = gg_api_token(req, &via_cookie);
    if (!token) {
        gg_error_set(&err, 401, "unauthenticated", NULL, "please log in");
        gg_api_error(req, &err);
        return -1;
    }
    if (gg_api_conn(req, c) < 0) return -1;
    gg_auth_t *a = gg_zalloc(req->arena, sizeof *a);
    if (gg_session_authenticate(*c, req->arena, &app->sec, token, gg_req_client_ip(req), a, &err) < 0)
        goto fail;
    if (via_cookie && req->method != GG_GET && req->method != GG_HEAD && req->method != GG_OPTIONS) {
        const char *csrf = gg_req_header(req, GG_CSRF_HEADER);
        if (!csrf || !gg_ct_streq(csrf, a->csrf)) {
            gg_error_set(&err, 403, "csrf_failed", NULL,
                         "this request needs the " GG_CSRF_HEADER " header of your session; reload the page");
            goto fail;
        }
    }
    if (a->must_change_password && !(flags & GG_API_ALLOW_PWCHANGE)) {
        gg_error_set(&err, 403, "password_change_required", NULL, "change your password before you continue");
        goto fail;
    }
    *auth = a;
    req->user = a;
    return 0;
fail:
    gg_api_error(req, &err);
    gg_api_release(req, *c);
    *c = NULL;
    return -1;
}

void gg_api_end(gg_req_t *req, gg_db_conn_t *c)
{
    gg_api_release(req, c);
}

int gg_api_query_int(gg_req_t *req, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out)
{
    const char *v = gg_req_query(req, name);
    *out = def;
    if (!v || !*v) return 0;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end || n < min || n > max) {
        gg_error_t err;
        gg_err_invalid(&err, name, "query parameter %s must be a whole number from %lld to %lld", name,
                       (long long)min, (long long)max);
        gg_error_limits(&err, "out_of_range", 1, (long long)min, 1, (long long)max);
        gg_api_error(req, &err);
        return -1;
    }
    *out = n;
    return 0;
}

int gg_api_query_str(gg_req_t *req, const char *name, size_t max_chars, const char **out)
{
    const char *v = gg_req_query(req, name);
    *out = NULL;
    if (!v) return 0;
    gg_error_t err;
    if (!gg_utf8_valid(v, strlen(v))) {
        gg_err_invalid(&err, name, "query parameter %s is not valid UTF-8", name);
        gg_error_reason(&err, "malformed");
        gg_api_error(req, &err);
        return -1;
    }
    if (gg_utf8_len(v) > max_chars) {
        gg_err_invalid(&err, name, "query parameter %s is too long (at most %zu characters)", name,
                       max_chars);
        gg_error_limits(&err, "too_long", 0, 0, 1, (long long)max_chars);
        gg_api_error(req, &err);
        return -1;
    }
    *out = v;
    return 0;
}

int gg_api_query_date(gg_req_t *req, const char *name, int next_day, int64_t *out)
{
    const char *v;
    *out = 0;
    if (gg_api_query_str(req, name, 10, &v) < 0) return -1;
    if (!v || !*v) return 0;
    gg_error_t err;
    if (gg_date_valid(v, name, &err) < 0) {
        gg_err_invalid(&err, name, "%s is a date YYYY-MM-DD", name);
        gg_error_reason(&err, "malformed");
        gg_api_error(req, &err);
        return -1;
    }
    *out = gg_date_ms(v) + (next_day ? 86400000LL : 0);
    return 0;
}

int gg_api_query_reveal(gg_req_t *req, gg_reveal_t *rv)
{
    const char *v;
    *rv = (gg_reveal_t){0};
    if (gg_api_query_str(req, "reveal", 32, &v) < 0) return -1;
    if (!v) return 0;
    char *list = gg_strdup(req->arena, v), *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "id_number") == 0) {
            rv->id_number = 1;
        } else if (strcmp(tok, "phone") == 0) {
            rv->phone = 1;
        } else {
            gg_error_t err;
            gg_err_invalid(&err, "reveal", "reveal may name id_number and phone (comma-separated)");
            gg_api_error(req, &err);
            return -1;
        }
    }
    return 0;
}

int gg_api_reveal_check(const gg_auth_t *auth, gg_reveal_t *rv, const char *unit_path, const char *id_number,
                        const char *phone, const char *what, gg_error_t *err)
{
    if (!rv->id_number && !rv->phone) return 0;
    /* only fields that hold something are revealed, and only those are on the record */
    rv->id_number = rv->id_number && id_number;
    rv->phone = rv->phone && phone;
    rv->nfields = 0;
    if (rv->id_number) rv->fields[rv->nfields++] = "id_number";
    if (rv->phone) rv->fields[rv->nfields++] = "phone";
    if (!gg_auth_can(auth, GG_P_PII_READ, unit_path))
        return gg_err_forbidden(err, "you may not see unmasked personal data of this %s", what);
    return 0;
}

int gg_api_path_id(gg_req_t *req, const char *name, int64_t *out)
{
    const char *v = gg_req_param(req, name);
    char *end;
    errno = 0;
    long long n = v ? strtoll(v, &end, 10) : 0;
    if (!v || errno || *end || n <= 0) {
        gg_error_t err;
        gg_err_not_found(&err, "no such resource");
        gg_api_error(req, &err);
        return -1;
    }
    *out = n;
    return 0;
}
