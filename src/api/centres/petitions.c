/*
 * petitions.c — /api/v1/petitions: petitions (信访) with their limits, duplicates, reply and review.  The
 * petitioner's identity is in the answer only for petition.read (domain/centres/petition.h); for everyone
 * else "petitioner" is {"visible": false} and searching by petitioner is 403.
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/write.h"
#include "domain/centres/petition.h"
#include "domain/identity/audit.h"

gg_cal_snapshot_t *gg_api_centre_calendar(gg_req_t *req);

gg_cal_snapshot_t *gg_api_centre_calendar(gg_req_t *req)
{
    gg_app_t *app = req->app;
    return app->calendar ? gg_calendar_acquire(app->calendar) : NULL;
}

static void write_petition(gg_jw_t *w, const gg_petition_t *p)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", p->id);
    gg_jw_kstr(w, "number", p->number);
    gg_body_kref(w, "unit", "id", p->unit_id, "name", p->unit_name);
    gg_jw_kstr(w, "kind", p->kind);
    gg_jw_kstr(w, "status", p->status);
    gg_jw_kstr(w, "subject", p->subject);
    gg_jw_kstr(w, "content", p->content);
    gg_jw_key(w, "petitioner");
    gg_jw_obj(w);
    gg_jw_kbool(w, "visible", p->ident_visible);
    gg_jw_kstr(w, "name", p->ident_visible ? p->name : "***");
    gg_jw_kstr(w, "id_number", p->ident_visible ? p->id_number : NULL);
    gg_jw_kstr(w, "phone", p->ident_visible ? p->phone : NULL);
    gg_jw_obj_end(w);
    gg_jw_kstr(w, "received_on", p->received_on);
    gg_jw_kstr(w, "accept_due", p->accept_due);
    gg_jw_kstr(w, "decided_on", p->decided_on);
    gg_jw_kstr(w, "decision_note", p->decision_note);
    gg_jw_kstr(w, "handle_due", p->handle_due);
    gg_jw_kbool(w, "extended", p->extended);
    gg_jw_kstr(w, "extension_reason", p->extension_reason);
    gg_jw_key(w, "reply");
    if (p->reply_text) {
        gg_jw_obj(w);
        gg_jw_kstr(w, "text", p->reply_text);
        gg_jw_kstr(w, "on", p->reply_on);
        gg_jw_key(w, "attachment_id");
        p->reply_attachment_id ? gg_jw_int(w, p->reply_attachment_id) : gg_jw_null(w);
        gg_jw_obj_end(w);
    } else {
        gg_jw_null(w);
    }
    gg_jw_kstr(w, "review_requested_on", p->review_requested_on);
    gg_jw_kstr(w, "review_due", p->review_due);
    gg_jw_kstr(w, "review_result", p->review_result);
    gg_jw_kstr(w, "due", p->due);
    gg_jw_kbool(w, "overdue", p->overdue);
    gg_jw_key(w, "duplicate_of");
    p->duplicate_of ? gg_jw_int(w, p->duplicate_of) : gg_jw_null(w);
    gg_jw_kint(w, "duplicates", p->duplicates);
    gg_jw_key(w, "matter_id");
    p->matter_id ? gg_jw_int(w, p->matter_id) : gg_jw_null(w);
    gg_jw_key(w, "actions");
    gg_jw_arr(w);
    for (int i = 0; i < p->nactions; i++)
        gg_jw_str(w, p->actions[i]);
    gg_jw_arr_end(w);
    gg_jw_ktime(w, "created_at", p->created_at);
    gg_jw_ktime(w, "updated_at", p->updated_at);
    gg_jw_obj_end(w);
}

/* ---- GET /petitions ---- */

/* The petitioners' identities about to leave unmasked go on record first, one pii.read row per petition in
 * one transaction committed before the answer (api/write.h step 7) — a list reveals them as a detail does. */
typedef struct identities {
    gg_write_t *w;
    const gg_petition_t *rows;
    int n;
} identities_t;

static int identities_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    identities_t *x = ctx;
    for (int i = 0; i < x->n; i++) {
        if (!x->rows[i].ident_visible) continue;
        gg_audit_entry_t e = {.action = "pii.read",
                              .object_type = "petition",
                              .object_id = gg_sprintf(x->w->op.arena, "%lld", (long long)x->rows[i].id),
                              .unit_id = x->rows[i].unit_id,
                              .detail_json = "{\"fields\":[\"name\",\"id_number\",\"phone\"]}"};
        if (gg_audit_append(c, &x->w->op.actor, &e, err) < 0) return -1;
    }
    return 0;
}

static int audit_identities(gg_write_t *w, const gg_petition_t *rows, int n, gg_error_t *err)
{
    int any = 0;
    for (int i = 0; i < n && !any; i++)
        any = rows[i].ident_visible;
    identities_t x = {.w = w, .rows = rows, .n = n};
    return any ? gg_db_tx(w->op.c, identities_tx, &x, err) : 0;
}

typedef struct list_state {
    gg_petition_filter_t f;
    int64_t limit, after, unit_id, overdue, dup;
} list_state_t;

static int list_parse(gg_write_t *w)
{
    list_state_t *s = w->state;
    if (gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &s->unit_id) < 0 ||
        gg_api_query_int(w->req, "limit", 1, 200, 50, &s->limit) < 0 ||
        gg_api_query_int(w->req, "after", 1, INT64_MAX, 0, &s->after) < 0 ||
        gg_api_query_int(w->req, "overdue", 0, 1, 0, &s->overdue) < 0 ||
        gg_api_query_int(w->req, "duplicates_of", 1, INT64_MAX, 0, &s->dup) < 0 ||
        gg_api_query_str(w->req, "status", 20, &s->f.status) < 0 ||
        gg_api_query_str(w->req, "petitioner", 50, &s->f.petitioner) < 0)
        return -1;
    if (s->f.petitioner && !*s->f.petitioner) s->f.petitioner = NULL;
    if (s->f.status && !*s->f.status) s->f.status = NULL;
    s->f.unit_id = s->unit_id;
    s->f.limit = (int)s->limit;
    s->f.after_id = s->after;
    s->f.overdue = (int)s->overdue;
    s->f.duplicates_of = s->dup;
    return 0;
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    list_state_t *s = w->state;
    gg_petition_t *rows;
    int n;
    if (gg_petition_list(&w->op, &s->f, &rows, &n, err) < 0 || audit_identities(w, rows, n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_petition(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, s->f.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

static const gg_write_op_t PETITION_LIST = {
    .state_size = sizeof(list_state_t), .parse = list_parse, .respond = list_respond};

/* ---- one petition ---- */

static int petition_respond(gg_write_t *w, gg_error_t *err)
{
    gg_petition_t p;
    if (gg_petition_get(&w->op, w->result, &p, err) < 0 || audit_identities(w, &p, 1, err) < 0) return -1;
    write_petition(gg_api_json(w->req, w->status), &p);
    return 0;
}

static int events_respond(gg_write_t *w, gg_error_t *err)
{
    gg_petition_t p;
    gg_petition_event_t *ev;
    int n;
    if (gg_petition_get(&w->op, w->id, &p, err) < 0 || gg_petition_events(&w->op, p.id, &ev, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", ev[i].id);
        gg_jw_kstr(jw, "kind", ev[i].kind);
        gg_jw_key(jw, "detail");
        gg_jw_raw(jw, ev[i].detail, strlen(ev[i].detail));
        gg_jw_kstr(jw, "by", ev[i].username);
        gg_jw_ktime(jw, "at", ev[i].at);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t PETITION_GET = {.path_ids = {"id"}, .respond = petition_respond};
static const gg_write_op_t PETITION_EVENTS = {.path_ids = {"id"}, .respond = events_respond};

/* ---- POST /petitions ---- */

static const gg_field_t create_fields[] = {
    {"unit_id", GG_F_INT, 1, 1, INT64_MAX, 0}, {"kind", GG_F_STR, 1, 1, 16, 0},
    {"name", GG_F_STR, 1, 1, 50, 0},           {"id_number", GG_F_STR, 0, 0, 18, 1},
    {"phone", GG_F_STR, 0, 0, 20, 1},          {"subject", GG_F_STR, 1, 1, 100, 0},
    {"content", GG_F_STR, 1, 1, 5000, 0},      {"received_on", GG_F_STR, 0, 10, 10, 1},
};

static int create_run(gg_write_t *w, gg_error_t *err)
{
    json_t *b = w->body;
    gg_arena_t *a = w->op.arena;
    gg_petition_new_t in = {.unit_id = gg_json_int(b, "unit_id", 0),
                            .kind = gg_strdup(a, gg_json_str(b, "kind")),
                            .name = gg_strdup(a, gg_json_str(b, "name")),
                            .id_number = gg_strdup(a, gg_json_str(b, "id_number")),
                            .phone = gg_strdup(a, gg_json_str(b, "phone")),
                            .subject = gg_strdup(a, gg_json_str(b, "subject")),
                            .content = gg_strdup(a, gg_json_str(b, "content")),
                            .received_on = gg_strdup(a, gg_json_str(b, "received_on"))};
    const char *number;
    gg_cal_snapshot_t *cal = gg_api_centre_calendar(w->req);
    int rc = gg_petition_create(&w->op, cal, &in, &w->result, &number, err);
    if (cal) gg_cal_snapshot_release(cal);
    return rc;
}

static const gg_write_op_t PETITION_CREATE = {
    .fields = GG_FIELDS(create_fields),
    .run = create_run,
    .respond = petition_respond,
    .status = 201,
    .location = "/api/v1/petitions/%lld",
};

/* ---- actions ---- */

static const gg_field_t decide_fields[] = {
    {"accept", GG_F_BOOL, 1, 0, 0, 0},
    {"on", GG_F_STR, 0, 10, 10, 1},
    {"note", GG_F_STR, 0, 0, 2000, 1},
};

static int decide_run(gg_write_t *w, gg_error_t *err)
{
    gg_cal_snapshot_t *cal = gg_api_centre_calendar(w->req);
    int rc = gg_petition_decide(&w->op, cal, w->id, gg_json_bool(w->body, "accept", 0),
                                gg_strdup(w->op.arena, gg_json_str(w->body, "on")),
                                gg_strdup(w->op.arena, gg_json_str(w->body, "note")), err);
    if (cal) gg_cal_snapshot_release(cal);
    return rc;
}

static const gg_field_t extend_fields[] = {
    {"days", GG_F_INT, 0, -100000, 100000, 1},
    {"reason", GG_F_STR, 1, 0, 2000, 0},
};

static int extend_run(gg_write_t *w, gg_error_t *err)
{
    gg_cal_snapshot_t *cal = gg_api_centre_calendar(w->req);
    int rc = gg_petition_extend(&w->op, cal, w->id, (int)gg_json_int(w->body, "days", GG_PETITION_EXTEND_MAX),
                                gg_strdup(w->op.arena, gg_json_str(w->body, "reason")), err);
    if (cal) gg_cal_snapshot_release(cal);
    return rc;
}

static const gg_field_t reply_fields[] = {
    {"text", GG_F_STR, 1, 0, 10000, 0},
    {"on", GG_F_STR, 0, 10, 10, 1},
    {"attachment_id", GG_F_INT, 0, 1, INT64_MAX, 1},
};

static int reply_run(gg_write_t *w, gg_error_t *err)
{
    return gg_petition_reply(&w->op, w->id, gg_strdup(w->op.arena, gg_json_str(w->body, "text")),
                             gg_strdup(w->op.arena, gg_json_str(w->body, "on")),
                             gg_json_int(w->body, "attachment_id", 0), err);
}

static const gg_field_t review_fields[] = {{"on", GG_F_STR, 0, 10, 10, 1}};

static int review_run(gg_write_t *w, gg_error_t *err)
{
    gg_cal_snapshot_t *cal = gg_api_centre_calendar(w->req);
    int rc = gg_petition_review(&w->op, cal, w->id, gg_strdup(w->op.arena, gg_json_str(w->body, "on")), err);
    if (cal) gg_cal_snapshot_release(cal);
    return rc;
}

static const gg_field_t close_fields[] = {{"result", GG_F_STR, 0, 0, 5000, 1}};

static int close_run(gg_write_t *w, gg_error_t *err)
{
    return gg_petition_close(&w->op, w->id, gg_strdup(w->op.arena, gg_json_str(w->body, "result")), err);
}

#define ACTION(name, flds, fn)                                                                               \
    static const gg_write_op_t name = {.path_ids = {"id"},                                                   \
                                       .fields = GG_FIELDS(flds),                                            \
                                       .body_optional = 1,                                                   \
                                       .run = fn,                                                            \
                                       .respond = petition_respond,                                          \
                                       .refused_action = "petition.refused",                                 \
                                       .refused_type = "petition"}
ACTION(PETITION_DECIDE, decide_fields, decide_run);
ACTION(PETITION_EXTEND, extend_fields, extend_run);
ACTION(PETITION_REPLY, reply_fields, reply_run);
ACTION(PETITION_REVIEW, review_fields, review_run);
ACTION(PETITION_CLOSE, close_fields, close_run);

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/petitions", PETITION_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/petitions", PETITION_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/petitions/{id}", PETITION_GET),
    GG_WRITE_ROUTE("GET", "/api/v1/petitions/{id}/events", PETITION_EVENTS),
    GG_WRITE_ROUTE("POST", "/api/v1/petitions/{id}/decide", PETITION_DECIDE),
    GG_WRITE_ROUTE("POST", "/api/v1/petitions/{id}/extend", PETITION_EXTEND),
    GG_WRITE_ROUTE("POST", "/api/v1/petitions/{id}/reply", PETITION_REPLY),
    GG_WRITE_ROUTE("POST", "/api/v1/petitions/{id}/review", PETITION_REVIEW),
    GG_WRITE_ROUTE("POST", "/api/v1/petitions/{id}/close", PETITION_CLOSE),
};

int gg_api_petition_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
