/*
 * public_categories.c — GET /api/v1/public/categories: what a resident may pick when they report without
 * a login (the public 随手拍 page, web/src/views/ReportView.vue): the categories that are not retired and
 * resident_selectable with all their ancestors, depth first, names only — no policy, no limits.  Counted
 * against the client address's public limit like the other public endpoints (429 with retry_after).
 */
#include <stdio.h>

#include "api/api.h"
#include "domain/cases/category.h"
#include "domain/people/registration.h"

static void public_categories(gg_req_t *req)
{
    gg_db_conn_t *c;
    gg_error_t err;
    if (gg_api_conn(req, &c) < 0) return;
    if (gg_api_public_lookup(req, c) < 0) {
        gg_api_release(req, c);
        return;
    }
    gg_category_t *rows;
    int n;
    int rc = gg_category_tree(c, req->arena, 1, &rows, &n, &err);
    gg_api_release(req, c);
    if (rc < 0) {
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_key(w, "items");
    gg_jw_arr(w);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(w);
        gg_jw_kint(w, "id", rows[i].id);
        gg_jw_key(w, "parent_id");
        rows[i].parent_id ? gg_jw_int(w, rows[i].parent_id) : gg_jw_null(w);
        gg_jw_kstr(w, "code", rows[i].code);
        gg_jw_kstr(w, "name", rows[i].name);
        gg_jw_kstr(w, "name_en", rows[i].name_en);
        gg_jw_kint(w, "depth", rows[i].depth);
        gg_jw_obj_end(w);
    }
    gg_jw_arr_end(w);
    gg_jw_obj_end(w);
}

static const gg_api_route_t routes[] = {
    {"GET", "/api/v1/public/categories", public_categories, NULL, 0},
};

int gg_api_public_category_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
