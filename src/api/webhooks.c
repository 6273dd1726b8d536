/*
 * webhooks.c — /api/v1/webhooks and /api/v1/webhook-deliveries: the subscriptions to the outbox's events and
 * their deliveries (domain/webhook.h), for administrators (settings.manage at the root; the domain checks).
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/write.h"
#include "domain/webhook.h"

static void write_sub(gg_jw_t *w, const gg_webhook_t *s, const char *secret)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", s->id);
    gg_jw_kstr(w, "kind", s->kind);
    gg_jw_kstr(w, "name", s->name);
    gg_jw_kstr(w, "url", s->url);
    gg_jw_key(w, "event_types");
    gg_jw_arr(w);
    for (int i = 0; i < s->nevent_types; i++)
        gg_jw_str(w, s->event_types[i]);
    gg_jw_arr_end(w);
    gg_body_kid(w, "unit_id", s->unit_id);
    gg_jw_kstr(w, "unit_name", s->unit_name);
    gg_body_kid(w, "line_id", s->line_id);
    gg_jw_kbool(w, "active", s->active);
    gg_jw_kint(w, "pending", s->pending);
    gg_jw_kint(w, "dead", s->dead);
    if (secret) gg_jw_kstr(w, "secret", secret); /* once, when made */
    gg_body_kid(w, "created_by", s->created_by);
    gg_jw_ktime(w, "created_at", s->created_at);
    gg_jw_ktime(w, "updated_at", s->updated_at);
    gg_jw_kint(w, "version", s->version);
    gg_jw_obj_end(w);
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    gg_webhook_t *rows;
    int n;
    if (gg_webhook_list(&w->op, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_sub(jw, &rows[i], NULL);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t SUB_LIST = {.respond = list_respond};

typedef struct {
    char secret[GG_WEBHOOK_SECRET_MAX];
} made_t;

static int sub_respond(gg_write_t *w, gg_error_t *err)
{
    gg_webhook_t s;
    if (gg_webhook_get(&w->op, w->result, &s, err) < 0) return -1;
    made_t *m = w->state;
    write_sub(gg_api_json(w->req, w->status), &s, m && m->secret[0] ? m->secret : NULL);
    return 0;
}

static const gg_field_t sub_fields[] = {
    {"name", GG_F_STR, 0, 1, 64, 0},       {"url", GG_F_STR, 0, 10, 2000, 0},
    {"event_types", GG_F_ARR, 0, 0, 0, 0}, {"unit_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"active", GG_F_BOOL, 0, 0, 0, 0},     {"secret", GG_F_STR, 0, 16, 128, 0},
};

static int read_in(gg_write_t *w, gg_webhook_t *in, int patch, gg_error_t *err)
{
    json_t *b = w->body;
    memset(in, 0, sizeof *in);
    in->name = gg_json_str(b, "name");
    in->url = gg_json_str(b, "url");
    in->unit_id = patch && !json_object_get(b, "unit_id") ? -1 : gg_json_int(b, "unit_id", 0);
    in->active = json_object_get(b, "active") ? gg_json_bool(b, "active", 1) : patch ? -1 : 1;
    if (json_object_get(b, "event_types")) {
        if (gg_body_str_array(w->op.arena, b, "event_types", 32, 64, &in->event_types, &in->nevent_types,
                              err) < 0)
            return -1;
    } else if (!patch) {
        gg_err_invalid(err, "event_types", "name at least one event type");
        return gg_error_reason(err, "required");
    }
    return 0;
}

static int create_run(gg_write_t *w, gg_error_t *err)
{
    gg_webhook_t in;
    if (read_in(w, &in, 0, err) < 0) return -1;
    if (!in.url) {
        gg_err_invalid(err, "url", "a URL is required");
        return gg_error_reason(err, "required");
    }
    made_t *m = w->state;
    return gg_webhook_create(&w->op, &in, gg_json_str(w->body, "secret"), m->secret, &w->result, err);
}

static const gg_write_op_t SUB_CREATE = {
    .fields = GG_FIELDS(sub_fields),
    .state_size = sizeof(made_t),
    .run = create_run,
    .respond = sub_respond,
    .status = 201,
    .location = "/api/v1/webhooks/%lld",
};

static const gg_field_t patch_fields[] = {
    {"version", GG_F_INT, 1, 1, INT32_MAX, 0},
};

static int update_run(gg_write_t *w, gg_error_t *err)
{
    gg_webhook_t in;
    if (read_in(w, &in, 1, err) < 0) return -1;
    return gg_webhook_update(&w->op, w->id, &in, gg_json_str(w->body, "secret"),
                             (int)gg_json_int(w->body, "version", 0), err);
}

static const gg_write_op_t SUB_UPDATE = {
    .path_ids = {"id"},
    .fields = GG_FIELDS(sub_fields),
    .more = GG_FIELDS(patch_fields),
    .run = update_run,
    .respond = sub_respond,
};

static const gg_write_op_t SUB_GET = {.path_ids = {"id"}, .respond = sub_respond};

typedef struct {
    gg_page_t page;
    const char *state;
} dq_t;

static int deliveries_parse(gg_write_t *w)
{
    dq_t *q = w->state;
    if (gg_api_query_page(w->req, 200, 50, &q->page) < 0 ||
        gg_api_query_str(w->req, "state", 16, &q->state) < 0)
        return -1;
    return 0;
}

static void write_delivery(gg_jw_t *w, const gg_webhook_delivery_t *d)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", d->id);
    gg_jw_kint(w, "subscription_id", d->subscription_id);
    gg_jw_kint(w, "outbox_id", d->outbox_id);
    gg_jw_kstr(w, "event_type", d->event_type);
    gg_jw_kstr(w, "state", d->state);
    gg_jw_kint(w, "attempts", d->attempts);
    if (d->last_at)
        gg_jw_kint(w, "last_status", d->last_status);
    else
        gg_jw_knull(w, "last_status");
    gg_jw_kstr(w, "last_error", d->last_error);
    gg_jw_ktime(w, "last_at", d->last_at);
    gg_jw_ktime(w, "next_at", !strcmp(d->state, "pending") ? d->next_at : 0);
    gg_jw_ktime(w, "delivered_at", d->delivered_at);
    gg_jw_ktime(w, "created_at", d->created_at);
    gg_jw_obj_end(w);
}

static int deliveries_respond(gg_write_t *w, gg_error_t *err)
{
    dq_t *q = w->state;
    if (q->state && *q->state && strcmp(q->state, "pending") && strcmp(q->state, "delivered") &&
        strcmp(q->state, "dead")) {
        gg_err_invalid(err, "state", "state is pending, delivered or dead");
        return gg_error_reason(err, "malformed");
    }
    gg_webhook_delivery_t *rows;
    int n;
    if (gg_webhook_deliveries(&w->op, w->id, q->state, q->page.after, q->page.limit, &rows, &n, err) < 0)
        return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++)
        write_delivery(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, q->page.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

static const gg_write_op_t DELIVERY_LIST = {
    .path_ids = {"id"}, .state_size = sizeof(dq_t), .parse = deliveries_parse, .respond = deliveries_respond};

static int retry_run(gg_write_t *w, gg_error_t *err)
{
    return gg_webhook_retry(&w->op, w->id, err);
}

static int delivery_respond(gg_write_t *w, gg_error_t *err)
{
    gg_webhook_delivery_t d;
    if (gg_webhook_delivery_get(&w->op, w->id, &d, err) < 0) return -1;
    write_delivery(gg_api_json(w->req, w->status), &d);
    return 0;
}

static const gg_write_op_t DELIVERY_RETRY = {
    .path_ids = {"id"}, .run = retry_run, .respond = delivery_respond};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/webhooks", SUB_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/webhooks", SUB_CREATE),
    GG_WRITE_ROUTE("GET", "/api/v1/webhooks/{id}", SUB_GET),
    GG_WRITE_ROUTE("PATCH", "/api/v1/webhooks/{id}", SUB_UPDATE),
    GG_WRITE_ROUTE("GET", "/api/v1/webhooks/{id}/deliveries", DELIVERY_LIST),
    GG_WRITE_ROUTE("POST", "/api/v1/webhook-deliveries/{id}/retry", DELIVERY_RETRY),
};

int gg_api_webhook_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
