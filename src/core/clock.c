/* clock.c — time sources (see clock.h). */
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void two(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

void gg_time_rfc3339(int64_t unix_ms, char out[32])
{
    /* civil_from_days (H. Hinnant) rather than gmtime_r + snprintf: every timestamp of every JSON answer
     * goes through here.  Asia/Shanghai has no DST. */
    int64_t t = unix_ms / 1000 - (unix_ms % 1000 < 0 ? 1 : 0) + 8 * 3600;
    int64_t days = t / 86400, sec = t % 86400;
    if (sec < 0) sec += 86400, days--;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int day = (int)(doy - (153 * mp + 2) / 5 + 1);
    int month = (int)(mp < 10 ? mp + 3 : mp - 9);
    int64_t year = yoe + era * 400 + (month <= 2);
    /* years are clamped to four digits so the text always fits 25 bytes */
    if (year < 0) year = 0;
    if (year > 9999) year = 9999;
    int y = (int)year;
    two(out, y / 100);
    two(out + 2, y % 100);
    out[4] = '-';
    two(out + 5, month);
    out[7] = '-';
    two(out + 8, day);
    out[10] = 'T';
    two(out + 11, (int)(sec / 3600));
    out[13] = ':';
    two(out + 14, (int)(sec / 60 % 60));
    out[16] = ':';
    two(out + 17, (int)(sec % 60));
    memcpy(out + 19, "+08:00", 7);
}
