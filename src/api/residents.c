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

#include "api/api.h"
#include "api/body.h"
#include "core/clock.h"
#include "domain/resident.h"
#include "domain/tag.h"
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
#define NRESIDENT (sizeof resident_fields / sizeof resident_fields[0])

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

/* Which of id_number, phone ?reveal= asks for; a 400 naming "reveal" for anything else. */
static int parse_reveal(gg_req_t *req, int *id, int *phone)
{
    const char *v;
    *id = *phone = 0;
    if (gg_api_query_str(req, "reveal", 32, &v) < 0) return -1;
    if (!v) return 0;
    char *list = gg_strdup(req->arena, v), *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "id_number") == 0) {
            *id = 1;
        } else if (strcmp(tok, "phone") == 0) {
            *phone = 1;
        } else {
            gg_error_t err;
            gg_err_invalid(&err, "reveal", "reveal may name id_number and phone (comma-separated)");
            gg_api_error(req, &err);
            return -1;
        }
    }
    return 0;
}

static void resident_list(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t limit, after, total_flag, separated;
    gg_resident_filter_t f = {.separated = -1};
    if (gg_api_query_int(req, "limit", 1, 200, 50, &limit) < 0 ||
        gg_api_query_int(req, "after", 0, INT64_MAX, 0, &after) < 0 ||
        gg_api_query_int(req, "total", 0, 1, 0, &total_flag) < 0 ||
        gg_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &f.unit_id) < 0 ||
        gg_api_query_int(req, "house_id", 0, INT64_MAX, 0, &f.house_id) < 0 ||
        gg_api_query_int(req, "household_id", 0, INT64_MAX, 0, &f.household_id) < 0 ||
        gg_api_query_int(req, "separated", 0, 1, -1, &separated) < 0 ||
        gg_api_query_str(req, "id_number", 32, &f.id_number) < 0 ||
        gg_api_query_str(req, "phone", 20, &f.phone) < 0 || gg_api_query_str(req, "q", 50, &f.q) < 0 ||
        gg_api_query_str(req, "type", 16, &f.type) < 0 || gg_api_query_str(req, "tag", 32, &f.tag) < 0 ||
        gg_api_query_str(req, "status", 16, &f.status) < 0)
        return;
    f.separated = (int)separated;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_page_t page = {.limit = (int)limit, .after = after, .want_total = (int)total_flag};
    gg_resident_t *rows;
    int n;
    int64_t total;
    int rc = gg_resident_list(c, req->arena, &app->keys, auth, &f, &page, &rows, &n, &total, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++)
        write_resident(req, w, &rows[i], 0, 0);
    gg_jw_arr_end(w);
    gg_body_next(w, req->arena, n, (int)limit, n ? rows[n - 1].id : 0);
    if (total >= 0) gg_jw_kint(w, "total", total);
    gg_jw_obj_end(w);
}

struct resident_ctx {
    gg_app_t *app;
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
    json_t *body;
    gg_resident_new_t in;
};

static int resident_create_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct resident_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_resident_create(c, x->arena, &x->app->keys, &actor, x->auth, &x->in, &x->id, err);
}

static void resident_respond(gg_req_t *req, gg_db_conn_t *c, const gg_auth_t *auth, int rc, int64_t id,
                             gg_error_t *err, int status)
{
    gg_app_t *app = req->app;
    gg_resident_t r;
    if (rc == 0) rc = gg_resident_get(c, req->arena, &app->keys, auth, id, &r, err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, err);
        return;
    }
    if (status == 201)
        gg_resp_header(req, "Location", gg_sprintf(req->arena, "/api/v1/residents/%lld", (long long)id));
    write_resident(req, gg_api_json(req, status), &r, 0, 0);
}

static void resident_create(gg_req_t *req)
{
    gg_field_t fields[NRESIDENT + 4];
    memcpy(fields, resident_fields, sizeof resident_fields);
    fields[NRESIDENT] = (gg_field_t){"unit_id", GG_F_INT, 0, 1, INT64_MAX, 1};
    fields[NRESIDENT + 1] = (gg_field_t){"household_id", GG_F_INT, 0, 1, INT64_MAX, 1};
    fields[NRESIDENT + 2] = (gg_field_t){"relation", GG_F_STR, 0, 1, 16, 1};
    fields[NRESIDENT + 3] = (gg_field_t){"tags", GG_F_ARR, 0, 0, 0, 1};
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct resident_ctx x = {.app = req->app, .arena = req->arena, .auth = auth};
    take_resident(req->arena, body, &x.in.r);
    x.in.r.unit_id = gg_json_int(body, "unit_id", 0);
    x.in.household_id = gg_json_int(body, "household_id", 0);
    x.in.relation = gg_strdup(req->arena, gg_json_str(body, "relation"));
    int rc = gg_body_str_array(req->arena, body, "tags", 20, 32, &x.in.tags, &x.in.ntags, &err);
    json_decref(body);
    if (rc == 0 && !x.in.r.name) rc = gg_err_invalid(&err, "name", "name is required");
    if (rc == 0) rc = gg_db_tx(c, resident_create_tx, &x, &err);
    resident_respond(req, c, auth, rc, x.id, &err, 201);
}

struct reveal_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    const gg_resident_t *r;
    const char *fields[2];
    int nfields;
};

static int reveal_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct reveal_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_resident_audit_reveal(c, x->arena, &actor, x->auth, x->r, x->fields, x->nfields, err);
}

static void resident_get(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    int reveal_id, reveal_phone;
    if (gg_api_path_id(req, "id", &id) < 0 || parse_reveal(req, &reveal_id, &reveal_phone) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_resident_t r;
    int rc = gg_resident_get(c, req->arena, &app->keys, auth, id, &r, &err);
    if (rc == 0 && (reveal_id || reveal_phone)) {
        struct reveal_ctx x = {.arena = req->arena, .auth = auth, .r = &r};
        /* only fields that hold something are revealed, and only those are on the record */
        reveal_id = reveal_id && r.id_number;
        reveal_phone = reveal_phone && r.phone;
        if (reveal_id) x.fields[x.nfields++] = "id_number";
        if (reveal_phone) x.fields[x.nfields++] = "phone";
        if (!gg_auth_can(auth, GG_P_PII_READ, r.unit_path))
            rc = gg_err_forbidden(&err, "you may not see unmasked personal data of this resident");
        else if (x.nfields)
            rc = gg_db_tx(c, reveal_tx, &x, &err);
    }
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    write_resident(req, gg_api_json(req, 200), &r, reveal_id, reveal_phone);
}

static int resident_update_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct resident_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    gg_resident_t cur, next;
    if (gg_resident_get(c, x->arena, &x->app->keys, x->auth, x->id, &cur, err) < 0) return -1;
    next = cur;
    take_resident(x->arena, x->body, &next);
    int has_unit = 1;
    gg_body_int(x->body, "unit_id", &has_unit, &next.unit_id);
    return gg_resident_update(c, x->arena, &x->app->keys, &actor, x->auth, &cur, &next,
                              (int)gg_json_int(x->body, "version", 0), err);
}

static void resident_update(gg_req_t *req)
{
    gg_field_t fields[NRESIDENT + 2];
    memcpy(fields, resident_fields, sizeof resident_fields);
    fields[NRESIDENT] = (gg_field_t){"unit_id", GG_F_INT, 0, 1, INT64_MAX, 0};
    fields[NRESIDENT + 1] = (gg_field_t){"version", GG_F_INT, 1, 1, INT32_MAX, 0};
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    struct resident_ctx x = {.app = req->app, .arena = req->arena, .auth = auth, .id = id};
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &x.body) < 0) {
        gg_api_end(req, c);
        return;
    }
    int rc = gg_db_tx(c, resident_update_tx, &x, &err);
    json_decref(x.body);
    resident_respond(req, c, auth, rc, id, &err, 200);
}

/* ---- POST /residents/{id}/departure and /return (登记离开, 撤销) ---- */

struct departure_ctx {
    gg_app_t *app;
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
    int back; /* 1: the return */
    const char *reason, *on, *note;
    int version;
};

static int departure_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct departure_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    if (x->back)
        return gg_resident_return(c, x->arena, &x->app->keys, &actor, x->auth, x->id, x->version, err);
    return gg_resident_depart(c, x->arena, &x->app->keys, &actor, x->auth, x->id, x->reason, x->on, x->note,
                              x->version, err);
}

static void departure_write(gg_req_t *req, int back)
{
    static const gg_field_t depart_fields[] = {
        {"reason", GG_F_STR, 1, 1, 16, 0},
        {"on", GG_F_STR, 1, 1, 10, 0},
        {"note", GG_F_STR, 0, 0, 200, 1},
        {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
    };
    static const gg_field_t return_fields[] = {{"version", GG_F_INT, 1, 1, INT32_MAX, 0}};
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    json_t *body;
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, back ? return_fields : depart_fields, back ? 1 : 4, &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct departure_ctx x = {.app = req->app,
                              .arena = req->arena,
                              .auth = auth,
                              .id = id,
                              .back = back,
                              .reason = gg_strdup(req->arena, gg_json_str(body, "reason")),
                              .on = gg_strdup(req->arena, gg_json_str(body, "on")),
                              .note = gg_strdup(req->arena, gg_json_str(body, "note")),
                              .version = (int)gg_json_int(body, "version", 0)};
    json_decref(body);
    int rc = gg_db_tx(c, departure_tx, &x, &err);
    resident_respond(req, c, auth, rc, id, &err, 200);
}

static void resident_depart(gg_req_t *req)
{
    departure_write(req, 0);
}

static void resident_return(gg_req_t *req)
{
    departure_write(req, 1);
}

/* ---- tags on residents ---- */

struct tag_set_ctx {
    gg_app_t *app;
    gg_arena_t *arena;
    const gg_auth_t *auth;
    int64_t id;
    const char *code;
    int on;
};

static int tag_set_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct tag_set_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    gg_resident_t r;
    if (gg_resident_get(c, x->arena, &x->app->keys, x->auth, x->id, &r, err) < 0) return -1;
    return gg_resident_tag_set(c, x->arena, &actor, x->auth, r.id, r.unit_id, r.unit_path, x->code, x->on,
                               NULL, err);
}

static void tag_set(gg_req_t *req, int on)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t id;
    const char *code = gg_req_param(req, "tag_code");
    if (gg_api_path_id(req, "id", &id) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    struct tag_set_ctx x = {
        .app = req->app, .arena = req->arena, .auth = auth, .id = id, .code = code, .on = on};
    int rc = gg_db_tx(c, tag_set_tx, &x, &err);
    gg_api_end(req, c);
    if (rc < 0)
        gg_api_error(req, &err);
    else
        req->status = 204;
}

static void tag_put(gg_req_t *req)
{
    tag_set(req, 1);
}

static void tag_delete(gg_req_t *req)
{
    tag_set(req, 0);
}

/* ---- the tag dictionary ---- */

static void tag_list(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t retired;
    if (gg_api_query_int(req, "include_retired", 0, 1, 0, &retired) < 0) return;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    gg_tag_t *rows;
    int n;
    int rc = gg_tag_list(c, req->arena, (int)retired, &rows, &n, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++)
        write_tag(w, &rows[i]);
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

struct tag_ctx {
    gg_arena_t *arena;
    const gg_auth_t *auth;
    const char *code;
    json_t *body;
    gg_tag_t in;
    int64_t id;
};

static int tag_create_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct tag_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    return gg_tag_create(c, x->arena, &actor, x->auth, &x->in, &x->id, err);
}

static void tag_respond(gg_req_t *req, gg_db_conn_t *c, int rc, const char *code, gg_error_t *err, int status)
{
    gg_tag_t t;
    int found = 0;
    if (rc == 0) rc = gg_tag_by_code(c, req->arena, code, &t, &found, err);
    gg_api_end(req, c);
    if (rc == 0 && !found) rc = gg_err_not_found(err, "there is no tag with code \"%s\"", code);
    if (rc < 0) {
        gg_api_error(req, err);
        return;
    }
    if (status == 201) gg_resp_header(req, "Location", gg_sprintf(req->arena, "/api/v1/tags/%s", t.code));
    write_tag(gg_api_json(req, status), &t);
}

static void tag_create(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"code", GG_F_STR, 1, 2, 32, 0},
        {"name", GG_F_STR, 1, 1, 32, 0},
        {"name_en", GG_F_STR, 0, 0, 64, 1},
        {"sensitive", GG_F_BOOL, 0, 0, 0, 0},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    json_t *body;
    gg_error_t err;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &body) < 0) {
        gg_api_end(req, c);
        return;
    }
    struct tag_ctx x = {.arena = req->arena,
                        .auth = auth,
                        .in = {.code = gg_strdup(req->arena, gg_json_str(body, "code")),
                               .name = gg_strdup(req->arena, gg_json_str(body, "name")),
                               .name_en = gg_strdup(req->arena, gg_json_str(body, "name_en")),
                               .sensitive = gg_json_bool(body, "sensitive", 0)}};
    json_decref(body);
    int rc = gg_db_tx(c, tag_create_tx, &x, &err);
    tag_respond(req, c, rc, x.in.code, &err, 201);
}

static int tag_update_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct tag_ctx *x = ctx;
    gg_actor_t actor = gg_actor_of(x->auth);
    gg_tag_t cur, next;
    int found;
    if (gg_tag_by_code(c, x->arena, x->code, &cur, &found, err) < 0) return -1;
    if (!found) return gg_err_not_found(err, "there is no tag with code \"%s\"", x->code);
    next = cur;
    gg_body_str(x->arena, x->body, "name", &next.name);
    gg_body_str(x->arena, x->body, "name_en", &next.name_en);
    gg_body_bool(x->body, "sensitive", &next.sensitive);
    int retired = cur.retired_at != 0;
    gg_body_bool(x->body, "retired", &retired);
    next.retired_at = retired ? (cur.retired_at ? cur.retired_at : gg_now_ms()) : 0;
    return gg_tag_update(c, x->arena, &actor, x->auth, &cur, &next, (int)gg_json_int(x->body, "version", 0),
                         err);
}

static void tag_update(gg_req_t *req)
{
    static const gg_field_t fields[] = {
        {"name", GG_F_STR, 0, 1, 32, 0},           {"name_en", GG_F_STR, 0, 0, 64, 1},
        {"sensitive", GG_F_BOOL, 0, 0, 0, 0},      {"retired", GG_F_BOOL, 0, 0, 0, 0},
        {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
    };
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    struct tag_ctx x = {.arena = req->arena, .auth = auth, .code = gg_req_param(req, "tag_code")};
    if (gg_api_body(req, fields, sizeof fields / sizeof fields[0], &x.body) < 0) {
        gg_api_end(req, c);
        return;
    }
    int rc = gg_db_tx(c, tag_update_tx, &x, &err);
    json_decref(x.body);
    tag_respond(req, c, rc, x.code, &err, 200);
}

void gg_api_resident_routes(gg_router_t *r)
{
    gg_router_add(r, "GET", "/api/v1/residents", resident_list, NULL);
    gg_router_add(r, "POST", "/api/v1/residents", resident_create, NULL);
    gg_router_add(r, "GET", "/api/v1/residents/{id}", resident_get, NULL);
    gg_router_add(r, "PATCH", "/api/v1/residents/{id}", resident_update, NULL);
    gg_router_add(r, "POST", "/api/v1/residents/{id}/departure", resident_depart, NULL);
    gg_router_add(r, "POST", "/api/v1/residents/{id}/return", resident_return, NULL);
    gg_router_add(r, "PUT", "/api/v1/residents/{id}/tags/{tag_code}", tag_put, NULL);
    gg_router_add(r, "DELETE", "/api/v1/residents/{id}/tags/{tag_code}", tag_delete, NULL);
    gg_router_add(r, "GET", "/api/v1/tags", tag_list, NULL);
    gg_router_add(r, "POST", "/api/v1/tags", tag_create, NULL);
    gg_router_add(r, "PATCH", "/api/v1/tags/{tag_code}", tag_update, NULL);
}
