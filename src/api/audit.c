/* audit.c — GET /api/v1/audit: the audit log for auditors, newest first, scoped by unit. */
#include <string.h>

#include "api/api.h"
#include "domain/audit.h"

static void list(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_auth_t *auth;
    gg_error_t err;
    int64_t limit, before, account;
    const char *action, *object_type, *object_id;
    if (gg_api_query_int(req, "limit", 1, 200, 50, &limit) < 0 ||
        gg_api_query_int(req, "before", 0, INT64_MAX, 0, &before) < 0 ||
        gg_api_query_int(req, "account_id", 0, INT64_MAX, 0, &account) < 0 ||
        gg_api_query_str(req, "action", 64, &action) < 0 ||
        gg_api_query_str(req, "object_type", 32, &object_type) < 0 ||
        gg_api_query_str(req, "object_id", 64, &object_id) < 0)
        return;
    /* an object is a type and an id: one without the other would silently match everything */
    int has_type = object_type && *object_type, has_id = object_id && *object_id;
    if (has_type != has_id) {
        gg_err_invalid(&err, has_type ? "object_id" : "object_type", "object_type and object_id go together");
        err.reason = "required";
        gg_api_error(req, &err);
        return;
    }
    if (gg_api_begin(req, 0, &c, &auth) < 0) return;
    if (!gg_auth_has(auth, GG_P_AUDIT_READ)) {
        gg_api_end(req, c);
        gg_err_forbidden(&err, "reading the audit log needs the audit.read permission");
        gg_api_error(req, &err);
        return;
    }
    gg_audit_filter_t f = {.action = action,
                           .account_id = account,
                           .object_type = object_type,
                           .object_id = object_id,
                           .before_seq = before,
                           .limit = (int)limit};
    gg_audit_row_t *rows;
    int n;
    int rc = gg_audit_list(c, req->arena, auth, &f, &rows, &n, &err);
    gg_api_end(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        gg_audit_row_t *r = &rows[i];
        gg_jw_obj(w);
        gg_jw_kint(w, "seq", r->seq);
        gg_jw_ktime(w, "at", r->at);
        if (r->account_id)
            gg_jw_kint(w, "account_id", r->account_id);
        else
            gg_jw_knull(w, "account_id");
        gg_jw_kstr(w, "username", r->username);
        gg_jw_kstr(w, "client_ip", r->client_ip);
        gg_jw_kstr(w, "action", r->action);
        gg_jw_kstr(w, "object_type", r->object_type);
        gg_jw_kstr(w, "object_id", r->object_id);
        if (r->unit_id)
            gg_jw_kint(w, "unit_id", r->unit_id);
        else
            gg_jw_knull(w, "unit_id");
        gg_jw_key(w, "detail");
        if (r->detail)
            gg_jw_raw(w, r->detail, strlen(r->detail)); /* written by us as JSON */
        else
            gg_jw_null(w);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    if (n == (int)limit)
        gg_jw_kstr(w, "next", gg_sprintf(req->arena, "%lld", (long long)rows[n - 1].seq));
    else
        gg_jw_knull(w, "next");
    gg_jw_obj_end(w);
}

void gg_api_audit_routes(gg_router_t *r)
{
    gg_router_add(r, "GET", "/api/v1/audit", list, NULL);
}
