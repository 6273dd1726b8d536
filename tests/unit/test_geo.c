/*
 * test_geo.c — src/geo: GeoJSON parsing and validation (each error names the
 * field), the tolerance predicates, query-parameter coordinates, and the
 * point-in-grid index, including many threads locating while snapshots are
 * swapped underneath them; seeded Voronoi partitions that tile their outline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "geo/geo.h"
#include "geo/grid_index.h"
#include "geo/partition.h"

/* ---- parsing and validation ---- */

static gg_shape_t *parse_ok(gg_geo_t *g, const char *json)
{
    gg_error_t err = {0};
    gg_shape_t *s = NULL;
    int rc = gg_geo_parse(g, json, strlen(json), "geometry", &s, &err);
    if (rc < 0) fail_msg("expected %s to parse: %s (%s)", json, err.message, err.field);
    return s;
}

/* Parse must fail with a 400 naming field and a message containing words. */
static void parse_bad(const char *json, const char *field, const char *words)
{
    gg_geo_t *g = gg_geo_new();
    gg_error_t err = {0};
    gg_shape_t *s = NULL;
    int rc = gg_geo_parse(g, json, strlen(json), "geometry", &s, &err);
    if (rc == 0) fail_msg("expected %s to be refused", json);
    assert_null(s);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.code, "validation_failed");
    if (strcmp(err.field, field) != 0) fail_msg("field %s, expected %s (%s)", err.field, field, err.message);
    if (!strstr(err.message, words)) fail_msg("message \"%s\" lacks \"%s\"", err.message, words);
    gg_geo_free(g);
}

static void test_geo_parse_polygon(void **state)
{
    (void)state;
    gg_geo_t *g = gg_geo_new();
    gg_shape_t *s = parse_ok(
        g, "{\"type\":\"Polygon\",\"coordinates\":[[[114.9,30.2],[114.91,30.2],[114.91,30.21],[114.9,30.21],"
           "[114.9,30.2]]],\"bbox\":[0,0,1,1]}");
    /* canonical: members in a fixed order, bbox dropped, numbers without trailing zeros */
    assert_string_equal(gg_shape_geojson(s),
                        "{\"type\":\"Polygon\",\"coordinates\":[[[114.9,30.2],[114.91,30.2],"
                        "[114.91,30.21],[114.9,30.21],[114.9,30.2]]]}");
    gg_bbox_t bb;
    gg_shape_bbox(s, &bb);
    assert_true(bb.min_lng == 114.9 && bb.max_lat == 30.21);
    assert_int_equal(gg_shape_npoints(s), 5);
    double area = gg_shape_area_m2(g, s);
    assert_true(area > 1.0e6 && area < 1.1e6); /* 0.01° x 0.01° at 30.2° N is about 1.07 km² */
    double lat, lng;
    gg_error_t err;
    assert_int_equal(gg_shape_label_point(g, s, &lat, &lng, &err), 0);
    assert_true(lat > 30.2 && lat < 30.21 && lng > 114.9 && lng < 114.91);
    assert_true(gg_geo_covers_point(g, s, 30.205, 114.905));
    assert_true(gg_geo_covers_point(g, s, 30.2, 114.905)); /* the border belongs to the grid */
    assert_false(gg_geo_covers_point(g, s, 30.3, 114.905));
    gg_shape_free(g, s);
    gg_geo_free(g);
}

static void test_geo_parse_multipolygon_feature_and_rounding(void **state)
{
    (void)state;
    gg_geo_t *g = gg_geo_new();
    gg_shape_t *s = parse_ok(g, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]],"
                                "[[[2,2],[3,2],[3,3],[2,2]]]]}");
    assert_int_equal(gg_shape_npoints(s), 8);
    gg_shape_free(g, s);
    /* a Feature is unwrapped; an altitude is dropped; coordinates are rounded to 8 decimals */
    s = parse_ok(g,
                 "{\"type\":\"Feature\",\"properties\":{\"name\":\"x\"},\"geometry\":{\"type\":\"Polygon\","
                 "\"coordinates\":[[[0.123456789,0,5],[1,0,5],[1,1,5],[0.123456789,0,5]]]}}");
    assert_string_equal(
        gg_shape_geojson(s),
        "{\"type\":\"Polygon\",\"coordinates\":[[[0.12345679,0],[1,0],[1,1],[0.12345679,0]]]}");
    gg_shape_free(g, s);
    /* a hole inside the shell is fine */
    s = parse_ok(g, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],[0,0]],"
                    "[[1,1],[2,1],[2,2],[1,2],[1,1]]]}");
    gg_shape_free(g, s);
    gg_geo_free(g);
}

static void test_geo_refuses_bad_geometry_naming_the_field(void **state)
{
    (void)state;
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}", "geometry",
              "Self-intersection");
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}", "geometry.coordinates[0]",
              "not closed");
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}", "geometry.coordinates[0]",
              "at least 4 positions");
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[2,0],[0,0]]]}", "geometry", "");
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[30,95],[1,1],[0,0]]]}",
              "geometry.coordinates[0][1]", "latitude 95");
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[200,1],[1,1],[0,0]]]}",
              "geometry.coordinates[0][1]", "longitude 200");
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[\"1\",1],[1,1],[0,0]]]}",
              "geometry.coordinates[0][1]", "numbers");
    parse_bad("{\"type\":\"Point\",\"coordinates\":[0,0]}", "geometry.type", "Point");
    parse_bad("{\"coordinates\":[]}", "geometry.type", "Polygon");
    parse_bad("{\"type\":\"Polygon\"}", "geometry.coordinates", "missing");
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[]}", "geometry.coordinates", "array of rings");
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]],\"crs\":1}", "geometry",
              "unknown member");
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]],\"type\":\"Polygon\"}",
              "geometry", "not valid JSON");
    parse_bad("[1,2]", "geometry", "GeoJSON");
    parse_bad("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],[0,0]],"
              "[[5,5],[6,5],[6,6],[5,6],[5,5]]]}",
              "geometry", "Hole lies outside shell");
    /* too many positions */
    gg_buf_t b;
    gg_buf_init(&b, 1 << 20);
    gg_buf_puts(&b, "{\"type\":\"Polygon\",\"coordinates\":[[");
    for (int i = 0; i <= GG_GEO_MAX_POINTS; i++)
        gg_buf_printf(&b, "[%d.5,1],", i % 100);
    gg_buf_puts(&b, "[0.5,1]]]}");
    parse_bad(b.data, "geometry", "too many positions");
    gg_buf_free(&b);
}

static gg_shape_t *square(gg_geo_t *g, double x0, double y0, double x1, double y1)
{
    char json[256];
    snprintf(json, sizeof json,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.8f,%.8f],[%.8f,%.8f],[%.8f,%.8f],[%.8f,%.8f],[%.8f,%"
             ".8f]]]}",
             x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
    return parse_ok(g, json);
}

static void test_geo_within_and_overlap_tolerance(void **state)
{
    (void)state;
    gg_geo_t *g = gg_geo_new();
    gg_error_t err;
    gg_shape_t *community = square(g, 114.90, 30.20, 114.92, 30.22);
    gg_shape_t *inside = square(g, 114.90, 30.20, 114.91, 30.21);     /* shares two borders */
    gg_shape_t *jitter = square(g, 114.899995, 30.20, 114.91, 30.21); /* 0.5 m out: digitising noise */
    gg_shape_t *outside = square(g, 114.8999, 30.20, 114.91, 30.21);  /* 10 m out */
    gg_shape_t *far = square(g, 115.0, 30.3, 115.01, 30.31);
    assert_int_equal(gg_geo_within(g, inside, community, &err), 1);
    assert_int_equal(gg_geo_within(g, jitter, community, &err), 1);
    assert_int_equal(gg_geo_within(g, outside, community, &err), 0);
    assert_int_equal(gg_geo_within(g, far, community, &err), 0);

    gg_shape_t *right = square(g, 114.91, 30.20, 114.92, 30.21);         /* shares a border with inside */
    gg_shape_t *nudged = square(g, 114.909995, 30.20, 114.92, 30.21);    /* 0.5 m into inside */
    gg_shape_t *overlapping = square(g, 114.9095, 30.20, 114.92, 30.21); /* 50 m into inside */
    gg_shape_t *within = square(g, 114.902, 30.202, 114.903, 30.203);    /* wholly inside inside */
    assert_int_equal(gg_geo_overlaps(g, right, inside, &err), 0);
    assert_int_equal(gg_geo_overlaps(g, inside, right, &err), 0);
    assert_int_equal(gg_geo_overlaps(g, nudged, inside, &err), 0);
    assert_int_equal(gg_geo_overlaps(g, overlapping, inside, &err), 1);
    assert_int_equal(gg_geo_overlaps(g, inside, overlapping, &err), 1);
    assert_int_equal(gg_geo_overlaps(g, within, inside, &err), 1);
    assert_int_equal(gg_geo_overlaps(g, inside, within, &err), 1);
    assert_int_equal(gg_geo_overlaps(g, far, inside, &err), 0);
    gg_shape_t *all[] = {community, inside, jitter, outside, far, right, nudged, overlapping, within};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gg_shape_free(g, all[i]);
    gg_geo_free(g);
}

static void test_geo_parse_latlng(void **state)
{
    (void)state;
    gg_error_t err;
    double lat, lng;
    assert_int_equal(gg_geo_parse_latlng("30.2", "114.9", "lat", "lng", &lat, &lng, &err), 0);
    assert_true(lat == 30.2 && lng == 114.9);
    assert_int_equal(gg_geo_parse_latlng("-90", "180", "lat", "lng", &lat, &lng, &err), 0);
    static const struct {
        const char *lat, *lng, *field;
    } bad[] = {
        {NULL, "1", "lat"},   {"1", NULL, "lng"},    {"", "1", "lat"},      {"abc", "1", "lat"},
        {"nan", "1", "lat"},  {"1", "inf", "lng"},   {"0x10", "1", "lat"},  {"91", "1", "lat"},
        {"1", "-181", "lng"}, {"1e400", "1", "lat"}, {"1", "1.5.2", "lng"}, {"30 ", "1", "lat"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        if (gg_geo_parse_latlng(bad[i].lat, bad[i].lng, "lat", "lng", &lat, &lng, &err) == 0)
            fail_msg("case %zu accepted", i);
        assert_int_equal(err.http_status, 400);
        assert_string_equal(err.field, bad[i].field);
    }
}

/* ---- the index ---- */

#define N 10 /* a 10 x 10 lattice of 0.01° squares from (114.9, 30.2) */
#define X0 114.9
#define Y0 30.2
#define D 0.01

static char *cell_json(double x0, double y0, double x1, double y1)
{
    char *s = gg_xmalloc(256);
    snprintf(s, 256,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.8f,%.8f],[%.8f,%.8f],[%.8f,%.8f],[%.8f,%.8f],[%.8f,%"
             ".8f]]]}",
             x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
    return s;
}

typedef struct lattice {
    gg_grid_entry_t e[N * N + 2];
    char *json[N * N + 2];
    int n;
} lattice_t;

static int64_t cell_id(int i, int j)
{
    return 1000 + i * N + j;
}

static void lattice_init(lattice_t *l, int with_micro)
{
    memset(l, 0, sizeof *l);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int k = l->n++;
            l->json[k] = cell_json(X0 + i * D, Y0 + j * D, X0 + (i + 1) * D, Y0 + (j + 1) * D);
            l->e[k] = (gg_grid_entry_t){
                .id = cell_id(i, j),
                .level = "grid",
                .code = "420204001001001",
                .name = "网格",
                .path = "/1/2/",
                .geojson = l->json[k],
                .up = {{.id = 7, .level = "community", .code = "420204001001", .name = "桂林"}}};
        }
    if (with_micro) {
        /* a micro-grid in the middle of cell (0, 0) */
        int k = l->n++;
        l->json[k] = cell_json(X0 + 0.002, Y0 + 0.002, X0 + 0.004, Y0 + 0.004);
        l->e[k] = (gg_grid_entry_t){.id = 5,
                                    .level = "micro_grid",
                                    .code = "x",
                                    .name = "微网格",
                                    .path = "/1/2/5/",
                                    .geojson = l->json[k]};
    }
    /* one broken row: left out, counted */
    int k = l->n++;
    l->json[k] = gg_xstrdup("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0]]]}");
    l->e[k] = (gg_grid_entry_t){
        .id = 9, .level = "grid", .code = "y", .name = "bad", .path = "/1/", .geojson = l->json[k]};
}

static void lattice_free(lattice_t *l)
{
    for (int k = 0; k < l->n; k++)
        free(l->json[k]);
}

static gg_grid_snapshot_t *build(lattice_t *l, int64_t gen)
{
    gg_grid_snapshot_t *s;
    gg_error_t err;
    int skipped;
    assert_int_equal(gg_grid_snapshot_build(l->e, l->n, gen, &s, &skipped, &err), 0);
    assert_int_equal(skipped, 1);
    return s;
}

static void test_geo_index_locates_the_most_specific_grid(void **state)
{
    (void)state;
    lattice_t l;
    lattice_init(&l, 1);
    gg_grid_snapshot_t *s = build(&l, 3);
    lattice_free(&l); /* the snapshot copied what it needs */
    assert_int_equal(gg_grid_snapshot_count(s), N * N + 1);
    assert_int_equal(gg_grid_snapshot_generation(s), 3);
    const gg_grid_entry_t *hits[4];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int n = gg_grid_snapshot_locate(s, Y0 + (j + 0.7) * D, X0 + (i + 0.3) * D, hits, 4);
            assert_int_equal(n, 1);
            assert_int_equal(hits[0]->id, cell_id(i, j));
            assert_string_equal(hits[0]->up[0].name, "桂林");
        }
    /* the micro-grid wins over the grid around it, which comes second */
    assert_int_equal(gg_grid_snapshot_locate(s, Y0 + 0.003, X0 + 0.003, hits, 4), 2);
    assert_int_equal(hits[0]->id, 5);
    assert_string_equal(hits[0]->level, "micro_grid");
    assert_int_equal(hits[1]->id, cell_id(0, 0));
    /* a shared border belongs to both sides; a corner to four (literals: 114.9 + 0.01 is not 114.91 in
     * binary, and the borders were stored rounded to 8 decimals) */
    assert_int_equal(gg_grid_snapshot_locate(s, 30.205, 114.91, hits, 4), 2);
    assert_int_equal(gg_grid_snapshot_locate(s, 30.21, 114.91, hits, 4), 4);
    /* outside every grid; max bounds the answer */
    assert_int_equal(gg_grid_snapshot_locate(s, Y0 - 0.001, X0 + 0.005, hits, 4), 0);
    assert_int_equal(gg_grid_snapshot_locate(s, 0, 0, hits, 4), 0);
    assert_int_equal(gg_grid_snapshot_locate(s, 30.21, 114.91, hits, 1), 1);
    gg_grid_snapshot_discard(s);
}

static void test_geo_index_swaps_snapshots(void **state)
{
    (void)state;
    lattice_t l;
    lattice_init(&l, 0);
    gg_grid_index_t *idx = gg_grid_index_new();
    gg_grid_snapshot_t *empty = gg_grid_index_acquire(idx);
    assert_int_equal(gg_grid_snapshot_count(empty), 0); /* never NULL, even before the first build */
    const gg_grid_entry_t *hits[2];
    assert_int_equal(gg_grid_snapshot_locate(empty, Y0 + 0.005, X0 + 0.005, hits, 2), 0);

    gg_grid_index_install(idx, build(&l, 5));
    gg_grid_snapshot_t *five = gg_grid_index_acquire(idx);
    assert_int_equal(gg_grid_snapshot_generation(five), 5);
    gg_grid_index_install(idx, build(&l, 4)); /* an older, slower rebuild does not win */
    gg_grid_snapshot_t *cur = gg_grid_index_acquire(idx);
    assert_int_equal(gg_grid_snapshot_generation(cur), 5);
    gg_grid_snapshot_release(cur);
    gg_grid_index_install(idx, build(&l, 6));
    /* a reader holding the old snapshot keeps using it after the swap */
    assert_int_equal(gg_grid_snapshot_locate(five, Y0 + 0.005, X0 + 0.005, hits, 2), 1);
    assert_int_equal(gg_grid_snapshot_locate(empty, Y0 + 0.005, X0 + 0.005, hits, 2), 0);
    gg_grid_snapshot_release(five);
    gg_grid_snapshot_release(empty);
    cur = gg_grid_index_acquire(idx);
    assert_int_equal(gg_grid_snapshot_generation(cur), 6);
    gg_grid_snapshot_release(cur);

    /* freshness checks: one thread at a time, at most once a second */
    assert_int_equal(gg_grid_index_due(idx, 10000), 1);
    assert_int_equal(gg_grid_index_due(idx, 20000), 0); /* another thread is checking */
    gg_grid_index_checked(idx);
    assert_int_equal(gg_grid_index_due(idx, 10500), 0); /* checked half a second ago */
    assert_int_equal(gg_grid_index_due(idx, 11001), 1);
    gg_grid_index_checked(idx);
    gg_grid_index_free(idx);
    lattice_free(&l);
}

/* Many threads locate at once — starting together on a snapshot nobody has queried yet, so any lazy
 * initialisation left in GEOS would race — while another thread keeps installing new snapshots. */
#define READERS 6
#define LOOKUPS 20000

typedef struct shared {
    gg_grid_index_t *idx;
    lattice_t *l;
    pthread_barrier_t start;
    atomic_int readers_left;
    atomic_long wrong;
    atomic_long installs;
} shared_t;

typedef struct reader {
    shared_t *sh;
    uint64_t seed;
} reader_t;

static double rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / (double)(1ull << 53);
}

static void *reader_main(void *arg)
{
    reader_t *r = arg;
    const gg_grid_entry_t *hits[4];
    pthread_barrier_wait(&r->sh->start);
    for (int k = 0; k < LOOKUPS; k++) {
        /* a point well inside a cell (not within 5% of its border), so the answer is exactly one cell */
        int i = (int)(rnd(&r->seed) * N), j = (int)(rnd(&r->seed) * N);
        double lng = X0 + (i + 0.05 + 0.9 * rnd(&r->seed)) * D,
               lat = Y0 + (j + 0.05 + 0.9 * rnd(&r->seed)) * D;
        gg_grid_snapshot_t *s = gg_grid_index_acquire(r->sh->idx);
        int n = gg_grid_snapshot_locate(s, lat, lng, hits, 4);
        if (n != 1 || hits[0]->id != cell_id(i, j)) atomic_fetch_add(&r->sh->wrong, 1);
        gg_grid_snapshot_release(s);
    }
    atomic_fetch_sub(&r->sh->readers_left, 1);
    return NULL;
}

static void *writer_main(void *arg)
{
    shared_t *sh = arg;
    int64_t gen = 2;
    pthread_barrier_wait(&sh->start);
    while (atomic_load(&sh->readers_left) > 0) {
        gg_grid_index_install(sh->idx, build(sh->l, gen++));
        atomic_fetch_add(&sh->installs, 1);
    }
    return NULL;
}

static void test_geo_index_concurrent_lookups(void **state)
{
    (void)state;
    lattice_t l;
    lattice_init(&l, 0);
    shared_t sh = {.idx = gg_grid_index_new(), .l = &l};
    atomic_init(&sh.readers_left, READERS);
    atomic_init(&sh.wrong, 0);
    atomic_init(&sh.installs, 0);
    gg_grid_index_install(sh.idx, build(&l, 1));
    pthread_barrier_init(&sh.start, NULL, READERS + 1);
    pthread_t t[READERS + 1];
    reader_t r[READERS];
    for (int i = 0; i < READERS; i++) {
        r[i] = (reader_t){.sh = &sh, .seed = 77 + (uint64_t)i};
        pthread_create(&t[i], NULL, reader_main, &r[i]);
    }
    pthread_create(&t[READERS], NULL, writer_main, &sh);
    for (int i = 0; i <= READERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&sh.start);
    assert_int_equal(atomic_load(&sh.wrong), 0);
    assert_true(atomic_load(&sh.installs) >= 1);
    gg_grid_index_free(sh.idx);
    lattice_free(&l);
}

/* ---- partitions (the demo's maps) ---- */

static double splitmix(void *ctx)
{
    uint64_t *s = ctx, z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/* an L near the equator (so square metres scale alike everywhere in it): concave, cells must bend round it */
#define L_SHAPE                                                                                              \
    "{\"type\":\"Polygon\",\"coordinates\":[[[10,0],[10.1,0],[10.1,0.03],[10.03,0.03],[10.03,0.1],[10,0.1]," \
    "[10,0]]]}"

static void test_geo_partition_tiles_the_outline(void **state)
{
    (void)state;
    gg_geo_t *g = gg_geo_new();
    gg_shape_t *outline = parse_ok(g, L_SHAPE);
    enum { NCELLS = 9 };
    char *cells[NCELLS], *again[NCELLS];
    uint64_t seed = 42, seed2 = 42;
    gg_geo_random_t rnd = {splitmix, &seed}, rnd2 = {splitmix, &seed2};
    gg_error_t err = {0};
    assert_int_equal(gg_geo_partition(g, outline, NCELLS, &rnd, cells, &err), 0);
    assert_int_equal(gg_geo_partition(g, outline, NCELLS, &rnd2, again, &err), 0);
    gg_shape_t *shape[NCELLS];
    double total = 0;
    for (int i = 0; i < NCELLS; i++) {
        assert_string_equal(cells[i], again[i]); /* seeded: the same source, the same cells */
        shape[i] = parse_ok(g, cells[i]);        /* valid GeoJSON the grid module accepts */
        assert_int_equal(gg_geo_within(g, shape[i], outline, &err), 1);
        double a = gg_shape_area_m2(g, shape[i]);
        assert_true(a > 0.2 * gg_shape_area_m2(g, outline) / NCELLS); /* relaxed: no slivers */
        total += a;
    }
    for (int i = 0; i < NCELLS; i++)
        for (int j = i + 1; j < NCELLS; j++)
            if (gg_geo_overlaps(g, shape[i], shape[j], &err) != 0) fail_msg("cells %d and %d overlap", i, j);
    double whole = gg_shape_area_m2(g, outline);
    if (total < whole * 0.9999 || total > whole * 1.0001)
        fail_msg("cells cover %.1f of %.1f m2", total, whole);
    /* reading order: the first cell lies in the top band, the last in the bottom one */
    gg_bbox_t first, last;
    gg_shape_bbox(shape[0], &first);
    gg_shape_bbox(shape[NCELLS - 1], &last);
    assert_true(first.max_lat > last.max_lat);
    for (int i = 0; i < NCELLS; i++) {
        free(cells[i]);
        free(again[i]);
    }

    /* one cell is the outline itself; none or too many is a 400 naming cells */
    char *one;
    assert_int_equal(gg_geo_partition(g, outline, 1, &rnd, &one, &err), 0);
    assert_string_equal(one, gg_shape_geojson(outline));
    free(one);
    assert_true(gg_geo_partition(g, outline, 0, &rnd, &one, &err) < 0);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.field, "cells");
    for (int i = 0; i < NCELLS; i++)
        gg_shape_free(g, shape[i]);
    gg_shape_free(g, outline);
    gg_geo_free(g);
}

static void test_geo_scatter_and_clean_outline(void **state)
{
    (void)state;
    gg_geo_t *g = gg_geo_new();
    gg_shape_t *outline = parse_ok(g, L_SHAPE);
    uint64_t seed = 7;
    gg_geo_random_t rnd = {splitmix, &seed};
    gg_error_t err = {0};
    double pts[2 * 50];
    for (int spread = 0; spread < 2; spread++) {
        assert_int_equal(gg_geo_scatter(g, outline, 50, 0.001, spread ? 0.004 : 0, &rnd, pts, &err), 0);
        for (int i = 0; i < 50; i++)
            if (!gg_geo_covers_point(g, outline, pts[2 * i + 1], pts[2 * i]))
                fail_msg("point %d (%f, %f) is outside", i, pts[2 * i], pts[2 * i + 1]);
    }
    /* a bow-tie (invalid as drawn) comes out as two valid triangles; a line encloses nothing */
    char *clean;
    assert_int_equal(
        gg_geo_clean_outline(g, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}",
                             "outline", &clean, &err),
        0);
    gg_shape_t *s = parse_ok(g, clean);
    assert_non_null(strstr(clean, "MultiPolygon"));
    gg_shape_free(g, s);
    free(clean);
    assert_true(gg_geo_clean_outline(g, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[0,0],[0,0]]]}",
                                     "outline", &clean, &err) < 0);
    assert_string_equal(err.field, "outline");
    gg_shape_free(g, outline);
    gg_geo_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geo_parse_polygon),
        cmocka_unit_test(test_geo_parse_multipolygon_feature_and_rounding),
        cmocka_unit_test(test_geo_refuses_bad_geometry_naming_the_field),
        cmocka_unit_test(test_geo_within_and_overlap_tolerance),
        cmocka_unit_test(test_geo_parse_latlng),
        cmocka_unit_test(test_geo_index_locates_the_most_specific_grid),
        cmocka_unit_test(test_geo_index_swaps_snapshots),
        cmocka_unit_test(test_geo_index_concurrent_lookups),
        cmocka_unit_test(test_geo_partition_tiles_the_outline),
        cmocka_unit_test(test_geo_scatter_and_clean_outline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
