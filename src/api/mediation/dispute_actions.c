/*
 * dispute_actions.c — the steps of mediation on one dispute (docs/mediation.md "HTTP"): POST
 * /api/v1/disputes/{id}/mediators (assign; the answer carries the conflict-of-interest warning), /sessions,
 * /outcome, PUT /agreement, GET /agreement.pdf, POST /followups, /followups/{fid} (the result), /judicial,
 * /escalate, /notes.  Each answers the dispute as GET /disputes/{id} does (plus "warning" for an assignment).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/mediation/mediation_api.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/mediation/dispute.h"
#include "domain/mediation/roster.h"

typedef struct act_state {
    const char *warning;
    int assigned;
} act_state_t;

static int dispute_respond(gg_write_t *w, gg_error_t *err)
{
    act_state_t *s = w->state;
    gg_dispute_t d;
    if (gg_dispute_get(&w->op, w->id, &d, err) < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    if (s && s->assigned) {
        gg_jw_obj(jw);
        gg_jw_key(jw, "warning");
        if (s->warning) {
            /* "household:张三" or "self:张三" */
            const char *colon = strchr(s->warning, ':');
            gg_jw_obj(jw);
            gg_jw_kstr(jw, "code", colon && !strncmp(s->warning, "self", 4) ? "coi_self" : "coi_household");
            gg_jw_kstr(jw, "party", colon ? colon + 1 : s->warning);
            gg_jw_obj_end(jw);
        } else {
            gg_jw_null(jw);
        }
        gg_jw_key(jw, "dispute");
        gg_api_dispute_json(jw, w->op.arena, &d, 1);
        gg_jw_obj_end(jw);
        return 0;
    }
    gg_api_dispute_json(jw, w->op.arena, &d, 1);
    return 0;
}

static const char *bstr(gg_arena_t *a, json_t *o, const char *k)
{
    const char *s = gg_json_str(o, k);
    return s ? gg_strdup(a, s) : NULL;
}

/* ---- assign ---- */

static const gg_field_t assign_fields[] = {
    {"mediator_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"self", GG_F_BOOL, 0, 0, 0, 1},
    {"role", GG_F_STR, 0, 0, 16, 1},
};

static int assign_run(gg_write_t *w, gg_error_t *err)
{
    act_state_t *s = w->state;
    s->assigned = 1;
    int64_t mediator = gg_json_int(w->body, "mediator_id", 0);
    if (json_is_true(json_object_get(w->body, "self"))) {
        gg_dispute_t d;
        if (gg_dispute_get(&w->op, w->id, &d, err) < 0) return -1;
        if (gg_mediator_self(&w->op, d.unit_id, &mediator, err) < 0) return -1;
    }
    if (mediator <= 0) {
        gg_err_invalid(err, "mediator_id", "mediator_id is required (or self: true)");
        return gg_error_reason(err, "required");
    }
    return gg_dispute_assign(&w->op, w->id, mediator, bstr(w->op.arena, w->body, "role"), &s->warning, err);
}

static const gg_write_op_t ASSIGN = {.path_ids = {"id"},
                                     .fields = GG_FIELDS(assign_fields),
                                     .state_size = sizeof(act_state_t),
                                     .run = assign_run,
                                     .respond = dispute_respond};

/* ---- sessions ---- */

static const gg_field_t session_fields[] = {
    {"at", GG_F_STR, 0, 0, 40, 1},           {"place", GG_F_STR, 0, 0, 200, 1},
    {"attendance", GG_F_STR, 0, 0, 1000, 1}, {"minutes", GG_F_STR, 0, 0, 10000, 1},
    {"held", GG_F_BOOL, 0, 0, 0, 1},
};

static int session_run(gg_write_t *w, gg_error_t *err)
{
    gg_dispute_session_new_t in = {0};
    const char *at = gg_json_str(w->body, "at");
    if (at && *at && gg_cal_parse_instant(at, &in.at) < 0) {
        gg_err_invalid(err, "at", "at is an instant (2026-12-05T09:30:00+08:00)");
        return gg_error_reason(err, "malformed");
    }
    in.place = bstr(w->op.arena, w->body, "place");
    in.attendance = bstr(w->op.arena, w->body, "attendance");
    in.minutes = bstr(w->op.arena, w->body, "minutes");
    json_t *held = json_object_get(w->body, "held");
    in.held = held ? json_is_true(held) : (in.minutes && *in.minutes);
    return gg_dispute_session_add(&w->op, w->id, &in, NULL, err);
}

static const gg_write_op_t SESSION = {.path_ids = {"id"},
                                      .fields = GG_FIELDS(session_fields),
                                      .state_size = sizeof(act_state_t),
                                      .run = session_run,
                                      .respond = dispute_respond,
                                      .status = 201};

/* ---- outcome ---- */

static const gg_field_t outcome_fields[] = {
    {"outcome", GG_F_STR, 1, 0, 16, 0},
    {"outcome_text", GG_F_STR, 0, 0, 2000, 1},
    {"evaluation", GG_F_STR, 0, 0, 2000, 1},
};

static int outcome_run(gg_write_t *w, gg_error_t *err)
{
    gg_arena_t *a = w->op.arena;
    return gg_dispute_outcome(&w->op, w->id, bstr(a, w->body, "outcome"), bstr(a, w->body, "outcome_text"),
                              bstr(a, w->body, "evaluation"), err);
}

static const gg_write_op_t OUTCOME = {.path_ids = {"id"},
                                      .fields = GG_FIELDS(outcome_fields),
                                      .state_size = sizeof(act_state_t),
                                      .run = outcome_run,
                                      .respond = dispute_respond};

/* ---- agreement ---- */

static const gg_field_t agreement_fields[] = {
    {"facts", GG_F_STR, 0, 0, 5000, 1},         {"terms", GG_F_ARR, 0, 0, 0, 1},
    {"performance", GG_F_STR, 0, 0, 2000, 1},   {"performance_due", GG_F_STR, 0, 0, 10, 1},
    {"copies", GG_F_INT, 0, 1, 20, 1},          {"signed_on", GG_F_STR, 0, 0, 10, 1},
    {"party_signatures", GG_F_ARR, 0, 0, 0, 1}, {"mediator_signature", GG_F_STR, 0, 0, 100, 1},
    {"followup_days", GG_F_ARR, 0, 0, 0, 1},
};

typedef struct agreement_state {
    act_state_t act;
    gg_dispute_agreement_new_t in;
} agreement_state_t;

static int agreement_prepare(gg_write_t *w, gg_error_t *err)
{
    agreement_state_t *s = w->state;
    gg_arena_t *a = w->op.arena;
    json_t *b = w->body;
    gg_dispute_agreement_new_t *in = &s->in;
    in->facts = bstr(a, b, "facts");
    const char **terms = NULL, **sigs = NULL, **days = NULL;
    json_t *t = json_object_get(b, "terms");
    if (t && json_array_size(t) > GG_DISPUTE_MAX_TERMS) {
        gg_err_invalid(err, "terms", "at most %d terms", GG_DISPUTE_MAX_TERMS);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_DISPUTE_MAX_TERMS);
    }
    /* empty terms are dropped by the domain; a list of nothing but blanks is "no terms" (400 terms) */
    if (t) {
        in->terms = terms = gg_alloc(a, sizeof(char *) * (json_array_size(t) + 1));
        for (size_t i = 0; i < json_array_size(t); i++) {
            json_t *x = json_array_get(t, i);
            if (!json_is_string(x)) {
                gg_err_invalid(err, gg_sprintf(a, "terms[%d]", (int)i), "a term is text");
                return gg_error_reason(err, "malformed");
            }
            terms[in->nterms++] = gg_strdup(a, json_string_value(x));
        }
    }
    if (gg_body_str_array(a, b, "party_signatures", GG_DISPUTE_MAX_PARTIES, 100, &sigs, &in->nsignatures,
                          err) < 0 ||
        gg_body_str_array(a, b, "followup_days", 12, 10, &days, &in->nfollowups, err) < 0)
        return -1;
    in->party_signatures = sigs;
    in->followup_days = days;
    in->performance = bstr(a, b, "performance");
    in->performance_due = bstr(a, b, "performance_due");
    in->copies = (int)gg_json_int(b, "copies", 0);
    in->signed_on = bstr(a, b, "signed_on");
    in->mediator_signature = bstr(a, b, "mediator_signature");
    return 0;
}

static int agreement_run(gg_write_t *w, gg_error_t *err)
{
    agreement_state_t *s = w->state;
    return gg_dispute_agreement_put(&w->op, w->id, &s->in, err);
}

static const gg_write_op_t AGREEMENT = {.path_ids = {"id"},
                                        .fields = GG_FIELDS(agreement_fields),
                                        .state_size = sizeof(agreement_state_t),
                                        .prepare = agreement_prepare,
                                        .run = agreement_run,
                                        .respond = dispute_respond};

/* ---- GET /disputes/{id}/agreement.pdf ---- */

static int pdf_respond(gg_write_t *w, gg_error_t *err)
{
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (gg_dispute_agreement_pdf(&w->op, w->id, &pdf, &len, err) < 0) return -1;
    gg_req_t *req = w->req;
    gg_buf_append(&req->out, pdf, len);
    free(pdf);
    gg_resp_header(req, "Content-Disposition",
                   gg_sprintf(req->arena, "inline; filename=\"agreement-%lld.pdf\"", (long long)w->id));
    req->status = 200;
    req->content_type = "application/pdf";
    return 0;
}

static const gg_write_op_t AGREEMENT_PDF = {.path_ids = {"id"}, .respond = pdf_respond};

/* ---- follow-ups ---- */

static const gg_field_t followup_fields[] = {{"due_on", GG_F_STR, 1, 0, 10, 0}};

static int followup_run(gg_write_t *w, gg_error_t *err)
{
    return gg_dispute_followup_add(&w->op, w->id, bstr(w->op.arena, w->body, "due_on"), NULL, err);
}

static const gg_write_op_t FOLLOWUP = {.path_ids = {"id"},
                                       .fields = GG_FIELDS(followup_fields),
                                       .state_size = sizeof(act_state_t),
                                       .run = followup_run,
                                       .respond = dispute_respond,
                                       .status = 201};

static const gg_field_t result_fields[] = {{"result", GG_F_STR, 1, 0, 16, 0},
                                           {"note", GG_F_STR, 0, 0, 2000, 1}};

static int result_run(gg_write_t *w, gg_error_t *err)
{
    return gg_dispute_followup_record(&w->op, w->ids[0], w->ids[1], bstr(w->op.arena, w->body, "result"),
                                      bstr(w->op.arena, w->body, "note"), err);
}

static const gg_write_op_t FOLLOWUP_RESULT = {.path_ids = {"id", "fid"},
                                              .fields = GG_FIELDS(result_fields),
                                              .state_size = sizeof(act_state_t),
                                              .run = result_run,
                                              .respond = dispute_respond};

/* ---- judicial confirmation ---- */

static const gg_field_t judicial_fields[] = {
    {"requested", GG_F_BOOL, 1, 0, 0, 0},
    {"on", GG_F_STR, 0, 0, 10, 1},
    {"outcome", GG_F_STR, 0, 0, 16, 1},
};

static int judicial_run(gg_write_t *w, gg_error_t *err)
{
    return gg_dispute_judicial(&w->op, w->id, json_is_true(json_object_get(w->body, "requested")),
                               bstr(w->op.arena, w->body, "on"), bstr(w->op.arena, w->body, "outcome"), err);
}

static const gg_write_op_t JUDICIAL = {.path_ids = {"id"},
                                       .fields = GG_FIELDS(judicial_fields),
                                       .state_size = sizeof(act_state_t),
                                       .run = judicial_run,
                                       .respond = dispute_respond};

/* ---- escalation, hand-over, notes ---- */

static const gg_field_t escalate_fields[] = {
    {"committee_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"note", GG_F_STR, 0, 0, 2000, 1},
};

static int escalate_run(gg_write_t *w, gg_error_t *err)
{
    return gg_dispute_escalate(&w->op, w->id, gg_json_int(w->body, "committee_id", 0),
                               bstr(w->op.arena, w->body, "note"), err);
}

static const gg_write_op_t ESCALATE = {.path_ids = {"id"},
                                       .fields = GG_FIELDS(escalate_fields),
                                       .body_optional = 1,
                                       .state_size = sizeof(act_state_t),
                                       .run = escalate_run,
                                       .respond = dispute_respond};

static const gg_field_t note_fields[] = {{"note", GG_F_STR, 1, 0, 2000, 0}};

static int note_run(gg_write_t *w, gg_error_t *err)
{
    return gg_dispute_note(&w->op, w->id, bstr(w->op.arena, w->body, "note"), err);
}

static const gg_write_op_t NOTE = {.path_ids = {"id"},
                                   .fields = GG_FIELDS(note_fields),
                                   .state_size = sizeof(act_state_t),
                                   .run = note_run,
                                   .respond = dispute_respond,
                                   .status = 201};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/mediators", ASSIGN),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/sessions", SESSION),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/outcome", OUTCOME),
    GG_WRITE_ROUTE("PUT", "/api/v1/disputes/{id}/agreement", AGREEMENT),
    GG_WRITE_ROUTE("GET", "/api/v1/disputes/{id}/agreement.pdf", AGREEMENT_PDF),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/followups", FOLLOWUP),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/followups/{fid}", FOLLOWUP_RESULT),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/judicial", JUDICIAL),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/escalate", ESCALATE),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes/{id}/notes", NOTE),
};

int gg_api_dispute_action_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
