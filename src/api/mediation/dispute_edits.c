/*
 * dispute_edits.c — editing the register (docs/mediation.md "Editing the register"): PATCH
 * /api/v1/disputes/{id} (items and changes to parties, with the version read), POST /disputes/{id}/parties,
 * DELETE /disputes/{id}/parties/{pid}?version=, POST /disputes/{id}/revoke (撤销) — each answering the
 * dispute as GET does — and POST /disputes/{id}/parties/{pid}/reveal, one party's ID number and phone
 * unmasked (audited in the domain, in the same transaction, before the values leave).
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/mediation/mediation_api.h"
#include "api/write.h"
#include "domain/mediation/dispute.h"

static const char *bstr(gg_arena_t *a, json_t *o, const char *k)
{
    const char *s = gg_json_str(o, k);
    return s ? gg_strdup(a, s) : NULL;
}

static int version_of(json_t *b)
{
    return (int)gg_json_int(b, "version", 0);
}

/* ---- PATCH /disputes/{id} ---- */

static const gg_field_t patch_fields[] = {
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
    {"title", GG_F_STR, 0, 0, 100, 1},
    {"type", GG_F_STR, 0, 0, 32, 1},
    {"summary", GG_F_STR, 0, 0, 5000, 1},
    {"occurred_on", GG_F_STR, 0, 0, 10, 1},
    {"place", GG_F_STR, 0, 0, 200, 1},
    {"scale", GG_F_STR, 0, 0, 16, 1},
    {"risk_level", GG_F_STR, 0, 0, 16, 1},
    {"units_involved", GG_F_STR, 0, 0, 500, 1},
    {"responsible_org", GG_F_STR, 0, 0, 100, 1},
    {"referral_from", GG_F_STR, 0, 0, 100, 1},
    {"people_count", GG_F_INT, 0, 1, 100000, 1},
    {"parties", GG_F_ARR, 0, 0, 0, 1},
};

static const gg_field_t party_patch_fields[] = {
    {"id", GG_F_INT, 1, 1, INT64_MAX, 0}, {"role", GG_F_STR, 0, 0, 16, 1},
    {"name", GG_F_STR, 0, 0, 100, 1},     {"id_number", GG_F_STR, 0, 0, 32, 1},
    {"phone", GG_F_STR, 0, 0, 32, 1},     {"address", GG_F_STR, 0, 0, 200, 1},
};

typedef struct patch_state {
    gg_dispute_edit_t in;
    gg_dispute_party_edit_t *parties;
    int nparties;
} patch_state_t;

/* A JSON null clears an optional item: "" to the domain. */
static const char *item(gg_arena_t *a, json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!v) return NULL;
    return json_is_null(v) ? "" : bstr(a, o, k);
}

static int patch_prepare(gg_write_t *w, gg_error_t *err)
{
    patch_state_t *s = w->state;
    gg_arena_t *a = w->op.arena;
    json_t *b = w->body;
    gg_dispute_edit_t *in = &s->in;
    in->title = item(a, b, "title");
    in->type = item(a, b, "type");
    in->summary = item(a, b, "summary");
    in->occurred_on = item(a, b, "occurred_on");
    in->place = item(a, b, "place");
    in->scale = item(a, b, "scale");
    in->risk_level = item(a, b, "risk_level");
    in->units_involved = item(a, b, "units_involved");
    in->responsible_org = item(a, b, "responsible_org");
    in->referral_from = item(a, b, "referral_from");
    in->people_count = (int)gg_json_int(b, "people_count", 0);
    json_t *ps = json_object_get(b, "parties");
    size_t n = json_array_size(ps);
    if (n > GG_DISPUTE_MAX_PARTIES) {
        gg_err_invalid(err, "parties", "at most %d parties", GG_DISPUTE_MAX_PARTIES);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_DISPUTE_MAX_PARTIES);
    }
    s->parties = gg_alloc(a, sizeof *s->parties * (n ? n : 1));
    memset(s->parties, 0, sizeof *s->parties * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(ps, i);
        const char *prefix = gg_sprintf(a, "parties[%d].", (int)i);
        if (!json_is_object(o)) {
            gg_err_invalid(err, gg_sprintf(a, "parties[%d]", (int)i), "a party is an object");
            return gg_error_reason(err, "malformed");
        }
        if (gg_json_check(o, party_patch_fields,
                          (int)(sizeof party_patch_fields / sizeof party_patch_fields[0]), prefix, err) < 0)
            return -1;
        gg_dispute_party_edit_t *p = &s->parties[i];
        p->party_id = gg_json_int(o, "id", 0);
        p->role = bstr(a, o, "role");
        p->name = bstr(a, o, "name");
        p->id_number = item(a, o, "id_number");
        p->phone = item(a, o, "phone");
        p->address = item(a, o, "address");
    }
    s->nparties = (int)n;
    return 0;
}

static int patch_run(gg_write_t *w, gg_error_t *err)
{
    patch_state_t *s = w->state;
    return gg_dispute_update(&w->op, w->id, version_of(w->body), &s->in, s->parties, s->nparties, err);
}

static const gg_write_op_t PATCH = {.path_ids = {"id"},
                                    .fields = GG_FIELDS(patch_fields),
                                    .state_size = sizeof(patch_state_t),
                                    .prepare = patch_prepare,
                                    .run = patch_run,
                                    .respond = gg_api_dispute_respond};

/* ---- POST /disputes/{id}/parties ---- */

/* the version, and a party as POST /disputes takes one (checked again, and named, by the shared reader) */
static const gg_field_t party_add_fields[] = {
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
    {"kind", GG_F_STR, 0, 0, 16, 1},
    {"role", GG_F_STR, 0, 0, 16, 1},
    {"name", GG_F_STR, 0, 0, 100, 1},
    {"id_number", GG_F_STR, 0, 0, 32, 1},
    {"phone", GG_F_STR, 0, 0, 32, 1},
    {"address", GG_F_STR, 0, 0, 200, 1},
    {"org_code", GG_F_STR, 0, 0, 32, 1},
    {"resident_id", GG_F_INT, 0, 1, INT64_MAX, 1},
};

typedef struct party_add_state {
    gg_dispute_party_new_t p;
} party_add_state_t;

static int party_add_prepare(gg_write_t *w, gg_error_t *err)
{
    party_add_state_t *s = w->state;
    json_t *copy = json_deep_copy(w->body);
    json_object_del(copy, "version");
    int rc = gg_api_dispute_party_read(w->op.arena, copy, "", &s->p, err);
    json_decref(copy);
    return rc;
}

static int party_add_run(gg_write_t *w, gg_error_t *err)
{
    party_add_state_t *s = w->state;
    return gg_dispute_party_add(&w->op, w->id, version_of(w->body), &s->p, NULL, err);
}

static const gg_write_op_t PARTY_ADD = {.path_ids = {"id"},
                                        .fields = GG_FIELDS(party_add_fields),
                                        .state_size = sizeof(party_add_state_t),
                                        .prepare = party_add_prepare,
                                        .run = party_add_run,
                                        .respond = gg_api_dispute_respond,
                                        .status = 201};

/* ---- DELETE /disputes/{id}/parties/{pid}?version= ---- */

static int party_remove_parse(gg_write_t *w)
{
    int64_t *version = w->state;
    return gg_api_query_int(w->req, "version", 1, INT32_MAX, 0, version);
}

static int party_remove_run(gg_write_t *w, gg_error_t *err)
{
    int64_t version = *(int64_t *)w->state;
    if (version <= 0) {
        gg_err_invalid(err, "version", "version is required (the dispute's version you read)");
        return gg_error_reason(err, "required");
    }
    return gg_dispute_party_remove(&w->op, w->ids[0], w->ids[1], (int)version, err);
}

static const gg_write_op_t PARTY_REMOVE = {.path_ids = {"id", "pid"},
                                           .state_size = sizeof(int64_t),
                                           .parse = party_remove_parse,
                                           .run = party_remove_run,
                                           .respond = gg_api_dispute_respond};

/* ---- POST /disputes/{id}/revoke ---- */

static const gg_field_t revoke_fields[] = {{"version", GG_F_INT, 1, 1, INT32_MAX, 0},
                                           {"reason", GG_F_STR, 0, 0, 500, 1}};

static int revoke_run(gg_write_t *w, gg_error_t *err)
{
    return gg_dispute_revoke(&w->op, w->id, version_of(w->body), bstr(w->op.arena, w->body, "reason"), err);
}

static const gg_write_op_t REVOKE = {.path_ids = {"id"},
                                     .fields = GG_FIELDS(revoke_fields),
                                     .run = revoke_run,
                                     .respond = gg_api_dispute_respond};

/* ---- POST /disputes/{id}/parties/{pid}/reveal ---- */

static const gg_field_t reveal_fields[] = {{"reason", GG_F_STR, 0, 0, 200, 1}};

typedef struct reveal_state {
    const char *id_number, *phone;
} reveal_state_t;

static int reveal_run(gg_write_t *w, gg_error_t *err)
{
    reveal_state_t *s = w->state;
    return gg_dispute_party_reveal(&w->op, w->ids[0], w->ids[1], bstr(w->op.arena, w->body, "reason"),
                                   &s->id_number, &s->phone, err);
}

static int reveal_respond(gg_write_t *w, gg_error_t *err)
{
    (void)err;
    reveal_state_t *s = w->state;
    gg_jw_t *jw = gg_api_json(w->req, 200);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "party_id", w->ids[1]);
    gg_jw_key(jw, "id_number");
    s->id_number ? gg_jw_str(jw, s->id_number) : gg_jw_null(jw);
    gg_jw_key(jw, "phone");
    s->phone ? gg_jw_str(jw, s->phone) : gg_jw_null(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t REVEAL = {.path_ids = {"id", "pid"},
                                     .fields = GG_FIELDS(reveal_fields),
                                     .state_size = sizeof(reveal_state_t),
                                     .run = reveal_run,
                                     .respond = reveal_respond,
                                     .no_idempotency = 1}; /* a replay would show the values unaudited */

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("PATCH", "/api/v1/disputes/{id}", PATCH),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/parties", PARTY_ADD),
    GG_WRITE_ROUTE("DELETE", "/api/v1/disputes/{id}/parties/{pid}", PARTY_REMOVE),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/revoke", REVOKE),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/parties/{pid}/reveal", REVEAL),
};

int gg_api_dispute_edit_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
