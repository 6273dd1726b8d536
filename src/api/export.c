/* export.c — a list operation's JSON answer as an XLSX (or CSV) download (export.h), written through
 * api/people/sheet_out.h (temp file, unlinked, constant memory, every cell text). */
#include "api/export.h"

#include <stdio.h>
#include <string.h>

#include "api/people/sheet_out.h"
#include "core/clock.h"

/* The export under way on this thread (a request runs on one thread from parse to respond). */
static __thread int export_rows;

int gg_api_export_rows(void)
{
    return export_rows;
}
void gg_api_export_end(void)
{
    export_rows = 0;
}

int gg_api_export_begin(gg_req_t *req, const gg_export_t *x, int *active)
{
    *active = 0;
    export_rows = 0;
    if (!x) return 0;
    const char *f = gg_req_query(req, "format");
    if (!f || !strcmp(f, "json")) return 0;
    if (strcmp(f, "xlsx") && strcmp(f, "csv")) {
        gg_error_t err;
        gg_err_invalid(&err, "format", "format is json, xlsx or csv");
        gg_error_reason(&err, "not_allowed");
        gg_api_error(req, &err);
        return -1;
    }
    export_rows = GG_EXPORT_MAX_ROWS;
    *active = 1;
    return 0;
}

/* The value at a dotted key ("home_unit.name") of an item, or NULL. */
static json_t *at_key(json_t *item, const char *key)
{
    char part[64];
    const char *p = key;
    json_t *v = item;
    while (v && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof part) return NULL;
        memcpy(part, p, n);
        part[n] = 0;
        v = json_is_object(v) ? json_object_get(v, part) : NULL;
        p = dot ? dot + 1 : p + n;
    }
    return v;
}

static void scalar_text(gg_buf_t *b, json_t *v)
{
    if (json_is_string(v))
        gg_buf_puts(b, json_string_value(v));
    else if (json_is_integer(v))
        gg_buf_printf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        gg_buf_printf(b, "%.10g", json_real_value(v));
    else if (json_is_true(v))
        gg_buf_puts(b, "是");
    else if (json_is_false(v))
        gg_buf_puts(b, "否");
    else if (json_is_object(v)) {
        json_t *name = json_object_get(v, "name");
        if (!name) name = json_object_get(v, "code");
        if (name && !json_is_object(name)) scalar_text(b, name);
    }
}

static const char *cell_text(gg_arena_t *a, json_t *v)
{
    if (!v || json_is_null(v)) return "";
    gg_buf_t b = {0};
    gg_buf_init(&b, 32);
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (i) gg_buf_puts(&b, "、");
            scalar_text(&b, e);
        }
    } else {
        scalar_text(&b, v);
    }
    char *s = gg_strdup(a, b.data);
    gg_buf_free(&b);
    return s;
}

int gg_api_export_respond(gg_req_t *req, const gg_export_t *x, gg_error_t *err)
{
    if (req->status != 200) return 0; /* an error answer stays as it is */
    const char *f = gg_req_query(req, "format");
    int xlsx = !f || strcmp(f, "csv");
    json_error_t jerr;
    json_t *root = json_loadb(req->out.data, req->out.len, 0, &jerr);
    json_t *items = root ? json_object_get(root, "items") : NULL;
    if (!json_is_array(items)) {
        if (root) json_decref(root);
        return gg_err_internal(err, "the list answer has no items to export");
    }
    gg_app_t *app = req->app;
    gg_sheet_out_t sh;
    if (gg_sheet_open(&sh, app->tmp_dir, xlsx, x->sheet, err) < 0) {
        json_decref(root);
        return -1;
    }
    const char **cells = gg_alloc(req->arena, sizeof(char *) * (size_t)x->ncols);
    double *widths = gg_alloc(req->arena, sizeof(double) * (size_t)x->ncols);
    for (int c = 0; c < x->ncols; c++) {
        cells[c] = x->cols[c].header;
        widths[c] = x->cols[c].width > 0 ? x->cols[c].width : 14;
    }
    if (xlsx) gg_sheet_widths(&sh, widths, x->ncols);
    int rc = gg_sheet_row(&sh, cells, x->ncols, 1, err);
    size_t i;
    json_t *item;
    gg_arena_t *rowa = gg_arena_new(0);
    json_array_foreach(items, i, item)
    {
        if (rc < 0) break;
        gg_arena_reset(rowa);
        for (int c = 0; c < x->ncols; c++)
            cells[c] = cell_text(rowa, at_key(item, x->cols[c].key));
        rc = gg_sheet_row(&sh, cells, x->ncols, 0, err);
    }
    gg_arena_free(rowa);
    size_t nrows = json_array_size(items);
    json_t *next = json_object_get(root, "next");
    const char *next_cursor = json_is_string(next) ? gg_strdup(req->arena, json_string_value(next)) : NULL;
    json_decref(root);
    if (rc < 0) {
        gg_sheet_abort(&sh);
        return -1;
    }
    int fd;
    uint64_t size;
    if (gg_sheet_finish(&sh, &fd, &size, err) < 0) return -1;
    char day[32];
    gg_time_rfc3339(gg_now_ms(), day);
    gg_resp_header(req, "Content-Disposition",
                   gg_sprintf(req->arena, "attachment; filename=\"%s-%.4s%.2s%.2s.%s\"", x->file, day,
                              day + 5, day + 8, xlsx ? "xlsx" : "csv"));
    gg_resp_header(req, "X-Export-Rows", gg_sprintf(req->arena, "%zu", nrows));
    if (next_cursor && nrows >= GG_EXPORT_MAX_ROWS) {
        gg_resp_header(req, "X-Export-Truncated", "true");
        gg_resp_header(req, "X-Export-Next", next_cursor);
    }
    req->out.len = 0;
    req->status = 200;
    req->content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                             : "text/csv; charset=utf-8";
    req->file_fd = fd;
    req->file_size = size;
    return 0;
}
