/*
 * geo.h — polygons for grids (网格): GeoJSON in, validation, predicates and
 * measures, on the GEOS C API.  geos_c.h is included only inside src/geo
 * (here, in partition.c through geo_internal.h, and in grid_index.c).
 *
 * Contexts: GEOS's reentrant API takes a context handle that must not be used
 * by two threads at once.  A gg_geo_t wraps one handle (plus its reader and
 * the last GEOS error message); make one per call or per thread, never share
 * it.  Shapes made with one gg_geo_t may be freed with another.
 *
 * Ownership: gg_geo_parse returns a malloc'd gg_shape_t the caller frees with
 * gg_shape_free; it owns its GEOS geometry, the canonical GeoJSON text and
 * what is derived lazily (the shrunken copy used by the tolerance tests).
 *
 * Coordinates are GeoJSON's [longitude, latitude] in WGS 84 / GCJ-02 degrees
 * (whatever the map uses, consistently).  Tolerances are in degrees:
 * GG_GEO_TOLERANCE_DEG (1e-5°, about 1 m) absorbs digitising noise along
 * shared borders — a grid may stick out of its community, or into a
 * neighbour, by less than that.
 */
#ifndef GG_GEO_GEO_H
#define GG_GEO_GEO_H

#include <stddef.h>

#include "core/error.h"

#define GG_GEO_TOLERANCE_DEG 1e-5
#define GG_GEO_MAX_POINTS 20000 /* positions in one geometry, all rings together */
#define GG_GEO_MAX_RINGS 64     /* rings per polygon (1 shell + holes) */
#define GG_GEO_MAX_POLYGONS 64  /* polygons per MultiPolygon */

typedef struct gg_geo gg_geo_t;
typedef struct gg_shape gg_shape_t;

typedef struct gg_bbox {
    double min_lng, min_lat, max_lng, max_lat;
} gg_bbox_t;

gg_geo_t *gg_geo_new(void);
void gg_geo_free(gg_geo_t *g);

/*
 * Parse and validate a GeoJSON Polygon or MultiPolygon (a Feature wrapping
 * one is unwrapped).  Checks, each a 400 naming the place ("geometry",
 * "geometry.coordinates[0][3]", with field as the prefix): the JSON shape
 * (type, nesting, numbers, no unknown members), positions in range
 * (longitude -180..180, latitude -90..90), rings closed with at least 4
 * positions, size limits, and then GEOS validity (no self-intersection, holes
 * inside shells …) with GEOS's reason and location in the message, and a
 * non-zero area.  Coordinates are rounded to 8 decimals (about 1 mm) before
 * the GEOS checks, so what is validated is exactly what gg_shape_geojson
 * returns and what gets stored.
 */
int gg_geo_parse(gg_geo_t *g, const char *geojson, size_t len, const char *field, gg_shape_t **out,
                 gg_error_t *err);
/* Read stored, already validated GeoJSON (no structural checks, still valid-checked). */
int gg_geo_read(gg_geo_t *g, const char *geojson, gg_shape_t **out, gg_error_t *err);
void gg_shape_free(gg_geo_t *g, gg_shape_t *s);

/* The canonical GeoJSON text ({"type":"Polygon","coordinates":…}); owned by the shape. */
const char *gg_shape_geojson(const gg_shape_t *s);
void gg_shape_bbox(const gg_shape_t *s, gg_bbox_t *out);
int gg_shape_npoints(const gg_shape_t *s);
/* Approximate area in square metres (equirectangular at the shape's latitude:
 * good to a fraction of a percent at grid sizes). */
double gg_shape_area_m2(gg_geo_t *g, const gg_shape_t *s);
/* A label point: the centroid when it lies inside the shape, otherwise a point
 * on the surface (a U-shaped grid's centroid can fall outside it). */
int gg_shape_label_point(gg_geo_t *g, const gg_shape_t *s, double *lat, double *lng, gg_error_t *err);

/* 1 when inner lies within outer up to the tolerance, 0 when not, <0 on a GEOS failure. */
int gg_geo_within(gg_geo_t *g, gg_shape_t *inner, const gg_shape_t *outer, gg_error_t *err);
/* 1 when the interiors of a and b overlap by more than the tolerance (a shared
 * border is not an overlap), 0 when not, <0 on a GEOS failure. */
int gg_geo_overlaps(gg_geo_t *g, gg_shape_t *a, const gg_shape_t *b, gg_error_t *err);
/* 1 when the point (lat, lng) is in s or on its boundary. */
int gg_geo_covers_point(gg_geo_t *g, const gg_shape_t *s, double lat, double lng);

int gg_bbox_intersects(const gg_bbox_t *a, const gg_bbox_t *b);

/* Check a latitude/longitude pair given as query text ("30.2"), naming the
 * parameter in the error (lat_field / lng_field). */
int gg_geo_parse_latlng(const char *lat_s, const char *lng_s, const char *lat_field, const char *lng_field,
                        double *lat, double *lng, gg_error_t *err);

#endif
