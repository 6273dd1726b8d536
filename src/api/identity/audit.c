/* audit.c — GET /api/v1/audit: the audit log for auditors, newest first, scoped by unit; and
 * GET /api/v1/audit.csv: all of it that the filters select, as a CSV streamed page by page
 * (http.h, gg_resp_stream), so an export of a million rows costs one page of memory. */
#include <stdio.h>
#include <string.h>

#include "api/export.h"
#include "api/api.h"
#include "api/people/sheet_out.h"
#include "api/write.h"
#include "core/log.h"
#include "domain/identity/audit.h"
#include "domain/validate.h"

/* The query filters both routes share; 0, or -1 with the 400 written. */
static int parse_filter(gg_req_t *req, gg_audit_filter_t *f)
{
    int64_t limit;
    *f = (gg_audit_filter_t){0};
    if (gg_api_query_int(req, "limit", 1, gg_api_export_rows() ? gg_api_export_rows() : 200,
                         gg_api_export_rows() ? gg_api_export_rows() : 50,
                         &limit) < 0 || /* an export: one big page */
        gg_api_query_int(req, "before", 0, INT64_MAX, 0, &f->before_seq) < 0 ||
        gg_api_query_int(req, "account_id", 0, INT64_MAX, 0, &f->account_id) < 0 ||
        gg_api_query_str(req, "action", 64, &f->action) < 0 ||
        gg_api_query_str(req, "object_type", 32, &f->object_type) < 0 ||
        gg_api_query_str(req, "object_id", 64, &f->object_id) < 0)
        return -1;
    f->limit = (int)limit;
    /* an object is a type and an id: one without the other would silently match everything */
    int has_type = f->object_type && *f->object_type, has_id = f->object_id && *f->object_id;
    if (has_type != has_id) {
        gg_error_t err;
        gg_err_invalid(&err, has_type ? "object_id" : "object_type", "object_type and object_id go together");
        err.reason = "required";
        gg_api_error(req, &err);
        return -1;
    }
    return 0;
}

static int forbidden(gg_error_t *err)
{
    return gg_err_forbidden(err, "reading the audit log needs the audit.read permission");
}

static int list_parse(gg_write_t *w)
{
    return parse_filter(w->req, w->state);
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    const gg_audit_filter_t *f = w->state;
    if (!gg_auth_has(w->op.auth, GG_P_AUDIT_READ)) return forbidden(err);
    gg_audit_row_t *rows;
    int n;
    if (gg_audit_list(w->op.c, w->op.arena, w->op.auth, f, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_audit_row_t *r = &rows[i];
        gg_jw_obj(jw);
        gg_jw_kint(jw, "seq", r->seq);
        gg_jw_ktime(jw, "at", r->at);
        if (r->account_id)
            gg_jw_kint(jw, "account_id", r->account_id);
        else
            gg_jw_knull(jw, "account_id");
        gg_jw_kstr(jw, "username", r->username);
        gg_jw_kstr(jw, "client_ip", r->client_ip);
        gg_jw_kstr(jw, "action", r->action);
        gg_jw_kstr(jw, "object_type", r->object_type);
        gg_jw_kstr(jw, "object_id", r->object_id);
        if (r->unit_id)
            gg_jw_kint(jw, "unit_id", r->unit_id);
        else
            gg_jw_knull(jw, "unit_id");
        gg_jw_key(jw, "detail");
        if (r->detail)
            gg_jw_raw(jw, r->detail, strlen(r->detail)); /* written by us as JSON */
        else
            gg_jw_null(jw);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, f->limit, n ? rows[n - 1].seq : 0, -1);
    return 0;
}

/* ?format=xlsx (api/export.h) */
static const gg_export_col_t list_cols[] = {
    {"seq", "序号", 8},
    {"at", "时间", 26},
    {"username", "账号", 16},
    {"action", "操作", 22},
    {"object_type", "对象类型", 12},
    {"object_id", "对象", 12},
    {"unit_id", "单位编号", 10},
    {"client_ip", "来源地址", 16},
};
static const gg_export_t LIST_XLSX = {"audit", "审计日志", GG_EXPORT_COLS(list_cols)};

static const gg_write_op_t LIST = {.state_size = sizeof(gg_audit_filter_t),
                                   .parse = list_parse,
                                   .respond = list_respond,
                                   .xlsx = &LIST_XLSX};

/* ---- the CSV export, streamed ---- */

#define EXPORT_PAGE 200

typedef struct export_ctx {
    gg_app_t *app;
    const gg_auth_t *auth; /* in req->arena, which outlives the stream */
    gg_audit_filter_t f;   /* f.before_seq moves down page by page */
    gg_buf_t out;          /* rows formatted, not yet sent */
    size_t sent;           /* of out */
    int last_page;
} export_ctx_t;

static void export_row(gg_buf_t *b, const gg_audit_row_t *r)
{
    char seq[24], at[32], account[24], unit[24];
    snprintf(seq, sizeof seq, "%lld", (long long)r->seq);
    gg_time_rfc3339(r->at, at);
    snprintf(account, sizeof account, "%lld", (long long)r->account_id);
    snprintf(unit, sizeof unit, "%lld", (long long)r->unit_id);
    const char *cells[] = {seq,
                           at,
                           r->account_id ? account : NULL,
                           r->username,
                           r->client_ip,
                           r->action,
                           r->object_type,
                           r->object_id,
                           r->unit_id ? unit : NULL,
                           r->detail};
    gg_csv_row(b, cells, (int)(sizeof cells / sizeof cells[0]));
}

/* The next page of rows into x->out, with a connection and an arena of its own that last one page. */
static int export_page(export_ctx_t *x)
{
    gg_error_t err;
    gg_db_conn_t *c;
    if (gg_db_acquire(x->app->db, &c, &err) < 0) {
        gg_log("audit", "audit export stopped: %s", err.message);
        return -1;
    }
    gg_arena_t *a = gg_arena_new(64u << 10);
    gg_audit_row_t *rows;
    int n;
    int rc = gg_audit_list(c, a, x->auth, &x->f, &rows, &n, &err);
    gg_db_release(x->app->db, c);
    if (rc < 0) {
        gg_log("audit", "audit export stopped: %s", err.message);
    } else {
        for (int i = 0; i < n; i++)
            export_row(&x->out, &rows[i]);
        if (n) x->f.before_seq = rows[n - 1].seq;
        x->last_page = n < x->f.limit;
    }
    gg_arena_free(a);
    return rc;
}

static long export_fill(void *ctx, char *buf, size_t cap)
{
    export_ctx_t *x = ctx;
    if (x->sent == x->out.len) {
        if (x->last_page) return GG_STREAM_END;
        x->out.len = x->sent = 0;
        if (export_page(x) < 0) return GG_STREAM_ABORT; /* the client sees a body without its end */
        if (x->out.len == 0) return GG_STREAM_END;
    }
    size_t n = x->out.len - x->sent < cap ? x->out.len - x->sent : cap;
    memcpy(buf, x->out.data + x->sent, n);
    x->sent += n;
    return (long)n;
}

static void export_done(void *ctx, int completed)
{
    (void)completed;
    export_ctx_t *x = ctx;
    gg_buf_free(&x->out);
}

static void export_csv(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    gg_audit_filter_t f;
    if (parse_filter(req, &f) < 0 || gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (!gg_auth_has(auth, GG_P_AUDIT_READ)) {
        gg_api_end(req, c);
        forbidden(&err);
        gg_api_error(req, &err);
        return;
    }
    f.limit = EXPORT_PAGE; /* a page per fill; the export has no limit */
    /* on record before the first row leaves: who took a copy of the log, with which filters */
    gg_buf_t detail = {0};
    gg_jw_t w;
    gg_jw_init(&w, &detail);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "action", f.action);
    if (f.account_id) gg_jw_kint(&w, "account_id", f.account_id);
    if (f.before_seq) gg_jw_kint(&w, "before", f.before_seq);
    if (f.object_type && *f.object_type) {
        gg_jw_kstr(&w, "object_type", f.object_type);
        gg_jw_kstr(&w, "object_id", f.object_id);
    }
    gg_jw_obj_end(&w);
    gg_actor_t actor = gg_actor_of(auth);
    gg_audit_entry_t e = {.action = "audit.export", .detail_json = gg_strdup(req->arena, detail.data)};
    gg_buf_free(&detail);
    int rc = gg_audit_alone(c, &actor, &e, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    export_ctx_t *x = gg_zalloc(req->arena, sizeof *x);
    x->app = req->app;
    x->auth = auth;
    x->f = f;
    gg_buf_puts(&x->out, GG_CSV_BOM);
    static const char *const head[] = {"序号", "时间",     "账号ID", "用户名", "客户端地址",
                                       "操作", "对象类型", "对象ID", "单位ID", "详情"};
    gg_csv_row(&x->out, head, (int)(sizeof head / sizeof head[0]));
    char today[11];
    gg_today(today);
    gg_resp_header(
        req, "Content-Disposition",
        gg_sprintf(req->arena,
                   "attachment; filename=\"audit-%.4s%.2s%.2s.csv\"; "
                   "filename*=UTF-8''%%E5%%AE%%A1%%E8%%AE%%A1%%E6%%97%%A5%%E5%%BF%%97-%.4s%.2s%.2s.csv",
                   today, today + 5, today + 8, today, today + 5, today + 8));
    req->status = 200;
    req->content_type = "text/csv; charset=utf-8";
    gg_resp_stream(req, export_fill, export_done, x);
}

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/audit", LIST),
    {"GET", "/api/v1/audit.csv", export_csv, NULL, 0},
};

int gg_api_audit_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
