/*
 * disputes.c — /api/v1/disputes: the dispute register (矛盾纠纷) and the steps of mediation on one dispute
 * (docs/mediation.md, domain/mediation/dispute.h): create (walk-in, from a case, …), read one with its
 * parties (ID numbers and phones always masked), mediators, sessions, agreement, follow-ups and timeline, the
 * list with filters, and the actions.
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/mediation/mediation_api.h"
#include "api/write.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "domain/cases/calendar.h"
#include "domain/mediation/dispute.h"

gg_cal_snapshot_t *gg_api_case_calendar(gg_req_t *req, gg_db_conn_t *c); /* api/cases/cases.c */

/* ---- JSON ---- */

static void kstr(gg_jw_t *w, const char *k, const char *v)
{
    gg_jw_key(w, k);
    v ? gg_jw_str(w, v) : gg_jw_null(w);
}

void gg_api_dispute_json(gg_jw_t *w, gg_arena_t *a, const gg_dispute_t *d, int full)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", d->id);
    gg_jw_kstr(w, "number", d->number);
    gg_jw_kstr(w, "title", d->title);
    gg_jw_kstr(w, "type", d->type);
    gg_jw_kstr(w, "scale", d->scale);
    gg_jw_kint(w, "people_count", d->people_count);
    gg_jw_kstr(w, "summary", d->summary);
    kstr(w, "units_involved", d->units_involved);
    kstr(w, "occurred_on", d->occurred_on);
    kstr(w, "place", d->place);
    gg_jw_key(w, "point");
    if (d->has_point) {
        gg_jw_obj(w);
        gg_jw_knum(w, "lat", d->lat);
        gg_jw_knum(w, "lon", d->lon);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    gg_body_kref(w, "grid", "id", d->grid_id, "name", d->grid_name);
    gg_jw_key(w, "unit");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", d->unit_id);
    gg_jw_kstr(w, "name", d->unit_name);
    gg_jw_kstr(w, "level", d->unit_level);
    gg_jw_obj_end(w);
    gg_jw_kbool(w, "escalated", strcmp(d->unit_path, d->origin_unit_path) != 0);
    gg_body_kref(w, "committee", "id", d->committee_id, "name", d->committee_name);
    gg_jw_kstr(w, "risk_level", d->risk_level);
    gg_jw_kstr(w, "source", d->source);
    kstr(w, "referral_from", d->referral_from);
    gg_body_kref(w, "case", "id", d->case_id, "number", d->case_number);
    gg_body_kid(w, "matter_id", d->matter_id);
    gg_jw_kstr(w, "method", d->method);
    kstr(w, "responsible_org", d->responsible_org);
    gg_body_kref(w, "lead_mediator", "id", d->lead_mediator_id, "name", d->lead_mediator_name);
    /* a revoked dispute is closed in the table (out of every open list) and "revoked" to the reader */
    gg_jw_kstr(w, "state", d->revoked_at ? "revoked" : d->state);
    gg_jw_key(w, "revoked");
    if (d->revoked_at) {
        gg_jw_obj(w);
        gg_jw_ktime(w, "at", d->revoked_at);
        kstr(w, "reason", d->revoked_reason);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    kstr(w, "outcome", d->outcome);
    kstr(w, "outcome_text", d->outcome_text);
    kstr(w, "evaluation", d->evaluation);
    gg_jw_ktime(w, "outcome_at", d->outcome_at);
    gg_jw_ktime(w, "due_at", d->due_at);
    gg_jw_kbool(w, "overdue", d->overdue);
    gg_jw_kstr(w, "day", d->day);
    gg_jw_key(w, "judicial");
    gg_jw_obj(w);
    gg_jw_kbool(w, "requested", d->judicial_requested);
    kstr(w, "on", d->judicial_on);
    kstr(w, "outcome", d->judicial_outcome);
    gg_jw_obj_end(w);
    gg_jw_kbool(w, "may_manage", d->may_manage);
    gg_jw_ktime(w, "created_at", d->created_at);
    gg_jw_ktime(w, "updated_at", d->updated_at);
    gg_jw_kint(w, "version", d->version);
    if (full) {
        gg_jw_kbool(w, "may_reveal", d->may_reveal);
        gg_jw_key(w, "parties");
        gg_jw_arr(w);
        for (int i = 0; i < d->nparties; i++) {
            const gg_dispute_party_t *p = &d->parties[i];
            gg_jw_obj(w);
            gg_jw_kint(w, "id", p->id);
            gg_jw_kint(w, "seq", p->seq);
            gg_jw_kstr(w, "kind", p->kind);
            gg_jw_kstr(w, "role", p->role);
            gg_jw_kstr(w, "name", p->name);
            kstr(w, "id_number", p->id_number ? gg_mask_id_number(a, p->id_number) : NULL);
            kstr(w, "phone", p->phone ? gg_mask_phone(a, p->phone) : NULL);
            gg_jw_kbool(w, "masked", 1);
            kstr(w, "address", p->address);
            kstr(w, "org_code", p->org_code);
            gg_body_kid(w, "resident_id", p->resident_id);
            gg_body_kid(w, "household_id", p->household_id);
            gg_jw_obj_end(w);
        }
        gg_jw_arr_end(w);
        gg_jw_key(w, "mediators");
        gg_jw_arr(w);
        for (int i = 0; i < d->nmediators; i++) {
            const gg_dispute_mediator_t *m = &d->mediators[i];
            gg_jw_obj(w);
            gg_jw_kint(w, "id", m->mediator_id);
            gg_jw_kstr(w, "name", m->name);
            gg_jw_kstr(w, "kind", m->kind);
            gg_jw_kstr(w, "role", m->role);
            kstr(w, "coi_warning", m->coi_warning);
            gg_body_kid(w, "account_id", m->account_id);
            gg_jw_ktime(w, "assigned_at", m->assigned_at);
            gg_jw_obj_end(w);
        }
        gg_jw_arr_end(w);
        gg_jw_key(w, "sessions");
        gg_jw_arr(w);
        for (int i = 0; i < d->nsessions; i++) {
            const gg_dispute_session_t *s = &d->sessions[i];
            gg_jw_obj(w);
            gg_jw_kint(w, "id", s->id);
            gg_jw_ktime(w, "at", s->at);
            kstr(w, "place", s->place);
            kstr(w, "attendance", s->attendance);
            kstr(w, "minutes", s->minutes);
            gg_jw_kbool(w, "held", s->held);
            gg_jw_obj_end(w);
        }
        gg_jw_arr_end(w);
        gg_jw_key(w, "agreement");
        const gg_dispute_agreement_t *g = &d->agreement;
        if (!g->present) {
            gg_jw_null(w);
        } else {
            gg_jw_obj(w);
            gg_jw_kstr(w, "number", g->number);
            gg_jw_kstr(w, "facts", g->facts);
            gg_jw_key(w, "terms");
            gg_jw_arr(w);
            for (int i = 0; i < g->nterms; i++)
                gg_jw_str(w, g->terms[i]);
            gg_jw_arr_end(w);
            kstr(w, "performance", g->performance);
            kstr(w, "performance_due", g->performance_due);
            gg_jw_kint(w, "copies", g->copies);
            gg_jw_kstr(w, "signed_on", g->signed_on);
            gg_jw_key(w, "party_signatures");
            gg_jw_arr(w);
            for (int i = 0; i < g->nsignatures; i++)
                gg_jw_str(w, g->party_signatures[i]);
            gg_jw_arr_end(w);
            kstr(w, "mediator_signature", g->mediator_signature);
            gg_jw_kstr(w, "pdf", gg_sprintf(a, "/api/v1/disputes/%lld/agreement.pdf", (long long)d->id));
            gg_jw_obj_end(w);
        }
        gg_jw_key(w, "followups");
        gg_jw_arr(w);
        for (int i = 0; i < d->nfollowups; i++) {
            const gg_dispute_followup_t *f = &d->followups[i];
            gg_jw_obj(w);
            gg_jw_kint(w, "id", f->id);
            gg_jw_kstr(w, "due_on", f->due_on);
            kstr(w, "result", f->result);
            kstr(w, "note", f->note);
            gg_jw_ktime(w, "done_at", f->done_at);
            gg_jw_obj_end(w);
        }
        gg_jw_arr_end(w);
        gg_jw_key(w, "timeline");
        gg_jw_arr(w);
        for (int i = 0; i < d->nevents; i++) {
            const gg_dispute_event_t *e = &d->events[i];
            gg_jw_obj(w);
            gg_jw_kint(w, "id", e->id);
            gg_jw_ktime(w, "at", e->at);
            gg_jw_kstr(w, "action", e->action);
            kstr(w, "actor_name", e->actor_name);
            gg_body_kid(w, "unit_id", e->unit_id);
            kstr(w, "note", e->note);
            gg_jw_key(w, "detail");
            e->detail ? gg_jw_raw(w, e->detail, strlen(e->detail)) : gg_jw_null(w);
            gg_jw_obj_end(w);
        }
        gg_jw_arr_end(w);
    }
    gg_jw_obj_end(w);
}

int gg_api_dispute_respond(gg_write_t *w, gg_error_t *err)
{
    gg_dispute_t d;
    if (gg_dispute_get(&w->op, w->result, &d, err) < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_api_dispute_json(jw, w->op.arena, &d, 1);
    return 0;
}

static const gg_write_op_t DISPUTE_GET = {.path_ids = {"id"}, .respond = gg_api_dispute_respond};

/* ---- POST /disputes ---- */

static const gg_field_t create_fields[] = {
    {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"title", GG_F_STR, 1, 0, 100, 0},
    {"type", GG_F_STR, 1, 0, 32, 0},
    {"summary", GG_F_STR, 1, 0, 5000, 0},
    {"source", GG_F_STR, 1, 0, 32, 0},
    {"occurred_on", GG_F_STR, 0, 0, 10, 1},
    {"lat", GG_F_NUM, 0, -90, 90, 1},
    {"lon", GG_F_NUM, 0, -180, 180, 1},
    {"case_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"matter_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"scale", GG_F_STR, 0, 0, 16, 1},
    {"risk_level", GG_F_STR, 0, 0, 16, 1},
    {"place", GG_F_STR, 0, 0, 200, 1},
    {"units_involved", GG_F_STR, 0, 0, 500, 1},
    {"referral_from", GG_F_STR, 0, 0, 100, 1},
    {"method", GG_F_STR, 0, 0, 32, 1},
    {"responsible_org", GG_F_STR, 0, 0, 100, 1},
    {"people_count", GG_F_INT, 0, 0, 100000, 1},
    {"committee_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"grid_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"parties", GG_F_ARR, 1, 0, 0, 0},
};

static const gg_field_t party_fields[] = {
    {"kind", GG_F_STR, 0, 0, 16, 1},     {"role", GG_F_STR, 0, 0, 16, 1},
    {"name", GG_F_STR, 0, 0, 100, 1},    {"id_number", GG_F_STR, 0, 0, 32, 1},
    {"phone", GG_F_STR, 0, 0, 32, 1},    {"address", GG_F_STR, 0, 0, 200, 1},
    {"org_code", GG_F_STR, 0, 0, 32, 1}, {"resident_id", GG_F_INT, 0, 1, INT64_MAX, 1},
};

int gg_api_dispute_party_read(gg_arena_t *a, json_t *o, const char *prefix, gg_dispute_party_new_t *p,
                              gg_error_t *err)
{
    if (gg_json_check(o, party_fields, (int)(sizeof party_fields / sizeof party_fields[0]), prefix, err) < 0)
        return -1;
    memset(p, 0, sizeof *p);
    p->kind = gg_strdup(a, gg_json_str(o, "kind"));
    p->role = gg_strdup(a, gg_json_str(o, "role"));
    p->name = gg_strdup(a, gg_json_str(o, "name"));
    p->id_number = gg_strdup(a, gg_json_str(o, "id_number"));
    p->phone = gg_strdup(a, gg_json_str(o, "phone"));
    p->address = gg_strdup(a, gg_json_str(o, "address"));
    p->org_code = gg_strdup(a, gg_json_str(o, "org_code"));
    p->resident_id = gg_json_int(o, "resident_id", 0);
    return 0;
}

typedef struct create_state {
    gg_dispute_new_t in;
} create_state_t;

static const char *bstr(gg_arena_t *a, json_t *o, const char *k)
{
    const char *s = gg_json_str(o, k);
    return s ? gg_strdup(a, s) : NULL;
}

static int create_prepare(gg_write_t *w, gg_error_t *err)
{
    create_state_t *s = w->state;
    gg_arena_t *a = w->op.arena;
    json_t *b = w->body;
    gg_dispute_new_t *in = &s->in;
    in->unit_id = gg_json_int(b, "unit_id", 0);
    in->title = bstr(a, b, "title");
    in->type = bstr(a, b, "type");
    in->summary = bstr(a, b, "summary");
    in->source = bstr(a, b, "source");
    in->occurred_on = bstr(a, b, "occurred_on");
    json_t *lat = json_object_get(b, "lat"), *lon = json_object_get(b, "lon");
    if (json_is_number(lat) && json_is_number(lon)) {
        in->has_point = 1;
        in->lat = json_number_value(lat);
        in->lon = json_number_value(lon);
    }
    in->case_id = gg_json_int(b, "case_id", 0);
    in->matter_id = gg_json_int(b, "matter_id", 0);
    in->scale = bstr(a, b, "scale");
    in->risk_level = bstr(a, b, "risk_level");
    in->place = bstr(a, b, "place");
    in->units_involved = bstr(a, b, "units_involved");
    in->referral_from = bstr(a, b, "referral_from");
    in->method = bstr(a, b, "method");
    in->responsible_org = bstr(a, b, "responsible_org");
    in->people_count = (int)gg_json_int(b, "people_count", 0);
    in->committee_id = gg_json_int(b, "committee_id", 0);
    in->grid_id = gg_json_int(b, "grid_id", 0);
    json_t *ps = json_object_get(b, "parties");
    size_t n = json_array_size(ps);
    if (n > GG_DISPUTE_MAX_PARTIES) {
        gg_err_invalid(err, "parties", "at most %d parties", GG_DISPUTE_MAX_PARTIES);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_DISPUTE_MAX_PARTIES);
    }
    gg_dispute_party_new_t *p = gg_alloc(a, sizeof *p * (n ? n : 1));
    memset(p, 0, sizeof *p * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(ps, i);
        char prefix[32];
        snprintf(prefix, sizeof prefix, "parties[%d].", (int)i);
        if (!json_is_object(o)) {
            gg_err_invalid(err, gg_sprintf(a, "parties[%d]", (int)i), "a party is an object");
            return gg_error_reason(err, "malformed");
        }
        if (gg_api_dispute_party_read(a, o, prefix, &p[i], err) < 0) return -1;
    }
    in->parties = p;
    in->nparties = (int)n;
    return 0;
}

static int create_run(gg_write_t *w, gg_error_t *err)
{
    create_state_t *s = w->state;
    gg_cal_snapshot_t *cal = gg_api_case_calendar(w->req, w->op.c);
    s->in.cal = cal;
    s->in.now = gg_now_ms();
    int rc = gg_dispute_create(&w->op, &s->in, &w->result, NULL, err);
    if (cal) gg_cal_snapshot_release(cal);
    return rc;
}

static const gg_write_op_t DISPUTE_CREATE = {
    .fields = GG_FIELDS(create_fields),
    .state_size = sizeof(create_state_t),
    .prepare = create_prepare,
    .run = create_run,
    .respond = gg_api_dispute_respond,
    .status = 201,
    .location = "/api/v1/disputes/%lld",
};

/* ---- GET /disputes ---- */

typedef struct list_state {
    gg_dispute_filter_t f;
    gg_page_t page;
} list_state_t;

static int list_parse(gg_write_t *w)
{
    list_state_t *s = w->state;
    int64_t v = 0;
    if (gg_api_query_page(w->req, 200, 50, &s->page) < 0) return -1;
    if (gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &s->f.unit_id) < 0 ||
        gg_api_query_int(w->req, "mediator_id", 1, INT64_MAX, 0, &s->f.mediator_id) < 0 ||
        gg_api_query_int(w->req, "case_id", 1, INT64_MAX, 0, &s->f.case_id) < 0 ||
        gg_api_query_int(w->req, "mine", 0, 1, 0, &v) < 0)
        return -1;
    s->f.mine = (int)v;
    if (gg_api_query_int(w->req, "total", 0, 1, 0, &v) < 0) return -1;
    s->page.want_total = (int)v;
    if (gg_api_query_str(w->req, "state", 16, &s->f.state) < 0 ||
        gg_api_query_str(w->req, "outcome", 16, &s->f.outcome) < 0 ||
        gg_api_query_str(w->req, "type", 32, &s->f.type) < 0 ||
        gg_api_query_str(w->req, "source", 32, &s->f.source) < 0 ||
        gg_api_query_str(w->req, "q", 100, &s->f.q) < 0 ||
        gg_api_query_str(w->req, "from", 10, &s->f.from) < 0 ||
        gg_api_query_str(w->req, "to", 10, &s->f.to) < 0)
        return -1;
    return 0;
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    list_state_t *s = w->state;
    gg_dispute_t *rows;
    int n;
    int64_t total = -1;
    if (gg_dispute_list(&w->op, &s->f, &s->page, &rows, &n, &total, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        gg_api_dispute_json(jw, w->op.arena, &rows[i], 0);
    gg_api_items_end(w->req, jw, n, s->page.limit, n ? rows[n - 1].id : 0, total);
    return 0;
}

static const gg_write_op_t DISPUTE_LIST = {
    .state_size = sizeof(list_state_t),
    .parse = list_parse,
    .respond = list_respond,
};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/disputes", DISPUTE_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/disputes", DISPUTE_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/disputes/{id}", DISPUTE_GET),
};

int gg_api_dispute_routes(gg_router_t *r, gg_error_t *err)
{
    if (GG_API_ROUTES(r, routes, err) < 0 || gg_api_dispute_edit_routes(r, err) < 0) return -1;
    return gg_api_dispute_action_routes(r, err);
}
