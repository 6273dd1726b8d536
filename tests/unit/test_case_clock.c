/*
 * test_case_clock.c — the pure parts of the case loop: case numbers (local day, format, shape) and the
 * deadline arithmetic of domain/cases/deadline.c (due instants in working days and hours, the yellow-card
 * instant at a share of the working time, the mark and remaining working time) over the 2024 calendar around
 * National Day (国庆节 2024-10-01..07 off, 2024-09-29 and 2024-10-12 调休 working days).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/cases/case_number.h"
#include "domain/cases/deadline.h"

#define HOUR_MS (3600LL * 1000)
#define MIN_MS (60LL * 1000)

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
    assert_int_equal(gg_office_hours_parse(GG_OFFICE_HOURS_DEFAULT, "office_hours", &h, &err), 0);
    assert_int_equal(gg_cal_snapshot_build(days, (int)(sizeof days / sizeof days[0]), &h, &s, &err), 0);
    return s;
}

static void test_numbers(void **state)
{
    (void)state;
    char day[9], num[32];
    /* 2026-12-04 23:59 and 2026-12-05 00:01 local: the day turns at local midnight, not UTC's */
    gg_case_day(at(2026, 12, 4, 23, 59), day);
    assert_string_equal(day, "20261204");
    gg_case_day(at(2026, 12, 5, 0, 1), day);
    assert_string_equal(day, "20261205");
    gg_case_day(at(2026, 12, 5, 7, 59), day); /* still 12-04 in UTC */
    assert_string_equal(day, "20261205");
    gg_case_number_format("20261204", 17, num, sizeof num);
    assert_string_equal(num, "GG20261204000017");
    gg_case_number_format("20261204", 1234567, num, sizeof num);
    assert_string_equal(num, "GG202612041234567");
    assert_true(gg_case_number_valid("GG20261204000017"));
    assert_true(gg_case_number_valid("GG202612041234567"));
    assert_false(gg_case_number_valid("GG2026120400001"));
    assert_false(gg_case_number_valid("XX20261204000017"));
    assert_false(gg_case_number_valid("GG2026120400001a"));
    assert_false(gg_case_number_valid(NULL));
}

static void test_due_in_days_and_hours(void **state)
{
    (void)state;
    gg_cal_snapshot_t *s = national_day_2024();
    gg_error_t err = {0};
    int64_t due;
    int fb = 0;
    /* reported Monday 2024-09-30 at 10:00, 2 working days: counted from the next day, skipping 国庆 → 10-09
     * 18:00
     */
    assert_int_equal(gg_deadline_due(s, at(2024, 9, 30, 10, 0), 2, "working_days", "f", &due, &fb, &err), 0);
    assert_int_equal(due, at(2024, 10, 9, 18, 0));
    assert_int_equal(fb, 0);
    /* 4 working hours from Monday 2024-09-30 16:00: 2 h that day, 2 h on 10-08 (the next working day) */
    assert_int_equal(gg_deadline_due(s, at(2024, 9, 30, 16, 0), 4, "working_hours", "f", &due, &fb, &err), 0);
    assert_int_equal(due, at(2024, 10, 8, 10, 30));
    /* an unknown unit names the field */
    assert_int_not_equal(gg_deadline_due(s, 0, 1, "weeks", "handling_limit", &due, &fb, &err), 0);
    assert_string_equal(err.field, "handling_limit");
    /* 2030 has no data: the Mon–Fri rule decides and says so */
    fb = 0;
    assert_int_equal(gg_deadline_due(s, at(2030, 1, 7, 9, 0), 1, "working_days", "f", &due, &fb, &err), 0);
    assert_int_equal(fb, 1);
    assert_true(gg_deadline_unit_valid("working_days") && gg_deadline_unit_valid("working_hours"));
    assert_false(gg_deadline_unit_valid("days") || gg_deadline_unit_valid(NULL));
    gg_cal_snapshot_release(s);
}

static void test_yellow_and_mark(void **state)
{
    (void)state;
    gg_cal_snapshot_t *s = national_day_2024();
    gg_error_t err = {0};
    int64_t due, yellow, left;
    int fb = 0;
    /* 10 working hours from Monday 2024-09-23 08:30: 7 h that day, 3 h the next → due Tuesday 11:30 */
    int64_t start = at(2024, 9, 23, 8, 30);
    assert_int_equal(gg_deadline_handling(s, start, 10, "working_hours", 0.8, &due, &yellow, &fb, &err), 0);
    assert_int_equal(due, at(2024, 9, 24, 11, 30));
    /* 80 % of 10 h is 8 h: 7 h on Monday, 1 h on Tuesday → Tuesday 09:30 */
    assert_int_equal(yellow, at(2024, 9, 24, 9, 30));
    assert_int_equal(gg_cal_working_ms(s, start, yellow, NULL), 8 * HOUR_MS);
    /* the mark along the way */
    assert_int_equal(gg_deadline_mark(s, at(2024, 9, 23, 12, 0), due, yellow, &left, &fb), GG_MARK_NONE);
    assert_int_equal(left, 6 * HOUR_MS + 30 * MIN_MS); /* Monday 14:30-18:00 and Tuesday 08:30-11:30 */
    assert_int_equal(gg_deadline_mark(s, at(2024, 9, 24, 10, 0), due, yellow, &left, &fb), GG_MARK_YELLOW);
    assert_int_equal(left, 1 * HOUR_MS + 30 * MIN_MS);
    assert_int_equal(gg_deadline_mark(s, at(2024, 9, 24, 11, 30), due, yellow, &left, &fb), GG_MARK_RED);
    assert_int_equal(left, 0);
    assert_int_equal(gg_deadline_mark(s, at(2024, 9, 25, 12, 0), 0, 0, &left, &fb), GG_MARK_NONE);
    assert_string_equal(gg_deadline_mark_name(GG_MARK_YELLOW), "yellow");
    /* the yellow card of a limit across National Day lands on a working instant */
    assert_int_equal(
        gg_deadline_handling(s, at(2024, 9, 30, 17, 0), 5, "working_days", 0.8, &due, &yellow, &fb, &err), 0);
    /* 10-08, 09, 10, 11 and the 调休 Saturday 10-12 are the five working days */
    assert_int_equal(due, at(2024, 10, 12, 18, 0));
    /* 36 working hours (1 on 9-30, 7 on each of the five); 80 % = 28.8 h: 22 h by the close of 10-10, then
     * 3.5 h in the morning of 10-11 and 3.3 h (3 h 18 min) from 14:30 */
    assert_int_equal(yellow, at(2024, 10, 11, 17, 48));
    gg_cal_snapshot_release(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_due_in_days_and_hours),
        cmocka_unit_test(test_yellow_and_mark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
