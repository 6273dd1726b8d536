/* clock.c — time sources (see clock.h). */
#include "core/clock.h"

#include <stdio.h>
#include <time.h>

int64_t gg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
