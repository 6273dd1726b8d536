/*
 * geo_internal.h — what the geo modules (geo.c, partition.c) share behind the
 * opaque gg_geo_t and gg_shape_t of geo.h: the GEOS handle and the geometry.
 * Nothing outside src/geo includes it.
 */
#ifndef GG_GEO_GEO_INTERNAL_H
#define GG_GEO_GEO_INTERNAL_H

#include <geos_c.h>

#include "geo/geo.h"

struct gg_geo {
    GEOSContextHandle_t h;
    GEOSGeoJSONReader *reader;
    char msg[256]; /* the last error GEOS reported on this context */
};

struct gg_shape {
    GEOSGeometry *geom;
    GEOSGeometry *shrunk; /* geom buffered inwards by the tolerance; made on first use */
    int shrunk_done;
    char *geojson;
    gg_bbox_t bbox;
    int npoints;
};

#endif
