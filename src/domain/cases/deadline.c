/* deadline.c — due instants, yellow cards and remaining working time (deadline.h). */
#include "domain/cases/deadline.h"

#include <string.h>

int gg_deadline_unit_valid(const char *unit)
{
    return unit && (!strcmp(unit, "working_hours") || !strcmp(unit, "working_days"));
}

int gg_deadline_due(const gg_cal_snapshot_t *s, int64_t start, int limit, const char *unit, const char *field,
                    int64_t *due, int *fallback, gg_error_t *err)
{
    int fb = 0, rc;
    if (unit && !strcmp(unit, "working_days"))
        rc = gg_cal_deadline_days(s, start, limit, field, due, &fb, err);
    else if (unit && !strcmp(unit, "working_hours"))
        rc = gg_cal_deadline_hours(s, start, limit, field, due, &fb, err);
    else
        return gg_err_invalid(err, field, "unknown limit unit \"%s\"", unit ? unit : "");
    if (rc == 0 && fb && fallback) *fallback = 1;
    return rc;
}

int64_t gg_deadline_yellow(const gg_cal_snapshot_t *s, int64_t start, int64_t due, double share,
                           int *fallback)
{
    int fb = 0;
    int64_t total = gg_cal_working_ms(s, start, due, &fb);
    if (fb && fallback) *fallback = 1;
    if (total <= 0 || share <= 0 || share >= 1) return due;
    int64_t want = (int64_t)((double)total * share + 0.5);
    int64_t lo = start, hi = due; /* working_ms(start, hi) >= want; find the least such hi */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (gg_cal_working_ms(s, start, mid, NULL) >= want)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

int gg_deadline_handling(const gg_cal_snapshot_t *s, int64_t start, int limit, const char *unit, double share,
                         int64_t *due, int64_t *yellow, int *fallback, gg_error_t *err)
{
    if (gg_deadline_due(s, start, limit, unit, "handling_limit", due, fallback, err) < 0) return -1;
    *yellow = gg_deadline_yellow(s, start, *due, share, fallback);
    return 0;
}

const char *gg_deadline_mark_name(gg_deadline_mark_t m)
{
    return m == GG_MARK_RED ? "red" : m == GG_MARK_YELLOW ? "yellow" : "none";
}

gg_deadline_mark_t gg_deadline_mark(const gg_cal_snapshot_t *s, int64_t now, int64_t due, int64_t yellow,
                                    int64_t *remaining_ms, int *fallback)
{
    if (remaining_ms) *remaining_ms = 0;
    if (!due) return GG_MARK_NONE;
    int fb = 0;
    if (remaining_ms) *remaining_ms = gg_cal_working_ms(s, now, due, &fb);
    if (fb && fallback) *fallback = 1;
    if (now >= due) return GG_MARK_RED;
    if (yellow && now >= yellow) return GG_MARK_YELLOW;
    return GG_MARK_NONE;
}
