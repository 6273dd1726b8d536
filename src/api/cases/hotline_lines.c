/*
 * hotline_lines.c — /api/v1/hotline-lines: the configured hotlines (12345,
 * local lines) a hotline case names.  Everyone logged in reads them; writes
 * need settings.manage at the root (domain/cases/hotline_line.c checks it).
 */
#include <string.h>

#include "api/export.h"
#include "api/api.h"
#include "api/write.h"
#include "domain/cases/hotline_line.h"

static void write_line(gg_jw_t *w, const gg_hotline_line_t *l)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", l->id);
    gg_jw_kstr(w, "name", l->name);
    gg_jw_kstr(w, "number", l->number);
    gg_jw_kint(w, "unit_id", l->unit_id);
    gg_jw_kstr(w, "unit_name", l->unit_name);
    gg_jw_kbool(w, "retired", l->retired_at != 0);
    gg_jw_ktime(w, "retired_at", l->retired_at);
    gg_jw_ktime(w, "created_at", l->created_at);
    gg_jw_ktime(w, "updated_at", l->updated_at);
    gg_jw_kint(w, "version", l->version);
    gg_jw_obj_end(w);
}

static int list_parse(gg_write_t *w)
{
    return gg_api_query_int(w->req, "include_retired", 0, 1, 0, w->state);
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    gg_hotline_line_t *rows;
    int n;
    if (gg_hotline_line_list(&w->op, (int)*(int64_t *)w->state, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_line(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

/* ?format=xlsx (api/export.h) */
static const gg_export_col_t line_list_cols[] = {
    {"name", "名称", 16},
    {"number", "号码", 14},
    {"unit_name", "所属单位", 20},
    {"retired", "已停用", 8},
};
static const gg_export_t LINE_LIST_XLSX = {"hotline-lines", "热线", GG_EXPORT_COLS(line_list_cols)};

static const gg_write_op_t LINE_LIST = {
    .state_size = sizeof(int64_t), .parse = list_parse, .respond = list_respond, .xlsx = &LINE_LIST_XLSX};

static int line_respond(gg_write_t *w, gg_error_t *err)
{
    gg_hotline_line_t l;
    if (gg_hotline_line_get(&w->op, w->result, &l, err) < 0) return -1;
    write_line(gg_api_json(w->req, w->status), &l);
    return 0;
}

static const gg_field_t line_fields[] = {
    {"name", GG_F_STR, 0, 1, 64, 0},
    {"number", GG_F_STR, 0, 1, 20, 0},
    {"unit_id", GG_F_INT, 0, 1, INT64_MAX, 0},
};

static int create_run(gg_write_t *w, gg_error_t *err)
{
    gg_hotline_line_t in = {.name = gg_json_str(w->body, "name"),
                            .number = gg_json_str(w->body, "number"),
                            .unit_id = gg_json_int(w->body, "unit_id", 0)};
    return gg_hotline_line_create(&w->op, &in, &w->result, err);
}

static const gg_write_op_t LINE_CREATE = {
    .fields = GG_FIELDS(line_fields),
    .run = create_run,
    .respond = line_respond,
    .status = 201,
    .location = "/api/v1/hotline-lines/%lld",
};

static const gg_field_t patch_fields[] = {
    {"retired", GG_F_BOOL, 0, 0, 0, 0},
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
};

static int update_run(gg_write_t *w, gg_error_t *err)
{
    json_t *b = w->body;
    int retire = json_object_get(b, "retired") ? gg_json_bool(b, "retired", 0) : -1;
    return gg_hotline_line_update(&w->op, w->id, gg_json_str(b, "name"), gg_json_str(b, "number"),
                                  gg_json_int(b, "unit_id", 0), retire, (int)gg_json_int(b, "version", 0),
                                  err);
}

static const gg_write_op_t LINE_UPDATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(line_fields),
    .more = GG_FIELDS(patch_fields),
    .run = update_run,
    .respond = line_respond,
};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/hotline-lines", LINE_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/hotline-lines", LINE_CREATE),
    GG_WRITE_ROUTE("PATCH", "/api/v1/hotline-lines/{id}", LINE_UPDATE),
};

int gg_api_hotline_line_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
