/* transfer.c — /api/v1: bulk import of houses and residents from CSV/XLSX with row-by-row errors, templates,
 * scoped and masked export.
 *
 * Imports are upload routes (http.h: gg_router_add_upload): the file is the raw request body, up to
 * max_upload_mib, spooled to an unlinked temp file; its kind is sniffed from the bytes (core/table.h).
 * Exports and templates are written to an unlinked temp file (api/sheet_out.h) and sent from it, so a
 * 100,000-row export costs one page of rows in memory.  An unmasked export is audited (pii.export)
 * and committed before the first byte leaves. */
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api/api.h"
#include "api/people/sheet_out.h"
#include "core/table.h"
#include "domain/people/tag.h"
#include "domain/people/transfer.h"
#include "domain/validate.h"

static const gg_xfer_kind_t RESIDENTS = GG_XFER_RESIDENTS, HOUSES = GG_XFER_HOUSES;

/* ---- import ---- */

static void import_file(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_xfer_kind_t kind = *(const gg_xfer_kind_t *)req->route_data;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    gg_table_t *t = NULL;
    gg_import_opts_t o = {.kind = kind};
    int64_t dry;
    if (gg_api_query_int(req, "unit_id", 1, INT64_MAX, 0, &o.unit_id) < 0 ||
        gg_api_query_int(req, "building_id", 1, INT64_MAX, 0, &o.building_id) < 0 ||
        gg_api_query_int(req, "dry_run", 0, 1, 0, &dry) < 0)
        return;
    o.dry_run = (int)dry;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    /* the body is the file itself; a form post (multipart) or JSON is a client mistake worth naming */
    const char *ct = gg_req_header(req, "Content-Type");
    if (ct && (strncasecmp(ct, "multipart/", 10) == 0 || strncasecmp(ct, "application/json", 16) == 0 ||
               strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)) {
        gg_error_set(&err, 415, "unsupported_media_type", "file",
                     "send the file itself as the request body (Content-Type text/csv or "
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)");
        goto fail;
    }
    if (req->body_fd >= 0) {
        if (gg_table_open_fd(req->body_fd, &t, &err) < 0) goto fail;
    } else if (req->body && req->body_len) {
        if (gg_table_open_mem(req->body, req->body_len, &t, &err) < 0) goto fail;
    } else {
        gg_err_invalid(&err, "file", "send the CSV or XLSX file as the request body");
        goto fail;
    }
    o.format = gg_table_kind(t) == GG_TABLE_XLSX ? "xlsx" : "csv";
    gg_import_result_t res;
    if (gg_import_run(c, req->arena, &app->keys, auth, t, &o, &res, &err) < 0) goto fail;
    gg_table_close(t);
    gg_api_end(req, c);
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_kstr(w, "format", o.format);
    gg_jw_kbool(w, "dry_run", o.dry_run);
    gg_jw_kint(w, "read", res.read);
    gg_jw_kint(w, "imported", res.imported);
    gg_jw_kint(w, "updated", res.updated);
    gg_jw_kint(w, "failed", res.failed);
    gg_jw_key(w, "errors");
    gg_jw_arr(w);
    for (int i = 0; i < res.nerrors; i++) {
        const gg_import_error_t *e = &res.errors[i];
        gg_jw_obj(w);
        gg_jw_kint(w, "row", e->row);
        gg_jw_kstr(w, "field", e->field && *e->field ? e->field : NULL);
        gg_jw_kstr(w, "column", e->column && *e->column ? e->column : NULL);
        gg_jw_kstr(w, "message", e->message);
        if (e->reason) gg_jw_kstr(w, "reason", e->reason);
        if (e->has_min || e->has_max) {
            gg_jw_key(w, "params");
            gg_jw_obj(w);
            if (e->has_min) gg_jw_kint(w, "min", e->min);
            if (e->has_max) gg_jw_kint(w, "max", e->max);
            gg_jw_obj_end(w);
        }
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_kint(w, "more_errors", res.failed - res.nerrors);
    gg_jw_obj_end(w);
    return;
fail:
    gg_table_close(t);
    gg_api_end(req, c);
    gg_api_error(req, &err);
}

/* ---- files out ---- */

/* "residents.xlsx" → kind and format; 0 when the name is not one we serve. */
static int parse_name(const char *name, gg_xfer_kind_t *kind, int *xlsx)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot) return 0;
    size_t n = (size_t)(dot - name);
    if (n == 9 && strncmp(name, "residents", 9) == 0)
        *kind = GG_XFER_RESIDENTS;
    else if (n == 6 && strncmp(name, "houses", 6) == 0)
        *kind = GG_XFER_HOUSES;
    else
        return 0;
    if (strcmp(dot, ".csv") == 0)
        *xlsx = 0;
    else if (strcmp(dot, ".xlsx") == 0)
        *xlsx = 1;
    else
        return 0;
    return 1;
}

static void pct_encode(gg_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '.' || *p == '_') {
            gg_buf_putc(b, (char)*p);
        } else {
            gg_buf_putc(b, '%');
            gg_buf_putc(b, hex[*p >> 4]);
            gg_buf_putc(b, hex[*p & 15]);
        }
    }
}

/* Send the finished file with an RFC 6266/5987 attachment name: an ASCII fallback and the UTF-8 name. */
static void send_file(gg_req_t *req, int fd, uint64_t size, int xlsx, const char *ascii, const char *utf8)
{
    const char *ext = xlsx ? "xlsx" : "csv";
    gg_buf_t b = {0};
    gg_buf_printf(&b, "attachment; filename=\"%s.%s\"; filename*=UTF-8''", ascii, ext);
    pct_encode(&b, utf8);
    gg_buf_printf(&b, ".%s", ext);
    gg_resp_header(req, "Content-Disposition", b.data);
    gg_buf_free(&b);
    req->status = 200;
    req->content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                             : "text/csv; charset=utf-8";
    req->file_fd = fd;
    req->file_size = size;
}

static int header_row(gg_sheet_out_t *s, gg_xfer_kind_t kind, int import_only, int mark_required,
                      gg_arena_t *a, gg_error_t *err)
{
    int n, k = 0;
    const gg_xfer_col_t *cols = gg_xfer_columns(kind, &n);
    const char *cells[40];
    double widths[40];
    for (int i = 0; i < n; i++) {
        if (import_only && !cols[i].import) continue;
        cells[k] = mark_required && cols[i].required ? gg_sprintf(a, "%s*", cols[i].zh) : cols[i].zh;
        widths[k++] = strcmp(cols[i].field, "id_number") == 0 || strcmp(cols[i].field, "house_code") == 0 ? 26
                      : strstr(cols[i].field, "address") || strcmp(cols[i].field, "employer") == 0        ? 30
                                                                                                   : 12;
    }
    gg_sheet_widths(s, widths, k);
    return gg_sheet_row(s, cells, k, 1, err);
}

/* ---- templates ---- */

static void template_file(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    gg_xfer_kind_t kind;
    int xlsx, n, k = 0, fd;
    uint64_t size;
    gg_sheet_out_t s;
    if (!parse_name(gg_req_param(req, "name"), &kind, &xlsx)) {
        gg_err_not_found(&err, "templates are residents.csv, residents.xlsx, houses.csv and houses.xlsx");
        gg_api_error(req, &err);
        return;
    }
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_tag_t *tags = NULL;
    int ntags = 0;
    int rc = kind == GG_XFER_RESIDENTS ? gg_tag_list(c, req->arena, 0, &tags, &ntags, &err) : 0;
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    const gg_xfer_col_t *cols = gg_xfer_columns(kind, &n);
    const char *example[40];
    char id[19];
    /* an example ID number that passes the checksum, so the example row is itself valid */
    memcpy(id, "42020419900101123", 17);
    id[17] = gg_id_number_check_char(id);
    id[18] = 0;
    for (int i = 0; i < n; i++)
        if (cols[i].import) example[k++] = strcmp(cols[i].field, "id_number") == 0 ? id : cols[i].example;
    if (gg_sheet_open(&s, app->tmp_dir, xlsx, kind == GG_XFER_RESIDENTS ? "居民" : "房屋", &err) < 0)
        goto fail;
    if (header_row(&s, kind, 1, xlsx, req->arena, &err) < 0 || gg_sheet_row(&s, example, k, 0, &err) < 0)
        goto fail_open;
    if (xlsx) {
        /* the second sheet says what each column takes, in the words of the people filling it in */
        static const double w[] = {16, 32, 8, 90};
        const char *head[] = {"列名", "字段（英文列名也可）", "必填", "说明"};
        if (gg_sheet_add(&s, "说明", &err) < 0) goto fail_open;
        gg_sheet_widths(&s, w, 4);
        if (gg_sheet_row(&s, head, 4, 1, &err) < 0) goto fail_open;
        for (int i = 0; i < n; i++) {
            if (!cols[i].import) continue;
            const char *help = cols[i].help;
            if (strcmp(cols[i].field, "tags") == 0 && ntags) {
                gg_buf_t b = {0};
                gg_buf_printf(&b, "%s。现有标签：", help);
                for (int j = 0; j < ntags; j++)
                    gg_buf_printf(&b, "%s%s", j ? "、" : "", tags[j].name);
                help = gg_strdup(req->arena, b.data);
                gg_buf_free(&b);
            }
            const char *row[] = {cols[i].zh, cols[i].field, cols[i].required ? "是" : "", help};
            if (gg_sheet_row(&s, row, 4, 0, &err) < 0) goto fail_open;
        }
        const char *notes[][4] = {
            {"", "", "", ""},
            {"说明", "", "",
             "第一行是列名，顺序可以调整，不用的列可以删除；从第二行起每行一条记录。示例行请删除或改写。"},
            {"", "", "",
             "每一行单独校验：正确的行导入，错误的行连同行号、列名和原因列在导入结果里，不会只导入半行。"},
            {"", "", "", "先点“试导入”只做校验、不写入；确认无误后再正式导入。"},
            {"", "", "",
             kind == GG_XFER_RESIDENTS ? "身份证号已登记的居民会按本表非空的列更新，而不会重复登记。"
                                       : "同一楼栋、单元、房号已存在的房屋会按本表更新，而不会重复建立。"},
        };
        for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
            if (gg_sheet_row(&s, notes[i], 4, 0, &err) < 0) goto fail_open;
    }
    if (gg_sheet_finish(&s, &fd, &size, &err) < 0) goto fail;
    send_file(req, fd, size, xlsx, kind == GG_XFER_RESIDENTS ? "residents-template" : "houses-template",
              kind == GG_XFER_RESIDENTS ? "居民导入模板" : "房屋导入模板");
    return;
fail_open:
    gg_sheet_abort(&s);
fail:
    gg_api_error(req, &err);
}

/* ---- export ---- */

typedef struct export_ctx {
    gg_sheet_out_t *s;
} export_ctx_t;

static int export_row(void *ctx, const char *const *cells, int n, gg_error_t *err)
{
    export_ctx_t *x = ctx;
    return gg_sheet_row(x->s, cells, n, 0, err);
}

struct audit_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    gg_xfer_kind_t kind;
    const gg_export_opts_t *o;
    const gg_export_counts_t *counts;
};

static int export_audit_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct audit_ctx *x = ctx;
    return gg_export_audit(c, x->arena, x->auth, x->kind, x->o, x->counts, err);
}

static void export_file(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    gg_xfer_kind_t kind;
    int xlsx, fd;
    uint64_t size;
    int64_t reveal, separated, unit_id, building_id;
    gg_export_opts_t o = {.residents = {.separated = -1}};
    gg_sheet_out_t s;
    if (!parse_name(gg_req_param(req, "name"), &kind, &xlsx)) {
        gg_err_not_found(&err, "exports are residents.csv, residents.xlsx, houses.csv and houses.xlsx");
        gg_api_error(req, &err);
        return;
    }
    if (gg_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &unit_id) < 0 ||
        gg_api_query_int(req, "building_id", 0, INT64_MAX, 0, &building_id) < 0 ||
        gg_api_query_int(req, "separated", 0, 1, -1, &separated) < 0 ||
        gg_api_query_int(req, "reveal", 0, 1, 0, &reveal) < 0 ||
        gg_api_query_str(req, "type", 16, &o.residents.type) < 0 ||
        gg_api_query_str(req, "tag", 32, &o.residents.tag) < 0 ||
        gg_api_query_str(req, "q", 50, &o.residents.q) < 0)
        return;
    o.residents.unit_id = o.houses.unit_id = unit_id;
    o.residents.separated = (int)separated;
    o.houses.building_id = building_id;
    o.houses.q = o.residents.q;
    o.reveal = kind == GG_XFER_RESIDENTS && reveal;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (o.reveal && !gg_auth_has(auth, GG_P_PII_READ)) {
        gg_api_end(req, c);
        gg_err_forbidden(&err, "you may not export unmasked ID numbers and phone numbers");
        gg_api_error(req, &err);
        return;
    }
    if (gg_sheet_open(&s, app->tmp_dir, xlsx, kind == GG_XFER_RESIDENTS ? "居民" : "房屋", &err) < 0)
        goto fail;
    export_ctx_t x = {.s = &s};
    gg_export_counts_t counts;
    if (header_row(&s, kind, 0, 0, req->arena, &err) < 0 ||
        gg_export_run(c, &app->keys, auth, kind, &o, export_row, &x, &counts, &err) < 0)
        goto fail_open;
    /* on record before it leaves: the audit row commits first, or nothing is sent */
    if (o.reveal && counts.unmasked) {
        struct audit_ctx ax = {req->arena, auth, kind, &o, &counts};
        if (gg_db_tx(c, export_audit_tx, &ax, &err) < 0) goto fail_open;
    }
    if (gg_sheet_finish(&s, &fd, &size, &err) < 0) goto fail;
    gg_api_end(req, c);
    char today[11], stamp[9];
    gg_today(today);
    snprintf(stamp, sizeof stamp, "%.4s%.2s%.2s", today, today + 5, today + 8);
    send_file(req, fd, size, xlsx,
              gg_sprintf(req->arena, "%s-%s", kind == GG_XFER_RESIDENTS ? "residents" : "houses", stamp),
              gg_sprintf(req->arena, "%s-%s", kind == GG_XFER_RESIDENTS ? "实有人口" : "房屋", stamp));
    gg_resp_header(req, "X-Export-Rows", gg_sprintf(req->arena, "%lld", (long long)counts.rows));
    return;
fail_open:
    gg_sheet_abort(&s);
fail:
    gg_api_end(req, c);
    gg_api_error(req, &err);
}

static const gg_api_route_t routes[] = {
    {"POST", "/api/v1/imports/residents", import_file, &RESIDENTS, 1},
    {"POST", "/api/v1/imports/houses", import_file, &HOUSES, 1},
    {"GET", "/api/v1/imports/templates/{name}", template_file, NULL, 0},
    {"GET", "/api/v1/exports/{name}", export_file, NULL, 0},
};

int gg_api_transfer_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
