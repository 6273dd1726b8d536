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

#include "api/export.h"
#include "api/api.h"
#include "api/write.h"
#include "api/body.h"
#include "domain/tree/place.h"
#include "domain/tree/qr.h"
#include "domain/people/registration.h"

/* User units per module: the SVG is a vector image, so only the caption's proportion depends on it. */
#define QR_SVG_MODULE 8

/* ---- helpers ---- */

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

static int rotate_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_house_rotate_qr(op->c, op->arena, &op->actor, op->auth, w->id, err);
}

static int rotate_respond(gg_write_t *w, gg_error_t *err)
{
    gg_house_t h;
    if (gg_house_get(w->op.c, w->op.arena, w->op.auth, GG_P_PLACE_READ, w->id, &h, err) < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", h.id);
    gg_jw_kstr(jw, "house_code", h.house_code);
    gg_jw_kstr(jw, "qr_token", h.qr_token);
    gg_jw_kint(jw, "version", h.version);
    gg_jw_obj_end(jw);
    return 0;
}

/* POST /houses/{id}/qr-token/rotate: the printed code stops working, a new one is issued. */
static const gg_write_op_t ROTATE = {.path_ids = {"id"}, .run = rotate_run, .respond = rotate_respond};

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
    if (gg_api_public_lookup(req, c) < 0) {
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
    if (gg_api_public_lookup(req, c) < 0) {
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
        gg_api_error_retry(req, &err, retry);
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

struct registration_query {
    gg_registration_filter_t f;
    gg_page_t page;
};

static int registration_list_parse(gg_write_t *w)
{
    struct registration_query *x = w->state;
    if (gg_api_query_page(w->req, 200, 50, &x->page) < 0 ||
        gg_api_query_int(w->req, "unit_id", 0, INT64_MAX, 0, &x->f.unit_id) < 0 ||
        gg_api_query_int(w->req, "house_id", 0, INT64_MAX, 0, &x->f.house_id) < 0 ||
        gg_api_query_str(w->req, "status", 16, &x->f.status) < 0)
        return -1;
    if (x->f.status && !*x->f.status) x->f.status = NULL;
    return 0;
}

static int registration_list_respond(gg_write_t *w, gg_error_t *err)
{
    struct registration_query *x = w->state;
    const gg_op_t *op = &w->op;
    gg_registration_t *rows;
    int n;
    if (gg_registration_list(op->c, op->arena, op->keys, op->auth, &x->f, &x->page, &rows, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        write_registration(w->req, jw, &rows[i], 0, 0);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, x->page.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

/* ?format=xlsx (api/export.h) */
static const gg_export_col_t registration_list_cols[] = {
    {"name", "姓名", 12},
    {"phone", "电话", 14},
    {"house.house_code", "房屋编号", 22},
    {"house.address", "地址", 30},
    {"relation", "关系", 10},
    {"status", "状态", 10},
    {"submitted_at", "提交时间", 26},
};
static const gg_export_t REGISTRATION_LIST_XLSX = {"registrations", "扫码登记",
                                                   GG_EXPORT_COLS(registration_list_cols)};

static const gg_write_op_t REGISTRATION_LIST = {.state_size = sizeof(struct registration_query),
                                                .parse = registration_list_parse,
                                                .respond = registration_list_respond,
                                                .xlsx = &REGISTRATION_LIST_XLSX};

/* The registration as a single read shows it: with the resident already known by the ID number, if any.
 * Loads first, writes only when all is there (<0: nothing written). */
static int registration_write(gg_req_t *req, gg_db_conn_t *c, const gg_auth_t *auth, int64_t id,
                              int reveal_id, int reveal_phone, gg_error_t *err)
{
    gg_app_t *app = req->app;
    gg_registration_t r;
    int64_t match = 0;
    const char *match_name = NULL;
    if (gg_registration_get(c, req->arena, &app->keys, auth, id, &r, err) < 0 ||
        gg_registration_match(c, req->arena, &app->keys, auth, &r, &match, &match_name, err) < 0)
        return -1;
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
    return 0;
}

/* ---- GET /registrations/{id}?reveal=id_number,phone ---- */

struct registration_read {
    gg_reveal_t rv;
    gg_registration_t r;
};

static int reveal_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    gg_write_t *w = ctx;
    const struct registration_read *x = w->state;
    return gg_registration_audit_reveal(c, w->op.arena, &w->op.actor, w->op.auth, &x->r, x->rv.fields,
                                        x->rv.nfields, err);
}

static int registration_get_parse(gg_write_t *w)
{
    struct registration_read *x = w->state;
    return gg_api_query_reveal(w->req, &x->rv);
}

/* Unmasked where ?reveal= asks and the caller may: the read is on record (committed) before the data
 * leaves. */
static int registration_get_respond(gg_write_t *w, gg_error_t *err)
{
    struct registration_read *x = w->state;
    if (x->rv.id_number || x->rv.phone) {
        if (gg_registration_get(w->op.c, w->op.arena, w->op.keys, w->op.auth, w->id, &x->r, err) < 0 ||
            gg_api_reveal_check(w->op.auth, &x->rv, x->r.unit_path, x->r.id_number, x->r.phone,
                                "registration", err) < 0 ||
            (x->rv.nfields && gg_db_tx(w->op.c, reveal_tx, w, err) < 0))
            return -1;
    }
    return registration_write(w->req, w->op.c, w->op.auth, w->id, x->rv.id_number, x->rv.phone, err);
}

static const gg_write_op_t REGISTRATION_GET = {
    .path_ids = {"id"},
    .state_size = sizeof(struct registration_read),
    .parse = registration_get_parse,
    .respond = registration_get_respond,
};

static int registration_decided(gg_write_t *w, gg_error_t *err)
{
    return registration_write(w->req, w->op.c, w->op.auth, w->id, 0, 0, err);
}

/* The decision the body carries (approval: all optional; rejection: its reason as the note). */
static gg_registration_decision_t decision(const gg_write_t *w, const char *note_key)
{
    return (gg_registration_decision_t){.relation = gg_json_str(w->body, "relation"),
                                        .resident_type = gg_json_str(w->body, "resident_type"),
                                        .note = gg_json_str(w->body, note_key),
                                        .version = (int)gg_json_int(w->body, "version", 0)};
}

static int approve_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_registration_decision_t d = decision(w, "note");
    return gg_registration_approve(op->c, op->arena, op->keys, &op->actor, op->auth, w->id, &d, err);
}

static int reject_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_registration_decision_t d = decision(w, "reason");
    return gg_registration_reject(op->c, op->arena, op->keys, &op->actor, op->auth, w->id, &d, err);
}

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

/* An approval as the registrant asked needs no body; a rejection needs its reason. */
static const gg_write_op_t APPROVE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(approve_fields),
    .body_optional = 1,
    .run = approve_run,
    .respond = registration_decided,
};
static const gg_write_op_t REJECT = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(reject_fields),
    .run = reject_run,
    .respond = registration_decided,
};

static const gg_api_route_t routes[] = {
    {"GET", "/api/v1/houses/{id}/qr.svg", house_qr_svg, NULL, 0},
    {"GET", "/api/v1/houses/{id}/qr.png", house_qr_png, NULL, 0},
    GG_WRITE_ROUTE("POST", "/api/v1/houses/{id}/qr-token/rotate", ROTATE),
    {"GET", "/api/v1/buildings/{id}/qr-sheet", building_qr_sheet, NULL, 0},
    {"GET", "/api/v1/public/houses/{token}", public_house, NULL, 0},
    {"POST", "/api/v1/public/houses/{token}/registrations", public_submit, NULL, 0},
    GG_WRITE_ROUTE("GET", "/api/v1/registrations", REGISTRATION_LIST),
    GG_WRITE_ROUTE("GET", "/api/v1/registrations/{id}", REGISTRATION_GET),
    GG_WRITE_ROUTE("POST", "/api/v1/registrations/{id}/approve", APPROVE),
    GG_WRITE_ROUTE("POST", "/api/v1/registrations/{id}/reject", REJECT),
};

int gg_api_qr_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
