/*
 * bench/locate.c — point-in-grid lookups per second with the index the server
 * uses (src/geo/grid_index.c), over 1,000 synthetic grids.
 *
 *   bench_locate [seconds] [threads]     prints  rate locate_direct <n> per_s
 *   bench_locate --emit FILE             writes the same 1,000 polygons as a JSON
 *                                        array of GeoJSON geometries (bench/run.sh
 *                                        creates them in a server through the API)
 *
 * The grids are a 40 x 25 lattice of irregular quadrilaterals (interior corners
 * jittered by a seeded generator) covering a 0.2° x 0.1° area near 黄石市下陆区:
 * no gaps and no overlaps, so every random point inside falls in a grid.  Each
 * lookup takes a snapshot reference, locates, and releases it — exactly the
 * server's path — from several threads at once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/mem.h"
#include "geo/grid_index.h"

#define COLS 40
#define ROWS 25
#define LNG0 114.90
#define LAT0 30.15
#define DLNG (0.20 / COLS)
#define DLAT (0.10 / ROWS)

static double vx[COLS + 1][ROWS + 1], vy[COLS + 1][ROWS + 1];

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 11;
}

static double unit_rand(uint64_t *s)
{
    return (double)lcg(s) / (double)(1ull << 53);
}

static void make_lattice(void)
{
    uint64_t seed = 20261123;
    for (int i = 0; i <= COLS; i++)
        for (int j = 0; j <= ROWS; j++) {
            int inner = i > 0 && i < COLS && j > 0 && j < ROWS;
            /* jitter interior corners by up to 30% of a cell: quadrilaterals stay simple */
            vx[i][j] = LNG0 + i * DLNG + (inner ? (unit_rand(&seed) - 0.5) * 0.6 * DLNG : 0);
            vy[i][j] = LAT0 + j * DLAT + (inner ? (unit_rand(&seed) - 0.5) * 0.6 * DLAT : 0);
        }
}

static char *cell_geojson(int i, int j)
{
    gg_buf_t b;
    gg_buf_init(&b, 256);
    gg_buf_printf(&b,
                  "{\"type\":\"Polygon\",\"coordinates\":[[[%.8f,%.8f],[%.8f,%.8f],[%.8f,%.8f],[%.8f,%.8f],"
                  "[%.8f,%.8f]]]}",
                  vx[i][j], vy[i][j], vx[i + 1][j], vy[i + 1][j], vx[i + 1][j + 1], vy[i + 1][j + 1],
                  vx[i][j + 1], vy[i][j + 1], vx[i][j], vy[i][j]);
    return gg_buf_steal(&b, NULL);
}

typedef struct worker {
    gg_grid_index_t *idx;
    int64_t until_us;
    uint64_t seed;
    int64_t done, found;
} worker_t;

static void *run(void *arg)
{
    worker_t *w = arg;
    const gg_grid_entry_t *hits[4];
    while (gg_mono_us() < w->until_us) {
        for (int k = 0; k < 256; k++) {
            double lng = LNG0 + 0.0001 + unit_rand(&w->seed) * (0.20 - 0.0002);
            double lat = LAT0 + 0.0001 + unit_rand(&w->seed) * (0.10 - 0.0002);
            gg_grid_snapshot_t *s = gg_grid_index_acquire(w->idx);
            w->found += gg_grid_snapshot_locate(s, lat, lng, hits, 4) > 0;
            gg_grid_snapshot_release(s);
            w->done++;
        }
    }
    return NULL;
}

static int emit(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    fputc('[', f);
    for (int i = 0; i < COLS; i++)
        for (int j = 0; j < ROWS; j++) {
            char *g = cell_geojson(i, j);
            fprintf(f, "%s%s\n", i || j ? "," : "", g);
            free(g);
        }
    fputs("]\n", f);
    return fclose(f) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    make_lattice();
    if (argc == 3 && strcmp(argv[1], "--emit") == 0) return emit(argv[2]);
    double seconds = argc > 1 ? atof(argv[1]) : 3;
    int threads = argc > 2 ? atoi(argv[2]) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (seconds <= 0) seconds = 3;
    if (threads < 1) threads = 1;

    gg_grid_entry_t *e = gg_xcalloc(COLS * ROWS, sizeof *e);
    char **texts = gg_xcalloc(COLS * ROWS, sizeof *texts);
    for (int i = 0; i < COLS; i++)
        for (int j = 0; j < ROWS; j++) {
            int k = i * ROWS + j;
            texts[k] = cell_geojson(i, j);
            e[k] = (gg_grid_entry_t){.id = k + 1,
                                     .level = "grid",
                                     .code = "420204001001",
                                     .name = "grid",
                                     .path = "/1/",
                                     .geojson = texts[k]};
        }
    gg_error_t err;
    gg_grid_snapshot_t *snap;
    int skipped;
    int64_t t0 = gg_mono_us();
    gg_grid_snapshot_build(e, COLS * ROWS, 1, &snap, &skipped, &err);
    int64_t build_us = gg_mono_us() - t0;
    gg_grid_index_t *idx = gg_grid_index_new();
    gg_grid_index_install(idx, snap);

    worker_t *w = gg_xcalloc((size_t)threads, sizeof *w);
    pthread_t *tid = gg_xcalloc((size_t)threads, sizeof *tid);
    int64_t start = gg_mono_us(), until = start + (int64_t)(seconds * 1e6);
    for (int t = 0; t < threads; t++) {
        w[t] = (worker_t){.idx = idx, .until_us = until, .seed = 1000 + (uint64_t)t};
        pthread_create(&tid[t], NULL, run, &w[t]);
    }
    int64_t done = 0, found = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        done += w[t].done;
        found += w[t].found;
    }
    double elapsed = (double)(gg_mono_us() - start) / 1e6;
    fprintf(stderr,
            "bench_locate: %d grids (%d skipped) built in %.1f ms; %d threads, %lld lookups, %lld found\n",
            COLS * ROWS - skipped, skipped, build_us / 1000.0, threads, (long long)done, (long long)found);
    printf("rate locate_direct %.0f per_s\n", (double)done / elapsed);
    int rc = found == done && skipped == 0 ? 0 : 1;
    if (rc) fprintf(stderr, "bench_locate: %lld points found no grid\n", (long long)(done - found));
    gg_grid_index_free(idx);
    for (int k = 0; k < COLS * ROWS; k++)
        free(texts[k]);
    free(texts);
    free(e);
    free(w);
    free(tid);
    return rc;
}
