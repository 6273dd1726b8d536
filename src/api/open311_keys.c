/*
 * open311_keys.c — /api/v1/open311-keys: the Open311 clients' API keys (domain/open311.h), listed, created
 * (the key shown once, in the 201 only) and revoked by an administrator with settings.manage at the root;
 * and GET /api/v1/cases/{id}/attributes, the answers an Open311 request gave to its service's questions
 * (whoever sees the case).
 */
#include <string.h>

#include "api/api.h"
#include "api/write.h"
#include "domain/open311.h"

static void write_key(gg_jw_t *w, const gg_o311_key_t *k, const char *plain)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", k->id);
    gg_jw_kstr(w, "name", k->name);
    gg_jw_kint(w, "unit_id", k->unit_id);
    gg_jw_kstr(w, "unit_name", k->unit_name);
    gg_jw_kstr(w, "key_prefix", k->key_prefix);
    gg_jw_kint(w, "rate_per_minute", k->rate_per_minute);
    if (k->created_by)
        gg_jw_kint(w, "created_by", k->created_by);
    else
        gg_jw_knull(w, "created_by");
    gg_jw_ktime(w, "created_at", k->created_at);
    gg_jw_kbool(w, "revoked", k->revoked_at != 0);
    gg_jw_ktime(w, "revoked_at", k->revoked_at);
    gg_jw_ktime(w, "last_used_at", k->last_used_at);
    if (plain) gg_jw_kstr(w, "key", plain);
    gg_jw_obj_end(w);
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    gg_o311_key_t *rows;
    int n;
    if (gg_o311_key_list(&w->op, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_key(jw, &rows[i], NULL);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t KEY_LIST = {.respond = list_respond};

static const gg_field_t key_fields[] = {
    {"name", GG_F_STR, 1, 1, 100, 0},
    {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"rate_per_minute", GG_F_INT, 0, 1, 10000, 1},
};

typedef struct create_state {
    char key[44];
} create_state_t;

static int create_run(gg_write_t *w, gg_error_t *err)
{
    create_state_t *s = w->state;
    return gg_o311_key_create(&w->op, gg_json_str(w->body, "name"), gg_json_int(w->body, "unit_id", 0),
                              (int)gg_json_int(w->body, "rate_per_minute", 60), &w->result, s->key, err);
}

static int key_respond(gg_write_t *w, gg_error_t *err)
{
    create_state_t *s = w->state;
    gg_o311_key_t k;
    if (gg_o311_key_get(&w->op, w->result, &k, err) < 0) return -1;
    write_key(gg_api_json(w->req, w->status), &k, s && s->key[0] ? s->key : NULL);
    return 0;
}

static const gg_write_op_t KEY_CREATE = {
    .fields = GG_FIELDS(key_fields),
    .state_size = sizeof(create_state_t),
    .run = create_run,
    .respond = key_respond,
    .status = 201,
    .location = "/api/v1/open311-keys/%lld",
};

static int revoke_run(gg_write_t *w, gg_error_t *err)
{
    return gg_o311_key_revoke(&w->op, w->id, err);
}

static const gg_write_op_t KEY_REVOKE = {
    .path_ids = {"id"},
    .body_optional = 1,
    .state_size = sizeof(create_state_t),
    .run = revoke_run,
    .respond = key_respond,
};

static int answers_respond(gg_write_t *w, gg_error_t *err)
{
    gg_o311_answer_t *rows;
    int n;
    if (gg_o311_case_answers(&w->op, w->id, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kstr(jw, "code", rows[i].code);
        gg_jw_kstr(jw, "value", rows[i].value);
        gg_jw_kstr(jw, "question", rows[i].question);
        gg_jw_kstr(jw, "value_name", rows[i].value_name);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t CASE_ANSWERS = {.path_ids = {"id"}, .respond = answers_respond};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/open311-keys", KEY_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/open311-keys", KEY_CREATE),
    GG_WRITE_ROUTE("POST", "/api/v1/open311-keys/{id}/revoke", KEY_REVOKE),
    GG_WRITE_ROUTE("GET", "/api/v1/cases/{id}/attributes", CASE_ANSWERS),
};

int gg_api_open311_key_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
