/*
 * categories.c — /api/v1/categories: the matter category tree (事项分类), each
 * node's own policy beside its effective (inherited) policy and where each
 * effective value comes from, and the frozen policy versions cases point at.
 * Everyone logged in may read; writes need settings.manage at the root
 * (domain/cases/category.c checks it).
 */
#include <string.h>

#include "api/export.h"
#include "api/api.h"
#include "api/body.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/cases/category.h"

/* ---- JSON ---- */

/* The policy's fields as keys of the open object (unset: null). */
static void write_policy_fields(gg_jw_t *w, const gg_policy_t *p)
{
    for (int f = 0; f < GG_POLICY_NFIELDS; f++) {
        gg_jw_key(w, gg_policy_fields[f].name);
        if (!p->set[f])
            gg_jw_null(w);
        else if (f == GG_POLICY_RESIDENT_SELECTABLE)
            gg_jw_bool(w, p->num[f] != 0);
        else if (gg_policy_fields[f].numeric)
            gg_jw_int(w, p->num[f]);
        else
            gg_jw_str(w, p->text[f]);
    }
}

static const gg_category_t *node_of(const gg_category_t *tree, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (tree[i].id == id) return &tree[i];
    return NULL;
}

static void write_category(gg_jw_t *w, const gg_category_t *k, const gg_category_t *tree, int n)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->id);
    gg_jw_key(w, "parent_id");
    k->parent_id ? gg_jw_int(w, k->parent_id) : gg_jw_null(w);
    gg_jw_kstr(w, "code", k->code);
    gg_jw_kstr(w, "name", k->name);
    gg_jw_kstr(w, "name_en", k->name_en);
    gg_jw_kint(w, "sort", k->sort);
    gg_jw_kint(w, "depth", k->depth);
    gg_jw_ktime(w, "retired_at", k->retired_at);
    gg_jw_kbool(w, "retired", k->retired);
    gg_jw_key(w, "own");
    gg_jw_obj(w);
    write_policy_fields(w, &k->own);
    gg_jw_obj_end(w);
    gg_jw_key(w, "effective");
    gg_jw_obj(w);
    write_policy_fields(w, &k->eff);
    gg_jw_obj_end(w);
    /* for each field: the node its effective value comes from (this one when it is its own), null when unset
     */
    gg_jw_key(w, "effective_from");
    gg_jw_obj(w);
    for (int f = 0; f < GG_POLICY_NFIELDS; f++) {
        gg_jw_key(w, gg_policy_fields[f].name);
        const gg_category_t *src = k->from[f] ? node_of(tree, n, k->from[f]) : NULL;
        if (!src) {
            gg_jw_null(w);
            continue;
        }
        gg_jw_obj(w);
        gg_jw_kint(w, "id", src->id);
        gg_jw_kstr(w, "code", src->code);
        gg_jw_kstr(w, "name", src->name);
        gg_jw_kstr(w, "name_en", src->name_en);
        gg_jw_kbool(w, "inherited", src->id != k->id);
        gg_jw_obj_end(w);
    }
    gg_jw_obj_end(w);
    gg_jw_key(w, "policy_version");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->policy_version_id);
    gg_jw_kint(w, "seq", k->policy_version_seq);
    gg_jw_obj_end(w);
    gg_jw_ktime(w, "created_at", k->created_at);
    gg_jw_ktime(w, "updated_at", k->updated_at);
    gg_jw_kint(w, "version", k->version);
    gg_jw_obj_end(w);
}

/* ---- GET /categories?resident=1 ---- */

static int list_parse(gg_write_t *w)
{
    return gg_api_query_int(w->req, "resident", 0, 1, 0, w->state);
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    gg_category_t *rows;
    int n;
    if (gg_category_tree(w->op.c, w->op.arena, (int)*(int64_t *)w->state, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_category(jw, &rows[i], rows, n);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

/* ?format=xlsx (api/export.h) */
static const gg_export_col_t category_list_cols[] = {
    {"code", "代码", 18}, {"name", "名称", 20}, {"name_en", "英文名称", 20},
    {"depth", "层级", 6}, {"sort", "排序", 6},  {"retired", "已停用", 8},
};
static const gg_export_t CATEGORY_LIST_XLSX = {"categories", "事项分类", GG_EXPORT_COLS(category_list_cols)};

static const gg_write_op_t CATEGORY_LIST = {
    .state_size = sizeof(int64_t), .parse = list_parse, .respond = list_respond, .xlsx = &CATEGORY_LIST_XLSX};

/* ---- one category ---- */

/* The category w->result as the JSON body. */
static int category_respond(gg_write_t *w, gg_error_t *err)
{
    gg_category_t k, *tree;
    int n;
    if (gg_category_get(w->op.c, w->op.arena, w->result, &k, &tree, &n, err) < 0) return -1;
    write_category(gg_api_json(w->req, w->status), &k, tree, n);
    return 0;
}

static const gg_write_op_t CATEGORY_GET = {.path_ids = {"id"}, .respond = category_respond};

/* Apply the body's fields to k (absent: unchanged; a policy field null: cleared, so it is inherited). */
static void take_category(gg_arena_t *a, json_t *body, gg_category_t *k)
{
    gg_body_str(a, body, "name", &k->name);
    gg_body_str(a, body, "name_en", &k->name_en);
    int has_sort = 1;
    int64_t sort = k->sort;
    gg_body_int(body, "sort", &has_sort, &sort);
    k->sort = (int)sort;
    for (int f = 0; f < GG_POLICY_NFIELDS; f++) {
        json_t *v = json_object_get(body, gg_policy_fields[f].name);
        if (!v) continue;
        k->own.set[f] = !json_is_null(v);
        if (json_is_null(v)) continue;
        if (json_is_boolean(v))
            k->own.num[f] = json_is_true(v);
        else if (json_is_integer(v))
            k->own.num[f] = json_integer_value(v);
        else
            k->own.text[f] = gg_strdup(a, json_string_value(v));
    }
}

/* The policy fields, shared by POST and PATCH (all nullable: null means inherit). */
static const gg_field_t category_fields[] = {
    {"name", GG_F_STR, 0, 1, 32, 0},
    {"name_en", GG_F_STR, 0, 0, 64, 1},
    {"sort", GG_F_INT, 0, -100000, 100000, 0},
    {"response_limit", GG_F_INT, 0, 1, 1000, 1},
    {"response_unit", GG_F_STR, 0, 1, 16, 1},
    {"handling_limit", GG_F_INT, 0, 1, 1000, 1},
    {"handling_unit", GG_F_STR, 0, 1, 16, 1},
    {"first_handler", GG_F_STR, 0, 1, 16, 1},
    {"department_kind", GG_F_STR, 0, 0, 32, 1},
    {"priority", GG_F_STR, 0, 1, 16, 1},
    {"resident_selectable", GG_F_BOOL, 0, 0, 0, 1},
    {"open_condition", GG_F_STR, 0, 0, 500, 1},
    {"close_condition", GG_F_STR, 0, 0, 500, 1},
    {"parent_id", GG_F_INT, 0, 1, INT64_MAX, 1},
};

static int create_prepare(gg_write_t *w, gg_error_t *err)
{
    gg_category_t *k = w->state;
    take_category(w->op.arena, w->body, k);
    k->code = gg_strdup(w->op.arena, gg_json_str(w->body, "code"));
    k->parent_id = gg_json_int(w->body, "parent_id", 0);
    if (!k->name) return gg_err_invalid(err, "name", "name is required");
    return 0;
}

static int create_run(gg_write_t *w, gg_error_t *err)
{
    return gg_category_create(&w->op, w->state, &w->result, err);
}

static const gg_field_t create_fields[] = {{"code", GG_F_STR, 1, 2, 32, 0}};

static const gg_write_op_t CATEGORY_CREATE = {
    .fields = GG_FIELDS(category_fields),
    .more = GG_FIELDS(create_fields),
    .state_size = sizeof(gg_category_t),
    .prepare = create_prepare,
    .run = create_run,
    .respond = category_respond,
    .status = 201,
    .location = "/api/v1/categories/%lld",
};

static int update_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_category_t cur, next, *tree;
    int n;
    if (gg_category_get(op->c, op->arena, w->id, &cur, &tree, &n, err) < 0) return -1;
    next = cur;
    take_category(op->arena, w->body, &next);
    /* null moves it to the top level */
    if (json_object_get(w->body, "parent_id")) next.parent_id = gg_json_int(w->body, "parent_id", 0);
    return gg_category_update(op, &cur, &next, (int)gg_json_int(w->body, "version", 0), err);
}

static const gg_field_t version_only[] = {{"version", GG_F_INT, 1, 1, INT32_MAX, 0}};

static const gg_write_op_t CATEGORY_UPDATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(category_fields),
    .more = GG_FIELDS(version_only),
    .run = update_run,
    .respond = category_respond,
};

/* ---- retire, restore ---- */

static int retire_run(gg_write_t *w, gg_error_t *err)
{
    return gg_category_retire(&w->op, w->id, 1, (int)gg_json_int(w->body, "version", 0), err);
}

static int restore_run(gg_write_t *w, gg_error_t *err)
{
    return gg_category_retire(&w->op, w->id, 0, (int)gg_json_int(w->body, "version", 0), err);
}

static const gg_write_op_t CATEGORY_RETIRE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(version_only),
    .run = retire_run,
    .respond = category_respond,
};

static const gg_write_op_t CATEGORY_RESTORE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(version_only),
    .run = restore_run,
    .respond = category_respond,
};

/* ---- GET /categories/{id}/versions ---- */

static int versions_respond(gg_write_t *w, gg_error_t *err)
{
    gg_category_version_t *rows;
    int n;
    if (gg_category_versions(w->op.c, w->op.arena, w->id, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].id);
        gg_jw_kint(jw, "seq", rows[i].seq);
        gg_jw_key(jw, "policy");
        gg_jw_obj(jw);
        write_policy_fields(jw, &rows[i].policy);
        gg_jw_obj_end(jw);
        gg_jw_ktime(jw, "created_at", rows[i].created_at);
        gg_jw_key(jw, "created_by");
        rows[i].created_by ? gg_jw_int(jw, rows[i].created_by) : gg_jw_null(jw);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t CATEGORY_VERSIONS = {.path_ids = {"id"}, .respond = versions_respond};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/categories", CATEGORY_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/categories", CATEGORY_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/categories/{id}", CATEGORY_GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/categories/{id}", CATEGORY_UPDATE),
    GG_WRITE_ROUTE("POST", "/api/v1/categories/{id}/retire", CATEGORY_RETIRE),
    GG_WRITE_ROUTE("POST", "/api/v1/categories/{id}/restore", CATEGORY_RESTORE),
    GG_WRITE_ROUTE("GET", "/api/v1/categories/{id}/versions", CATEGORY_VERSIONS),
};

int gg_api_category_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
