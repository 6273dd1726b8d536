/* test_core_form.c — the form-encoded body parser (core/form.h): decoding, empty pieces, attribute keys, and
 * what it refuses (bad escapes, NUL, not UTF-8, too many pairs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/form.h"

static void decodes_pairs(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(1024);
    gg_form_t f;
    gg_error_t err;
    const char *body =
        "api_key=k1&&description=%E8%B7%AF+%E8%BE%B9&lat=25.02&flag&attribute%5Bt%5D=household&";
    assert_int_equal(gg_form_parse(a, body, strlen(body), 10, &f, &err), 0);
    assert_int_equal(f.n, 5);
    assert_string_equal(gg_form_get(&f, "api_key"), "k1");
    assert_string_equal(gg_form_get(&f, "description"), "路 边");
    assert_string_equal(gg_form_get(&f, "flag"), "");
    assert_string_equal(gg_form_get(&f, "attribute[t]"), "household");
    assert_null(gg_form_get(&f, "missing"));
    assert_int_equal(gg_form_parse(a, NULL, 0, 10, &f, &err), 0);
    assert_int_equal(f.n, 0);
    gg_arena_free(a);
}

static void refuses(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(1024);
    gg_form_t f;
    gg_error_t err;
    const char *bad[] = {"a=%zz", "a=%4", "a=%", "a=%00", "a=%FF%FE", "=v"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(gg_form_parse(a, bad[i], strlen(bad[i]), 10, &f, &err) < 0);
        assert_int_equal(err.http_status, 400);
        assert_string_equal(err.field, "body");
    }
    assert_true(gg_form_parse(a, "a=1&b=2&c=3", 11, 2, &f, &err) < 0);
    assert_string_equal(err.reason, "too_many");
    gg_arena_free(a);
}

static void attribute_keys(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(1024);
    const char *code;
    int list;
    assert_int_equal(gg_form_attribute(a, "attribute[rubbish_type]", &code, &list), 1);
    assert_string_equal(code, "rubbish_type");
    assert_int_equal(list, 0);
    assert_int_equal(gg_form_attribute(a, "attribute[goods][]", &code, &list), 1);
    assert_string_equal(code, "goods");
    assert_int_equal(list, 1);
    assert_int_equal(gg_form_attribute(a, "api_key", &code, &list), 0);
    assert_int_equal(gg_form_attribute(a, "attribute[]", &code, &list), -1);
    assert_int_equal(gg_form_attribute(a, "attribute[x", &code, &list), -1);
    assert_int_equal(gg_form_attribute(a, "attribute[x]y", &code, &list), -1);
    assert_int_equal(gg_form_attribute(a, "attribute[x][][]", &code, &list), -1);
    gg_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_pairs),
        cmocka_unit_test(refuses),
        cmocka_unit_test(attribute_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
