/*
 * test_log.c — the buffered access log (core/log.c): every line written by
 * any thread before gg_accesslog_stop reaches the file whole and exactly once,
 * the log can be started again, and lines outside start/stop are dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"

#define THREADS 4
#define LINES 20000

static void *writer(void *arg)
{
    int id = (int)(intptr_t)arg;
    char line[64];
    for (int i = 0; i < LINES; i++) {
        int n = snprintf(line, sizeof line, "t%d line %06d end\n", id, i);
        gg_accesslog_write(line, (size_t)n);
    }
    return NULL;
}

static void count_lines(FILE *f, int seen[THREADS][LINES], int *total, int *bad)
{
    char buf[128];
    rewind(f);
    *total = *bad = 0;
    while (fgets(buf, sizeof buf, f)) {
        int t, i;
        char tail[8];
        (*total)++;
        if (sscanf(buf, "t%d line %d %7s", &t, &i, tail) != 3 || strcmp(tail, "end") || t < 0 ||
            t >= THREADS || i < 0 || i >= LINES) {
            (*bad)++;
            continue;
        }
        seen[t][i]++;
    }
}

static int seen[THREADS][LINES];

static void test_every_line_once_from_many_threads(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    gg_accesslog_write("before start\n", 13); /* dropped */
    gg_accesslog_start(f);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, writer, (void *)(intptr_t)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    gg_accesslog_stop();
    gg_accesslog_write("after stop\n", 11); /* dropped */

    int total, bad;
    memset(seen, 0, sizeof seen);
    count_lines(f, seen, &total, &bad);
    assert_int_equal(bad, 0);
    assert_int_equal(total, THREADS * LINES);
    for (int t2 = 0; t2 < THREADS; t2++)
        for (int i = 0; i < LINES; i++)
            assert_int_equal(seen[t2][i], 1);
    fclose(f);
}

static void test_started_again(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    gg_accesslog_start(f);
    gg_accesslog_write("t0 line 000001 end\n", 19); /* this thread's lane of the last run is not reused */
    gg_accesslog_stop();
    int total, bad;
    memset(seen, 0, sizeof seen);
    count_lines(f, seen, &total, &bad);
    assert_int_equal(total, 1);
    assert_int_equal(seen[0][1], 1);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_line_once_from_many_threads),
        cmocka_unit_test(test_started_again),
    };
    return cmocka_run_group_tests_name("accesslog", tests, NULL, NULL);
}
