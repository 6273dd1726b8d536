/*
 * mediation.c — /api/v1/mediators and /api/v1/committees (the roster, with workload and success rate),
 * /api/v1/mediation/measures (mediation rate, success rate, performance rate, on time, with their formulas
 * and denominators, and the disputes that failed with their reasons) and /api/v1/mediation/desk (today's
 * sessions, my disputes, follow-ups due) — docs/mediation.md.
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/mediation/mediation_api.h"
#include "api/write.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "domain/mediation/desk.h"
#include "domain/mediation/measures.h"
#include "domain/mediation/roster.h"

static const char *bstr(gg_arena_t *a, json_t *o, const char *k)
{
    const char *s = gg_json_str(o, k);
    return s ? gg_strdup(a, s) : NULL;
}

/* ---- committees ---- */

static void committee_json(gg_jw_t *w, const gg_committee_t *c)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", c->id);
    gg_jw_kstr(w, "name", c->name);
    gg_jw_kstr(w, "kind", c->kind);
    gg_jw_kstr(w, "speciality", c->speciality);
    gg_jw_key(w, "unit");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", c->unit_id);
    gg_jw_kstr(w, "name", c->unit_name);
    gg_jw_kstr(w, "level", c->unit_level);
    gg_jw_obj_end(w);
    gg_jw_kint(w, "members", c->members);
    gg_jw_obj_end(w);
}

static int unit_parse(gg_write_t *w)
{
    return gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, w->state);
}

static int committees_respond(gg_write_t *w, gg_error_t *err)
{
    gg_committee_t *rows;
    int n;
    if (gg_committee_list(&w->op, *(int64_t *)w->state, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        committee_json(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t COMMITTEE_LIST = {
    .state_size = sizeof(int64_t) * 2, .parse = unit_parse, .respond = committees_respond};

static const gg_field_t committee_fields[] = {
    {"name", GG_F_STR, 1, 0, 100, 0},
    {"kind", GG_F_STR, 0, 0, 16, 1},
    {"speciality", GG_F_STR, 0, 0, 32, 1},
    {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0},
};

static int committee_run(gg_write_t *w, gg_error_t *err)
{
    gg_committee_t in = {.name = bstr(w->op.arena, w->body, "name"),
                         .kind = bstr(w->op.arena, w->body, "kind"),
                         .speciality = bstr(w->op.arena, w->body, "speciality"),
                         .unit_id = gg_json_int(w->body, "unit_id", 0)};
    return gg_committee_create(&w->op, &in, &w->result, err);
}

static int committee_created(gg_write_t *w, gg_error_t *err)
{
    gg_committee_t *rows;
    int n;
    if (gg_committee_list(&w->op, 0, &rows, &n, err) < 0) return -1;
    for (int i = 0; i < n; i++)
        if (rows[i].id == w->result) {
            committee_json(gg_api_json(w->req, w->status), &rows[i]);
            return 0;
        }
    return gg_err_not_found(err, "no such committee");
}

static const gg_write_op_t COMMITTEE_CREATE = {
    .fields = GG_FIELDS(committee_fields), .run = committee_run, .respond = committee_created, .status = 201};

/* ---- mediators ---- */

static void mediator_json(gg_jw_t *w, gg_arena_t *a, const gg_mediator_t *m)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", m->id);
    gg_jw_kstr(w, "name", m->name);
    gg_jw_kstr(w, "kind", m->kind);
    gg_jw_key(w, "specialities");
    gg_jw_arr(w);
    const char *p = m->specialities ? m->specialities : "";
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) gg_jw_str(w, gg_sprintf(a, "%.*s", (int)n, p));
        p += n + (e ? 1 : 0);
    }
    gg_jw_arr_end(w);
    gg_jw_key(w, "unit");
    gg_jw_obj(w);
    gg_jw_kint(w, "id", m->unit_id);
    gg_jw_kstr(w, "name", m->unit_name);
    gg_jw_obj_end(w);
    gg_body_kid(w, "account_id", m->account_id);
    gg_body_kid(w, "resident_id", m->resident_id);
    gg_jw_key(w, "phone");
    m->phone ? gg_jw_str(w, gg_mask_phone(a, m->phone)) : gg_jw_null(w);
    gg_jw_key(w, "committees");
    gg_jw_arr(w);
    for (int i = 0; i < m->ncommittees; i++) {
        gg_jw_obj(w);
        gg_jw_kint(w, "id", m->committee_ids[i]);
        gg_jw_kstr(w, "name", m->committee_names[i]);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_key(w, "workload");
    gg_jw_obj(w);
    gg_jw_kint(w, "open", m->open);
    gg_jw_kint(w, "assigned", m->assigned);
    gg_jw_kint(w, "mediated", m->mediated);
    gg_jw_kint(w, "success", m->success);
    gg_jw_key(w, "success_rate");
    m->mediated ? gg_jw_num(w, gg_mediation_percent(m->success, m->mediated)) : gg_jw_null(w);
    gg_jw_kstr(w, "formula_zh", "调解成功率 = 作为主调解员调解成功数 ÷ 作为主调解员已调解数 × 100%");
    gg_jw_kstr(w, "formula_en",
               "success rate = succeeded as lead mediator / mediated as lead mediator × 100%");
    gg_jw_obj_end(w);
    gg_jw_obj_end(w);
}

typedef struct mlist_state {
    int64_t unit_id, mine;
} mlist_state_t;

static int mlist_parse(gg_write_t *w)
{
    mlist_state_t *s = w->state;
    if (gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &s->unit_id) < 0) return -1;
    return gg_api_query_int(w->req, "mine", 0, 1, 0, &s->mine);
}

static int mediators_respond(gg_write_t *w, gg_error_t *err)
{
    mlist_state_t *s = w->state;
    gg_mediator_t *rows;
    int n;
    if (gg_mediator_list(&w->op, s->unit_id, s->mine ? w->op.auth->account_id : 0, &rows, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        mediator_json(jw, w->op.arena, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t MEDIATOR_LIST = {
    .state_size = sizeof(mlist_state_t), .parse = mlist_parse, .respond = mediators_respond};

static const gg_field_t mediator_fields[] = {
    {"name", GG_F_STR, 1, 0, 100, 0},
    {"kind", GG_F_STR, 0, 0, 32, 1},
    {"specialities", GG_F_ARR, 0, 0, 0, 1},
    {"phone", GG_F_STR, 0, 0, 32, 1},
    {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"account_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"resident_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"committee_ids", GG_F_ARR, 0, 0, 0, 1},
};

static int mediator_run(gg_write_t *w, gg_error_t *err)
{
    gg_arena_t *a = w->op.arena;
    json_t *b = w->body;
    const char **spec = NULL;
    int nspec = 0;
    if (gg_body_str_array(a, b, "specialities", 20, 32, &spec, &nspec, err) < 0) return -1;
    gg_buf_t sb = {0};
    gg_buf_puts(&sb, "");
    for (int i = 0; i < nspec; i++)
        gg_buf_printf(&sb, "%s%s", i ? "," : "", spec[i]);
    const char *specs = gg_strdup(a, sb.data ? sb.data : "");
    gg_buf_free(&sb);
    json_t *c = json_object_get(b, "committee_ids");
    int nc = (int)json_array_size(c);
    if (nc > 16) nc = 16;
    int64_t *ids = gg_alloc(a, sizeof(int64_t) * 17);
    for (int i = 0; i < nc; i++) {
        json_t *x = json_array_get(c, (size_t)i);
        if (!json_is_integer(x)) {
            gg_err_invalid(err, gg_sprintf(a, "committee_ids[%d]", i), "a committee id");
            return gg_error_reason(err, "malformed");
        }
        ids[i] = json_integer_value(x);
    }
    gg_mediator_new_t in = {.unit_id = gg_json_int(b, "unit_id", 0),
                            .account_id = gg_json_int(b, "account_id", 0),
                            .resident_id = gg_json_int(b, "resident_id", 0),
                            .name = bstr(a, b, "name"),
                            .kind = bstr(a, b, "kind"),
                            .specialities = specs,
                            .phone = bstr(a, b, "phone"),
                            .committee_ids = ids,
                            .ncommittees = nc};
    return gg_mediator_create(&w->op, &in, &w->result, err);
}

static int mediator_respond(gg_write_t *w, gg_error_t *err)
{
    gg_mediator_t m;
    if (gg_mediator_get(&w->op, w->result, &m, err) < 0) return -1;
    mediator_json(gg_api_json(w->req, w->status), w->op.arena, &m);
    return 0;
}

static const gg_write_op_t MEDIATOR_CREATE = {.fields = GG_FIELDS(mediator_fields),
                                              .run = mediator_run,
                                              .respond = mediator_respond,
                                              .status = 201,
                                              .location = "/api/v1/mediators/%lld"};
static const gg_write_op_t MEDIATOR_GET = {.path_ids = {"id"}, .respond = mediator_respond};

/* ---- measures ---- */

typedef struct measures_state {
    int64_t unit_id, failures;
    const char *from, *to, *by;
} measures_state_t;

static int measures_parse(gg_write_t *w)
{
    measures_state_t *s = w->state;
    if (gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &s->unit_id) < 0 ||
        gg_api_query_str(w->req, "from", 10, &s->from) < 0 ||
        gg_api_query_str(w->req, "to", 10, &s->to) < 0 || gg_api_query_str(w->req, "by", 16, &s->by) < 0 ||
        gg_api_query_int(w->req, "failures", 0, 1, 0, &s->failures) < 0)
        return -1;
    return 0;
}

static void counts_json(gg_jw_t *w, const gg_med_counts_t *c)
{
    gg_jw_key(w, "counts");
    gg_jw_obj(w);
    gg_jw_kint(w, "registered", c->registered);
    gg_jw_kint(w, "mediated", c->mediated);
    gg_jw_kint(w, "success", c->success);
    gg_jw_kint(w, "failure", c->failure);
    gg_jw_kint(w, "litigation", c->litigation);
    gg_jw_kint(w, "withdrawn", c->withdrawn);
    gg_jw_kint(w, "closed", c->closed);
    gg_jw_kint(w, "on_time", c->on_time);
    gg_jw_kint(w, "agreements", c->agreements);
    gg_jw_kint(w, "performed", c->performed);
    gg_jw_obj_end(w);
}

static void measures_json(gg_jw_t *w, const gg_med_counts_t *c, int with_formula)
{
    gg_med_measure_t m[GG_MED_NMEASURES];
    gg_mediation_measures(c, m);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < GG_MED_NMEASURES; i++) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "code", m[i].code);
        gg_jw_kstr(w, "name_zh", m[i].name_zh);
        gg_jw_kstr(w, "name_en", m[i].name_en);
        gg_jw_kstr(w, "unit_kind", "percent");
        gg_jw_kbool(w, "has_value", m[i].has_value);
        gg_jw_key(w, "value");
        m[i].has_value ? gg_jw_num(w, m[i].value) : gg_jw_null(w);
        gg_jw_kint(w, "numerator", m[i].numerator);
        gg_jw_kint(w, "denominator", m[i].denominator);
        if (with_formula) {
            gg_jw_key(w, "formula");
            gg_jw_obj(w);
            gg_jw_kstr(w, "zh", m[i].formula_zh);
            gg_jw_kstr(w, "en", m[i].formula_en);
            gg_jw_obj_end(w);
        }
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
}

static int measures_respond(gg_write_t *w, gg_error_t *err)
{
    measures_state_t *s = w->state;
    gg_op_t *op = &w->op;
    int64_t unit = s->unit_id;
    if (!unit) {
        /* the caller's first grant with dispute.read */
        for (int i = 0; i < op->auth->ngrants && !unit; i++)
            if (op->auth->grants[i].perms & GG_P_DISPUTE_READ) unit = op->auth->grants[i].unit_id;
        if (!unit) return gg_err_not_found(err, "no unit");
    }
    gg_med_counts_t c;
    gg_med_breakdown_t *rows = NULL;
    gg_med_failure_t *fails = NULL;
    int n = 0, nf = 0;
    /* one read snapshot for the figures, the breakdown and the failures: they agree with each other */
    gg_db_read_begin(op->c);
    int rc = gg_mediation_counts(op, unit, s->from, s->to, &c, err);
    if (rc == 0 && s->by && *s->by)
        rc = gg_mediation_breakdown(op, unit, s->from, s->to, s->by, &rows, &n, err);
    if (rc == 0 && s->failures) rc = gg_mediation_failures(op, unit, s->from, s->to, 50, &fails, &nf, err);
    gg_db_read_end(op->c);
    if (rc < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "unit_id", unit);
    gg_jw_key(jw, "period");
    gg_jw_obj(jw);
    gg_jw_key(jw, "from");
    s->from && * s->from ? gg_jw_str(jw, s->from) : gg_jw_null(jw);
    gg_jw_key(jw, "to");
    s->to && * s->to ? gg_jw_str(jw, s->to) : gg_jw_null(jw);
    gg_jw_obj_end(jw);
    gg_jw_kstr(jw, "rounding", "half_up_1_decimal");
    counts_json(jw, &c);
    measures_json(jw, &c, 1);
    if (s->by && *s->by) {
        gg_jw_kstr(jw, "by", s->by);
        gg_jw_key(jw, "breakdown");
        gg_jw_arr(jw);
        for (int i = 0; i < n; i++) {
            gg_jw_obj(jw);
            gg_jw_kstr(jw, "key", rows[i].key);
            gg_jw_kstr(jw, "name", rows[i].name);
            counts_json(jw, &rows[i].counts);
            measures_json(jw, &rows[i].counts, 0);
            gg_jw_obj_end(jw);
        }
        gg_jw_arr_end(jw);
    }
    gg_jw_key(jw, "failures");
    if (!s->failures) {
        gg_jw_null(jw);
        gg_jw_obj_end(jw);
        return 0;
    }
    gg_jw_arr(jw);
    for (int i = 0; i < nf; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", fails[i].id);
        gg_jw_kstr(jw, "number", fails[i].number);
        gg_jw_kstr(jw, "title", fails[i].title);
        gg_jw_kstr(jw, "type", fails[i].type);
        gg_jw_kstr(jw, "outcome", fails[i].outcome);
        gg_jw_kstr(jw, "outcome_text", fails[i].outcome_text);
        gg_jw_kstr(jw, "unit_name", fails[i].unit_name);
        gg_jw_ktime(jw, "outcome_at", fails[i].outcome_at);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t MEASURES = {
    .state_size = sizeof(measures_state_t), .parse = measures_parse, .respond = measures_respond};

/* ---- the desk ---- */

static int desk_respond(gg_write_t *w, gg_error_t *err)
{
    gg_med_desk_t d;
    if (gg_mediation_desk(&w->op, &d, err) < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kstr(jw, "today", d.today);
    gg_jw_key(jw, "sessions_today");
    gg_jw_arr(jw);
    for (int i = 0; i < d.nsessions; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", d.sessions[i].session_id);
        gg_jw_kint(jw, "dispute_id", d.sessions[i].dispute_id);
        gg_jw_kstr(jw, "number", d.sessions[i].number);
        gg_jw_kstr(jw, "title", d.sessions[i].title);
        gg_jw_ktime(jw, "at", d.sessions[i].at);
        gg_jw_kstr(jw, "place", d.sessions[i].place);
        gg_jw_kbool(jw, "held", d.sessions[i].held);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_key(jw, "mine");
    gg_jw_arr(jw);
    for (int i = 0; i < d.nmine; i++)
        gg_api_dispute_json(jw, w->op.arena, &d.mine[i], 0);
    gg_jw_arr_end(jw);
    gg_jw_key(jw, "followups_due");
    gg_jw_arr(jw);
    for (int i = 0; i < d.nfollowups; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", d.followups[i].followup_id);
        gg_jw_kint(jw, "dispute_id", d.followups[i].dispute_id);
        gg_jw_kstr(jw, "number", d.followups[i].number);
        gg_jw_kstr(jw, "title", d.followups[i].title);
        gg_jw_kstr(jw, "due_on", d.followups[i].due_on);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t DESK = {.respond = desk_respond};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/committees", COMMITTEE_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/committees", COMMITTEE_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/mediators", MEDIATOR_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/mediators", MEDIATOR_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/mediators/{id}", MEDIATOR_GET),
    GG_WRITE_ROUTE("GET", "/api/v1/mediation/measures", MEASURES),
    GG_WRITE_ROUTE("GET", "/api/v1/mediation/desk", DESK),
};

int gg_api_mediation_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
