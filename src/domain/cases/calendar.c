/* calendar.c — working-calendar snapshots and deadline arithmetic (see calendar.h). */
#include "domain/cases/calendar.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (86400LL * 1000)
#define MIN_MS (60LL * 1000)
#define YEAR_MIN 1900
#define YEAR_MAX 2200

typedef struct listed_day {
    int64_t day; /* days since 1970-01-01 */
    gg_cal_kind_t kind;
    gg_cal_source_t source;
} listed_day_t;

/* The dense table of the snapshot: every day of [TABLE_FROM, TABLE_TO) as flags, with running counts, so a
 * deadline check asks no per-day question (an inbox computes fifty remaining times per page). */
#define TABLE_FROM 2000
#define TABLE_TO 2100
#define T_WORK 1
#define T_FALLBACK 2

struct gg_cal_snapshot {
    atomic_int refs;
    int n;
    listed_day_t *days; /* sorted by day, one per date */
    unsigned char coverage[YEAR_MAX - YEAR_MIN + 1];
    gg_office_hours_t hours;
    int64_t t_base;           /* day number of TABLE_FROM-01-01 */
    int t_n;                  /* days in the table (0: none, the per-day rule answers) */
    unsigned char *t_flags;   /* T_WORK, T_FALLBACK per day */
    int32_t *t_work, *t_fall; /* [i]: working days / fallback days among the table's days before i */
    int64_t day_total_ms;     /* office time of one working day */
};

static void build_table(gg_cal_snapshot_t *s);

struct gg_calendar {
    pthread_mutex_t mu;
    gg_cal_snapshot_t *current;
    int64_t generation;      /* of current; under mu */
    atomic_llong last_check; /* ms */
    atomic_int checking;
};

/* Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian). */
int64_t gg_cal_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void gg_cal_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int valid_date(int y, int m, int d)
{
    if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1) return 0;
    int yy, mm, dd;
    gg_cal_civil_from_days(gg_cal_days_from_civil(y, m, d), &yy, &mm, &dd);
    return yy == y && mm == m && dd == d;
}

int gg_cal_parse_date(const char *t, int *y, int *m, int *d)
{
    if (!t || strlen(t) != 10 || t[4] != '-' || t[7] != '-') return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (t[i] < '0' || t[i] > '9')) return -1;
    *y = atoi(t);
    *m = atoi(t + 5);
    *d = atoi(t + 8);
    return valid_date(*y, *m, *d) ? 0 : -1;
}

static int digits(const char *p, int n, int *out)
{
    *out = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        *out = *out * 10 + (p[i] - '0');
    }
    return 0;
}

int gg_cal_parse_instant(const char *t, int64_t *ms)
{
    int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 0;
    char date[11];
    if (!t || strlen(t) < 17 || (t[10] != 'T' && t[10] != 't' && t[10] != ' ')) return -1;
    snprintf(date, sizeof date, "%.10s", t);
    if (gg_cal_parse_date(date, &y, &mo, &d) < 0 || digits(t + 11, 2, &h) || t[13] != ':' ||
        digits(t + 14, 2, &mi) || h > 23 || mi > 59)
        return -1;
    const char *p = t + 16;
    if (*p == ':') {
        if (digits(p + 1, 2, &sec) || sec > 60) return -1;
        p += 3;
        if (*p == '.') {
            if (p[1] < '0' || p[1] > '9') return -1;
            for (p++; *p >= '0' && *p <= '9'; p++)
                ;
        }
    }
    if ((*p == 'Z' || *p == 'z') && !p[1]) {
        sign = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && !digits(p + 1, 2, &oh) && p[3] == ':' &&
               !digits(p + 4, 2, &om) && oh <= 23 && om <= 59) {
        sign = *p == '+' ? 1 : -1;
    } else {
        return -1;
    }
    int64_t local = (gg_cal_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (sec > 59 ? 59 : sec));
    *ms = (local - sign * (oh * 3600 + om * 60)) * 1000;
    return 0;
}

/* ---- office hours ---- */

static int parse_hhmm(const char *p, int *minutes)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' || p[2] != ':' || p[3] < '0' || p[3] > '5' ||
        p[4] < '0' || p[4] > '9')
        return -1;
    int h = (p[0] - '0') * 10 + (p[1] - '0'), mi = (p[3] - '0') * 10 + (p[4] - '0');
    if (h > 24 || (h == 24 && mi != 0)) return -1;
    *minutes = h * 60 + mi;
    return 0;
}

int gg_office_hours_parse(const char *text, const char *field, gg_office_hours_t *h, gg_error_t *err)
{
    memset(h, 0, sizeof *h);
    const char *p = text ? text : "";
    while (*p) {
        int a, b;
        if (h->n == GG_CAL_MAX_INTERVALS)
            return gg_err_invalid(err, field, "%s: at most %d intervals", field, GG_CAL_MAX_INTERVALS);
        if (strlen(p) < 11 || parse_hhmm(p, &a) || p[5] != '-' || parse_hhmm(p + 6, &b))
            return gg_err_invalid(
                err, field, "%s must be intervals like 08:30-12:00,14:30-18:00 (got \"%s\")", field, text);
        if (b <= a || (h->n > 0 && a <= h->end[h->n - 1]))
            return gg_err_invalid(err, field,
                                  "%s: each interval must end after it starts and after the one "
                                  "before it (got \"%s\")",
                                  field, text);
        h->start[h->n] = a;
        h->end[h->n++] = b;
        p += 11;
        if (*p == ',') {
            p++;
            if (!*p) break;
        } else if (*p)
            return gg_err_invalid(err, field, "%s: separate intervals with a comma (got \"%s\")", field,
                                  text);
    }
    if (h->n == 0 || p[-1] == ',')
        return gg_err_invalid(err, field, "%s must be intervals like 08:30-12:00,14:30-18:00 (got \"%s\")",
                              field, text ? text : "");
    return 0;
}

void gg_office_hours_format(const gg_office_hours_t *h, char *out, size_t size)
{
    size_t at = 0;
    out[0] = 0;
    for (int i = 0; i < h->n && at < size; i++)
        at += (size_t)snprintf(out + at, size - at, "%s%02d:%02d-%02d:%02d", i ? "," : "", h->start[i] / 60,
                               h->start[i] % 60, h->end[i] / 60, h->end[i] % 60);
}

/* ---- snapshots ---- */

const char *gg_cal_coverage_name(gg_cal_coverage_t c)
{
    return c == GG_CAL_COVER_PACKAGE ? "chinese-days" : c == GG_CAL_COVER_LOCAL ? "local" : "fallback";
}

static int by_day_then_source(const void *a, const void *b)
{
    const listed_day_t *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return (int)y->source - (int)x->source; /* local (2) first: it wins */
}

int gg_cal_snapshot_build(const gg_cal_day_t *days, int n, const gg_office_hours_t *hours,
                          gg_cal_snapshot_t **out, gg_error_t *err)
{
    if (!hours || hours->n < 1 || hours->n > GG_CAL_MAX_INTERVALS) /* the arithmetic needs an open interval */
        return gg_err_invalid(err, "office_hours", "office hours need at least one interval");
    gg_cal_snapshot_t *s = calloc(1, sizeof *s);
    if (!s || (n > 0 && !(s->days = calloc((size_t)n, sizeof *s->days)))) {
        free(s);
        return gg_error_set(err, 500, "internal", NULL, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        const gg_cal_day_t *d = &days[i];
        if (!valid_date(d->year, d->month, d->day)) {
            gg_err_invalid(err, "date", "not a date: %04d-%02d-%02d", d->year, d->month, d->day);
            free(s->days);
            free(s);
            return -1;
        }
        s->days[i] = (listed_day_t){gg_cal_days_from_civil(d->year, d->month, d->day), d->kind, d->source};
        unsigned char c = d->source == GG_CAL_SRC_PACKAGE ? GG_CAL_COVER_PACKAGE : GG_CAL_COVER_LOCAL;
        if (s->coverage[d->year - YEAR_MIN] < c) s->coverage[d->year - YEAR_MIN] = c;
    }
    if (n > 0) qsort(s->days, (size_t)n, sizeof *s->days, by_day_then_source);
    int kept = 0;
    for (int i = 0; i < n; i++)
        if (kept == 0 || s->days[kept - 1].day != s->days[i].day) s->days[kept++] = s->days[i];
    s->n = kept;
    s->hours = *hours;
    for (int i = 0; i < hours->n; i++)
        s->day_total_ms += (int64_t)(hours->end[i] - hours->start[i]) * MIN_MS;
    build_table(s); /* without memory for it the per-day rule answers alone */
    atomic_init(&s->refs, 1);
    *out = s;
    return 0;
}

void gg_cal_snapshot_release(gg_cal_snapshot_t *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
        free(s->days);
        free(s->t_flags);
        free(s->t_work);
        free(s->t_fall);
        free(s);
    }
}

const gg_office_hours_t *gg_cal_snapshot_hours(const gg_cal_snapshot_t *s)
{
    return &s->hours;
}

gg_cal_coverage_t gg_cal_year_coverage(const gg_cal_snapshot_t *s, int year)
{
    if (year < YEAR_MIN || year > YEAR_MAX) return GG_CAL_COVER_FALLBACK;
    return (gg_cal_coverage_t)s->coverage[year - YEAR_MIN];
}

static const listed_day_t *find_day(const gg_cal_snapshot_t *s, int64_t day)
{
    int lo = 0, hi = s->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (s->days[mid].day == day) return &s->days[mid];
        if (s->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

/* Whether day (days since the epoch) is a working day; notes a year without data in *fallback. */
static int workday_slow(const gg_cal_snapshot_t *s, int64_t day, int *fallback)
{
    int y, m, d;
    gg_cal_civil_from_days(day, &y, &m, &d);
    if (fallback && gg_cal_year_coverage(s, y) == GG_CAL_COVER_FALLBACK) *fallback = 1;
    const listed_day_t *l = find_day(s, day);
    if (l) return l->kind == GG_CAL_WORKDAY;
    int weekday = (int)((day % 7 + 11) % 7); /* 1970-01-01 was a Thursday: 0 = Sunday */
    return weekday >= 1 && weekday <= 5;
}

static int workday(const gg_cal_snapshot_t *s, int64_t day, int *fallback)
{
    int64_t i = day - s->t_base;
    if (i < 0 || i >= s->t_n) return workday_slow(s, day, fallback);
    unsigned char f = s->t_flags[i];
    if (fallback && (f & T_FALLBACK)) *fallback = 1;
    return f & T_WORK;
}

/* The table of s (left empty when out of memory: workday_slow answers). */
static void build_table(gg_cal_snapshot_t *s)
{
    int64_t from = gg_cal_days_from_civil(TABLE_FROM, 1, 1), to = gg_cal_days_from_civil(TABLE_TO, 1, 1);
    int n = (int)(to - from);
    s->t_flags = malloc((size_t)n);
    s->t_work = malloc(sizeof *s->t_work * (size_t)(n + 1));
    s->t_fall = malloc(sizeof *s->t_fall * (size_t)(n + 1));
    if (!s->t_flags || !s->t_work || !s->t_fall) {
        free(s->t_flags);
        free(s->t_work);
        free(s->t_fall);
        s->t_flags = NULL, s->t_work = s->t_fall = NULL;
        return;
    }
    s->t_work[0] = s->t_fall[0] = 0;
    for (int i = 0; i < n; i++) {
        int fb = 0;
        int w = workday_slow(s, from + i, &fb);
        s->t_flags[i] = (unsigned char)((w ? T_WORK : 0) | (fb ? T_FALLBACK : 0));
        s->t_work[i + 1] = s->t_work[i] + (w ? 1 : 0);
        s->t_fall[i + 1] = s->t_fall[i] + (fb ? 1 : 0);
    }
    s->t_base = from;
    s->t_n = n;
}

int gg_cal_is_workday(const gg_cal_snapshot_t *s, int year, int month, int day, int *fallback)
{
    if (fallback) *fallback = 0;
    return workday(s, gg_cal_days_from_civil(year, month, day), fallback);
}

/* Local day number and ms into that day of an instant. */
static void local_split(int64_t ms, int64_t *day, int64_t *in_day)
{
    int64_t local = ms + GG_CAL_UTC_OFFSET_MS;
    *day = local >= 0 ? local / DAY_MS : -((-local + DAY_MS - 1) / DAY_MS);
    *in_day = local - *day * DAY_MS;
}

static int64_t instant(int64_t day, int64_t in_day_ms)
{
    return day * DAY_MS + in_day_ms - GG_CAL_UTC_OFFSET_MS;
}

int gg_cal_deadline_days(const gg_cal_snapshot_t *s, int64_t from_ms, int n, const char *field,
                         int64_t *out_ms, int *fallback, gg_error_t *err)
{
    if (n < 1 || n > GG_CAL_MAX_DAYS)
        return gg_err_invalid(err, field, "%s must be a whole number of working days from 1 to %d", field,
                              GG_CAL_MAX_DAYS);
    int64_t day, in_day;
    local_split(from_ms, &day, &in_day);
    *fallback = 0;
    for (int counted = 0; counted < n;)
        if (workday(s, ++day, fallback)) counted++;
    *out_ms = instant(day, (int64_t)s->hours.end[s->hours.n - 1] * MIN_MS);
    return 0;
}

int gg_cal_deadline_hours(const gg_cal_snapshot_t *s, int64_t from_ms, int n, const char *field,
                          int64_t *out_ms, int *fallback, gg_error_t *err)
{
    if (n < 1 || n > GG_CAL_MAX_HOURS)
        return gg_err_invalid(err, field, "%s must be a whole number of working hours from 1 to %d", field,
                              GG_CAL_MAX_HOURS);
    int64_t day, in_day, left = (int64_t)n * 60 * MIN_MS;
    local_split(from_ms, &day, &in_day);
    *fallback = 0;
    for (;; day++, in_day = 0) {
        if (!workday(s, day, fallback)) continue;
        for (int i = 0; i < s->hours.n; i++) {
            int64_t a = (int64_t)s->hours.start[i] * MIN_MS, b = (int64_t)s->hours.end[i] * MIN_MS;
            if (in_day > a) a = in_day;
            if (a >= b) continue;
            if (b - a >= left) {
                *out_ms = instant(day, a + left);
                return 0;
            }
            left -= b - a;
        }
    }
}

/* Office time of day between from and stop (ms into the day), 0 on a non-working day. */
static int64_t working_in_day(const gg_cal_snapshot_t *s, int64_t day, int64_t from, int64_t stop,
                              int *fallback)
{
    if (!workday(s, day, fallback)) return 0;
    int64_t total = 0;
    for (int i = 0; i < s->hours.n; i++) {
        int64_t a = (int64_t)s->hours.start[i] * MIN_MS, b = (int64_t)s->hours.end[i] * MIN_MS;
        if (from > a) a = from;
        if (stop < b) b = stop;
        if (b > a) total += b - a;
    }
    return total;
}

int64_t gg_cal_working_ms(const gg_cal_snapshot_t *s, int64_t a_ms, int64_t b_ms, int *fallback)
{
    if (fallback) *fallback = 0;
    if (b_ms <= a_ms) return 0;
    int64_t day, in_day, last_day, last_in_day, total = 0;
    local_split(a_ms, &day, &in_day);
    local_split(b_ms, &last_day, &last_in_day);
    int64_t ti = day - s->t_base, tj = last_day - s->t_base;
    if (last_day > day + 1 && ti >= 0 && tj < s->t_n) {
        /* the days strictly between from the table's counts, the first and the last as below */
        if (fallback && s->t_fall[tj] - s->t_fall[ti + 1] > 0) *fallback = 1;
        int fb_first = 0, fb_last = 0;
        total = (int64_t)(s->t_work[tj] - s->t_work[ti + 1]) * s->day_total_ms;
        total += working_in_day(s, day, in_day, DAY_MS, &fb_first);
        total += working_in_day(s, last_day, 0, last_in_day, &fb_last);
        if (fallback && (fb_first || fb_last)) *fallback = 1;
        return total;
    }
    for (; day <= last_day; day++, in_day = 0) {
        if (!workday(s, day, fallback)) continue;
        int64_t stop = day == last_day ? last_in_day : DAY_MS;
        for (int i = 0; i < s->hours.n; i++) {
            int64_t a = (int64_t)s->hours.start[i] * MIN_MS, b = (int64_t)s->hours.end[i] * MIN_MS;
            if (in_day > a) a = in_day;
            if (stop < b) b = stop;
            if (b > a) total += b - a;
        }
    }
    return total;
}

/* ---- the holder ---- */

static gg_cal_snapshot_t *empty_snapshot(void)
{
    gg_office_hours_t h;
    gg_error_t err = {0};
    gg_cal_snapshot_t *s = NULL;
    if (gg_office_hours_parse(GG_OFFICE_HOURS_DEFAULT, "office_hours", &h, &err) == 0)
        gg_cal_snapshot_build(NULL, 0, &h, &s, &err);
    return s;
}

gg_calendar_t *gg_calendar_new(void)
{
    gg_calendar_t *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_mutex_init(&c->mu, NULL);
    if (!(c->current = empty_snapshot())) {
        pthread_mutex_destroy(&c->mu);
        free(c);
        return NULL;
    }
    return c;
}

void gg_calendar_free(gg_calendar_t *c)
{
    if (!c) return;
    gg_cal_snapshot_release(c->current);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

gg_cal_snapshot_t *gg_calendar_acquire(gg_calendar_t *c)
{
    pthread_mutex_lock(&c->mu);
    gg_cal_snapshot_t *s = c->current;
    atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&c->mu);
    return s;
}

void gg_calendar_install(gg_calendar_t *c, gg_cal_snapshot_t *s, int64_t generation)
{
    pthread_mutex_lock(&c->mu);
    gg_cal_snapshot_t *old = s;
    if (generation >= c->generation) {
        old = c->current;
        c->current = s;
        c->generation = generation;
    }
    pthread_mutex_unlock(&c->mu);
    gg_cal_snapshot_release(old);
}

int64_t gg_calendar_generation(gg_calendar_t *c)
{
    pthread_mutex_lock(&c->mu);
    int64_t g = c->generation;
    pthread_mutex_unlock(&c->mu);
    return g;
}

int gg_calendar_due(gg_calendar_t *c, int64_t now_ms)
{
    if (now_ms - atomic_load(&c->last_check) < 1000) return 0;
    int expected = 0;
    return atomic_compare_exchange_strong(&c->checking, &expected, 1);
}

void gg_calendar_checked(gg_calendar_t *c, int64_t now_ms)
{
    atomic_store(&c->last_check, (long long)now_ms);
    atomic_store(&c->checking, 0);
}
