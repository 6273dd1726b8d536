/*
 * map_tiles.h — where the web app's maps get their background tiles from: the
 * settings map_tiles (none | osm | a URL template), map_tiles_overlay (a second
 * template drawn on top, e.g. 天地图's labels), map_tiles_subdomains,
 * map_tiles_attribution and map_tiles_max_zoom (docs/operations.md "Map tiles").
 *
 * "none" is the default: no request leaves for a tile server, and the maps
 * draw the units' own borders as their base map.  A template is checked when
 * it is set (the error names the key and the source), and the hosts it names
 * are what the page's Content-Security-Policy lets images come from — nothing
 * else, so a typo shows at start-up, not as a blank map.
 */
#ifndef GG_CORE_MAP_TILES_H
#define GG_CORE_MAP_TILES_H

#include <stddef.h>

#include "core/error.h"

#define GG_TILE_URL_MAX 512

typedef struct gg_map_tiles {
    char url[GG_TILE_URL_MAX];     /* "" = none; {s} {z} {x} {y} placeholders */
    char overlay[GG_TILE_URL_MAX]; /* "" = none */
    char subdomains[17];           /* what {s} takes, one character each ("abc") */
    char attribution[256];         /* plain text, shown in the map's corner */
    int max_zoom;
} gg_map_tiles_t;

/* None: no tiles. */
void gg_map_tiles_defaults(gg_map_tiles_t *t);
/* 1 when key is one of the map_tiles* keys (the caller then calls gg_map_tiles_set). */
int gg_map_tiles_is_key(const char *key);
/* Set one map_tiles* key from source (for messages: "gridgov.conf:3", "GRIDGOV_MAP_TILES"); 400 naming
 * the key when the value is not usable. */
int gg_map_tiles_set(gg_map_tiles_t *t, const char *key, const char *value, const char *source,
                     gg_error_t *err);
/* After every key is set: a template with {s} needs subdomains (400 naming map_tiles_subdomains). */
int gg_map_tiles_check(const gg_map_tiles_t *t, gg_error_t *err);
/* The CSP img-src sources of the templates (" https://tiles.example.cn" — {s} becomes the wildcard label —
 * each with a leading space; "" for none) into out. */
void gg_map_tiles_csp(const gg_map_tiles_t *t, char *out, size_t size);

#endif
