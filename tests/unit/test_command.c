/* test_command.c — the hotspot clustering (domain/command/hotspot.h: DBSCAN on a cell grid of the radius) and
 * the command centre's local day and month starts (domain/command/command.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/command/command.h"
#include "domain/command/hotspot.h"

#define M_LAT (1.0 / 110540.0) /* a metre in latitude */

/* Four points within 30 m of each other and three kilometres apart: one cluster of four, three noise. */
static void one_cluster_and_noise(void **state)
{
    (void)state;
    double lat[7] = {30.2, 30.2 + 20 * M_LAT, 30.2 + 10 * M_LAT, 30.2 - 15 * M_LAT, 30.23, 30.25, 30.27};
    double lon[7] = {115.0, 115.0, 115.0002, 114.9999, 115.0, 115.03, 114.97};
    int cl[7];
    assert_int_equal(gg_hotspot_dbscan(lat, lon, 7, 100, 3, cl), 1);
    for (int i = 0; i < 4; i++)
        assert_int_equal(cl[i], 0);
    for (int i = 4; i < 7; i++)
        assert_int_equal(cl[i], -1);
    /* a higher bar than the group: nothing */
    assert_int_equal(gg_hotspot_dbscan(lat, lon, 7, 100, 5, cl), 0);
}

/* A chain of points 80 m apart grows through core points into one cluster (density-reachable), however
 * long; two chains 1 km apart stay two. */
static void chains(void **state)
{
    (void)state;
    double lat[20], lon[20];
    int cl[20];
    for (int i = 0; i < 10; i++) {
        lat[i] = 30.0 + i * 80 * M_LAT;
        lon[i] = 115.0;
        lat[10 + i] = 30.0 + i * 80 * M_LAT;
        lon[10 + i] = 115.0 + 0.01; /* about 960 m east */
    }
    assert_int_equal(gg_hotspot_dbscan(lat, lon, 20, 100, 3, cl), 2);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(cl[i], cl[0]);
        assert_int_equal(cl[10 + i], cl[10]);
    }
    assert_int_not_equal(cl[0], cl[10]);
    /* the ends have one neighbour each: border points of the cluster, not noise */
    assert_true(cl[9] >= 0);
}

static void empty(void **state)
{
    (void)state;
    int cl[1];
    assert_int_equal(gg_hotspot_dbscan(NULL, NULL, 0, 100, 3, cl), 0);
}

/* 2026-12-04 23:30 UTC is 2026-12-05 07:30 in Shanghai: the day starts 2026-12-04 16:00 UTC, the month
 * 2026-11-30 16:00 UTC. */
static void local_day_and_month(void **state)
{
    (void)state;
    int64_t now = 1796427000000LL; /* 2026-12-04T23:30:00Z */
    assert_int_equal(gg_command_day_start(now), 1796400000000LL);
    assert_int_equal(gg_command_month_start(now), 1796054400000LL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_cluster_and_noise),
        cmocka_unit_test(chains),
        cmocka_unit_test(empty),
        cmocka_unit_test(local_day_and_month),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
