/*
 * qrcodes.c — /api/v1: QR house codes (PNG and SVG per house, a printable sheet
 * per building, token rotation), the public registration endpoints the code
 * opens, and the grid worker's list, approval and rejection of registrations.
 *
 * Public endpoints (/api/v1/public/…) need no session.  Every request to them
 * counts against the client address's limit, accepted submissions also against
 * the address's and the house's (domain/registration.h); past a limit the
 * answer is 429 with retry_after.  They reveal only what is printed on the
 * door, and every dead code — malformed, unknown, rotated, retired — gets the
 * same 404.
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "domain/place.h"
#include "domain/qr.h"
#include "domain/registration.h"

/* User units per module: the SVG is a vector image, so only the caption's proportion depends on it. */
#define QR_SVG_MODULE 8

/* ---- helpers ---- */

static void error_429(gg_req_t *req, const gg_error_t *err, int retry_after_s)
{
    if (err->http_status != 429) {
        gg_api_error(req, err);
        return;
    }
    char extra[48], secs[16];
    snprintf(extra, sizeof extra, "\"retry_after\":%d", retry_after_s);
    snprintf(secs, sizeof secs, "%d", retry_after_s);
    gg_resp_header(req, "Retry-After", secs);
    gg_resp_error(req, err, extra);
}

/* The client address's public request counter; on failure the response is written. */
static int public_hit(gg_req_t *req, gg_db_conn_t *c)
{
    gg_app_t *app = req->app;
    gg_error_t err;
    int retry = 0;
    const char *key = gg_sprintf(req->arena, "public:%s", gg_req_client_ip(req));
    if (gg_rate_limit_hit(c, key, app->public_limits.lookups_per_address, app->public_limits.window_ms,
                          &retry, &err) < 0) {
        error_429(req, &err, retry);
        return -1;
    }
    return 0;
}

/* A house the caller may read (place.read) whose code still works. */
static int qr_house(gg_req_t *req, gg_house_t *h)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return -1;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return -1;
    int rc = gg_house_get(c, req->arena, auth, GG_P_PLACE_READ, id, h, &err);
    gg_api_end(req, c);
    if (rc == 0) rc = gg_qr_may_print(auth, h->unit_path, &err);
    if (rc == 0 && h->retired_at)
        rc = gg_err_conflict(&err, "house %s is retired; its QR code no longer works", h->house_code);
    if (rc < 0) {
        gg_api_error(req, &err);
        return -1;
    }
    return 0;
}

static void disposition(gg_req_t *req, const char *kind, const char *code, const char *ext)
{
    /* codes are digits, letters, '-' and '_' (place.c), so they need no quoting beyond the quotes */
    gg_resp_header(req, "Content-Disposition",
                   gg_sprintf(req->arena, "inline; filename=\"%s-%s.%s\"", kind, code, ext));
}

/* ---- one house ---- */

static void house_qr_svg(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_house_t h;
    gg_qr_t qr;
    gg_error_t err;
    if (qr_house(req, &h) < 0) return;
    if (gg_qr_encode(req->arena, gg_qr_url(req->arena, app->public_url, h.qr_token), &qr, &err) < 0) {
        gg_api_error(req, &err);
        return;
    }
    req->out.len = 0;
    gg_qr_svg(&req->out, &qr, QR_SVG_MODULE, gg_house_label(req->arena, h.building_name, h.entrance, h.room));
    req->status = 200;
    req->content_type = "image/svg+xml; charset=utf-8";
    disposition(req, "house", h.house_code, "svg");
}

static void house_qr_png(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_house_t h;
    gg_qr_t qr;
    gg_error_t err;
    int64_t scale;
    if (gg_api_query_int(req, "scale", 1, 32, 8, &scale) < 0) return;
    if (qr_house(req, &h) < 0) return;
    if (gg_qr_encode(req->arena, gg_qr_url(req->arena, app->public_url, h.qr_token), &qr, &err) < 0) {
        gg_api_error(req, &err);
        return;
    }
    req->out.len = 0;
    if (gg_qr_png(&req->out, &qr, (int)scale, &err) < 0) {
        req->out.len = 0;
        gg_api_error(req, &err);
        return;
    }
    req->status = 200;
    req->content_type = "image/png";
    disposition(req, "house", h.house_code, "png");
}

struct rotate_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
};

static int rotate_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct rotate_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_house_rotate_qr(c, x->arena, &actor, x->auth, x->id, err);
}

static void house_qr_rotate(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    struct rotate_ctx x = {.arena = req->arena, .auth = auth, .id = id};
    gg_house_t h;
    int rc = gg_db_tx(c, rotate_tx, &x, &err);
    if (rc == 0) rc = gg_house_get(c, req->arena, auth, GG_P_PLACE_READ, id, &h, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_kint(w, "id", h.id);
    gg_jw_kstr(w, "house_code", h.house_code);
    gg_jw_kstr(w, "qr_token", h.qr_token);
    gg_jw_kint(w, "version", h.version);
    gg_jw_obj_end(w);
}

/* ---- a building's printable sheet ---- */

static const char sheet_css[] =
    "*{box-sizing:border-box}"
    "body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;margin:16px;"
    "color:#000;background:#fff}"
    "header h1{font-size:20px;margin:0 0 4px}header p{margin:0 0 12px;color:#444;font-size:13px}"
    ".sheet{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px}"
    ".label{margin:0;border:1px dashed #999;padding:8px;text-align:center;break-inside:avoid;"
    "page-break-inside:avoid}"
    ".label svg{width:100%;height:auto;display:block}"
    ".label figcaption{font-size:14px;font-weight:bold;margin-top:4px}"
    ".label .code{display:block;font-size:10px;font-weight:normal;color:#444;word-break:break-all}"
    ".label .hint{display:block;font-size:11px;font-weight:normal}"
    ".empty{color:#666}"
    "@page{size:A4;margin:10mm}"
    "@media print{body{margin:0}header p{color:#000}.sheet{grid-template-columns:repeat(4,1fr);gap:6mm}"
    ".label{border-color:#bbb}}";

static void building_qr_sheet(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_building_t b;
    gg_buf_t body = {0};
    int count = 0;
    int rc = gg_building_get(c, req->arena, auth, id, &b, &err);
    if (rc == 0) rc = gg_qr_may_print(auth, b.unit_path, &err);
    if (rc == 0) {
        gg_buf_puts(&body, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
        gg_xml_escape(&body, b.name);
        gg_buf_puts(&body, " — 门牌二维码 QR codes</title><style>");
        gg_buf_puts(&body, sheet_css);
        gg_buf_puts(&body, "</style></head><body><header><h1>");
        gg_xml_escape(&body, b.name);
        gg_buf_puts(&body, "</h1><p>");
        gg_xml_escape(&body, b.grid_name);
        gg_buf_puts(&body, " · ");
        gg_xml_escape(&body, b.code);
        if (b.address) {
            gg_buf_puts(&body, " · ");
            gg_xml_escape(&body, b.address);
        }
        gg_buf_puts(&body, " · 扫码登记 Scan to register</p></header><main class=\"sheet\">");
    }
    /* every live house, page by page (a tower block has hundreds) */
    gg_place_filter_t f = {.building_id = id};
    gg_page_t page = {.limit = 200};
    while (rc == 0) {
        gg_house_t *rows;
        int n;
        rc = gg_house_list(c, req->arena, auth, &f, &page, &rows, &n, &err);
        for (int i = 0; rc == 0 && i < n; i++) {
            gg_qr_t qr;
            rc =
                gg_qr_encode(req->arena, gg_qr_url(req->arena, app->public_url, rows[i].qr_token), &qr, &err);
            if (rc < 0) break;
            int side = (qr.width + 2 * GG_QR_QUIET) * QR_SVG_MODULE;
            gg_buf_printf(
                &body,
                "<figure class=\"label\" data-house-id=\"%lld\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
                "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"QR\"><rect width=\"%d\" height=\"%d\" "
                "fill=\"#fff\"/>",
                (long long)rows[i].id, side, side, side, side);
            gg_qr_svg_path(&body, &qr, QR_SVG_MODULE);
            gg_buf_puts(&body, "</svg><figcaption>");
            gg_xml_escape(&body,
                          gg_house_label(req->arena, rows[i].building_name, rows[i].entrance, rows[i].room));
            gg_buf_puts(&body, "<span class=\"code\">");
            gg_xml_escape(&body, rows[i].house_code);
            gg_buf_puts(
                &body,
                "</span><span class=\"hint\">扫码登记 · Scan to register</span></figcaption></figure>");
            count++;
        }
        if (rc < 0 || n < page.limit) break;
        page.after = rows[n - 1].id;
    }
    gg_api_end(req, c);
    if (rc < 0) {
        gg_buf_free(&body);
        gg_api_error(req, &err);
        return;
    }
    if (!count)
        gg_buf_puts(&body, "<p class=\"empty\">这栋楼还没有房屋。No houses in this building yet.</p>");
    gg_buf_puts(&body, "</main></body></html>\n");
    req->out.len = 0;
    gg_buf_append(&req->out, body.data, body.len);
    gg_buf_free(&body);
    req->status = 200;
    req->content_type = "text/html; charset=utf-8";
    disposition(req, "qr-sheet", b.code, "html");
}

/* ---- public: the page the code opens ---- */

static void public_house(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_error_t err;
    const char *token = gg_req_param(req, "token");
    if (gg_api_conn(req, &c) < 0) return;
    if (public_hit(req, c) < 0) {
        gg_api_release(req, c);
        return;
    }
    gg_public_house_t h;
    int rc = gg_public_house_get(c, req->arena, token, &h, &err);
    gg_api_release(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    /* what the door says, and nothing about who lives behind it */
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "house");
    gg_jw_obj(w);
    gg_jw_kstr(w, "community", h.community);
    gg_jw_kstr(w, "building", h.building);
    gg_jw_kstr(w, "entrance", h.entrance);
    gg_jw_kstr(w, "room", h.room);
    gg_jw_kstr(w, "label", h.label);
    gg_jw_obj_end(w);
    gg_jw_obj_end(w);
}

static void public_submit(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"name", GG_F_STR, 1, 1, 50, 0},  {"id_number", GG_F_STR, 1, 0, 32, 0},
        {"phone", GG_F_STR, 1, 0, 20, 0}, {"relation", GG_F_STR, 1, 1, 16, 0},
        {"note", GG_F_STR, 0, 0, 200, 1},
    };
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_error_t err;
    json_t *body;
    const char *token = gg_req_param(req, "token");
    if (gg_api_conn(req, &c) < 0) return;
    if (public_hit(req, c) < 0) {
        gg_api_release(req, c);
        return;
    }
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) {
        gg_api_release(req, c);
        return;
    }
    gg_registration_in_t in = {.name = gg_strdup(req->arena, gg_json_str(body, "name")),
                               .id_number = gg_strdup(req->arena, gg_json_str(body, "id_number")),
                               .phone = gg_strdup(req->arena, gg_json_str(body, "phone")),
                               .relation = gg_strdup(req->arena, gg_json_str(body, "relation")),
                               .note = gg_strdup(req->arena, gg_json_str(body, "note")),
                               .client_ip = gg_req_client_ip(req)};
    json_decref(body);
    int retry = 0;
    int rc = gg_registration_submit(c, req->arena, &app->keys, &app->public_limits, token, &in, &retry, &err);
    gg_api_release(req, c);
    if (rc < 0) {
        error_429(req, &err, retry);
        return;
    }
    /* no id and no echo of the data: the answer must not tell a stranger anything they did not type */
    gg_jw_t *w = gg_api_json(req, 202);
    gg_jw_obj(w);
    gg_jw_kstr(w, "status", "received");
    gg_jw_kstr(
        w, "message",
        "登记已提交，网格员核实后生效。Your registration was received; your grid worker will check it.");
    gg_jw_obj_end(w);
}

/* ---- registrations, for grid workers ---- */

static void write_registration(gg_req_t *req, gg_jw_t *w, const gg_registration_t *r, int reveal_id,
                               int reveal_phone)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", r->id);
    gg_jw_kstr(w, "status", r->status);
    gg_jw_key(w, "house");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", r->house_id);
    gg_jw_kstr(w, "house_code", r->house_code);
    gg_jw_kstr(w, "address", r->house_label);
    gg_jw_obj_end(w);
    gg_jw_kint(w, "grid_id", r->grid_id);
    gg_jw_kstr(w, "name", r->name);
    gg_jw_kstr(w, "id_number", reveal_id ? r->id_number : gg_mask_id_number(req->arena, r->id_number));
    gg_jw_kbool(w, "id_number_masked", r->id_number && !reveal_id);
    gg_jw_kstr(w, "phone", reveal_phone ? r->phone : gg_mask_phone(req->arena, r->phone));
    gg_jw_kbool(w, "phone_masked", r->phone && !reveal_phone);
    gg_jw_kstr(w, "relation", r->relation);
    gg_jw_kstr(w, "note", r->note);
    gg_jw_ktime(w, "submitted_at", r->submitted_at);
    gg_jw_ktime(w, "decided_at", r->decided_at);
    gg_body_kref(w, "decided_by", "id", r->decided_by, "username", r->decided_by_username);
    gg_jw_kstr(w, "decision_note", r->decision_note);
    gg_body_kid(w, "resident_id", r->resident_id);
    gg_body_kid(w, "household_id", r->household_id);
    gg_jw_kint(w, "version", r->version);
}

static void registration_list(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t limit, after;
    gg_registration_filter_t f = {0};
    if (gg_api_query_int(req, "limit", 1, 200, 50, &limit) < 0 ||
        gg_api_query_int(req, "after", 0, INT64_MAX, 0, &after) < 0 ||
        gg_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &f.unit_id) < 0 ||
        gg_api_query_int(req, "house_id", 0, INT64_MAX, 0, &f.house_id) < 0 ||
        gg_api_query_str(req, "status", 16, &f.status) < 0)
        return;
    if (f.status && !*f.status) f.status = NULL;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_page_t page = {.limit = (int)limit, .after = after};
    gg_registration_t *rows;
    int n;
    int rc = gg_registration_list(c, req->arena, &app->keys, auth, &f, &page, &rows, &n, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        write_registration(req, w, &rows[i], 0, 0);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_body_next(w, req->arena, n, (int)limit, n ? rows[n - 1].id : 0);
    gg_jw_obj_end(w);
}

/* The registration as a single read shows it: with the resident already known by the ID number, if any. */
static void registration_respond(gg_req_t *req, gg_db_conn_t *c, const gg_auth_t *auth, int rc, int64_t id,
                                 gg_error_t *err, int reveal_id, int reveal_phone)
{
    gg_app_t *app = req->app;
    gg_registration_t r;
    int64_t match = 0;
    const char *match_name = NULL;
    if (rc == 0) rc = gg_registration_get(c, req->arena, &app->keys, auth, id, &r, err);
    if (rc == 0) rc = gg_registration_match(c, req->arena, &app->keys, auth, &r, &match, &match_name, err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    write_registration(req, w, &r, reveal_id, reveal_phone);
    gg_jw_key(w, "known_resident");
    if (match) {
        gg_jw_obj(w);
        gg_jw_kint(w, "id", match);
        gg_jw_kstr(w, "name", match_name);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    gg_jw_obj_end(w);
}

struct reveal_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    const gg_registration_t *r;
    const char *fields[2];
    int nfields;
};

static int reveal_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct reveal_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_registration_audit_reveal(c, x->arena, &actor, x->auth, x->r, x->fields, x->nfields, err);
}

static void registration_get(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    const char *reveal;
    int reveal_id = 0, reveal_phone = 0;
    if (gg_api_path_id(req, "id", &id) < 0 || gg_api_query_str(req, "reveal", 32, &reveal) < 0) return;
    if (reveal && *reveal) {
        char *list = gg_strdup(req->arena, reveal), *save = NULL;
        for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (strcmp(tok, "id_number") == 0) {
                reveal_id = 1;
            } else if (strcmp(tok, "phone") == 0) {
                reveal_phone = 1;
            } else {
                gg_err_invalid(&err, "reveal", "reveal may name id_number and phone (comma-separated)");
                gg_api_error(req, &err);
                return;
            }
        }
    }
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    int rc = 0;
    if (reveal_id || reveal_phone) {
        /* the read is on record (committed) before the data leaves */
        gg_registration_t r;
        rc = gg_registration_get(c, req->arena, &app->keys, auth, id, &r, &err);
        if (rc == 0) {
            struct reveal_ctx x = {.arena = req->arena, .auth = auth, .r = &r};
            reveal_id = reveal_id && r.id_number;
            reveal_phone = reveal_phone && r.phone;
            if (reveal_id) x.fields[x.nfields++] = "id_number";
            if (reveal_phone) x.fields[x.nfields++] = "phone";
            if (!gg_auth_can(auth, GG_P_PII_READ, r.unit_path))
                rc = gg_err_forbidden(&err, "you may not see unmasked personal data of this registration");
            else if (x.nfields)
                rc = gg_db_tx(c, reveal_tx, &x, &err);
        }
    }
    registration_respond(req, c, auth, rc, id, &err, reveal_id, reveal_phone);
}

struct decide_ctx {
    gg_app_t *app;
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
    int approve;
    gg_registration_decision_t d;
};

static int decide_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct decide_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    if (x->approve)
        return gg_registration_approve(c, x->arena, &x->app->keys, &actor, x->auth, x->id, &x->d, err);
    return gg_registration_reject(c, x->arena, &x->app->keys, &actor, x->auth, x->id, &x->d, err);
}

static void decide(gg_req_t *req, int approve)
{
    static const gg_field_t approve_fields[] = {
        {"relation", GG_F_STR, 0, 1, 16, 1},
        {"resident_type", GG_F_STR, 0, 1, 16, 1},
        {"note", GG_F_STR, 0, 0, 200, 1},
        {"version", GG_F_INT, 0, 1, INT32_MAX, 1},
    };
    static const gg_field_t reject_fields[] = {
        {"reason", GG_F_STR, 1, 1, 200, 0},
        {"version", GG_F_INT, 0, 1, INT32_MAX, 1},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    json_t *body = NULL;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    struct decide_ctx x = {.app = req->app, .arena = req->arena, .auth = auth, .id = id, .approve = approve};
    /* an approval as the registrant asked needs no body; a rejection needs its reason */
    if (!approve || req->body_len) {
        if (gg_api_body(req, approve ? approve_fields : reject_fields,
                        approve ? (int)(sizeof approve_fields / sizeof approve_fields[0])
                                : (int)(sizeof reject_fields / sizeof reject_fields[0]),
                        &body) < 0) {
            gg_api_end(req, c);
            return;
        }
        x.d.relation = gg_strdup(req->arena, gg_json_str(body, "relation"));
        x.d.resident_type = gg_strdup(req->arena, gg_json_str(body, "resident_type"));
        x.d.note = gg_strdup(req->arena, gg_json_str(body, approve ? "note" : "reason"));
        x.d.version = (int)gg_json_int(body, "version", 0);
        json_decref(body);
    }
    int rc = gg_db_tx(c, decide_tx, &x, &err);
    registration_respond(req, c, auth, rc, id, &err, 0, 0);
}

static void registration_approve(gg_req_t *req)
{
    decide(req, 1);
}

static void registration_reject(gg_req_t *req)
{
    decide(req, 0);
}

void gg_api_qr_routes(gg_router_t *r)
{
    gg_router_add(r, "GET", "/api/v1/houses/{id}/qr.svg", house_qr_svg, NULL);
    gg_router_add(r, "GET", "/api/v1/houses/{id}/qr.png", house_qr_png, NULL);
    gg_router_add(r, "POST", "/api/v1/houses/{id}/qr-token/rotate", house_qr_rotate, NULL);
    gg_router_add(r, "GET", "/api/v1/buildings/{id}/qr-sheet", building_qr_sheet, NULL);
    gg_router_add(r, "GET", "/api/v1/public/houses/{token}", public_house, NULL);
    gg_router_add(r, "POST", "/api/v1/public/houses/{token}/registrations", public_submit, NULL);
    gg_router_add(r, "GET", "/api/v1/registrations", registration_list, NULL);
    gg_router_add(r, "GET", "/api/v1/registrations/{id}", registration_get, NULL);
    gg_router_add(r, "POST", "/api/v1/registrations/{id}/approve", registration_approve, NULL);
    gg_router_add(r, "POST", "/api/v1/registrations/{id}/reject", registration_reject, NULL);
}
