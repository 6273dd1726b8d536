/*
 * residents.c — /api/v1: residents (实有人口) and the tag dictionary.
 *
 * ID numbers and phones are masked in every response (4202**********1234,
 * 138****5678); GET /residents/{id}?reveal=id_number,phone shows them to a
 * caller with pii.read over the resident, after a pii.read audit row is
 * committed — the read is on record before the data leaves.  Lists never
 * reveal.  Search by ID number or phone is exact, through the blind index.
 */
#include <string.h>

#include "api/export.h"
#include "api/api.h"
#include "api/body.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/people/resident.h"
#include "domain/people/tag.h"
#include "domain/validate.h"

/* ---- JSON ---- */

static void write_resident(gg_req_t *req, gg_jw_t *w, const gg_resident_t *r, int reveal_id, int reveal_phone)
{
    char today[11];
    gg_today(today);
    gg_jw_obj(w);
    gg_jw_kint(w, "id", r->id);
    gg_jw_kstr(w, "name", r->name);
    gg_jw_kstr(w, "gender", r->gender);
    gg_jw_kstr(w, "birth_date", r->birth_date);
    gg_jw_kint(w, "age", gg_age_years(r->birth_date, today));
    gg_jw_kstr(w, "ethnicity", r->ethnicity);
    gg_jw_kstr(w, "nationality", r->nationality);
    gg_jw_kstr(w, "id_type", r->id_type);
    gg_jw_kstr(w, "id_number", reveal_id ? r->id_number : gg_mask_id_number(req->arena, r->id_number));
    gg_jw_kbool(w, "id_number_masked", r->id_number && !reveal_id);
    gg_jw_kstr(w, "phone", reveal_phone ? r->phone : gg_mask_phone(req->arena, r->phone));
    gg_jw_kbool(w, "phone_masked", r->phone && !reveal_phone);
    gg_jw_kstr(w, "resident_type", r->resident_type);
    gg_jw_kstr(w, "registered_address", r->registered_address);
    gg_jw_kstr(w, "current_address", r->current_address);
    gg_jw_kbool(w, "household_registration_matches", r->registration_matches);
    gg_jw_kbool(w, "party_member", r->party_member);
    gg_jw_kbool(w, "volunteer", r->volunteer);
    gg_jw_kstr(w, "education", r->education);
    gg_jw_kstr(w, "marital_status", r->marital_status);
    gg_jw_kstr(w, "occupation", r->occupation);
    gg_jw_kstr(w, "employer", r->employer);
    gg_jw_key(w, "unit");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", r->unit_id);
    gg_jw_kstr(w, "code", r->unit_code);
    gg_jw_kstr(w, "name", r->unit_name);
    gg_jw_kstr(w, "path", r->unit_path);
    gg_jw_obj_end(w);
    gg_jw_key(w, "house");
    if (r->house_id) {
        gg_jw_obj(w);
        gg_jw_kint(w, "id", r->house_id);
        gg_jw_kstr(w, "house_code", r->house_code);
        gg_jw_kstr(w, "address", r->house_label);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    gg_jw_key(w, "household");
    if (r->household_id) {
        gg_jw_obj(w);
        gg_jw_kint(w, "id", r->household_id);
        gg_jw_kstr(w, "relation", r->relation);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    gg_jw_key(w, "tags");
    gg_jw_arr(w);
    for (int i = 0; i < r->ntags; i++) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "code", r->tags[i].code);
        gg_jw_kstr(w, "name", r->tags[i].name);
        gg_jw_kbool(w, "derived", r->tags[i].derived);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_ktime(w, "moved_in_at", r->moved_in_at);
    gg_jw_ktime(w, "moved_out_at", r->moved_out_at);
    gg_jw_kstr(w, "status", r->departure ? r->departure : "present");
    gg_jw_kstr(w, "departed_on", r->departed_on);
    gg_jw_kstr(w, "departure_note", r->departure_note);
    gg_jw_ktime(w, "created_at", r->created_at);
    gg_jw_ktime(w, "updated_at", r->updated_at);
    gg_jw_kint(w, "version", r->version);
    gg_jw_obj_end(w);
}

static void write_tag(gg_jw_t *w, const gg_tag_t *t)
{
    gg_jw_obj(w);
    gg_jw_kstr(w, "code", t->code);
    gg_jw_kstr(w, "name", t->name);
    gg_jw_kstr(w, "name_en", t->name_en);
    gg_jw_kbool(w, "sensitive", t->sensitive);
    gg_jw_kbool(w, "derived", gg_tag_is_derived(t));
    gg_jw_key(w, "min_age");
    t->min_age >= 0 ? gg_jw_int(w, t->min_age) : gg_jw_null(w);
    gg_jw_key(w, "max_age");
    t->max_age >= 0 ? gg_jw_int(w, t->max_age) : gg_jw_null(w);
    gg_jw_ktime(w, "retired_at", t->retired_at);
    gg_jw_kint(w, "version", t->version);
    gg_jw_obj_end(w);
}

/* ---- residents ---- */

/* Fields a POST and a PATCH share (lengths in characters). */
static const gg_field_t resident_fields[] = {
    {"name", GG_F_STR, 0, 1, 50, 0},
    {"gender", GG_F_STR, 0, 1, 8, 1},
    {"birth_date", GG_F_STR, 0, 1, 10, 1},
    {"ethnicity", GG_F_STR, 0, 1, 16, 1},
    {"nationality", GG_F_STR, 0, 1, 3, 1},
    {"id_type", GG_F_STR, 0, 1, 16, 1},
    {"id_number", GG_F_STR, 0, 0, 32, 1},
    {"phone", GG_F_STR, 0, 0, 20, 1},
    {"resident_type", GG_F_STR, 0, 1, 16, 1},
    {"registered_address", GG_F_STR, 0, 0, 200, 1},
    {"current_address", GG_F_STR, 0, 0, 200, 1},
    {"household_registration_matches", GG_F_BOOL, 0, 0, 0, 1},
    {"party_member", GG_F_BOOL, 0, 0, 0, 0},
    {"volunteer", GG_F_BOOL, 0, 0, 0, 0},
    {"education", GG_F_STR, 0, 1, 24, 1},
    {"marital_status", GG_F_STR, 0, 1, 16, 1},
    {"occupation", GG_F_STR, 0, 0, 50, 1},
    {"employer", GG_F_STR, 0, 0, 100, 1},
    {"house_id", GG_F_INT, 0, 1, INT64_MAX, 1},
};

/* Apply the body's resident fields to r (absent: unchanged, null: cleared). */
static void take_resident(gg_arena_t *a, json_t *body, gg_resident_t *r)
{
    gg_body_str(a, body, "name", &r->name);
    gg_body_str(a, body, "gender", &r->gender);
    gg_body_str(a, body, "birth_date", &r->birth_date);
    gg_body_str(a, body, "ethnicity", &r->ethnicity);
    gg_body_str(a, body, "nationality", &r->nationality);
    gg_body_str(a, body, "id_type", &r->id_type);
    gg_body_str(a, body, "id_number", &r->id_number);
    gg_body_str(a, body, "phone", &r->phone);
    gg_body_str(a, body, "resident_type", &r->resident_type);
    gg_body_str(a, body, "registered_address", &r->registered_address);
    gg_body_str(a, body, "current_address", &r->current_address);
    gg_body_str(a, body, "education", &r->education);
    gg_body_str(a, body, "marital_status", &r->marital_status);
    gg_body_str(a, body, "occupation", &r->occupation);
    gg_body_str(a, body, "employer", &r->employer);
    gg_body_bool(body, "party_member", &r->party_member);
    gg_body_bool(body, "volunteer", &r->volunteer);
    json_t *m = json_object_get(body, "household_registration_matches");
    if (m) {
        r->has_registration_matches = json_is_boolean(m);
        r->registration_matches = json_is_true(m);
    } else if (json_object_get(body, "resident_type")) {
        r->has_registration_matches = 0; /* a new type brings its default, unless the flag is sent too */
    }
    /* a corrected ID number brings its birth date and gender, unless they are sent too (and must agree) */
    json_t *idn = json_object_get(body, "id_number");
    if (json_is_string(idn) && *json_string_value(idn) &&
        (!r->id_type || !strcmp(r->id_type, "resident_id"))) {
        if (!json_object_get(body, "birth_date")) r->birth_date = NULL;
        if (!json_object_get(body, "gender")) r->gender = NULL;
    }
    int has_house = r->house_id != 0;
    gg_body_int(body, "house_id", &has_house, &r->house_id);
}

struct resident_query {
    gg_resident_filter_t f;
    gg_page_t page;
};

static int resident_list_parse(gg_write_t *w)
{
    struct resident_query *x = w->state;
    gg_req_t *req = w->req;
    gg_resident_filter_t *f = &x->f;
    int64_t total_flag, separated;
    if (gg_api_query_page(req, 200, 50, &x->page) < 0 ||
        gg_api_query_int(req, "total", 0, 1, 0, &total_flag) < 0 ||
        gg_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &f->unit_id) < 0 ||
        gg_api_query_int(req, "house_id", 0, INT64_MAX, 0, &f->house_id) < 0 ||
        gg_api_query_int(req, "household_id", 0, INT64_MAX, 0, &f->household_id) < 0 ||
        gg_api_query_int(req, "separated", 0, 1, -1, &separated) < 0 ||
        gg_api_query_str(req, "id_number", 32, &f->id_number) < 0 ||
        gg_api_query_str(req, "phone", 20, &f->phone) < 0 || gg_api_query_str(req, "q", 50, &f->q) < 0 ||
        gg_api_query_str(req, "type", 16, &f->type) < 0 || gg_api_query_str(req, "tag", 32, &f->tag) < 0 ||
        gg_api_query_str(req, "status", 16, &f->status) < 0)
        return -1;
    f->separated = (int)separated;
    x->page.want_total = (int)total_flag;
    return 0;
}

static int resident_list_respond(gg_write_t *w, gg_error_t *err)
{
    struct resident_query *x = w->state;
    const gg_op_t *op = &w->op;
    gg_resident_t *rows;
    int n;
    int64_t total;
    if (gg_resident_list(op->c, op->arena, op->keys, op->auth, &x->f, &x->page, &rows, &n, &total, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_resident(w->req, jw, &rows[i], 0, 0);
    gg_api_items_end(w->req, jw, n, x->page.limit, n ? rows[n - 1].id : 0, total);
    return 0;
}

/* ?format=xlsx (api/export.h) */
static const gg_export_col_t resident_list_cols[] = {
    {"name", "姓名", 12},          {"gender", "性别", 6},         {"birth_date", "出生日期", 12},
    {"id_number", "证件号码", 22}, {"phone", "电话", 14},         {"resident_type", "人员类型", 10},
    {"house.address", "住址", 30}, {"unit.name", "所属网格", 20}, {"tags", "标签", 24},
    {"status", "状态", 10},
};
static const gg_export_t RESIDENT_LIST_XLSX = {"residents", "居民", GG_EXPORT_COLS(resident_list_cols)};

static const gg_write_op_t RESIDENT_LIST = {.state_size = sizeof(struct resident_query),
                                            .parse = resident_list_parse,
                                            .respond = resident_list_respond,
                                            .xlsx = &RESIDENT_LIST_XLSX};

/* The resident w->result as the JSON body (a resident write's answer, and GET's without ?reveal). */
static int resident_respond(gg_write_t *w, gg_error_t *err)
{
    gg_resident_t r;
    if (gg_resident_get(w->op.c, w->op.arena, w->op.keys, w->op.auth, w->result, &r, err) < 0) return -1;
    write_resident(w->req, gg_api_json(w->req, w->status), &r, 0, 0);
    return 0;
}

static int resident_create_prepare(gg_write_t *w, gg_error_t *err)
{
    gg_resident_new_t *in = w->state;
    take_resident(w->op.arena, w->body, &in->r);
    in->r.unit_id = gg_json_int(w->body, "unit_id", 0);
    in->household_id = gg_json_int(w->body, "household_id", 0);
    in->relation = gg_strdup(w->op.arena, gg_json_str(w->body, "relation"));
    if (gg_body_str_array(w->op.arena, w->body, "tags", 20, 32, &in->tags, &in->ntags, err) < 0) return -1;
    if (!in->r.name) return gg_err_invalid(err, "name", "name is required");
    return 0;
}

static int resident_create_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_resident_create(op->c, op->arena, op->keys, &op->actor, op->auth, w->state, &w->result, err);
}

static const gg_field_t resident_create_fields[] = {
    {"unit_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"household_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"relation", GG_F_STR, 0, 1, 16, 1},
    {"tags", GG_F_ARR, 0, 0, 0, 1},
};

static const gg_write_op_t RESIDENT_CREATE = {
    .fields = GG_FIELDS(resident_fields),
    .more = GG_FIELDS(resident_create_fields),
    .state_size = sizeof(gg_resident_new_t),
    .prepare = resident_create_prepare,
    .run = resident_create_run,
    .respond = resident_respond,
    .status = 201,
    .location = "/api/v1/residents/%lld",
};

/* ---- GET /residents/{id}?reveal=id_number,phone ---- */

struct resident_read {
    gg_reveal_t rv;
    gg_resident_t r;
};

static int reveal_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    gg_write_t *w = ctx;
    const struct resident_read *x = w->state;
    return gg_resident_audit_reveal(c, w->op.arena, &w->op.actor, w->op.auth, &x->r, x->rv.fields,
                                    x->rv.nfields, err);
}

static int resident_get_parse(gg_write_t *w)
{
    struct resident_read *x = w->state;
    return gg_api_query_reveal(w->req, &x->rv);
}

/* The resident, unmasked where ?reveal= asks and the caller may: the read is on record (committed) before
 * the data leaves. */
static int resident_get_respond(gg_write_t *w, gg_error_t *err)
{
    struct resident_read *x = w->state;
    if (gg_resident_get(w->op.c, w->op.arena, w->op.keys, w->op.auth, w->id, &x->r, err) < 0 ||
        gg_api_reveal_check(w->op.auth, &x->rv, x->r.unit_path, x->r.id_number, x->r.phone, "resident", err) <
            0 ||
        (x->rv.nfields && gg_db_tx(w->op.c, reveal_tx, w, err) < 0))
        return -1;
    write_resident(w->req, gg_api_json(w->req, w->status), &x->r, x->rv.id_number, x->rv.phone);
    return 0;
}

static const gg_write_op_t RESIDENT_GET = {
    .path_ids = {"id"},
    .state_size = sizeof(struct resident_read),
    .parse = resident_get_parse,
    .respond = resident_get_respond,
};

static int resident_update_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_resident_t cur, next;
    if (gg_resident_get(op->c, op->arena, op->keys, op->auth, w->id, &cur, err) < 0) return -1;
    next = cur;
    take_resident(op->arena, w->body, &next);
    int has_unit = 1;
    gg_body_int(w->body, "unit_id", &has_unit, &next.unit_id);
    return gg_resident_update(op->c, op->arena, op->keys, &op->actor, op->auth, &cur, &next,
                              (int)gg_json_int(w->body, "version", 0), err);
}

static const gg_field_t resident_update_fields[] = {
    {"unit_id", GG_F_INT, 0, 1, INT64_MAX, 0},
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
};

static const gg_write_op_t RESIDENT_UPDATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(resident_fields),
    .more = GG_FIELDS(resident_update_fields),
    .run = resident_update_run,
    .respond = resident_respond,
};

/* ---- POST /residents/{id}/departure and /return (登记离开, 撤销) ---- */

static int departure_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_resident_depart(op->c, op->arena, op->keys, &op->actor, op->auth, w->id,
                              gg_json_str(w->body, "reason"), gg_json_str(w->body, "on"),
                              gg_json_str(w->body, "note"), (int)gg_json_int(w->body, "version", 0), err);
}

static int return_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    return gg_resident_return(op->c, op->arena, op->keys, &op->actor, op->auth, w->id,
                              (int)gg_json_int(w->body, "version", 0), err);
}

static const gg_field_t departure_fields[] = {
    {"reason", GG_F_STR, 1, 1, 16, 0},
    {"on", GG_F_STR, 1, 1, 10, 0},
    {"note", GG_F_STR, 0, 0, 200, 1},
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
};
static const gg_field_t version_only[] = {{"version", GG_F_INT, 1, 1, INT32_MAX, 0}};

static const gg_write_op_t RESIDENT_DEPART = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(departure_fields),
    .run = departure_run,
    .respond = resident_respond,
};

static const gg_write_op_t RESIDENT_RETURN = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(version_only),
    .run = return_run,
    .respond = resident_respond,
};

/* ---- tags on residents (PUT and DELETE /residents/{id}/tags/{tag_code}: 204) ---- */

static int tag_set(gg_write_t *w, int on, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    gg_resident_t r;
    if (gg_resident_get(op->c, op->arena, op->keys, op->auth, w->id, &r, err) < 0) return -1;
    return gg_resident_tag_set(op->c, op->arena, &op->actor, op->auth, r.id, r.unit_id, r.unit_path,
                               gg_req_param(w->req, "tag_code"), on, NULL, err);
}

static int tag_put_run(gg_write_t *w, gg_error_t *err)
{
    return tag_set(w, 1, err);
}

static int tag_delete_run(gg_write_t *w, gg_error_t *err)
{
    return tag_set(w, 0, err);
}

static const gg_write_op_t RESIDENT_TAG_PUT = {.path_ids = {"id"}, .run = tag_put_run};
static const gg_write_op_t RESIDENT_TAG_DELETE = {.path_ids = {"id"}, .run = tag_delete_run};

/* ---- the tag dictionary ---- */

static int tag_list_parse(gg_write_t *w)
{
    return gg_api_query_int(w->req, "include_retired", 0, 1, 0, w->state);
}

static int tag_list_respond(gg_write_t *w, gg_error_t *err)
{
    gg_tag_t *rows;
    int n;
    if (gg_tag_list(w->op.c, w->op.arena, (int)*(int64_t *)w->state, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_tag(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t TAG_LIST = {
    .state_size = sizeof(int64_t),
    .parse = tag_list_parse,
    .respond = tag_list_respond,
};

/* The tag of the path's tag_code, or of the one just made (state: its code), as the JSON body. */
static int tag_respond(gg_write_t *w, gg_error_t *err)
{
    const char *code = w->state ? ((const gg_tag_t *)w->state)->code : gg_req_param(w->req, "tag_code");
    gg_tag_t t;
    int found = 0;
    if (gg_tag_by_code(w->op.c, w->op.arena, code, &t, &found, err) < 0) return -1;
    if (!found) return gg_err_not_found(err, "there is no tag with code \"%s\"", code);
    if (w->status == 201)
        gg_resp_header(w->req, "Location", gg_sprintf(w->op.arena, "/api/v1/tags/%s", t.code));
    write_tag(gg_api_json(w->req, w->status), &t);
    return 0;
}

static int tag_create_prepare(gg_write_t *w, gg_error_t *err)
{
    gg_tag_t *in = w->state;
    *in = (gg_tag_t){.code = gg_strdup(w->op.arena, gg_json_str(w->body, "code")),
                     .name = gg_strdup(w->op.arena, gg_json_str(w->body, "name")),
                     .name_en = gg_strdup(w->op.arena, gg_json_str(w->body, "name_en")),
                     .sensitive = gg_json_bool(w->body, "sensitive", 0)};
    return 0;
}

static int tag_create_run(gg_write_t *w, gg_error_t *err)
{
    return gg_tag_create(&w->op, w->state, &w->result, err);
}

static const gg_field_t tag_create_fields[] = {
    {"code", GG_F_STR, 1, 2, 32, 0},
    {"name", GG_F_STR, 1, 1, 32, 0},
    {"name_en", GG_F_STR, 0, 0, 64, 1},
    {"sensitive", GG_F_BOOL, 0, 0, 0, 0},
};

static const gg_write_op_t TAG_CREATE = {
    .fields = GG_FIELDS(tag_create_fields),
    .state_size = sizeof(gg_tag_t),
    .prepare = tag_create_prepare,
    .run = tag_create_run,
    .respond = tag_respond,
    .status = 201,
};

static int tag_update_run(gg_write_t *w, gg_error_t *err)
{
    const gg_op_t *op = &w->op;
    const char *code = gg_req_param(w->req, "tag_code");
    gg_tag_t cur, next;
    int found;
    if (gg_tag_by_code(op->c, op->arena, code, &cur, &found, err) < 0) return -1;
    if (!found) return gg_err_not_found(err, "there is no tag with code \"%s\"", code);
    next = cur;
    gg_body_str(op->arena, w->body, "name", &next.name);
    gg_body_str(op->arena, w->body, "name_en", &next.name_en);
    gg_body_bool(w->body, "sensitive", &next.sensitive);
    int retired = cur.retired_at != 0;
    gg_body_bool(w->body, "retired", &retired);
    next.retired_at = retired ? (cur.retired_at ? cur.retired_at : gg_now_ms()) : 0;
    return gg_tag_update(op, &cur, &next, (int)gg_json_int(w->body, "version", 0), err);
}

static const gg_field_t tag_update_fields[] = {
    {"name", GG_F_STR, 0, 1, 32, 0},           {"name_en", GG_F_STR, 0, 0, 64, 1},
    {"sensitive", GG_F_BOOL, 0, 0, 0, 0},      {"retired", GG_F_BOOL, 0, 0, 0, 0},
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
};

static const gg_write_op_t TAG_UPDATE = {
    .fields = GG_FIELDS(tag_update_fields),
    .run = tag_update_run,
    .respond = tag_respond,
};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/residents", RESIDENT_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/residents", RESIDENT_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/residents/{id}", RESIDENT_GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/residents/{id}", RESIDENT_UPDATE),
    GG_WRITE_ROUTE("POST", "/api/v1/residents/{id}/departure", RESIDENT_DEPART),
    GG_WRITE_ROUTE("POST", "/api/v1/residents/{id}/return", RESIDENT_RETURN),
    GG_WRITE_ROUTE("PUT", "/api/v1/residents/{id}/tags/{tag_code}", RESIDENT_TAG_PUT),
    GG_WRITE_ROUTE("DELETE", "/api/v1/residents/{id}/tags/{tag_code}", RESIDENT_TAG_DELETE),
    GG_WRITE_ROUTE("GET", "/api/v1/tags", TAG_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/tags", TAG_CREATE),
    GG_WRITE_ROUTE("PATCH", "/api/v1/tags/{tag_code}", TAG_UPDATE),
};

int gg_api_resident_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
