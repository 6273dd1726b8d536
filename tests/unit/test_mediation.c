/*
 * test_mediation.c — the pure parts of the mediation measures (domain/mediation/measures.c): the percent
 * rounded half up to one decimal in integers (1,509 / 1,515 = 99.6), and the four measures with their
 * numerators, denominators and "no value" for a zero denominator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/mediation/measures.h"

static void percent_rounds_half_up(void **state)
{
    (void)state;
    assert_true(gg_mediation_percent(1509, 1515) == 99.6);
    assert_true(gg_mediation_percent(1503, 1509) == 99.6);
    assert_true(gg_mediation_percent(1, 1) == 100.0);
    assert_true(gg_mediation_percent(1, 8) == 12.5); /* 12.5 exactly */
    assert_true(gg_mediation_percent(1, 16) == 6.3); /* 6.25 → 6.3 (half up) */
    assert_true(gg_mediation_percent(1, 3) == 33.3); /* 33.33 */
    assert_true(gg_mediation_percent(2, 3) == 66.7); /* 66.67 */
    assert_true(gg_mediation_percent(0, 7) == 0.0);
}

static void measures_name_their_denominators(void **state)
{
    (void)state;
    gg_med_counts_t c = {.registered = 1515,
                         .mediated = 1515,
                         .success = 1509,
                         .agreements = 1509,
                         .performed = 1509,
                         .closed = 0};
    gg_med_measure_t m[GG_MED_NMEASURES];
    gg_mediation_measures(&c, m);
    assert_string_equal(m[1].code, "success_rate");
    assert_int_equal(m[1].numerator, 1509);
    assert_int_equal(m[1].denominator, 1515);
    assert_true(m[1].has_value && m[1].value == 99.6);
    assert_string_equal(m[2].code, "performance_rate"); /* over the disputes mediated (docs/mediation.md) */
    assert_int_equal(m[2].numerator, 1509);
    assert_int_equal(m[2].denominator, 1515);
    assert_true(m[2].value == 99.6);
    assert_string_equal(m[3].code, "on_time_rate");
    assert_false(m[3].has_value); /* nothing closed: "—", not 0 % */
    assert_non_null(strstr(m[1].formula_zh, "÷"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percent_rounds_half_up),
        cmocka_unit_test(measures_name_their_denominators),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
