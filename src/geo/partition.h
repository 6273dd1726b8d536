/*
 * partition.h — cutting a polygon into cells that tile it, and scattering
 * points inside one, for generated maps (the demo draws its streets,
 * communities and grids this way, and places its buildings).
 *
 * The cells are the Voronoi cells (GEOSVoronoiDiagram) of seeds spread inside
 * the polygon, each seed moved a few times to the centroid of its cell
 * (Lloyd's relaxation, so cells come out of similar size and roundish, like
 * real districts rather than slivers), then clipped to the polygon
 * (GEOSIntersection).  Neighbouring cells share their border, none overlaps
 * another, each lies inside the polygon and together they cover it — what the
 * grid module's border checks ask of children.  Coordinates come out on the
 * 8-decimal grid gg_geo_parse stores, so storing a cell changes nothing.
 *
 * Seeded: every random choice comes from the caller's source, so the same
 * source gives the same cells and points.
 */
#ifndef GG_GEO_PARTITION_H
#define GG_GEO_PARTITION_H

#include "geo/geo.h"

typedef struct gg_geo_random {
    double (*uniform)(void *ctx); /* a number in [0, 1) */
    void *ctx;
} gg_geo_random_t;

/*
 * Cut outline into n (1..GG_GEO_MAX_CELLS) cells.  cells[i] receives a malloc'd
 * GeoJSON Polygon or MultiPolygon (a cell may fall apart where the outline is
 * concave) the caller frees.  Cells are ordered as one reads a map: bands from
 * north to south, west to east within a band, so the first is top-left.
 */
#define GG_GEO_MAX_CELLS 1000
int gg_geo_partition(gg_geo_t *g, const gg_shape_t *outline, int n, const gg_geo_random_t *rnd, char **cells,
                     gg_error_t *err);

/*
 * n points inside s, written as longitude/latitude pairs to lnglat[2n], each
 * at least margin_deg inside the border where s is wide enough.  With
 * spread_deg > 0 they cluster within spread_deg of one spot picked at random
 * (a village's houses); with 0 they spread over all of s.
 */
int gg_geo_scatter(gg_geo_t *g, const gg_shape_t *s, int n, double margin_deg, double spread_deg,
                   const gg_geo_random_t *rnd, double *lnglat, gg_error_t *err);

/*
 * A valid polygonal version of a border drawn elsewhere (a county outline from
 * a map package, whose rings may touch themselves or repeat points):
 * GEOSMakeValid, without what is not polygonal, on the 8-decimal grid.
 * *out is malloc'd GeoJSON the caller frees; a 400 naming field when nothing
 * polygonal is left or the text is not GeoJSON.
 */
int gg_geo_clean_outline(gg_geo_t *g, const char *geojson, const char *field, char **out, gg_error_t *err);

/*
 * The border of feature id in a GeoJSON FeatureCollection file (an ECharts map
 * file: features carry their division code as "id"), cleaned as above.  A 400
 * naming field when the file cannot be read, is not a FeatureCollection or has
 * no such feature.
 */
int gg_geo_outline_from_file(gg_geo_t *g, const char *path, const char *id, const char *field, char **out,
                             gg_error_t *err);

#endif
