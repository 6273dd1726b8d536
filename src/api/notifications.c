/* notifications.c — the staff notification centre: list, unread count, mark read (domain/live.h). */
#include <string.h>

#include "api/export.h"
#include "api/stream.h"
#include "api/write.h"
#include "domain/live.h"
#include "json/jw.h"

typedef struct {
    gg_page_t page;
    const char *unread;
} lq_t;

static int list_parse(gg_write_t *w)
{
    lq_t *q = w->state;
    return gg_api_query_page(w->req, 200, 50, &q->page) < 0 ||
                   gg_api_query_str(w->req, "unread", 8, &q->unread) < 0
               ? -1
               : 0;
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    lq_t *q = w->state;
    gg_notification_t *rows;
    int n;
    int unread = q->unread && (!strcmp(q->unread, "1") || !strcmp(q->unread, "true"));
    if (gg_notifications(&w->op, unread, q->page.after, q->page.limit, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", rows[i].id);
        gg_jw_kstr(jw, "kind", rows[i].kind);
        if (rows[i].case_id)
            gg_jw_kint(jw, "case_id", rows[i].case_id);
        else
            gg_jw_knull(jw, "case_id");
        gg_jw_key(jw, "params");
        gg_jw_raw(jw, rows[i].params, strlen(rows[i].params));
        gg_jw_ktime(jw, "read_at", rows[i].read_at);
        gg_jw_ktime(jw, "created_at", rows[i].created_at);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, q->page.limit, n ? rows[n - 1].id : 0, -1);
    return 0;
}

/* ?format=xlsx (api/export.h) */
static const gg_export_col_t list_cols[] = {
    {"kind", "类型", 16},
    {"case_id", "事件编号", 10},
    {"created_at", "时间", 26},
    {"read_at", "已读时间", 26},
};
static const gg_export_t LIST_XLSX = {"notifications", "通知", GG_EXPORT_COLS(list_cols)};

static const gg_write_op_t LIST = {
    .state_size = sizeof(lq_t), .parse = list_parse, .respond = list_respond, .xlsx = &LIST_XLSX};

static int count_respond(gg_write_t *w, gg_error_t *err)
{
    int64_t n = 0;
    if (gg_notification_unread(w->op.c, w->op.auth->account_id, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_kint(jw, "unread", n);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t COUNT = {.respond = count_respond};

/* after marking: this node's streams of the caller get the new count (other nodes' at their next change) */
static int marked_respond(gg_write_t *w, gg_error_t *err)
{
    gg_live_hub_touch(((gg_app_t *)w->req->app)->live, w->op.auth->account_id);
    return count_respond(w, err);
}

static int read_run(gg_write_t *w, gg_error_t *err)
{
    return gg_notification_read(&w->op, w->id, err);
}

static const gg_write_op_t READ = {.path_ids = {"id"}, .run = read_run, .respond = marked_respond};

static int read_all_run(gg_write_t *w, gg_error_t *err)
{
    int64_t *changed = w->state;
    return gg_notification_read_all(&w->op, changed, err);
}

static const gg_write_op_t READ_ALL = {
    .state_size = sizeof(int64_t), .run = read_all_run, .respond = marked_respond};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/notifications", LIST),
    GG_WRITE_ROUTE("GET", "/api/v1/notifications/count", COUNT),
    GG_WRITE_ROUTE("POST", "/api/v1/notifications/read-all", READ_ALL),
    GG_WRITE_ROUTE("POST", "/api/v1/notifications/{id}/read", READ),
};

int gg_api_notification_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
