/* report_period.c — a report's period: "YYYY-MM" in Asia/Shanghai, its bounds in Unix ms, this month and the
 * last (declared in report.h).  A module of its own so the report rows (report.c) and their rendering
 * (report_render.c) both use it without depending on each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/reports/report.h"

#define SHANGHAI_MS (8LL * 3600 * 1000) /* UTC+8, no DST */

int gg_report_period_bounds(const char *period, int64_t *from_ms, int64_t *to_ms)
{
    if (!period || strlen(period) != 7 || period[4] != '-') return -1;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (period[i] < '0' || period[i] > '9')) return -1;
    int y = atoi(period), m = atoi(period + 5);
    if (y < 2000 || y > 2099 || m < 1 || m > 12) return -1;
    struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1};
    struct tm t2 = {.tm_year = (m == 12 ? y + 1 : y) - 1900, .tm_mon = m == 12 ? 0 : m, .tm_mday = 1};
    if (from_ms) *from_ms = (int64_t)timegm(&t) * 1000 - SHANGHAI_MS;
    if (to_ms) *to_ms = (int64_t)timegm(&t2) * 1000 - SHANGHAI_MS;
    return 0;
}

static void period_of(int64_t ms, int back, char out[8])
{
    time_t s = (time_t)((ms + SHANGHAI_MS) / 1000);
    struct tm t;
    gmtime_r(&s, &t);
    int y = t.tm_year + 1900, m = t.tm_mon + 1 - back;
    if (m < 1) {
        m += 12;
        y--;
    }
    snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

void gg_report_previous_period(int64_t now_ms, char out[8])
{
    period_of(now_ms, 1, out);
}
void gg_report_current_period(int64_t now_ms, char out[8])
{
    period_of(now_ms, 0, out);
}
