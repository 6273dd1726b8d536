/* geo.c — GeoJSON polygons on GEOS: parsing, validation, predicates, measures (see geo.h). */
#include "geo/geo.h"

#include <ctype.h>
#include <errno.h>
#include <geos_c.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "geo/geo_internal.h"

#define EARTH_RADIUS_M 6371008.8
#define DEG_M (EARTH_RADIUS_M * M_PI / 180.0) /* metres per degree along a great circle */

static void on_geos_error(const char *message, void *userdata)
{
    gg_geo_t *g = userdata;
    snprintf(g->msg, sizeof g->msg, "%s", message ? message : "unknown GEOS error");
}

static void on_geos_notice(const char *message, void *userdata)
{
    (void)message;
    (void)userdata;
}

gg_geo_t *gg_geo_new(void)
{
    gg_geo_t *g = gg_xcalloc(1, sizeof *g);
    g->h = GEOS_init_r();
    if (!g->h) {
        fprintf(stderr, "gridgov: out of memory (GEOS context)\n");
        abort();
    }
    GEOSContext_setErrorMessageHandler_r(g->h, on_geos_error, g);
    GEOSContext_setNoticeMessageHandler_r(g->h, on_geos_notice, g);
    g->reader = GEOSGeoJSONReader_create_r(g->h);
    return g;
}

void gg_geo_free(gg_geo_t *g)
{
    if (!g) return;
    if (g->reader) GEOSGeoJSONReader_destroy_r(g->h, g->reader);
    GEOS_finish_r(g->h);
    free(g);
}

void gg_shape_free(gg_geo_t *g, gg_shape_t *s)
{
    if (!s) return;
    if (s->geom) GEOSGeom_destroy_r(g->h, s->geom);
    if (s->shrunk) GEOSGeom_destroy_r(g->h, s->shrunk);
    free(s->geojson);
    free(s);
}

const char *gg_shape_geojson(const gg_shape_t *s)
{
    return s->geojson;
}

void gg_shape_bbox(const gg_shape_t *s, gg_bbox_t *out)
{
    *out = s->bbox;
}

int gg_shape_npoints(const gg_shape_t *s)
{
    return s->npoints;
}

int gg_bbox_intersects(const gg_bbox_t *a, const gg_bbox_t *b)
{
    return a->min_lng <= b->max_lng && b->min_lng <= a->max_lng && a->min_lat <= b->max_lat &&
           b->min_lat <= a->max_lat;
}

/* ---- structural checks and the canonical text ---- */

typedef struct walk {
    gg_buf_t out;
    int npoints;
    const char *field; /* prefix for error fields ("geometry") */
    gg_error_t *err;
} walk_t;

static int bad(walk_t *w, const char *sub, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(walk_t *w, const char *sub, const char *fmt, ...)
{
    char field[96], msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(field, sizeof field, "%s%s", w->field, sub);
    return gg_err_invalid(w->err, field, "%s: %s", field, msg);
}

/* Round to 8 decimals (about 1 mm) and print without trailing zeros. */
static double round8(double v)
{
    double r = round(v * 1e8) / 1e8;
    return r == 0 ? 0 : r; /* no "-0" */
}

static void put_num(gg_buf_t *b, double v)
{
    char tmp[40];
    int n = snprintf(tmp, sizeof tmp, "%.8f", v);
    while (n > 0 && tmp[n - 1] == '0')
        n--;
    if (n > 0 && tmp[n - 1] == '.') n--;
    gg_buf_append(b, tmp, (size_t)n);
}

static int walk_position(walk_t *w, json_t *p, const char *at, double *lng, double *lat)
{
    if (!json_is_array(p) || json_array_size(p) < 2 || json_array_size(p) > 3)
        return bad(w, at, "a position is [longitude, latitude]");
    json_t *x = json_array_get(p, 0), *y = json_array_get(p, 1), *z = json_array_get(p, 2);
    if (!json_is_number(x) || !json_is_number(y) || (z && !json_is_number(z)))
        return bad(w, at, "a position is [longitude, latitude] with numbers");
    double lo = json_number_value(x), la = json_number_value(y);
    if (!isfinite(lo) || lo < -180 || lo > 180)
        return bad(w, at,
                   "longitude %g is out of range -180..180 (GeoJSON positions are [longitude, latitude])",
                   lo);
    if (!isfinite(la) || la < -90 || la > 90)
        return bad(w, at, "latitude %g is out of range -90..90 (GeoJSON positions are [longitude, latitude])",
                   la);
    *lng = round8(lo);
    *lat = round8(la);
    return 0;
}

static int walk_ring(walk_t *w, json_t *ring, const char *at)
{
    char sub[128]; /* at is a path like ".coordinates[12][3]": far shorter than 80 */
    if (!json_is_array(ring)) return bad(w, at, "a ring is an array of positions");
    size_t n = json_array_size(ring);
    if (n < 4)
        return bad(w, at, "a ring needs at least 4 positions (3 corners and the first one repeated), got %zu",
                   n);
    w->npoints += (int)n;
    if (w->npoints > GG_GEO_MAX_POINTS)
        return bad(w, "", "too many positions (at most %d in one geometry); simplify the shape",
                   GG_GEO_MAX_POINTS);
    double first_lng = 0, first_lat = 0, lng = 0, lat = 0;
    gg_buf_putc(&w->out, '[');
    for (size_t i = 0; i < n; i++) {
        snprintf(sub, sizeof sub, "%.80s[%zu]", at, i);
        if (walk_position(w, json_array_get(ring, i), sub, &lng, &lat) < 0) return -1;
        if (i == 0) {
            first_lng = lng;
            first_lat = lat;
        }
        gg_buf_puts(&w->out, i ? ",[" : "[");
        put_num(&w->out, lng);
        gg_buf_putc(&w->out, ',');
        put_num(&w->out, lat);
        gg_buf_putc(&w->out, ']');
    }
    gg_buf_putc(&w->out, ']');
    if (lng != first_lng || lat != first_lat)
        return bad(w, at, "the ring is not closed: its last position must repeat the first");
    return 0;
}

static int walk_polygon(walk_t *w, json_t *rings, const char *at)
{
    char sub[128]; /* at is a path like ".coordinates[12][3]": far shorter than 80 */
    if (!json_is_array(rings) || json_array_size(rings) == 0)
        return bad(w, at, "a polygon is an array of rings (the outer ring first, then holes)");
    if (json_array_size(rings) > GG_GEO_MAX_RINGS)
        return bad(w, at, "too many rings (at most %d)", GG_GEO_MAX_RINGS);
    gg_buf_putc(&w->out, '[');
    for (size_t i = 0; i < json_array_size(rings); i++) {
        if (i) gg_buf_putc(&w->out, ',');
        snprintf(sub, sizeof sub, "%.80s[%zu]", at, i);
        if (walk_ring(w, json_array_get(rings, i), sub) < 0) return -1;
    }
    gg_buf_putc(&w->out, ']');
    return 0;
}

/* Check the GeoJSON object and write its canonical text into w->out. */
static int walk_geometry(walk_t *w, json_t *obj)
{
    const char *key;
    json_t *v;
    if (!json_is_object(obj))
        return bad(
            w, "",
            "give a GeoJSON Polygon or MultiPolygon object ({\"type\":\"Polygon\",\"coordinates\":…})");
    json_t *type = json_object_get(obj, "type");
    if (!json_is_string(type)) return bad(w, ".type", "\"type\" must be \"Polygon\" or \"MultiPolygon\"");
    const char *t = json_string_value(type);
    if (strcmp(t, "Feature") == 0) {
        json_object_foreach(obj, key, v)
        {
            if (strcmp(key, "type") && strcmp(key, "geometry") && strcmp(key, "properties") &&
                strcmp(key, "id") && strcmp(key, "bbox"))
                return bad(w, "", "unknown member \"%.40s\" in the Feature", key);
        }
        json_t *geom = json_object_get(obj, "geometry");
        json_t *inner_type = json_object_get(geom, "type");
        if (json_is_string(inner_type) && strcmp(json_string_value(inner_type), "Feature") == 0)
            return bad(w, "", "a Feature's geometry cannot be another Feature");
        return walk_geometry(w, geom);
    }
    int multi = strcmp(t, "MultiPolygon") == 0;
    if (!multi && strcmp(t, "Polygon") != 0)
        return bad(w, ".type", "a grid is a Polygon or MultiPolygon, not a %.40s", t);
    json_object_foreach(obj, key, v)
    {
        if (strcmp(key, "type") && strcmp(key, "coordinates") && strcmp(key, "bbox"))
            return bad(w, "", "unknown member \"%.40s\" (a geometry has \"type\" and \"coordinates\")", key);
    }
    json_t *coords = json_object_get(obj, "coordinates");
    if (!coords) return bad(w, ".coordinates", "\"coordinates\" is missing");
    gg_buf_puts(&w->out, multi ? "{\"type\":\"MultiPolygon\",\"coordinates\":"
                               : "{\"type\":\"Polygon\",\"coordinates\":");
    if (!multi) {
        if (walk_polygon(w, coords, ".coordinates") < 0) return -1;
    } else {
        char sub[128]; /* at is a path like ".coordinates[12][3]": far shorter than 80 */
        if (!json_is_array(coords) || json_array_size(coords) == 0)
            return bad(w, ".coordinates", "a MultiPolygon's coordinates are an array of polygons");
        if (json_array_size(coords) > GG_GEO_MAX_POLYGONS)
            return bad(w, ".coordinates", "too many polygons (at most %d)", GG_GEO_MAX_POLYGONS);
        gg_buf_putc(&w->out, '[');
        for (size_t i = 0; i < json_array_size(coords); i++) {
            if (i) gg_buf_putc(&w->out, ',');
            snprintf(sub, sizeof sub, ".coordinates[%zu]", i);
            if (walk_polygon(w, json_array_get(coords, i), sub) < 0) return -1;
        }
        gg_buf_putc(&w->out, ']');
    }
    gg_buf_putc(&w->out, '}');
    return 0;
}

/* ---- GEOS ---- */

static const char *validity_hint(const char *reason)
{
    if (!reason) return "";
    if (strstr(reason, "Ring Self-intersection"))
        return " (a ring touches itself; split it into separate rings)";
    if (strstr(reason, "Self-intersection"))
        return " (the boundary crosses itself, like a bow-tie; redraw it so no edges cross)";
    if (strstr(reason, "Too few points")) return " (a ring needs at least 3 distinct corners)";
    if (strstr(reason, "Hole lies outside shell")) return " (a hole must lie inside the outer ring)";
    if (strstr(reason, "Nested shells")) return " (one polygon lies inside another; use a hole instead)";
    if (strstr(reason, "Interior is disconnected")) return " (holes cut the polygon into pieces)";
    return "";
}

static int finish_shape(gg_geo_t *g, gg_shape_t *s, const char *field, gg_error_t *err)
{
    const char *f = field ? field : "geometry";
    char *reason = NULL;
    GEOSGeometry *loc = NULL;
    double x = 0, y = 0, area = 0;
    int type = GEOSGeomTypeId_r(g->h, s->geom);
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON)
        return gg_err_invalid(err, f, "%s: a grid is a Polygon or MultiPolygon", f);
    char valid = GEOSisValidDetail_r(g->h, s->geom, 0, &reason, &loc);
    if (valid != 1) {
        int rc;
        if (valid == 0) {
            if (loc) {
                GEOSGeomGetX_r(g->h, loc, &x);
                GEOSGeomGetY_r(g->h, loc, &y);
            }
            rc = gg_err_invalid(err, f, "%s: the polygon is not valid: %s at longitude %.6f, latitude %.6f%s",
                                f, reason ? reason : "invalid", x, y, validity_hint(reason));
        } else {
            rc = gg_err_invalid(err, f, "%s: the polygon could not be checked: %s", f, g->msg);
        }
        if (reason) GEOSFree_r(g->h, reason);
        if (loc) GEOSGeom_destroy_r(g->h, loc);
        return rc;
    }
    if (reason) GEOSFree_r(g->h, reason);
    if (loc) GEOSGeom_destroy_r(g->h, loc);
    if (!GEOSArea_r(g->h, s->geom, &area) || !(area > 0))
        return gg_err_invalid(err, f, "%s: the polygon has no area (all corners lie on one line)", f);
    if (!GEOSGeom_getExtent_r(g->h, s->geom, &s->bbox.min_lng, &s->bbox.min_lat, &s->bbox.max_lng,
                              &s->bbox.max_lat))
        return gg_err_internal(err, "GEOS could not compute an extent: %s", g->msg);
    s->npoints = GEOSGetNumCoordinates_r(g->h, s->geom);
    return 0;
}

static int read_text(gg_geo_t *g, const char *text, const char *field, gg_shape_t **out, gg_error_t *err)
{
    gg_shape_t *s = gg_xcalloc(1, sizeof *s);
    g->msg[0] = 0;
    s->geom = GEOSGeoJSONReader_readGeometry_r(g->h, g->reader, text);
    if (!s->geom) {
        const char *f = field ? field : "geometry";
        gg_err_invalid(err, f, "%s: not a readable GeoJSON polygon: %s", f,
                       g->msg[0] ? g->msg : "parse error");
        gg_shape_free(g, s);
        return -1;
    }
    if (finish_shape(g, s, field, err) < 0) {
        gg_shape_free(g, s);
        return -1;
    }
    s->geojson = gg_xstrdup(text);
    *out = s;
    return 0;
}

int gg_geo_parse(gg_geo_t *g, const char *geojson, size_t len, const char *field, gg_shape_t **out,
                 gg_error_t *err)
{
    json_error_t jerr;
    *out = NULL;
    const char *f = field && *field ? field : "geometry";
    json_t *root = json_loadb(geojson, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) return gg_err_invalid(err, f, "%s: not valid JSON: %s", f, jerr.text);
    walk_t w = {.field = f, .err = err};
    gg_buf_init(&w.out, 256);
    int rc = walk_geometry(&w, root);
    json_decref(root);
    if (rc == 0) rc = read_text(g, w.out.data, f, out, err);
    gg_buf_free(&w.out);
    return rc;
}

int gg_geo_read(gg_geo_t *g, const char *geojson, gg_shape_t **out, gg_error_t *err)
{
    *out = NULL;
    if (!geojson) return gg_err_invalid(err, "geometry", "geometry: missing");
    return read_text(g, geojson, "geometry", out, err);
}

double gg_shape_area_m2(gg_geo_t *g, const gg_shape_t *s)
{
    double area = 0;
    if (!GEOSArea_r(g->h, s->geom, &area)) return 0;
    double mid_lat = (s->bbox.min_lat + s->bbox.max_lat) / 2 * M_PI / 180.0;
    return area * DEG_M * DEG_M * cos(mid_lat);
}

int gg_shape_label_point(gg_geo_t *g, const gg_shape_t *s, double *lat, double *lng, gg_error_t *err)
{
    GEOSGeometry *p = GEOSGetCentroid_r(g->h, s->geom);
    if (p && GEOSContains_r(g->h, s->geom, p) != 1) {
        GEOSGeom_destroy_r(g->h, p);
        p = GEOSPointOnSurface_r(g->h, s->geom);
    }
    if (!p) return gg_err_internal(err, "GEOS could not compute a label point: %s", g->msg);
    GEOSGeomGetX_r(g->h, p, lng);
    GEOSGeomGetY_r(g->h, p, lat);
    GEOSGeom_destroy_r(g->h, p);
    return 0;
}

/* The shape shrunk by the tolerance; NULL when nothing is left (thinner than 2 tolerances). */
static const GEOSGeometry *shrunk(gg_geo_t *g, gg_shape_t *s)
{
    if (!s->shrunk_done) {
        s->shrunk_done = 1;
        s->shrunk = GEOSBuffer_r(g->h, s->geom, -GG_GEO_TOLERANCE_DEG, 8);
        if (s->shrunk && GEOSisEmpty_r(g->h, s->shrunk) == 1) {
            GEOSGeom_destroy_r(g->h, s->shrunk);
            s->shrunk = NULL;
        }
    }
    return s->shrunk;
}

int gg_geo_within(gg_geo_t *g, gg_shape_t *inner, const gg_shape_t *outer, gg_error_t *err)
{
    const GEOSGeometry *test = shrunk(g, inner);
    char r;
    if (test) {
        r = GEOSCoveredBy_r(g->h, test, outer->geom);
    } else {
        /* a sliver thinner than the tolerance: judge it by a point inside it */
        GEOSGeometry *p = GEOSPointOnSurface_r(g->h, inner->geom);
        r = p ? GEOSCoveredBy_r(g->h, p, outer->geom) : 2;
        if (p) GEOSGeom_destroy_r(g->h, p);
    }
    if (r == 2) return gg_err_internal(err, "GEOS could not compare polygons: %s", g->msg);
    return r == 1;
}

int gg_geo_overlaps(gg_geo_t *g, gg_shape_t *a, const gg_shape_t *b, gg_error_t *err)
{
    if (!gg_bbox_intersects(&a->bbox, &b->bbox)) return 0;
    const GEOSGeometry *test = shrunk(g, a);
    char r = test ? GEOSIntersects_r(g->h, test, b->geom)
                  : GEOSRelatePattern_r(g->h, a->geom, b->geom, "T********");
    if (r == 2) return gg_err_internal(err, "GEOS could not compare polygons: %s", g->msg);
    return r == 1;
}

int gg_geo_covers_point(gg_geo_t *g, const gg_shape_t *s, double lat, double lng)
{
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(g->h, lng, lat);
    if (!p) return 0;
    char r = GEOSCovers_r(g->h, s->geom, p);
    GEOSGeom_destroy_r(g->h, p);
    return r == 1;
}

/* A decimal number only: strtod alone would also take "nan", "inf" and hex floats. */
static int parse_deg(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s || strlen(s) > 32) return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && !strchr(".-+eE", *p)) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int gg_geo_parse_latlng(const char *lat_s, const char *lng_s, const char *lat_field, const char *lng_field,
                        double *lat, double *lng, gg_error_t *err)
{
    if (!lat_s || !*lat_s)
        return gg_err_invalid(err, lat_field, "give %s, the latitude in degrees (e.g. %s=30.2)", lat_field,
                              lat_field);
    if (!lng_s || !*lng_s)
        return gg_err_invalid(err, lng_field, "give %s, the longitude in degrees (e.g. %s=114.9)", lng_field,
                              lng_field);
    if (parse_deg(lat_s, -90, 90, lat) < 0)
        return gg_err_invalid(err, lat_field, "%s must be a latitude in decimal degrees from -90 to 90",
                              lat_field);
    if (parse_deg(lng_s, -180, 180, lng) < 0)
        return gg_err_invalid(err, lng_field, "%s must be a longitude in decimal degrees from -180 to 180",
                              lng_field);
    return 0;
}
