/*
 * legal.c — /api/v1/legal/…: counters, professionals, slots, appointments (a resident's own or a desk
 * booking, whether its visitor came), the walk-in queue and consultation records (domain/centres/legal.h).  A
 * second booking of a slot is refused by the database: 409 naming slot_id, reason slot_taken.
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/cases/calendar.h"
#include "domain/centres/legal.h"

static int result_respond(gg_write_t *w, gg_error_t *err)
{
    (void)err;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", w->result);
    gg_jw_obj_end(jw);
    return 0;
}

/* ---- counters ---- */

static int counters_parse(gg_write_t *w)
{
    return gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, w->state);
}

static int counters_respond(gg_write_t *w, gg_error_t *err)
{
    gg_legal_counter_t *rows;
    int n;
    if (gg_legal_counters(&w->op, *(int64_t *)w->state, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].id);
        gg_jw_kstr(jw, "name", rows[i].name);
        gg_body_kref(jw, "unit", "id", rows[i].unit_id, "name", rows[i].unit_name);
        gg_jw_kint(jw, "professionals", rows[i].professionals);
        gg_jw_kint(jw, "waiting", rows[i].waiting);
        gg_jw_kbool(jw, "may_serve", rows[i].may_serve);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t COUNTER_LIST = {
    .state_size = sizeof(int64_t), .parse = counters_parse, .respond = counters_respond};

static const gg_field_t counter_fields[] = {{"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0},
                                            {"name", GG_F_STR, 1, 1, 50, 0}};

static int counter_create_run(gg_write_t *w, gg_error_t *err)
{
    return gg_legal_counter_create(&w->op, gg_json_int(w->body, "unit_id", 0),
                                   gg_strdup(w->op.arena, gg_json_str(w->body, "name")), &w->result, err);
}

static const gg_write_op_t COUNTER_CREATE = {
    .fields = GG_FIELDS(counter_fields), .run = counter_create_run, .respond = result_respond, .status = 201};

/* ---- professionals ---- */

static int pros_parse(gg_write_t *w)
{
    return gg_api_query_int(w->req, "counter_id", 1, INT64_MAX, 0, w->state);
}

static int pros_respond(gg_write_t *w, gg_error_t *err)
{
    gg_legal_pro_t *rows;
    int n;
    if (gg_legal_pros(&w->op, *(int64_t *)w->state, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].id);
        gg_jw_kstr(jw, "name", rows[i].name);
        gg_jw_kstr(jw, "kind", rows[i].kind);
        gg_jw_kstr(jw, "org", rows[i].org);
        gg_body_kref(jw, "counter", "id", rows[i].counter_id, "name", rows[i].counter_name);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t PRO_LIST = {
    .state_size = sizeof(int64_t), .parse = pros_parse, .respond = pros_respond};

static const gg_field_t pro_fields[] = {
    {"counter_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"name", GG_F_STR, 1, 1, 50, 0},
    {"kind", GG_F_STR, 1, 1, 20, 0},
    {"org", GG_F_STR, 0, 0, 100, 1},
    {"account_id", GG_F_INT, 0, 1, INT64_MAX, 1},
};

static int pro_create_run(gg_write_t *w, gg_error_t *err)
{
    gg_arena_t *a = w->op.arena;
    gg_legal_pro_t in = {.counter_id = gg_json_int(w->body, "counter_id", 0),
                         .account_id = gg_json_int(w->body, "account_id", 0),
                         .name = gg_strdup(a, gg_json_str(w->body, "name")),
                         .kind = gg_strdup(a, gg_json_str(w->body, "kind")),
                         .org = gg_strdup(a, gg_json_str(w->body, "org"))};
    return gg_legal_pro_create(&w->op, &in, &w->result, err);
}

static const gg_write_op_t PRO_CREATE = {
    .fields = GG_FIELDS(pro_fields), .run = pro_create_run, .respond = result_respond, .status = 201};

/* ---- slots ---- */

typedef struct slots_state {
    int64_t counter_id, professional_id, free;
    const char *date; /* a day (YYYY-MM-DD); absent: the next 14 days */
} slots_state_t;

static int slots_parse(gg_write_t *w)
{
    slots_state_t *s = w->state;
    return gg_api_query_int(w->req, "counter_id", 1, INT64_MAX, 0, &s->counter_id) < 0 ||
                   gg_api_query_int(w->req, "professional_id", 1, INT64_MAX, 0, &s->professional_id) < 0 ||
                   gg_api_query_int(w->req, "free", 0, 1, 0, &s->free) < 0 ||
                   gg_api_query_str(w->req, "date", 10, &s->date) < 0
               ? -1
               : 0;
}

static int slots_respond(gg_write_t *w, gg_error_t *err)
{
    slots_state_t *s = w->state;
    int64_t from = gg_now_ms(), to = from + 14LL * 86400000;
    if (s->date && *s->date) {
        int y, m, d;
        if (gg_cal_parse_date(s->date, &y, &m, &d) < 0) {
            gg_err_invalid(err, "date", "a date is written YYYY-MM-DD");
            return gg_error_reason(err, "not_a_date");
        }
        from = gg_cal_days_from_civil(y, m, d) * 86400000LL - GG_CAL_UTC_OFFSET_MS;
        to = from + 86400000LL;
    }
    gg_legal_slot_t *rows;
    int n;
    if (gg_legal_slots(&w->op, s->counter_id, s->professional_id, from, to, (int)s->free, &rows, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].id);
        gg_jw_ktime(jw, "starts_at", rows[i].starts_at);
        gg_jw_ktime(jw, "ends_at", rows[i].ends_at);
        gg_jw_key(jw, "professional");
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].professional_id);
        gg_jw_kstr(jw, "name", rows[i].professional_name);
        gg_jw_kstr(jw, "kind", rows[i].professional_kind);
        gg_jw_obj_end(jw);
        gg_body_kref(jw, "counter", "id", rows[i].counter_id, "name", rows[i].counter_name);
        gg_jw_kbool(jw, "booked", rows[i].booked);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t SLOT_LIST = {
    .state_size = sizeof(slots_state_t), .parse = slots_parse, .respond = slots_respond};

static const gg_field_t slot_fields[] = {{"professional_id", GG_F_INT, 1, 1, INT64_MAX, 0},
                                         {"starts_at", GG_F_STR, 1, 10, 40, 0},
                                         {"ends_at", GG_F_STR, 1, 10, 40, 0}};

static int slot_create_run(gg_write_t *w, gg_error_t *err)
{
    int64_t a, b;
    if (gg_cal_parse_instant(gg_json_str(w->body, "starts_at"), &a) < 0) {
        gg_err_invalid(err, "starts_at", "an instant is written like 2026-12-07T09:00:00+08:00");
        return gg_error_reason(err, "malformed");
    }
    if (gg_cal_parse_instant(gg_json_str(w->body, "ends_at"), &b) < 0) {
        gg_err_invalid(err, "ends_at", "an instant is written like 2026-12-07T09:30:00+08:00");
        return gg_error_reason(err, "malformed");
    }
    return gg_legal_slot_create(&w->op, gg_json_int(w->body, "professional_id", 0), a, b, &w->result, err);
}

static const gg_write_op_t SLOT_CREATE = {
    .fields = GG_FIELDS(slot_fields), .run = slot_create_run, .respond = result_respond, .status = 201};

/* ---- appointments ---- */

static void write_appt(gg_jw_t *jw, const gg_legal_appt_t *x)
{
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", x->id);
    gg_jw_kint(jw, "slot_id", x->slot_id);
    gg_jw_kstr(jw, "status", x->status);
    gg_jw_kstr(jw, "topic", x->topic);
    gg_jw_kstr(jw, "visitor_name", x->visitor_name);
    gg_jw_kstr(jw, "attendance", x->attendance);
    gg_jw_ktime(jw, "checked_in_at", x->checked_in_at);
    gg_jw_kbool(jw, "own", x->account_id != 0);
    gg_jw_ktime(jw, "starts_at", x->starts_at);
    gg_jw_ktime(jw, "ends_at", x->ends_at);
    gg_jw_key(jw, "professional");
    gg_jw_obj(jw);
    gg_jw_kstr(jw, "name", x->professional_name);
    gg_jw_kstr(jw, "kind", x->professional_kind);
    gg_jw_obj_end(jw);
    gg_body_kref(jw, "counter", "id", x->counter_id, "name", x->counter_name);
    gg_jw_ktime(jw, "created_at", x->created_at);
    gg_jw_obj_end(jw);
}

typedef struct appts_state {
    int64_t mine, counter_id;
} appts_state_t;

static int appts_parse(gg_write_t *w)
{
    appts_state_t *s = w->state;
    return gg_api_query_int(w->req, "mine", 0, 1, 0, &s->mine) < 0 ||
                   gg_api_query_int(w->req, "counter_id", 1, INT64_MAX, 0, &s->counter_id) < 0
               ? -1
               : 0;
}

static int appts_respond(gg_write_t *w, gg_error_t *err)
{
    appts_state_t *s = w->state;
    if (!s->mine && !s->counter_id) {
        gg_err_invalid(err, "counter_id", "name a counter, or ask for mine=1");
        return gg_error_reason(err, "required");
    }
    gg_legal_appt_t *rows;
    int n;
    /* the resident's own: the ones still to come and those of the last 30 days */
    int64_t from = gg_now_ms() - (s->mine ? 30LL : 1LL) * 86400000;
    if (gg_legal_appointments(&w->op, (int)s->mine, s->counter_id, from, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_appt(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t APPT_LIST = {
    .state_size = sizeof(appts_state_t), .parse = appts_parse, .respond = appts_respond};

static const gg_field_t book_fields[] = {{"slot_id", GG_F_INT, 1, 1, INT64_MAX, 0},
                                         {"topic", GG_F_STR, 1, 1, 200, 0},
                                         {"visitor_name", GG_F_STR, 0, 0, 50, 1}};

static int book_run(gg_write_t *w, gg_error_t *err)
{
    return gg_legal_book(&w->op, gg_json_int(w->body, "slot_id", 0),
                         gg_strdup(w->op.arena, gg_json_str(w->body, "topic")),
                         gg_strdup(w->op.arena, gg_json_str(w->body, "visitor_name")), 0, &w->result, err);
}

static const gg_write_op_t APPT_BOOK = {.fields = GG_FIELDS(book_fields),
                                        .run = book_run,
                                        .respond = result_respond,
                                        .status = 201,
                                        .location = "/api/v1/legal/appointments/%lld"};

static int cancel_run(gg_write_t *w, gg_error_t *err)
{
    return gg_legal_cancel(&w->op, w->id, err);
}

static const gg_write_op_t APPT_CANCEL = {.path_ids = {"id"}, .body_optional = 1, .run = cancel_run};

static const gg_field_t attend_fields[] = {{"attendance", GG_F_STR, 1, 1, 16, 0}};

static int attend_run(gg_write_t *w, gg_error_t *err)
{
    return gg_legal_attend(&w->op, w->id, gg_strdup(w->op.arena, gg_json_str(w->body, "attendance")), err);
}

static const gg_write_op_t APPT_ATTEND = {
    .path_ids = {"id"}, .fields = GG_FIELDS(attend_fields), .run = attend_run};

/* ---- the walk-in queue ---- */

static void write_ticket(gg_jw_t *jw, const gg_legal_ticket_t *t)
{
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", t->id);
    gg_jw_kint(jw, "seq", t->seq);
    gg_jw_kstr(jw, "name", t->name);
    gg_jw_kstr(jw, "status", t->status);
    gg_jw_ktime(jw, "created_at", t->created_at);
    gg_jw_ktime(jw, "called_at", t->called_at);
    gg_jw_obj_end(jw);
}

static int queue_respond(gg_write_t *w, gg_error_t *err)
{
    gg_legal_ticket_t *rows;
    int n;
    if (gg_legal_tickets(&w->op, w->id, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_ticket(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t QUEUE_LIST = {.path_ids = {"id"}, .respond = queue_respond};

typedef struct ticket_state {
    gg_legal_ticket_t t;
} ticket_state_t;

static const gg_field_t take_fields[] = {{"name", GG_F_STR, 0, 0, 50, 1}};

static int take_run(gg_write_t *w, gg_error_t *err)
{
    ticket_state_t *s = w->state;
    return gg_legal_ticket_take(
        &w->op, w->id, w->body ? gg_strdup(w->op.arena, gg_json_str(w->body, "name")) : NULL, &s->t, err);
}

static int next_run(gg_write_t *w, gg_error_t *err)
{
    ticket_state_t *s = w->state;
    return gg_legal_ticket_next(&w->op, w->id, &s->t, err);
}

static int ticket_respond(gg_write_t *w, gg_error_t *err)
{
    (void)err;
    ticket_state_t *s = w->state;
    write_ticket(gg_api_json(w->req, w->status), &s->t);
    return 0;
}

static const gg_write_op_t QUEUE_TAKE = {.path_ids = {"id"},
                                         .fields = GG_FIELDS(take_fields),
                                         .body_optional = 1,
                                         .state_size = sizeof(ticket_state_t),
                                         .run = take_run,
                                         .respond = ticket_respond,
                                         .status = 201,
                                         .no_idempotency = 1};
static const gg_write_op_t QUEUE_NEXT = {.path_ids = {"id"},
                                         .body_optional = 1,
                                         .state_size = sizeof(ticket_state_t),
                                         .run = next_run,
                                         .respond = ticket_respond,
                                         .no_idempotency = 1};

/* ---- consultation records ---- */

static const gg_field_t consult_fields[] = {
    {"counter_id", GG_F_INT, 1, 1, INT64_MAX, 0},
    {"professional_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"appointment_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"ticket_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"matter_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"question", GG_F_STR, 1, 1, 5000, 0},
    {"advice", GG_F_STR, 1, 1, 5000, 0},
};

static int consult_run(gg_write_t *w, gg_error_t *err)
{
    json_t *b = w->body;
    gg_legal_consult_t in = {.counter_id = gg_json_int(b, "counter_id", 0),
                             .professional_id = gg_json_int(b, "professional_id", 0),
                             .appointment_id = gg_json_int(b, "appointment_id", 0),
                             .ticket_id = gg_json_int(b, "ticket_id", 0),
                             .matter_id = gg_json_int(b, "matter_id", 0),
                             .question = gg_strdup(w->op.arena, gg_json_str(b, "question")),
                             .advice = gg_strdup(w->op.arena, gg_json_str(b, "advice"))};
    return gg_legal_consult_create(&w->op, &in, &w->result, err);
}

static const gg_write_op_t CONSULT_CREATE = {
    .fields = GG_FIELDS(consult_fields), .run = consult_run, .respond = result_respond, .status = 201};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/legal/counters", COUNTER_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/legal/counters", COUNTER_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/legal/counters/{id}/queue", QUEUE_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/legal/counters/{id}/queue", QUEUE_TAKE),
    GG_WRITE_ROUTE("POST", "/api/v1/legal/counters/{id}/queue/next", QUEUE_NEXT),
    GG_WRITE_ROUTE("GET", "/api/v1/legal/professionals", PRO_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/legal/professionals", PRO_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/legal/slots", SLOT_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/legal/slots", SLOT_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/legal/appointments", APPT_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/legal/appointments", APPT_BOOK),
    GG_WRITE_ROUTE("POST", "/api/v1/legal/appointments/{id}/cancel", APPT_CANCEL),
    GG_WRITE_ROUTE("POST", "/api/v1/legal/appointments/{id}/attendance", APPT_ATTEND),
    GG_WRITE_ROUTE("POST", "/api/v1/legal/consultations", CONSULT_CREATE),
};

int gg_api_legal_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
