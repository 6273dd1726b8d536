/* fuzz_geojson.c — grid polygons from request bodies: gg_geo_parse (jansson structure checks, then GEOS).
 * Must never crash or leak; a refusal is a 400 naming a field under "geometry"; an accepted shape's canonical
 * text must read back, and the tolerance predicates must answer for it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char square[] = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}";
    gg_geo_t *g = gg_geo_new();
    gg_error_t err = {0};
    gg_shape_t *s = NULL, *again = NULL, *sq = NULL;
    if (gg_geo_parse(g, (const char *)data, size, "geometry", &s, &err) < 0) {
        if (err.http_status != 400 || strncmp(err.field, "geometry", 8) != 0 || !err.message[0]) abort();
    } else {
        if (gg_geo_read(g, gg_shape_geojson(s), &again, &err) < 0) abort();
        if (strcmp(gg_shape_geojson(again), gg_shape_geojson(s)) != 0) abort();
        if (gg_geo_parse(g, square, sizeof square - 1, "geometry", &sq, &err) < 0) abort();
        if (gg_geo_within(g, s, sq, &err) < -1 || gg_geo_overlaps(g, s, sq, &err) < -1) abort();
        double lat, lng;
        if (gg_shape_label_point(g, s, &lat, &lng, &err) == 0 && !gg_geo_covers_point(g, s, lat, lng))
            abort();
        (void)gg_shape_area_m2(g, s);
    }
    gg_shape_free(g, s);
    gg_shape_free(g, again);
    gg_shape_free(g, sq);
    gg_geo_free(g);
    return 0;
}
