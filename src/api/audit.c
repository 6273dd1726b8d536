/* audit.c — GET /api/v1/audit: the audit log for auditors, newest first, scoped by unit. */
#include <string.h>

#include "api/api.h"
#include "api/write.h"
#include "domain/audit.h"

static int list_parse(gg_write_t *w)
{
    gg_audit_filter_t *f = w->state;
    int64_t limit;
    if (gg_api_query_int(w->req, "limit", 1, 200, 50, &limit) < 0 ||
        gg_api_query_int(w->req, "before", 0, INT64_MAX, 0, &f->before_seq) < 0 ||
        gg_api_query_int(w->req, "account_id", 0, INT64_MAX, 0, &f->account_id) < 0 ||
        gg_api_query_str(w->req, "action", 64, &f->action) < 0)
        return -1;
    f->limit = (int)limit;
    return 0;
}

static int list_respond(gg_write_t *w, gg_error_t *err)
{
    const gg_audit_filter_t *f = w->state;
    if (!gg_auth_has(w->op.auth, GG_P_AUDIT_READ))
        return gg_err_forbidden(err, "reading the audit log needs the audit.read permission");
    gg_audit_row_t *rows;
    int n;
    if (gg_audit_list(w->op.c, w->op.arena, w->op.auth, f, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_audit_row_t *r = &rows[i];
        gg_jw_obj(jw);
        gg_jw_kint(jw, "seq", r->seq);
        gg_jw_ktime(jw, "at", r->at);
        if (r->account_id)
            gg_jw_kint(jw, "account_id", r->account_id);
        else
            gg_jw_knull(jw, "account_id");
        gg_jw_kstr(jw, "username", r->username);
        gg_jw_kstr(jw, "client_ip", r->client_ip);
        gg_jw_kstr(jw, "action", r->action);
        gg_jw_kstr(jw, "object_type", r->object_type);
        gg_jw_kstr(jw, "object_id", r->object_id);
        if (r->unit_id)
            gg_jw_kint(jw, "unit_id", r->unit_id);
        else
            gg_jw_knull(jw, "unit_id");
        gg_jw_key(jw, "detail");
        if (r->detail)
            gg_jw_raw(jw, r->detail, strlen(r->detail)); /* written by us as JSON */
        else
            gg_jw_null(jw);
        gg_jw_obj_end(jw);
    }
    gg_api_items_end(w->req, jw, n, f->limit, n ? rows[n - 1].seq : 0, -1);
    return 0;
}

static const gg_write_op_t LIST = {
    .state_size = sizeof(gg_audit_filter_t),
    .parse = list_parse,
    .respond = list_respond,
};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/audit", LIST),
};

int gg_api_audit_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
