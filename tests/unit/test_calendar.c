/*
 * test_calendar.c — domain/cases/calendar: office-hours parsing, and the
 * deadline arithmetic over the real 2024 calendar around National Day
 * (国庆节 2024-10-01..07 off; Sunday 2024-09-29 and Saturday 2024-10-12 are
 * 调休 working days, as the State Council's notice and chinese-days list them),
 * plus the Mon–Fri fallback of a year without data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/cases/calendar.h"

#define HOUR_MS (3600LL * 1000)
#define MIN_MS (60LL * 1000)

/* A local (Asia/Shanghai) wall-clock time as an instant. */
static int64_t at(int y, int mo, int d, int h, int mi)
{
    return (gg_cal_days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL) * 1000 - 8 * HOUR_MS;
}

static gg_cal_snapshot_t *national_day_2024(void)
{
    gg_cal_day_t days[] = {
        {2024, 9, 29, GG_CAL_WORKDAY, GG_CAL_SRC_PACKAGE},  {2024, 10, 1, GG_CAL_HOLIDAY, GG_CAL_SRC_PACKAGE},
        {2024, 10, 2, GG_CAL_HOLIDAY, GG_CAL_SRC_PACKAGE},  {2024, 10, 3, GG_CAL_HOLIDAY, GG_CAL_SRC_PACKAGE},
        {2024, 10, 4, GG_CAL_HOLIDAY, GG_CAL_SRC_PACKAGE},  {2024, 10, 5, GG_CAL_HOLIDAY, GG_CAL_SRC_PACKAGE},
        {2024, 10, 6, GG_CAL_HOLIDAY, GG_CAL_SRC_PACKAGE},  {2024, 10, 7, GG_CAL_HOLIDAY, GG_CAL_SRC_PACKAGE},
        {2024, 10, 12, GG_CAL_WORKDAY, GG_CAL_SRC_PACKAGE},
    };
    gg_office_hours_t h;
    gg_error_t err = {0};
    gg_cal_snapshot_t *s = NULL;
    assert_int_equal(gg_office_hours_parse("08:30-12:00,14:30-18:00", "office_hours", &h, &err), 0);
    assert_int_equal(gg_cal_snapshot_build(days, (int)(sizeof days / sizeof days[0]), &h, &s, &err), 0);
    return s;
}

static void test_office_hours_parse(void **state)
{
    (void)state;
    gg_office_hours_t h;
    gg_error_t err = {0};
    char text[64];
    assert_int_equal(gg_office_hours_parse("08:30-12:00,14:30-18:00", "office_hours", &h, &err), 0);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.start[1], 14 * 60 + 30);
    gg_office_hours_format(&h, text, sizeof text);
    assert_string_equal(text, "08:30-12:00,14:30-18:00");
    const char *bad[] = {"",
                         "8:30-12:00",
                         "08:30-12:00,",
                         "12:00-08:30",
                         "08:30-12:00,11:00-18:00",
                         "08:30-12:00;14:30-18:00",
                         "25:00-26:00",
                         "08:60-09:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gg_error_t e = {0};
        assert_int_not_equal(gg_office_hours_parse(bad[i], "office_hours", &h, &e), 0);
        assert_int_equal(e.http_status, 400);
        assert_string_equal(e.field, "office_hours");
    }
}

static void test_workdays_of_2024(void **state)
{
    (void)state;
    gg_cal_snapshot_t *s = national_day_2024();
    int fb = 1;
    assert_true(gg_cal_is_workday(s, 2024, 9, 29, &fb)); /* Sunday, 调休 */
    assert_int_equal(fb, 0);
    assert_false(gg_cal_is_workday(s, 2024, 10, 3, &fb));  /* Thursday, 国庆 */
    assert_true(gg_cal_is_workday(s, 2024, 10, 12, &fb));  /* Saturday, 调休 */
    assert_false(gg_cal_is_workday(s, 2024, 10, 13, &fb)); /* an ordinary Sunday */
    assert_true(gg_cal_is_workday(s, 2024, 10, 14, &fb));  /* an ordinary Monday */
    assert_int_equal(gg_cal_year_coverage(s, 2024), GG_CAL_COVER_PACKAGE);
    assert_int_equal(gg_cal_year_coverage(s, 2031), GG_CAL_COVER_FALLBACK);
    gg_cal_snapshot_release(s);
}

static void test_deadline_days_cross_national_day(void **state)
{
    (void)state;
    gg_cal_snapshot_t *s = national_day_2024();
    gg_error_t err = {0};
    int64_t due;
    int fb = 1;
    /* received Monday 2024-09-30 10:00: day 1 is Tuesday 10-08, after the seven days off */
    assert_int_equal(gg_cal_deadline_days(s, at(2024, 9, 30, 10, 0), 1, "days", &due, &fb, &err), 0);
    assert_int_equal(due, at(2024, 10, 8, 18, 0));
    assert_int_equal(fb, 0);
    /* 5 working days: 10-08, 09, 10, 11 and the 调休 Saturday 10-12 */
    assert_int_equal(gg_cal_deadline_days(s, at(2024, 9, 30, 10, 0), 5, "days", &due, &fb, &err), 0);
    assert_int_equal(due, at(2024, 10, 12, 18, 0));
    /* received on the 调休 Saturday 09-28?  No: 09-28 is an ordinary Saturday; day 1 is the 调休 Sunday 09-29
     */
    assert_int_equal(gg_cal_deadline_days(s, at(2024, 9, 28, 9, 0), 1, "days", &due, &fb, &err), 0);
    assert_int_equal(due, at(2024, 9, 29, 18, 0));
    gg_error_t e = {0};
    assert_int_not_equal(gg_cal_deadline_days(s, at(2024, 9, 30, 10, 0), 0, "days", &due, &fb, &e), 0);
    assert_int_equal(e.http_status, 400);
    assert_string_equal(e.field, "days");
    gg_cal_snapshot_release(s);
}

static void test_deadline_hours_and_working_time(void **state)
{
    (void)state;
    gg_cal_snapshot_t *s = national_day_2024();
    gg_error_t err = {0};
    int64_t due;
    int fb = 1;
    /* Monday 09-30 16:00: 2 h that day, 3.5 h on the morning of 10-08, 2.5 h after 14:30 → 17:00 */
    assert_int_equal(gg_cal_deadline_hours(s, at(2024, 9, 30, 16, 0), 8, "hours", &due, &fb, &err), 0);
    assert_int_equal(due, at(2024, 10, 8, 17, 0));
    assert_int_equal(gg_cal_working_ms(s, at(2024, 9, 30, 16, 0), due, &fb), 8 * HOUR_MS);
    /* ending exactly at closing time answers the closing time */
    assert_int_equal(gg_cal_deadline_hours(s, at(2024, 9, 30, 16, 0), 2, "hours", &due, &fb, &err), 0);
    assert_int_equal(due, at(2024, 9, 30, 18, 0));
    /* started at lunch: the count begins at 14:30 */
    assert_int_equal(gg_cal_deadline_hours(s, at(2024, 10, 8, 12, 40), 1, "hours", &due, &fb, &err), 0);
    assert_int_equal(due, at(2024, 10, 8, 15, 30));
    /* the 调休 Sunday 09-29 counts a full 7 h working day; the Saturday before it none */
    assert_int_equal(gg_cal_working_ms(s, at(2024, 9, 28, 0, 0), at(2024, 9, 30, 0, 0), &fb), 7 * HOUR_MS);
    /* time used so far, in the middle of a morning */
    assert_int_equal(gg_cal_working_ms(s, at(2024, 10, 8, 8, 0), at(2024, 10, 8, 9, 15), &fb), 45 * MIN_MS);
    assert_int_equal(gg_cal_working_ms(s, at(2024, 10, 8, 9, 15), at(2024, 10, 8, 8, 0), &fb), 0);
    gg_error_t e = {0};
    assert_int_not_equal(gg_cal_deadline_hours(s, at(2024, 9, 30, 16, 0), 20001, "hours", &due, &fb, &e), 0);
    assert_string_equal(e.field, "hours");
    gg_cal_snapshot_release(s);
}

static void test_year_without_data_falls_back(void **state)
{
    (void)state;
    gg_cal_snapshot_t *s = national_day_2024();
    gg_error_t err = {0};
    int64_t due;
    int fb = 0;
    /* Friday 2031-10-03 10:00 (no data for 2031): day 1 is Monday 10-06, by Mon–Fri alone */
    assert_int_equal(gg_cal_deadline_days(s, at(2031, 10, 3, 10, 0), 1, "days", &due, &fb, &err), 0);
    assert_int_equal(due, at(2031, 10, 6, 18, 0));
    assert_int_equal(fb, 1);
    /* a deadline inside 2024 does not say fallback */
    assert_int_equal(gg_cal_deadline_days(s, at(2024, 10, 8, 10, 0), 1, "days", &due, &fb, &err), 0);
    assert_int_equal(fb, 0);
    gg_cal_snapshot_release(s);
}

static void test_local_edit_wins_and_holder(void **state)
{
    (void)state;
    gg_cal_day_t days[] = {
        {2024, 10, 12, GG_CAL_WORKDAY, GG_CAL_SRC_PACKAGE},
        {2024, 10, 12, GG_CAL_HOLIDAY, GG_CAL_SRC_LOCAL},
        {2025, 3, 3, GG_CAL_HOLIDAY, GG_CAL_SRC_LOCAL},
    };
    gg_office_hours_t h;
    gg_error_t err = {0};
    gg_cal_snapshot_t *s = NULL;
    assert_int_equal(gg_office_hours_parse("09:00-17:00", "office_hours", &h, &err), 0);
    assert_int_equal(gg_cal_snapshot_build(days, 3, &h, &s, &err), 0);
    int fb;
    assert_false(gg_cal_is_workday(s, 2024, 10, 12, &fb));
    assert_int_equal(gg_cal_year_coverage(s, 2025), GG_CAL_COVER_LOCAL);
    assert_string_equal(gg_cal_coverage_name(gg_cal_year_coverage(s, 2025)), "local");

    gg_calendar_t *c = gg_calendar_new();
    gg_cal_snapshot_t *before = gg_calendar_acquire(c);
    assert_false(gg_cal_is_workday(before, 2024, 10, 12, &fb)); /* the empty snapshot: Mon–Fri */
    assert_int_equal(fb, 1);
    gg_calendar_install(c, s, 2);
    gg_cal_snapshot_t *after = gg_calendar_acquire(c);
    assert_ptr_equal(after, s);
    assert_int_equal(gg_calendar_generation(c), 2);
    /* a slower rebuild from older data does not replace a newer snapshot */
    gg_cal_snapshot_t *stale = NULL;
    assert_int_equal(gg_cal_snapshot_build(NULL, 0, &h, &stale, &err), 0);
    gg_calendar_install(c, stale, 1);
    gg_cal_snapshot_t *still = gg_calendar_acquire(c);
    assert_ptr_equal(still, s);
    gg_cal_snapshot_release(still);
    /* the database is compared at most once a second, by one thread at a time */
    assert_true(gg_calendar_due(c, 5000));
    assert_false(gg_calendar_due(c, 5000)); /* another thread is checking */
    gg_calendar_checked(c, 5000);
    assert_false(gg_calendar_due(c, 5500));
    assert_true(gg_calendar_due(c, 6001));
    gg_calendar_checked(c, 6001);
    assert_int_equal(gg_cal_snapshot_hours(after)->end[0], 17 * 60);
    gg_cal_snapshot_release(before); /* the old one outlived its replacement's install */
    gg_cal_snapshot_release(after);
    gg_calendar_free(c);

    gg_cal_day_t bad[] = {{2023, 2, 29, GG_CAL_HOLIDAY, GG_CAL_SRC_LOCAL}};
    gg_error_t e = {0};
    assert_int_not_equal(gg_cal_snapshot_build(bad, 1, &h, &s, &e), 0);
    assert_int_equal(e.http_status, 400);
    gg_office_hours_t none = {0};
    gg_error_t e2 = {0};
    assert_int_not_equal(gg_cal_snapshot_build(NULL, 0, &none, &s, &e2), 0);
    assert_string_equal(e2.field, "office_hours");
}

static void test_parse_date(void **state)
{
    (void)state;
    int y, m, d;
    assert_int_equal(gg_cal_parse_date("2024-02-29", &y, &m, &d), 0);
    assert_int_equal(gg_cal_parse_date("2023-02-29", &y, &m, &d), -1);
    assert_int_equal(gg_cal_parse_date("2024-2-29", &y, &m, &d), -1);
    assert_int_equal(gg_cal_parse_date("2024-13-01", &y, &m, &d), -1);
    int64_t ms;
    assert_int_equal(gg_cal_parse_instant("2024-09-30T10:00:00+08:00", &ms), 0);
    assert_int_equal(ms, at(2024, 9, 30, 10, 0));
    assert_int_equal(gg_cal_parse_instant("2024-09-30T02:00:00.250Z", &ms), 0);
    assert_int_equal(ms, at(2024, 9, 30, 10, 0));
    assert_int_equal(gg_cal_parse_instant("2024-09-30T10:00", &ms), -1); /* no offset: ambiguous */
    assert_int_equal(gg_cal_parse_instant("2024-09-31T10:00:00Z", &ms), -1);
    assert_int_equal(gg_cal_parse_instant("2024-09-30T10:00:00+08:00x", &ms), -1);
}

/* The working time the snapshot's day table counts equals the day-by-day sum (spans inside the table, across
 * its ends, within one day, a year without data), fallback included. */
static void test_working_ms_matches_day_by_day(void **state)
{
    (void)state;
    gg_cal_snapshot_t *s = national_day_2024();
    uint64_t seed = 7;
    for (int k = 0; k < 3000; k++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int64_t a = at(2023, 6, 1, 0, 0) + (int64_t)((seed >> 20) % (900LL * 86400000));
        if (k % 10 == 0)
            a = at(2099, 12, 20, 9, 0) + (int64_t)((seed >> 20) % (20LL * 86400000)); /* table end */
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int64_t b = a + (int64_t)((seed >> 20) % (k % 3 ? 40LL * 86400000 : 2LL * 86400000));
        int fb = 0, want_fb = 0;
        int64_t got = gg_cal_working_ms(s, a, b, &fb), want = 0;
        /* day by day, from the hours, on the local days a..b */
        int64_t la = a + 8 * HOUR_MS, lb = b + 8 * HOUR_MS;
        for (int64_t day = la / 86400000; day <= lb / 86400000; day++) {
            int y, m, d;
            gg_cal_civil_from_days(day, &y, &m, &d);
            int dfb = 0;
            if (!gg_cal_is_workday(s, y, m, d, &dfb)) {
                want_fb |= dfb;
                continue;
            }
            want_fb |= dfb;
            int64_t from = day == la / 86400000 ? la % 86400000 : 0,
                    stop = day == lb / 86400000 ? lb % 86400000 : 86400000;
            const gg_office_hours_t *h = gg_cal_snapshot_hours(s);
            for (int i = 0; i < h->n; i++) {
                int64_t x = h->start[i] * MIN_MS, y2 = h->end[i] * MIN_MS;
                if (from > x) x = from;
                if (stop < y2) y2 = stop;
                if (y2 > x) want += y2 - x;
            }
        }
        if (b <= a) want = 0, want_fb = 0;
        assert_int_equal(got, want);
        assert_int_equal(fb, want_fb);
    }
    gg_cal_snapshot_release(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_office_hours_parse),
        cmocka_unit_test(test_workdays_of_2024),
        cmocka_unit_test(test_deadline_days_cross_national_day),
        cmocka_unit_test(test_deadline_hours_and_working_time),
        cmocka_unit_test(test_year_without_data_falls_back),
        cmocka_unit_test(test_local_edit_wins_and_holder),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_working_ms_matches_day_by_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
