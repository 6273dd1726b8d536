/* clock.c — time sources (see clock.h). */
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

/* The test clock (clock.h): the instant written in the file, advanced by the real time since the file was
 * last written; an absent, empty or unreadable file is no test clock. */
static int test_clock(int64_t real_ms, int64_t *out)
{
    const char *path = getenv("GRIDGOV_TEST_CLOCK");
    if (!path || !*path) return 0;
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    long long set;
    struct stat st;
    int ok = fscanf(f, "%lld", &set) == 1 && fstat(fileno(f), &st) == 0;
    fclose(f);
    if (!ok) return 0;
    int64_t written = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    *out = (int64_t)set + (real_ms > written ? real_ms - written : 0);
    return 1;
}

int64_t gg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t real = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, fake;
    return test_clock(real, &fake) ? fake : real;
}

int64_t gg_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void gg_time_rfc3339(int64_t unix_ms, char out[32])
{
    time_t t = (time_t)(unix_ms / 1000) + 8 * 3600; /* Asia/Shanghai has no DST */
    struct tm tm;
    gmtime_r(&t, &tm);
    /* years are clamped to four digits so the text always fits 25 bytes */
    int year = tm.tm_year + 1900;
    if (year < 0) year = 0;
    if (year > 9999) year = 9999;
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", year, (tm.tm_mon + 1) % 100, tm.tm_mday % 100,
             tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100);
}
