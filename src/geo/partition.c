/* partition.c — seeded Voronoi tilings of a polygon and points scattered inside one (see partition.h). */
#include "geo/partition.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "geo/geo_internal.h"

#define GRID_SIZE 1e-8   /* the 8 decimals gg_geo_parse rounds to */
#define LLOYD_ROUNDS 2   /* enough to even the cells out; more changes little */
#define SEED_TRIES 20000 /* random draws per seed before giving up on an outline */

static int geos_failed(gg_geo_t *g, const char *what, gg_error_t *err)
{
    return gg_err_internal(err, "GEOS could not %s: %s", what, g->msg[0] ? g->msg : "unknown error");
}

/* ---- polygonal parts ---- */

typedef struct parts {
    GEOSGeometry **item;
    double *area;
    int n, cap;
} parts_t;

static void collect(gg_geo_t *g, const GEOSGeometry *geom, parts_t *p)
{
    int type = GEOSGeomTypeId_r(g->h, geom);
    if (type == GEOS_POLYGON) {
        double area = 0;
        if (!GEOSArea_r(g->h, geom, &area) || !(area > 0)) return;
        if (p->n == p->cap) {
            p->cap = p->cap ? p->cap * 2 : 8;
            p->item = gg_xrealloc(p->item, sizeof *p->item * (size_t)p->cap);
            p->area = gg_xrealloc(p->area, sizeof *p->area * (size_t)p->cap);
        }
        p->item[p->n] = GEOSGeom_clone_r(g->h, geom);
        p->area[p->n++] = area;
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(g->h, geom);
        for (int i = 0; i < k; i++)
            collect(g, GEOSGetGeometryN_r(g->h, geom, i), p);
    } /* points and lines: what a clip leaves where two shapes only touch */
}

/* The polygons of geom as one Polygon or MultiPolygon of at most GG_GEO_MAX_POLYGONS parts (the
 * largest: the rest are crumbs of a jagged outline), or NULL when it has none.  geom is consumed. */
static GEOSGeometry *polygonal(gg_geo_t *g, GEOSGeometry *geom)
{
    if (!geom) return NULL;
    parts_t p = {0};
    collect(g, geom, &p);
    GEOSGeom_destroy_r(g->h, geom);
    if (p.n == 0) return NULL;
    while (p.n > GG_GEO_MAX_POLYGONS) { /* drop the smallest */
        int least = 0;
        for (int i = 1; i < p.n; i++)
            if (p.area[i] < p.area[least]) least = i;
        GEOSGeom_destroy_r(g->h, p.item[least]);
        p.item[least] = p.item[--p.n];
        p.area[least] = p.area[p.n];
    }
    GEOSGeometry *out =
        p.n == 1 ? p.item[0] : GEOSGeom_createCollection_r(g->h, GEOS_MULTIPOLYGON, p.item, (unsigned)p.n);
    free(p.item);
    free(p.area);
    return out;
}

/* geom on the storage grid, still valid and polygonal; geom is consumed. */
static GEOSGeometry *snapped(gg_geo_t *g, GEOSGeometry *geom)
{
    if (!geom) return NULL;
    GEOSGeometry *s = GEOSGeom_setPrecision_r(g->h, geom, GRID_SIZE, 0);
    GEOSGeom_destroy_r(g->h, geom);
    return polygonal(g, s);
}

static char *to_geojson(gg_geo_t *g, const GEOSGeometry *geom)
{
    GEOSGeoJSONWriter *w = GEOSGeoJSONWriter_create_r(g->h);
    if (!w) return NULL;
    char *text = GEOSGeoJSONWriter_writeGeometry_r(g->h, w, geom, -1);
    GEOSGeoJSONWriter_destroy_r(g->h, w);
    if (!text) return NULL;
    char *copy = gg_xstrdup(text);
    GEOSFree_r(g->h, text);
    return copy;
}

/* ---- random points ---- */

static int inside(gg_geo_t *g, const GEOSPreparedGeometry *pg, double x, double y)
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g->h, x, y);
    char r = pt ? GEOSPreparedContains_r(g->h, pg, pt) : 0;
    if (pt) GEOSGeom_destroy_r(g->h, pt);
    return r == 1;
}

/* A random point of pg inside the box; 0 when tries ran out. */
static int draw(gg_geo_t *g, const GEOSPreparedGeometry *pg, const gg_bbox_t *box, const gg_geo_random_t *rnd,
                int tries, double *x, double *y)
{
    for (int t = 0; t < tries; t++) {
        *x = box->min_lng + rnd->uniform(rnd->ctx) * (box->max_lng - box->min_lng);
        *y = box->min_lat + rnd->uniform(rnd->ctx) * (box->max_lat - box->min_lat);
        if (inside(g, pg, *x, *y)) return 1;
    }
    return 0;
}

static void extent(gg_geo_t *g, const GEOSGeometry *geom, gg_bbox_t *b)
{
    GEOSGeom_getExtent_r(g->h, geom, &b->min_lng, &b->min_lat, &b->max_lng, &b->max_lat);
}

static int point_xy(gg_geo_t *g, GEOSGeometry *pt, double *x, double *y)
{
    int ok = pt && GEOSGeomGetX_r(g->h, pt, x) && GEOSGeomGetY_r(g->h, pt, y);
    if (pt) GEOSGeom_destroy_r(g->h, pt);
    return ok;
}

/* ---- the tiling ---- */

typedef struct cell {
    GEOSGeometry *geom;
    double x, y; /* label point, for the reading order */
    double band;
} cell_t;

static int reading_order(const void *va, const void *vb)
{
    const cell_t *a = va, *b = vb;
    if (a->band != b->band) return a->band < b->band ? -1 : 1;
    return a->x < b->x ? -1 : a->x > b->x;
}

/* The Voronoi cells of the n seeds, clipped to the outline, into cells[] (n of them, or fewer when
 * seeds coincide: then -1). */
static int voronoi_cells(gg_geo_t *g, const GEOSGeometry *outline, const double *seeds, int n, cell_t *cells,
                         gg_error_t *err)
{
    GEOSGeometry **pts = gg_xcalloc((size_t)n, sizeof *pts);
    for (int i = 0; i < n; i++)
        pts[i] = GEOSGeom_createPointFromXY_r(g->h, seeds[2 * i], seeds[2 * i + 1]);
    GEOSGeometry *mp = GEOSGeom_createCollection_r(g->h, GEOS_MULTIPOINT, pts, (unsigned)n);
    free(pts);
    if (!mp) return geos_failed(g, "collect seeds", err);
    GEOSGeometry *env = GEOSEnvelope_r(g->h, outline);
    GEOSGeometry *diagram = env ? GEOSVoronoiDiagram_r(g->h, mp, env, 0, 0) : NULL;
    GEOSGeom_destroy_r(g->h, mp);
    if (env) GEOSGeom_destroy_r(g->h, env);
    if (!diagram) return geos_failed(g, "draw a Voronoi diagram", err);
    int k = GEOSGetNumGeometries_r(g->h, diagram), got = 0;
    for (int i = 0; i < k && got < n; i++) {
        GEOSGeometry *clip = GEOSIntersection_r(g->h, GEOSGetGeometryN_r(g->h, diagram, i), outline);
        if (!clip) {
            GEOSGeom_destroy_r(g->h, diagram);
            for (int j = 0; j < got; j++)
                GEOSGeom_destroy_r(g->h, cells[j].geom);
            return geos_failed(g, "clip a Voronoi cell", err);
        }
        GEOSGeometry *c = polygonal(g, clip);
        if (c) cells[got++].geom = c;
    }
    GEOSGeom_destroy_r(g->h, diagram);
    if (got == n) return 0;
    for (int i = 0; i < got; i++)
        GEOSGeom_destroy_r(g->h, cells[i].geom);
    return gg_err_internal(err, "a Voronoi diagram of %d seeds gave %d cells", n, got);
}

int gg_geo_partition(gg_geo_t *g, const gg_shape_t *outline, int n, const gg_geo_random_t *rnd, char **out,
                     gg_error_t *err)
{
    if (n < 1 || n > GG_GEO_MAX_CELLS)
        return gg_err_invalid(err, "cells", "cells must be 1 to %d, not %d", GG_GEO_MAX_CELLS, n);
    g->msg[0] = 0;
    if (n == 1) {
        out[0] = gg_xstrdup(outline->geojson);
        return 0;
    }
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(g->h, outline->geom);
    if (!pg) return geos_failed(g, "prepare the outline", err);
    double *seeds = gg_xcalloc((size_t)n * 2, sizeof *seeds);
    cell_t *cells = gg_xcalloc((size_t)n, sizeof *cells);
    GEOSGeometry *rough = NULL;
    int rc = -1;
    for (int i = 0; i < n; i++)
        if (!draw(g, pg, &outline->bbox, rnd, SEED_TRIES, &seeds[2 * i], &seeds[2 * i + 1])) {
            gg_err_invalid(err, "cells", "the outline is too thin to place %d seeds in", n);
            goto out;
        }
    /* the relaxation rounds only need each cell's centroid: a simplified outline (a few per cent of a cell's
     * width) gives the same seeds at a fraction of the clipping work on a county's thousands of corners */
    double w = outline->bbox.max_lng - outline->bbox.min_lng,
           h = outline->bbox.max_lat - outline->bbox.min_lat;
    rough = GEOSTopologyPreserveSimplify_r(g->h, outline->geom, 0.02 * sqrt(w * h / n));
    if (rough && GEOSisValid_r(g->h, rough) != 1) { /* the simplifier keeps topology, not always validity */
        GEOSGeom_destroy_r(g->h, rough);
        rough = NULL;
    }
    for (int round = 0;; round++) {
        const GEOSGeometry *clip = round < LLOYD_ROUNDS && rough ? rough : outline->geom;
        if (voronoi_cells(g, clip, seeds, n, cells, err) < 0) goto out;
        if (round == LLOYD_ROUNDS) break;
        for (int i = 0; i < n;
             i++) { /* each seed to its cell's centroid, or into the cell if that lies outside */
            double x, y;
            if (!point_xy(g, GEOSGetCentroid_r(g->h, cells[i].geom), &x, &y) || !inside(g, pg, x, y))
                point_xy(g, GEOSPointOnSurface_r(g->h, cells[i].geom), &x, &y);
            seeds[2 * i] = x, seeds[2 * i + 1] = y;
            GEOSGeom_destroy_r(g->h, cells[i].geom);
            cells[i].geom = NULL;
        }
    }
    double band = (outline->bbox.max_lat - outline->bbox.min_lat) / ceil(sqrt((double)n));
    for (int i = 0; i < n; i++) {
        cells[i].geom = snapped(g, cells[i].geom);
        if (!cells[i].geom ||
            !point_xy(g, GEOSPointOnSurface_r(g->h, cells[i].geom), &cells[i].x, &cells[i].y)) {
            geos_failed(g, "snap a cell to the storage grid", err);
            goto out;
        }
        cells[i].band = floor((outline->bbox.max_lat - cells[i].y) / band);
    }
    qsort(cells, (size_t)n, sizeof *cells, reading_order);
    for (int i = 0; i < n; i++)
        if (!(out[i] = to_geojson(g, cells[i].geom))) {
            while (i-- > 0)
                free(out[i]);
            geos_failed(g, "write a cell as GeoJSON", err);
            goto out;
        }
    rc = 0;
out:
    for (int i = 0; i < n; i++)
        if (cells[i].geom) GEOSGeom_destroy_r(g->h, cells[i].geom);
    free(cells);
    free(seeds);
    if (rough) GEOSGeom_destroy_r(g->h, rough);
    GEOSPreparedGeom_destroy_r(g->h, pg);
    return rc;
}

int gg_geo_scatter(gg_geo_t *g, const gg_shape_t *s, int n, double margin_deg, double spread_deg,
                   const gg_geo_random_t *rnd, double *lnglat, gg_error_t *err)
{
    g->msg[0] = 0;
    GEOSGeometry *core = margin_deg > 0 ? GEOSBuffer_r(g->h, s->geom, -margin_deg, 4) : NULL;
    if (core && GEOSisEmpty_r(g->h, core) == 1) { /* narrower than two margins: the whole shape then */
        GEOSGeom_destroy_r(g->h, core);
        core = NULL;
    }
    const GEOSGeometry *where = core ? core : s->geom;
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(g->h, where);
    if (!pg) {
        if (core) GEOSGeom_destroy_r(g->h, core);
        return geos_failed(g, "prepare a shape", err);
    }
    gg_bbox_t all, near;
    extent(g, where, &all);
    double fx, fy; /* the fallback: a point GEOS finds on the surface */
    int rc =
        point_xy(g, GEOSPointOnSurface_r(g->h, where), &fx, &fy) ? 0 : geos_failed(g, "find a point", err);
    double cx = fx, cy = fy;
    if (rc == 0 && spread_deg > 0) draw(g, pg, &all, rnd, 200, &cx, &cy);
    near = (gg_bbox_t){cx - spread_deg, cy - spread_deg, cx + spread_deg, cy + spread_deg};
    for (int i = 0; rc == 0 && i < n; i++) {
        double *x = &lnglat[2 * i], *y = &lnglat[2 * i + 1];
        if (!(spread_deg > 0 && draw(g, pg, &near, rnd, 50, x, y)) && !draw(g, pg, &all, rnd, 200, x, y))
            *x = fx, *y = fy;
    }
    GEOSPreparedGeom_destroy_r(g->h, pg);
    if (core) GEOSGeom_destroy_r(g->h, core);
    return rc;
}

int gg_geo_clean_outline(gg_geo_t *g, const char *geojson, const char *field, char **out, gg_error_t *err)
{
    const char *f = field ? field : "geometry";
    g->msg[0] = 0;
    *out = NULL;
    GEOSGeometry *raw = geojson ? GEOSGeoJSONReader_readGeometry_r(g->h, g->reader, geojson) : NULL;
    if (!raw)
        return gg_err_invalid(err, f, "%s: not a readable GeoJSON polygon: %s", f,
                              g->msg[0] ? g->msg : "missing");
    GEOSGeometry *valid = GEOSMakeValid_r(g->h, raw);
    GEOSGeom_destroy_r(g->h, raw);
    GEOSGeometry *clean = snapped(g, polygonal(g, valid));
    if (!clean) return gg_err_invalid(err, f, "%s: the outline encloses no area", f);
    *out = to_geojson(g, clean);
    GEOSGeom_destroy_r(g->h, clean);
    return *out ? 0 : geos_failed(g, "write the outline as GeoJSON", err);
}

int gg_geo_outline_from_file(gg_geo_t *g, const char *path, const char *id, const char *field, char **out,
                             gg_error_t *err)
{
    json_error_t jerr;
    *out = NULL;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) return gg_err_invalid(err, field, "cannot read the map file %s: %s", path, jerr.text);
    json_t *features = json_object_get(root, "features");
    const json_t *geometry = NULL;
    size_t i;
    json_t *f;
    json_array_foreach(features, i, f)
    {
        json_t *fid = json_object_get(f, "id");
        char num[32];
        const char *text = json_string_value(fid);
        if (json_is_integer(fid)) {
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(fid));
            text = num;
        }
        if (text && strcmp(text, id) == 0) {
            geometry = json_object_get(f, "geometry");
            break;
        }
    }
    int rc;
    char *text = geometry ? json_dumps(geometry, JSON_COMPACT) : NULL;
    if (!json_is_array(features))
        rc = gg_err_invalid(err, field, "%s is not a GeoJSON FeatureCollection", path);
    else if (!text)
        rc = gg_err_invalid(err, field, "%s has no feature with id %s", path, id);
    else
        rc = gg_geo_clean_outline(g, text, field, out, err);
    free(text);
    json_decref(root);
    return rc;
}
