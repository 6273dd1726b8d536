/*
 * open311.c — /open311/v2/: Open311 GeoReport v2 (docs/api.md "Open311"), as the specification defines it
 * (http://wiki.open311.org/GeoReport_v2) and as its clients call it:
 *   GET  discovery.(json|xml)              the endpoint's description
 *   GET  services.(json|xml)               the categories offered (domain/open311.h)
 *   GET  services/{code}.(json|xml)        a service definition: its questions (attributes)
 *   GET  requests.(json|xml)               cases of channel open311: service_request_id, service_code,
 *                                          start_date, end_date, status; last 90 days, at most 1000
 *   POST requests.(json|xml)               form-encoded, api_key required (403), rate-limited per key (429)
 *   GET  requests/{id}.(json|xml)          one request
 *   GET  tokens/{token}.(json|xml)         the request a token stands for (this server answers at once, so
 *                                          every token already has its service_request_id)
 *   GET  media/{id}                        a photo of a public step of an open311 case (media_url)
 * Every answer is a list (JSON array, XML root with items) or the spec's error document
 * ([{"code":400,"description":"…"}], <errors><error>…); ids and codes are strings, times RFC 3339 with the
 * +08:00 offset.  An api_key given with a GET limits it to the key's subtree.  No answer has a name, a phone
 * or an e-mail.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "api/attachments.h"
#include "api/cases/cases_internal.h"
#include "core/clock.h"
#include "core/form.h"
#include "core/log.h"
#include "core/utf8.h"
#include "domain/cases/calendar.h"
#include "domain/open311.h"
#include "domain/setting.h"

#define OFFSET_MIN 480 /* the answers' offset: China Standard Time */
#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"

/* ---- one writer for both formats ---- */

typedef struct doc {
    gg_req_t *req;
    int xml;
    gg_jw_t *jw;
    gg_buf_t *b;
    const char *item[8]; /* XML: the element of a scalar list's items, per depth */
    int depth;
} doc_t;

static void xml_text(gg_buf_t *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '<':
            gg_buf_puts(b, "&lt;");
            break;
        case '>':
            gg_buf_puts(b, "&gt;");
            break;
        case '&':
            gg_buf_puts(b, "&amp;");
            break;
        case '"':
            gg_buf_puts(b, "&quot;");
            break;
        case '\'':
            gg_buf_puts(b, "&apos;");
            break;
        default:
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') break; /* not allowed in XML 1.0 */
            gg_buf_putc(b, (char)*p);
        }
    }
}

static void doc_start(doc_t *d, gg_req_t *req, int xml, int status)
{
    memset(d, 0, sizeof *d);
    d->req = req;
    d->xml = xml;
    req->status = status;
    req->out.len = 0;
    /* for pages of other sites: no cookie is ever read here (a POST carries its api_key), so no credentials
     */
    gg_resp_header(req, "Access-Control-Allow-Origin", "*");
    if (xml) {
        req->content_type = "text/xml; charset=utf-8";
        d->b = &req->out;
        gg_buf_puts(d->b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    } else {
        d->jw = gg_api_json(req, status);
    }
}

/* A list: JSON [ (or "key": [ inside an object when key); XML <tag>, its scalar items as <item>. */
static void d_list(doc_t *d, const char *key, const char *tag, const char *item)
{
    if (d->xml) {
        gg_buf_printf(d->b, "<%s>", tag);
        d->item[++d->depth & 7] = item;
    } else {
        if (key) gg_jw_key(d->jw, key);
        gg_jw_arr(d->jw);
    }
}

static void d_list_end(doc_t *d, const char *tag)
{
    if (d->xml) {
        gg_buf_printf(d->b, "</%s>", tag);
        d->depth--;
    } else {
        gg_jw_arr_end(d->jw);
    }
}

static void d_obj(doc_t *d, const char *key, const char *tag)
{
    if (d->xml) {
        gg_buf_printf(d->b, "<%s>", tag);
    } else {
        if (key) gg_jw_key(d->jw, key);
        gg_jw_obj(d->jw);
    }
}

static void d_obj_end(doc_t *d, const char *tag)
{
    if (d->xml)
        gg_buf_printf(d->b, "</%s>", tag);
    else
        gg_jw_obj_end(d->jw);
}

static void d_str(doc_t *d, const char *k, const char *v)
{
    if (d->xml) {
        gg_buf_printf(d->b, "<%s>", k);
        xml_text(d->b, v);
        gg_buf_printf(d->b, "</%s>", k);
    } else {
        gg_jw_kstr(d->jw, k, v);
    }
}

/* A scalar list item. */
static void d_item(doc_t *d, const char *v)
{
    if (d->xml)
        d_str(d, d->item[d->depth & 7], v);
    else
        gg_jw_str(d->jw, v);
}

static void d_bool(doc_t *d, const char *k, int v)
{
    if (d->xml)
        d_str(d, k, v ? "true" : "false");
    else
        gg_jw_kbool(d->jw, k, v);
}

static void d_int(doc_t *d, const char *k, int64_t v)
{
    if (d->xml)
        d_str(d, k, gg_sprintf(d->req->arena, "%lld", (long long)v));
    else
        gg_jw_kint(d->jw, k, v);
}

/* A coordinate with at most 7 decimals (about 1 cm), trailing zeros dropped, written without printf (a
 * listing has two per request). */
static const char *coord_text(char out[32], double v)
{
    int64_t u = (int64_t)llround((v < 0 ? -v : v) * 10000000.0);
    char digits[24];
    int n = 0;
    int64_t whole = u / 10000000, frac = u % 10000000;
    do {
        digits[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    char *p = out;
    if (v < 0 && u) *p++ = '-';
    while (n)
        *p++ = digits[--n];
    if (frac) {
        char f[7];
        for (int i = 6; i >= 0; i--) {
            f[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        int len = 7;
        while (len && f[len - 1] == '0')
            len--;
        *p++ = '.';
        memcpy(p, f, (size_t)len);
        p += len;
    }
    *p = '\0';
    return out;
}

static void d_num(doc_t *d, const char *k, int has, double v)
{
    char buf[32];
    if (!has) {
        if (d->xml)
            d_str(d, k, "");
        else
            gg_jw_knull(d->jw, k);
    } else if (d->xml) {
        d_str(d, k, coord_text(buf, v));
    } else {
        gg_jw_key(d->jw, k);
        coord_text(buf, v);
        gg_jw_raw(d->jw, buf, strlen(buf));
    }
}

static void two(char *p, int v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

/* An instant as RFC 3339 at +08:00 ("2026-12-04T20:41:02+08:00"); 0 is null.  Without printf: a listing has
 * three per request. */
static const char *local_time(gg_arena_t *a, int64_t ms)
{
    if (!ms) return NULL;
    time_t t = (time_t)(ms / 1000) + OFFSET_MIN * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    char *s = gg_alloc(a, 26);
    int y = tm.tm_year + 1900;
    two(s, y / 100);
    two(s + 2, y % 100);
    s[4] = '-';
    two(s + 5, tm.tm_mon + 1);
    s[7] = '-';
    two(s + 8, tm.tm_mday);
    s[10] = 'T';
    two(s + 11, tm.tm_hour);
    s[13] = ':';
    two(s + 14, tm.tm_min);
    s[16] = ':';
    two(s + 17, tm.tm_sec);
    s[19] = '+';
    two(s + 20, OFFSET_MIN / 60);
    s[22] = ':';
    two(s + 23, OFFSET_MIN % 60);
    s[25] = '\0';
    return s;
}

static void d_time(doc_t *d, const char *k, int64_t ms)
{
    d_str(d, k, local_time(d->req->arena, ms));
}

/* ---- errors ---- */

static const char *open311_field(const char *field)
{
    static const char *const map[][2] = {
        {"location", "lat"},
        {"lon", "long"},
        {"category_id", "service_code"},
        {"reporter_phone", "phone"},
        {"reporter_name", "first_name"},
        {"name", "first_name"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i][0], field)) return map[i][1];
    return field;
}

static void error_doc(gg_req_t *req, int xml, int status, const char *description)
{
    doc_t d;
    doc_start(&d, req, xml, status);
    d_list(&d, NULL, "errors", NULL);
    d_obj(&d, NULL, "error");
    d_int(&d, "code", status);
    d_str(&d, "description", description);
    d_obj_end(&d, "error");
    d_list_end(&d, "errors");
}

static void error_of(gg_req_t *req, int xml, const gg_error_t *e)
{
    int status = e->http_status ? e->http_status : 500;
    if (status >= 500) gg_log_warn("open311: %s", e->message);
    const char *msg = status >= 500 ? "the server could not answer; try again later" : e->message;
    const char *desc = e->field[0] ? gg_sprintf(req->arena, "%s: %s", open311_field(e->field), msg)
                                   : gg_strdup(req->arena, msg);
    error_doc(req, xml, status, desc);
}

/* ".json" / ".xml" at the end of s: the format (0 json, 1 xml) and *stem the rest; -1 for neither. */
static int split_format(gg_arena_t *a, const char *s, const char **stem)
{
    size_t n = s ? strlen(s) : 0;
    if (n > 5 && !strcmp(s + n - 5, ".json")) {
        *stem = gg_strndup(a, s, n - 5);
        return 0;
    }
    if (n > 4 && !strcmp(s + n - 4, ".xml")) {
        *stem = gg_strndup(a, s, n - 4);
        return 1;
    }
    return -1;
}

static int route_xml(gg_req_t *req)
{
    return req->route_data && !strcmp((const char *)req->route_data, "xml");
}

/* jurisdiction_id (query or form) against the setting open311_jurisdiction_id: unset accepts any. */
static int jurisdiction_ok(gg_req_t *req, gg_db_conn_t *c, int xml, const char *given)
{
    if (!given || !*given) return 0;
    const char *mine = NULL;
    gg_error_t err;
    if (gg_setting_get(c, req->arena, "open311_jurisdiction_id", &mine, &err) < 0) mine = NULL;
    if (!mine || !strcmp(mine, given)) return 0;
    error_doc(req, xml, 404,
              gg_sprintf(req->arena, "jurisdiction_id: this endpoint does not serve \"%s\"", given));
    return -1;
}

/* The base URL of this server as clients reach it (public_url, else the Host header). */
static const char *base_url(gg_req_t *req)
{
    gg_app_t *app = req->app;
    if (app->public_url && *app->public_url) return app->public_url;
    const char *host = gg_req_header(req, "Host");
    return gg_sprintf(req->arena, "%s://%s", gg_req_is_https(req) ? "https" : "http",
                      host ? host : "localhost");
}

/* ---- discovery ---- */

static void discovery(gg_req_t *req)
{
    int xml = route_xml(req);
    doc_t d;
    doc_start(&d, req, xml, 200);
    d_obj(&d, NULL, "discovery");
    d_str(&d, "changeset", "2026-12-04T00:00:00+08:00");
    d_str(&d, "contact", "请联系网格化服务管理中心 (the grid management centre of this installation)");
    d_str(&d, "key_service", "API keys are issued by this installation's administrator (Open311 接口密钥)");
    d_list(&d, "endpoints", "endpoints", NULL);
    d_obj(&d, NULL, "endpoint");
    d_str(&d, "specification", SPEC_URL);
    d_str(&d, "url", gg_sprintf(req->arena, "%s/open311/v2", base_url(req)));
    d_str(&d, "changeset", "2026-12-04T00:00:00+08:00");
    d_str(&d, "type", "production");
    d_list(&d, "formats", "formats", "format");
    d_item(&d, "text/xml");
    d_item(&d, "application/json");
    d_list_end(&d, "formats");
    d_obj_end(&d, "endpoint");
    d_list_end(&d, "endpoints");
    d_obj_end(&d, "discovery");
}

/* ---- services ---- */

static int begin(gg_req_t *req, int xml, gg_db_conn_t **c)
{
    gg_app_t *app = req->app;
    gg_error_t err;
    if (gg_db_acquire(app->db, c, &err) < 0) {
        error_doc(req, xml, 503, "the database is not reachable; try again later");
        return -1;
    }
    if (jurisdiction_ok(req, *c, xml, gg_req_query(req, "jurisdiction_id")) < 0) {
        gg_db_release(app->db, *c);
        return -1;
    }
    return 0;
}

static void end(gg_req_t *req, gg_db_conn_t *c)
{
    gg_app_t *app = req->app;
    gg_db_release(app->db, c);
}

static void services(gg_req_t *req)
{
    int xml = route_xml(req);
    gg_db_conn_t *c;
    gg_error_t err;
    if (begin(req, xml, &c) < 0) return;
    gg_o311_service_t *rows;
    int n;
    int rc = gg_o311_services(c, req->arena, &rows, &n, &err);
    end(req, c);
    if (rc < 0) {
        error_of(req, xml, &err);
        return;
    }
    doc_t d;
    doc_start(&d, req, xml, 200);
    d_list(&d, NULL, "services", NULL);
    for (int i = 0; i < n; i++) {
        d_obj(&d, NULL, "service");
        d_str(&d, "service_code", rows[i].code);
        d_str(&d, "service_name", rows[i].name);
        d_str(&d, "description", rows[i].description);
        d_bool(&d, "metadata", rows[i].nattrs > 0);
        d_str(&d, "type", "realtime");
        d_str(&d, "keywords", rows[i].keywords ? rows[i].keywords : "");
        d_str(&d, "group", rows[i].group ? rows[i].group : "");
        d_obj_end(&d, "service");
    }
    d_list_end(&d, "services");
}

static void service_definition(gg_req_t *req)
{
    const char *code;
    int xml = split_format(req->arena, gg_req_param(req, "code"), &code);
    if (xml < 0) {
        error_doc(req, 0, 404, "name the format: services/{service_code}.json or .xml");
        return;
    }
    gg_db_conn_t *c;
    gg_error_t err;
    if (begin(req, xml, &c) < 0) return;
    gg_o311_service_t svc;
    gg_o311_attr_t *qs = NULL;
    int nq = 0;
    int rc = gg_o311_service_find(c, req->arena, code, &svc, &err);
    if (rc == 0) rc = gg_o311_attributes(c, req->arena, svc.category_id, &qs, &nq, &err);
    end(req, c);
    if (rc < 0) {
        error_of(req, xml, &err);
        return;
    }
    doc_t d;
    doc_start(&d, req, xml, 200);
    d_obj(&d, NULL, "service_definition");
    d_str(&d, "service_code", svc.code);
    d_list(&d, "attributes", "attributes", NULL);
    for (int i = 0; i < nq; i++) {
        d_obj(&d, NULL, "attribute");
        d_bool(&d, "variable", 1);
        d_str(&d, "code", qs[i].code);
        d_str(&d, "datatype", qs[i].datatype);
        d_bool(&d, "required", qs[i].required);
        d_str(&d, "datatype_description", qs[i].datatype_description ? qs[i].datatype_description : "");
        d_int(&d, "order", i + 1);
        d_str(&d, "description", qs[i].description);
        if (qs[i].nvalues) {
            d_list(&d, "values", "values", NULL);
            for (int j = 0; j < qs[i].nvalues; j++) {
                d_obj(&d, NULL, "value");
                d_str(&d, "key", qs[i].values[j].key);
                d_str(&d, "name", qs[i].values[j].name);
                d_obj_end(&d, "value");
            }
            d_list_end(&d, "values");
        }
        d_obj_end(&d, "attribute");
    }
    d_list_end(&d, "attributes");
    d_obj_end(&d, "service_definition");
}

/* ---- requests ---- */

/* The api_key (form first, then query) as a live key: 1 found, 0 none given, -1 a wrong or revoked key
 * (403 written) or a database error (written). */
static int key_of(gg_req_t *req, gg_db_conn_t *c, int xml, const char *given, gg_o311_key_t *k)
{
    gg_error_t err;
    int found = 0;
    if (!given || !*given) return 0;
    if (gg_o311_key_find(c, req->arena, given, k, &found, &err) < 0) {
        error_of(req, xml, &err);
        return -1;
    }
    if (!found) {
        error_doc(req, xml, 403, "api_key: the key is unknown or revoked");
        return -1;
    }
    return 1;
}

static void write_request(doc_t *d, const gg_o311_request_t *q)
{
    d_obj(d, NULL, "request");
    d_str(d, "service_request_id", q->number);
    d_str(d, "status", q->status);
    d_str(d, "status_notes", q->status_notes ? q->status_notes : "");
    d_str(d, "service_name", q->service_name);
    d_str(d, "service_code", q->service_code);
    d_str(d, "description", q->description);
    d_str(d, "agency_responsible", q->agency);
    d_str(d, "service_notice", "");
    d_time(d, "requested_datetime", q->requested_at);
    d_time(d, "updated_datetime", q->updated_at);
    d_time(d, "expected_datetime", q->expected_at);
    d_str(d, "address", q->address ? q->address : "");
    d_str(d, "address_id", "");
    d_str(d, "zipcode", "");
    d_num(d, "lat", q->has_point, q->lat);
    d_num(d, "long", q->has_point, q->lon);
    const char *media = q->photo_id ? gg_sprintf(d->req->arena, "%s/open311/v2/media/%lld", base_url(d->req),
                                                 (long long)q->photo_id)
                                    : q->media_url;
    d_str(d, "media_url", media ? media : "");
    d_obj_end(d, "request");
}

static void write_requests(gg_req_t *req, int xml, const gg_o311_request_t *rows, int n)
{
    doc_t d;
    doc_start(&d, req, xml, 200);
    d_list(&d, NULL, "service_requests", NULL);
    for (int i = 0; i < n; i++)
        write_request(&d, &rows[i]);
    d_list_end(&d, "service_requests");
}

/* Split a comma list into trimmed non-empty items (at most max). */
static int split_list(gg_arena_t *a, const char *s, const char ***out, int max)
{
    int n = 0;
    const char **items = gg_alloc(a, sizeof *items * (size_t)max);
    while (s && *s && n < max) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        while (len && (*s == ' ')) {
            s++;
            len--;
        }
        while (len && s[len - 1] == ' ')
            len--;
        if (len) items[n++] = gg_strndup(a, s, len);
        if (!e) break;
        s = e + 1;
    }
    *out = items;
    return n;
}

static int time_param(gg_req_t *req, int xml, const char *name, int64_t *out)
{
    const char *v = gg_req_query(req, name);
    *out = 0;
    if (!v || !*v) return 0;
    if (gg_cal_parse_instant(v, out) < 0) {
        error_doc(req, xml, 400,
                  gg_sprintf(req->arena,
                             "%s: \"%s\" is not an RFC 3339 date-time (2026-12-04T08:00:00+08:00)", name, v));
        return -1;
    }
    return 0;
}

/* ---- the listing's short cache ----
 * GET requests is public and the same for everyone asking the same question, and clients poll it: an answer
 * is kept for at most a second, and only while no Open311 case changed (the newest updated_at of the open311
 * cases, read through its index on every request, on any node).  So an answer is never older than a change
 * by more than a second's window, and usually not at all. */
#define LIST_CACHE_N 16
#define LIST_CACHE_MS 1000

typedef struct list_entry {
    char *key, *body;
    size_t len;
    int64_t version, at_ms;
} list_entry_t;

static list_entry_t list_cache[LIST_CACHE_N];
static unsigned list_next;
static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;

static int add_query(void *ctx, const char *key, const char *value)
{
    gg_buf_t *b = ctx;
    gg_buf_puts(b, key);
    gg_buf_putc(b, '=');
    gg_buf_puts(b, value ? value : "");
    gg_buf_putc(b, '\x1f');
    return 0;
}

/* The question as one string: the format and every query argument in order. */
static const char *list_key(gg_req_t *req, int xml)
{
    gg_buf_t b = {0};
    gg_buf_puts(&b, xml ? "xml?" : "json?");
    gg_req_query_each(req, add_query, &b);
    const char *k = gg_strdup(req->arena, b.data);
    gg_buf_free(&b);
    return k;
}

/* 1 and the answer written when a fresh copy is kept. */
static int list_cached(gg_req_t *req, int xml, const char *key, int64_t version)
{
    int64_t now = gg_now_ms();
    int hit = 0;
    pthread_mutex_lock(&list_mu);
    for (int i = 0; i < LIST_CACHE_N && !hit; i++) {
        list_entry_t *e = &list_cache[i];
        if (e->key && e->version == version && now - e->at_ms < LIST_CACHE_MS && now >= e->at_ms &&
            !strcmp(e->key, key)) {
            doc_t d;
            doc_start(&d, req, xml, 200);
            req->out.len = 0;
            gg_buf_append(&req->out, e->body, e->len);
            hit = 1;
        }
    }
    pthread_mutex_unlock(&list_mu);
    return hit;
}

static void list_keep(gg_req_t *req, const char *key, int64_t version, int64_t at_ms)
{
    pthread_mutex_lock(&list_mu);
    list_entry_t *e = &list_cache[list_next++ % LIST_CACHE_N];
    free(e->key);
    free(e->body);
    e->key = gg_xstrdup(key);
    e->body = gg_xmalloc(req->out.len ? req->out.len : 1);
    memcpy(e->body, req->out.data, req->out.len);
    e->len = req->out.len;
    e->version = version;
    e->at_ms = at_ms;
    pthread_mutex_unlock(&list_mu);
}

static void list_requests(gg_req_t *req, int xml)
{
    gg_db_conn_t *c;
    gg_error_t err;
    gg_o311_filter_t f = {0};
    const char *status = gg_req_query(req, "status");
    if (status && *status) {
        if (!strcmp(status, "open"))
            f.status = 1;
        else if (!strcmp(status, "closed"))
            f.status = 2;
        else {
            error_doc(req, xml, 400, "status: open or closed");
            return;
        }
    }
    if (time_param(req, xml, "start_date", &f.start) < 0 || time_param(req, xml, "end_date", &f.end) < 0)
        return;
    if (f.start && f.end && f.end < f.start) {
        error_doc(req, xml, 400, "end_date: before start_date");
        return;
    }
    const char *ids = gg_req_query(req, "service_request_id");
    f.nnumbers = split_list(req->arena, ids, &f.numbers, GG_O311_MAX_LIST);
    if (ids && *ids && !f.nnumbers) f.nnumbers = -1;
    /* the defaults: without ids, the last 90 days (before end_date when given), at most 1000 */
    if (!f.nnumbers && !f.start) {
        int64_t until = f.end ? f.end : gg_now_ms();
        f.start = until - (int64_t)GG_O311_DEFAULT_DAYS * 86400000;
    }
    f.limit = GG_O311_MAX_LIST;
    if (begin(req, xml, &c) < 0) return;
    gg_o311_key_t key;
    int has_key = key_of(req, c, xml, gg_req_query(req, "api_key"), &key);
    if (has_key < 0) {
        end(req, c);
        return;
    }
    if (has_key) f.within_path = key.unit_path;
    int64_t version = 0, started = gg_now_ms();
    const char *ckey = list_key(req, xml);
    if (gg_o311_list_version(c, &version, &err) < 0) version = -1; /* unknown: neither served nor kept */
    if (version >= 0 && list_cached(req, xml, ckey, version)) {
        end(req, c);
        return;
    }
    const char *codes = gg_req_query(req, "service_code");
    if (codes && *codes) {
        const char **list;
        int nc = split_list(req->arena, codes, &list, 200);
        gg_o311_service_t *svcs;
        int ns;
        if (gg_o311_services(c, req->arena, &svcs, &ns, &err) < 0) {
            end(req, c);
            error_of(req, xml, &err);
            return;
        }
        int64_t *cats = gg_alloc(req->arena, sizeof *cats * (size_t)(nc + 1));
        for (int i = 0; i < nc; i++)
            for (int j = 0; j < ns; j++)
                if (!strcmp(list[i], svcs[j].code)) cats[f.ncategories++] = svcs[j].category_id;
        f.categories = cats;
        if (!f.ncategories) f.ncategories = -1;
    }
    gg_o311_request_t *rows;
    int n;
    int rc = gg_o311_requests(c, req->arena, &f, &rows, &n, &err);
    end(req, c);
    if (rc < 0) {
        error_of(req, xml, &err);
        return;
    }
    write_requests(req, xml, rows, n);
    if (version >= 0) list_keep(req, ckey, version, started);
}

static void one_request(gg_req_t *req)
{
    const char *id;
    int xml = split_format(req->arena, gg_req_param(req, "id"), &id);
    if (xml < 0) {
        error_doc(req, 0, 404, "name the format: requests/{service_request_id}.json or .xml");
        return;
    }
    gg_db_conn_t *c;
    gg_error_t err;
    if (begin(req, xml, &c) < 0) return;
    gg_o311_key_t key;
    int has_key = key_of(req, c, xml, gg_req_query(req, "api_key"), &key);
    if (has_key < 0) {
        end(req, c);
        return;
    }
    gg_o311_filter_t f = {
        .numbers = &id, .nnumbers = 1, .limit = 1, .within_path = has_key ? key.unit_path : NULL};
    gg_o311_request_t *rows;
    int n;
    int rc = gg_o311_requests(c, req->arena, &f, &rows, &n, &err);
    end(req, c);
    if (rc < 0) {
        error_of(req, xml, &err);
        return;
    }
    if (!n) {
        error_doc(req, xml, 404, gg_sprintf(req->arena, "service_request_id: no request \"%s\"", id));
        return;
    }
    write_requests(req, xml, rows, n);
}

static void token(gg_req_t *req)
{
    const char *t;
    int xml = split_format(req->arena, gg_req_param(req, "token"), &t);
    if (xml < 0) {
        error_doc(req, 0, 404, "name the format: tokens/{token}.json or .xml");
        return;
    }
    gg_db_conn_t *c;
    gg_error_t err;
    if (begin(req, xml, &c) < 0) return;
    const char *number = NULL;
    int rc = gg_o311_token_number(c, req->arena, t, &number, &err);
    end(req, c);
    if (rc < 0) {
        error_of(req, xml, &err);
        return;
    }
    doc_t d;
    doc_start(&d, req, xml, 200);
    d_list(&d, NULL, "service_requests", NULL);
    d_obj(&d, NULL, "request");
    d_str(&d, "service_request_id", number);
    d_str(&d, "token", t);
    d_obj_end(&d, "request");
    d_list_end(&d, "service_requests");
}

/* ---- POST requests ---- */

typedef struct post_ctx {
    gg_req_t *req;
    gg_op_t *op;
    gg_o311_request_in_t *in;
    int64_t case_id;
    const char *number;
    char token[44];
} post_ctx_t;

static int post_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    post_ctx_t *x = ctx;
    gg_app_t *app = x->req->app;
    (void)c;
    gg_grid_snapshot_t *grids = app->grid_index ? gg_grid_index_acquire(app->grid_index) : NULL;
    gg_cal_snapshot_t *cal = app->calendar ? gg_calendar_acquire(app->calendar) : NULL;
    if (!cal) {
        if (grids) gg_grid_snapshot_release(grids);
        return gg_err_unavailable(err, "the working calendar is not loaded on this server");
    }
    gg_case_env_t env = {.grids = grids, .cal = cal, .now = gg_now_ms()};
    int rc = gg_o311_request_create(x->op, &env, x->in, &x->case_id, &x->number, x->token, err);
    if (grids) gg_grid_snapshot_release(grids);
    gg_cal_snapshot_release(cal);
    return rc;
}

/* A form value with a length limit (400 naming it when longer). */
static int form_str(gg_req_t *req, int xml, const gg_form_t *form, const char *name, size_t max,
                    const char **out)
{
    const char *v = gg_form_get(form, name);
    if (!v) v = gg_req_query(req, name);
    *out = v && *v ? v : NULL;
    if (*out && gg_utf8_len(*out) > max) {
        error_doc(req, xml, 400, gg_sprintf(req->arena, "%s: at most %zu characters", name, max));
        return -1;
    }
    return 0;
}

static int form_coord(gg_req_t *req, int xml, const char *name, const char *v, double lo, double hi,
                      double *out)
{
    char *end;
    *out = strtod(v, &end);
    if (!*v || *end || !(*out >= lo && *out <= hi)) {
        error_doc(req, xml, 400, gg_sprintf(req->arena, "%s: a number from %g to %g", name, lo, hi));
        return -1;
    }
    return 0;
}

static void post_request(gg_req_t *req, int xml)
{
    gg_app_t *app = req->app;
    gg_error_t err;
    const char *ct = gg_req_header(req, "Content-Type");
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
        error_doc(req, xml, 400, "send the request as Content-Type: application/x-www-form-urlencoded");
        return;
    }
    gg_form_t form;
    if (gg_form_parse(req->arena, req->body, req->body_len, 300, &form, &err) < 0) {
        error_of(req, xml, &err);
        return;
    }
    gg_db_conn_t *c;
    if (gg_db_acquire(app->db, &c, &err) < 0) {
        error_doc(req, xml, 503, "the database is not reachable; try again later");
        return;
    }
    const char *jur = gg_form_get(&form, "jurisdiction_id");
    if (jurisdiction_ok(req, c, xml, jur ? jur : gg_req_query(req, "jurisdiction_id")) < 0) goto out;
    const char *api_key = gg_form_get(&form, "api_key");
    if (!api_key) api_key = gg_req_query(req, "api_key");
    gg_o311_key_t key;
    int has_key = key_of(req, c, xml, api_key, &key);
    if (has_key < 0) goto out;
    if (!has_key) {
        error_doc(req, xml, 403, "api_key: a key is required to submit a request");
        goto out;
    }
    int retry = 0;
    if (gg_rate_limit_hit(c, gg_sprintf(req->arena, "open311:%lld", (long long)key.id), key.rate_per_minute,
                          60000, &retry, &err) < 0) {
        if (err.http_status == 429) {
            char secs[16];
            snprintf(secs, sizeof secs, "%d", retry);
            gg_resp_header(req, "Retry-After", secs);
            error_doc(req, xml, 429,
                      gg_sprintf(req->arena, "api_key: more than %d requests a minute; retry in %d s",
                                 key.rate_per_minute, retry));
        } else {
            error_of(req, xml, &err);
        }
        goto out;
    }
    gg_o311_request_in_t *in = gg_zalloc(req->arena, sizeof *in);
    in->key = &key;
    if (form_str(req, xml, &form, "service_code", 300, &in->service_code) < 0 ||
        form_str(req, xml, &form, "description", 5000, &in->description) < 0 ||
        form_str(req, xml, &form, "address_string", 200, &in->address) < 0 ||
        form_str(req, xml, &form, "email", 100, &in->email) < 0 ||
        form_str(req, xml, &form, "first_name", 50, &in->first_name) < 0 ||
        form_str(req, xml, &form, "last_name", 50, &in->last_name) < 0 ||
        form_str(req, xml, &form, "phone", 20, &in->phone) < 0 ||
        form_str(req, xml, &form, "media_url", 500, &in->media_url) < 0)
        goto out;
    if (in->media_url && strncmp(in->media_url, "https://", 8) && strncmp(in->media_url, "http://", 7)) {
        error_doc(req, xml, 400, "media_url: an http:// or https:// URL");
        goto out;
    }
    if (in->email && !strchr(in->email, '@')) {
        error_doc(req, xml, 400, "email: not an e-mail address");
        goto out;
    }
    const char *lat = gg_form_get(&form, "lat"), *lon = gg_form_get(&form, "long");
    if ((lat && *lat) || (lon && *lon)) {
        if (!lat || !*lat || !lon || !*lon) {
            error_doc(req, xml, 400,
                      gg_sprintf(req->arena, "%s: lat and long come together", lat && *lat ? "long" : "lat"));
            goto out;
        }
        if (form_coord(req, xml, "lat", lat, -90, 90, &in->lat) < 0 ||
            form_coord(req, xml, "long", lon, -180, 180, &in->lon) < 0)
            goto out;
        in->has_point = 1;
    }
    for (int i = 0; i < form.n; i++) {
        const char *code;
        int is_list;
        int a = gg_form_attribute(req->arena, form.pairs[i].key, &code, &is_list);
        if (a < 0) {
            error_doc(
                req, xml, 400,
                gg_sprintf(req->arena, "%s: write attribute[CODE] or attribute[CODE][]", form.pairs[i].key));
            goto out;
        }
        if (!a) continue;
        if (in->nanswers == GG_O311_MAX_ATTRS) {
            error_doc(req, xml, 400, "attribute: at most 64 answers");
            goto out;
        }
        in->answers[in->nanswers++] =
            (gg_o311_answer_t){.code = code, .value = form.pairs[i].value, .is_list = is_list};
    }
    gg_api_case_sync_grids(req, c);
    gg_op_t op = {.c = c,
                  .arena = req->arena,
                  .auth = NULL,
                  .actor = {.account_id = 0,
                            .username = gg_sprintf(req->arena, "open311:%s", key.name),
                            .client_ip = gg_req_client_ip(req)},
                  .keys = &app->keys};
    post_ctx_t x = {.req = req, .op = &op, .in = in};
    if (gg_db_tx(c, post_tx, &x, &err) < 0) {
        error_of(req, xml, &err);
        goto out;
    }
    doc_t d;
    doc_start(&d, req, xml, 201);
    d_list(&d, NULL, "service_requests", NULL);
    d_obj(&d, NULL, "request");
    d_str(&d, "service_request_id", x.number);
    d_str(&d, "token", x.token);
    d_str(&d, "service_notice",
          gg_sprintf(req->arena, "已受理登记，事件编号 %s (received as case %s)", x.number, x.number));
    if (xml)
        d_str(&d, "account_id", "");
    else
        gg_jw_knull(d.jw, "account_id");
    d_obj_end(&d, "request");
    d_list_end(&d, "service_requests");
out:
    gg_db_release(app->db, c);
}

static void requests_get(gg_req_t *req)
{
    list_requests(req, route_xml(req));
}

static void requests_post(gg_req_t *req)
{
    post_request(req, route_xml(req));
}

/* ---- media ---- */

static void media(gg_req_t *req)
{
    gg_app_t *app = req->app;
    int64_t id;
    gg_error_t err;
    const char *p = gg_req_param(req, "id");
    char *end;
    id = p ? strtoll(p, &end, 10) : 0;
    if (!p || *end || id <= 0) {
        error_doc(req, 0, 404, "no such media");
        return;
    }
    gg_db_conn_t *c;
    if (gg_db_acquire(app->db, &c, &err) < 0) {
        error_doc(req, 0, 503, "the database is not reachable; try again later");
        return;
    }
    gg_attachment_t a;
    int rc = gg_o311_media(c, req->arena, id, &a, &err);
    gg_db_release(app->db, c);
    if (rc < 0) {
        error_of(req, 0, &err);
        return;
    }
    gg_api_attachment_send(req, &a);
}

static const gg_api_route_t routes[] = {
    {"GET", "/open311/v2/discovery.json", discovery, "json", 0},
    {"GET", "/open311/v2/discovery.xml", discovery, "xml", 0},
    {"GET", "/open311/v2/services.json", services, "json", 0},
    {"GET", "/open311/v2/services.xml", services, "xml", 0},
    {"GET", "/open311/v2/services/{code}", service_definition, NULL, 0},
    {"GET", "/open311/v2/requests.json", requests_get, "json", 0},
    {"GET", "/open311/v2/requests.xml", requests_get, "xml", 0},
    {"POST", "/open311/v2/requests.json", requests_post, "json", 0},
    {"POST", "/open311/v2/requests.xml", requests_post, "xml", 0},
    {"GET", "/open311/v2/requests/{id}", one_request, NULL, 0},
    {"GET", "/open311/v2/tokens/{token}", token, NULL, 0},
    {"GET", "/open311/v2/media/{id}", media, NULL, 0},
};

int gg_api_open311_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
