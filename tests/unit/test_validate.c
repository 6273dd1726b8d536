/* test_validate.c — ID numbers (GB 11643), phone numbers, dates and typed text (domain/validate.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "domain/validate.h"

#define TODAY "2026-11-23"

/* Build a valid number from its first 17 digits. */
static const char *with_check(const char *first17)
{
    static char buf[19];
    snprintf(buf, sizeof buf, "%.17s%c", first17, gg_id_number_check_char(first17));
    return buf;
}

static void check_char_known_values(void **state)
{
    (void)state;
    /* the worked example of GB 11643-1999 */
    assert_int_equal(gg_id_number_check_char("11010519491231002"), 'X');
    assert_int_equal(gg_id_number_check_char("4202041990030712"), 0);  /* 16 digits */
    assert_int_equal(gg_id_number_check_char("4202041990030712a"), 0); /* not a digit */
}

static void valid_numbers_and_what_they_say(void **state)
{
    (void)state;
    gg_error_t err;
    gg_id_info_t id;
    assert_int_equal(gg_id_number_check("11010519491231002X", "id_number", TODAY, &id, &err), 0);
    assert_string_equal(id.number, "11010519491231002X");
    assert_string_equal(id.area, "110105");
    assert_string_equal(id.birth_date, "1949-12-31");
    assert_string_equal(id.gender, "female"); /* 17th digit 2: even */
    /* a lower-case x is accepted and normalised */
    assert_int_equal(gg_id_number_check("11010519491231002x", "id_number", TODAY, &id, &err), 0);
    assert_string_equal(id.number, "11010519491231002X");
    /* odd 17th digit: male; a leap day */
    const char *n = with_check("42020420000229123");
    assert_int_equal(gg_id_number_check(n, "id_number", TODAY, &id, &err), 0);
    assert_string_equal(id.gender, "male");
    assert_string_equal(id.birth_date, "2000-02-29");
    /* born today is fine; out may be NULL */
    assert_int_equal(gg_id_number_check(with_check("65290120261123001"), "id_number", TODAY, NULL, &err), 0);
    /* Hong Kong / Macao / Taiwan residents' residence permits follow GB 11643 (81, 82, 83) */
    assert_int_equal(gg_id_number_check(with_check("83000019850101002"), "id_number", TODAY, NULL, &err), 0);
}

static void assert_refused(const char *number, const char *fragment)
{
    gg_error_t err;
    memset(&err, 0, sizeof err);
    assert_true(gg_id_number_check(number, "person.id_number", TODAY, NULL, &err) < 0);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.code, "validation_failed");
    assert_string_equal(err.field, "person.id_number");
    if (!strstr(err.message, fragment)) fail_msg("\"%s\" not in \"%s\"", fragment, err.message);
}

static void wrong_checksum(void **state)
{
    (void)state;
    assert_refused("110105194912310021", "check character");
    assert_refused("110105194912310020", "check character");
    /* a transposition of two neighbouring digits (here of the sequence number) is caught */
    char n[19];
    snprintf(n, sizeof n, "%s", with_check("42020419900307123"));
    char t = n[14];
    n[14] = n[15];
    n[15] = t;
    assert_refused(n, "check character");
    /* and so is any single mistyped digit */
    for (int pos = 0; pos < 17; pos++) {
        snprintf(n, sizeof n, "%s", with_check("42020419900307123"));
        n[pos] = n[pos] == '9' ? '8' : (char)(n[pos] + 1);
        gg_error_t err;
        assert_true(gg_id_number_check(n, "id_number", TODAY, NULL, &err) < 0);
    }
}

static void bad_shapes(void **state)
{
    (void)state;
    assert_refused("11010519491231002", "18 characters");
    assert_refused("11010519491231002XX", "18 characters");
    assert_refused("", "18 characters");
    assert_refused("1101051949123100AX", "digits");
    assert_refused("11010519491231002Y", "digit or X");
    assert_refused(" 11010519491231002", "digits");
    assert_refused(with_check("99010519491231002"), "province"); /* no province 99 */
    assert_refused(with_check("00010519491231002"), "province");
}

static void bad_dates(void **state)
{
    (void)state;
    assert_refused(with_check("42020419900230123"), "not a real date"); /* 30 February */
    assert_refused(with_check("42020419000229123"), "not a real date"); /* 1900 was not a leap year */
    assert_refused(with_check("42020419901301123"), "not a real date"); /* month 13 */
    assert_refused(with_check("42020419900100123"), "not a real date"); /* day 0 */
    assert_refused(with_check("42020420261124123"), "future");          /* tomorrow */
    assert_refused(with_check("42020430000101123"), "future");
    assert_refused(with_check("42020418791231123"), "early");
}

static void gender_from_the_17th_digit(void **state)
{
    (void)state;
    gg_error_t err;
    gg_id_info_t id;
    for (int d = 0; d <= 9; d++) {
        char first[18];
        snprintf(first, sizeof first, "4202041990030712%d", d);
        assert_int_equal(gg_id_number_check(with_check(first), "id_number", TODAY, &id, &err), 0);
        assert_string_equal(id.gender, d % 2 ? "male" : "female");
    }
}

static void phones(void **state)
{
    (void)state;
    gg_error_t err;
    const char *good[] = {"13812345678",  "19912345678",  "15000000000",
                          "027-87654321", "0714-6543210", "02787654321"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (gg_phone_valid(good[i], "phone", &err) != 0) fail_msg("%s refused: %s", good[i], err.message);
    const char *bad[] = {"12812345678",   "1381234567",  "138123456789", "138-1234-5678", "+8613812345678",
                         "138 1234 5678", "27-87654321", "0271234",      "-13812345678",  "abc"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        if (gg_phone_valid(bad[i], "contact.phone", &err) == 0) fail_msg("%s accepted", bad[i]);
        assert_int_equal(err.http_status, 400);
        assert_string_equal(err.field, "contact.phone");
    }
}

static void dates(void **state)
{
    (void)state;
    gg_error_t err;
    const char *good[] = {"2024-02-29", "2000-02-29", "1999-12-31", "2026-01-01", "0001-01-01"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(gg_date_valid(good[i], "date", &err), 0);
    const char *bad[] = {"2023-02-29",       "1900-02-29", "2024-04-31", "2024-13-01",
                         "2024-00-10",       "2024-1-01",  "2024/01/01", "20240101",
                         "2024-01-01T00:00", "",           "abcd-ef-gh", "2024-01-1x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        if (gg_date_valid(bad[i], "moved_in", &err) == 0) fail_msg("%s accepted", bad[i]);
        assert_string_equal(err.field, "moved_in");
        assert_non_null(strstr(err.message, "YYYY-MM-DD"));
    }
    /* 00:00 in Asia/Shanghai is 16:00 UTC the day before */
    assert_int_equal(gg_date_ms("1970-01-02"), 16LL * 3600 * 1000);
    assert_int_equal(gg_date_ms("2026-11-23"), 1795363200000LL);
    assert_int_equal(gg_date_ms("2026-02-30"), 0);
    char today[11];
    gg_today(today);
    assert_int_equal(gg_date_valid(today, "today", &err), 0);
    assert_int_equal(gg_age_years("1990-03-07", "2026-03-06"), 35);
    assert_int_equal(gg_age_years("1990-03-07", "2026-03-07"), 36);
    assert_int_equal(gg_age_years("2000-02-29", "2026-02-28"), 25);
}

static void text_fields(void **state)
{
    (void)state;
    gg_error_t err;
    gg_arena_t *a = gg_arena_new(1024);
    const char *s = "  王 小明\xe3\x80\x80 ";
    assert_int_equal(gg_text_field(a, &s, "name", 1, &err), 0);
    assert_string_equal(s, "王 小明");
    s = " \xe3\x80\x80 ";
    assert_true(gg_text_field(a, &s, "name", 1, &err) < 0);
    assert_string_equal(err.field, "name");
    s = "  ";
    assert_int_equal(gg_text_field(a, &s, "address", 0, &err), 0);
    assert_null(s);
    s = NULL;
    assert_int_equal(gg_text_field(a, &s, "address", 0, &err), 0);
    assert_true(gg_text_field(a, &s, "address", 1, &err) < 0);
    s = "a\tb";
    assert_true(gg_text_field(a, &s, "room", 0, &err) < 0);
    assert_non_null(strstr(err.message, "control"));
    static const char *const kinds[] = {"family", "collective", NULL};
    assert_int_equal(gg_choice_valid("family", kinds, "kind", &err), 0);
    assert_true(gg_choice_valid("tribe", kinds, "kind", &err) < 0);
    assert_string_equal(err.field, "kind");
    assert_non_null(strstr(err.message, "family, collective"));
    gg_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_char_known_values),
        cmocka_unit_test(valid_numbers_and_what_they_say),
        cmocka_unit_test(wrong_checksum),
        cmocka_unit_test(bad_shapes),
        cmocka_unit_test(bad_dates),
        cmocka_unit_test(gender_from_the_17th_digit),
        cmocka_unit_test(phones),
        cmocka_unit_test(dates),
        cmocka_unit_test(text_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
