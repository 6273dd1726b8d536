/* health.c — GET /healthz (process up, no database) and GET /readyz (database reachable). */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

static void healthz(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_kstr(w, "status", "ok");
    gg_jw_kstr(w, "version", app->version);
    gg_jw_obj_end(w);
}

static void readyz(gg_req_t *req)
{
    gg_app_t *app = req->app;
    gg_error_t err;
    if (gg_db_ping(app->db, &err) < 0) {
        /* the driver's reason, copied first: formatting err.message into itself overlapped */
        char reason[sizeof err.message];
        snprintf(reason, sizeof reason, "%s", err.message);
        if (strcmp(err.code, "database_unavailable") == 0) /* already says so, e.g. the file is gone */
            gg_error_set(&err, 503, "database_unavailable", NULL, "%s", reason);
        else
            gg_error_set(&err, 503, "database_unavailable", NULL, "the database is not reachable: %s",
                         reason);
        gg_api_error(req, &err);
        return;
    }
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    gg_jw_kstr(w, "status", "ready");
    gg_jw_kstr(w, "database", gg_db_kind(app->db) == GG_DB_SQLITE ? "sqlite" : "postgresql");
    gg_jw_obj_end(w);
}

static const gg_api_route_t routes[] = {
    {"GET", "/healthz", healthz, NULL, 0},
    {"GET", "/readyz", readyz, NULL, 0},
};

int gg_api_health_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
