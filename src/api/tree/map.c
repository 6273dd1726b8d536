/*
 * map.c — GET /api/v1/map/tiles: where the web app's maps get their background
 * from (config map_tiles*, core/map_tiles.h).  Public, like the web app's own
 * files: it names only what every page's CSP already names.
 *   {"mode": "none"}  no tiles; the maps draw the units' borders as their base
 *   {"mode": "tiles", "url", "overlay" (or null), "subdomains", "attribution", "max_zoom"}
 */
#include "api/api.h"

static void tiles(gg_req_t *req)
{
    gg_app_t *app = req->app;
    const gg_map_tiles_t *t = app->map_tiles;
    gg_jw_t *w = gg_api_json(req, 200);
    gg_jw_obj(w);
    if (!t || !t->url[0]) {
        gg_jw_kstr(w, "mode", "none");
        gg_jw_obj_end(w);
        return;
    }
    gg_jw_kstr(w, "mode", "tiles");
    gg_jw_kstr(w, "url", t->url);
    if (t->overlay[0])
        gg_jw_kstr(w, "overlay", t->overlay);
    else
        gg_jw_knull(w, "overlay");
    gg_jw_kstr(w, "subdomains", t->subdomains);
    gg_jw_kstr(w, "attribution", t->attribution);
    gg_jw_kint(w, "max_zoom", t->max_zoom);
    gg_jw_obj_end(w);
}

static const gg_api_route_t routes[] = {
    {"GET", "/api/v1/map/tiles", tiles, NULL, 0},
};

int gg_api_map_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
