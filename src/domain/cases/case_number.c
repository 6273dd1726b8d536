/* case_number.c — case numbers from the per-day counter (case_number.h). */
#include "domain/cases/case_number.h"

#include <stdio.h>
#include <string.h>

#include "domain/cases/calendar.h"

void gg_case_day(int64_t ms, char out[9])
{
    int64_t local = ms + GG_CAL_UTC_OFFSET_MS;
    int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
    int y, m, d;
    gg_cal_civil_from_days(days, &y, &m, &d);
    char buf[32];
    snprintf(buf, sizeof buf, "%04d%02d%02d", (y % 10000 + 10000) % 10000, m % 100, d % 100);
    memcpy(out, buf, 9);
}

void gg_case_number_format(const char *day, int64_t serial, char *out, size_t size)
{
    snprintf(out, size, "GG%.8s%06lld", day, (long long)serial);
}

int gg_case_number_valid(const char *text)
{
    if (!text || strncmp(text, "GG", 2)) return 0;
    size_t n = strlen(text);
    if (n < 16 || n > 24) return 0;
    for (size_t i = 2; i < n; i++)
        if (text[i] < '0' || text[i] > '9') return 0;
    return 1;
}

int gg_case_number_next(gg_db_conn_t *c, int64_t now, char out[32], gg_error_t *err)
{
    char day[9];
    gg_case_day(now, day);
    int64_t serial = 0;
    int found = 0;
    if (gg_db_query_i64(c,
                        "INSERT INTO case_counter (day, last) VALUES ($1, 1) "
                        "ON CONFLICT (day) DO UPDATE SET last = case_counter.last + 1 RETURNING last",
                        GG_ARGS(GG_TEXT(day)), &serial, &found, err) < 0)
        return -1;
    if (!found) return gg_err_internal(err, "the case counter gave no serial");
    gg_case_number_format(day, serial, out, 32);
    return 0;
}
