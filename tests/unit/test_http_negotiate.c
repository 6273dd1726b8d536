/* test_http_negotiate.c — Accept-Encoding q-values, If-None-Match lists and byte ranges (http/negotiate.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/negotiate.h"

static void test_accept_encoding_q_values(void **state)
{
    (void)state;
    assert_int_equal(gg_accept_q("gzip, deflate, br", "br"), 1000);
    assert_int_equal(gg_accept_q("gzip;q=0.5, br;q=0.25", "gzip"), 500);
    assert_int_equal(gg_accept_q("gzip;q=0.5, br;q=0.25", "br"), 250);
    assert_int_equal(gg_accept_q("gzip;q=0.5", "br"), -1);        /* not mentioned */
    assert_int_equal(gg_accept_q("*;q=0.3, gzip", "br"), 300);    /* "*" covers the rest */
    assert_int_equal(gg_accept_q("*;q=0.3, gzip", "gzip"), 1000); /* its own entry wins over "*" */
    assert_int_equal(gg_accept_q("br;q=0", "br"), 0);
    assert_int_equal(gg_accept_q("GZip ; Q=1.0", "gzip"), 1000);
    assert_int_equal(gg_accept_q("gzip;level=9;q=0.125", "gzip"), 125);
    assert_int_equal(gg_accept_q("gzipper", "gzip"), -1);
    assert_int_equal(gg_accept_q("", "gzip"), -1);
    assert_int_equal(gg_accept_q(" , ;;q=,", "gzip"), -1);
    /* a parameter list that ends at a ";" was read past the end of the header (found by fuzz_negotiate) */
    char *tail = strdup("gzip;");
    assert_int_equal(gg_accept_q(tail, "gzip"), 1000);
    free(tail);
    tail = strdup("br;q=0.5; ");
    assert_int_equal(gg_accept_q(tail, "br"), 500);
    free(tail);
}

static void test_if_none_match_lists(void **state)
{
    (void)state;
    assert_true(gg_etag_listed("\"a-1g\"", "\"a-1g\""));
    assert_true(gg_etag_listed("\"x\", W/\"a-1g\"", "\"a-1g\""));
    assert_true(gg_etag_listed("*", "\"a-1g\""));
    assert_false(gg_etag_listed("\"a-1\"", "\"a-1g\""));
    assert_false(gg_etag_listed("\"a-1g\"x", "\"a-1g\""));
    assert_false(gg_etag_listed("", "\"a\""));
}

static void test_single_byte_ranges(void **state)
{
    (void)state;
    uint64_t from = 0, len = 0;
    assert_int_equal(gg_byte_range("bytes=0-9", 100, &from, &len), 1);
    assert_true(from == 0 && len == 10);
    assert_int_equal(gg_byte_range("bytes=90-", 100, &from, &len), 1);
    assert_true(from == 90 && len == 10);
    assert_int_equal(gg_byte_range("bytes=-5", 100, &from, &len), 1);
    assert_true(from == 95 && len == 5);
    assert_int_equal(gg_byte_range("bytes=-500", 100, &from, &len), 1); /* the whole file */
    assert_true(from == 0 && len == 100);
    assert_int_equal(gg_byte_range("bytes=50-5000", 100, &from, &len), 1); /* cut at the end */
    assert_true(from == 50 && len == 50);
    assert_int_equal(gg_byte_range("bytes=100-", 100, &from, &len), -1);
    assert_int_equal(gg_byte_range("bytes=-0", 100, &from, &len), -1);
    assert_int_equal(gg_byte_range("bytes=0-", 0, &from, &len), -1);
    assert_int_equal(gg_byte_range(NULL, 100, &from, &len), 0);
    assert_int_equal(gg_byte_range("bytes=0-1,5-6", 100, &from, &len), 0); /* several: the whole file */
    assert_int_equal(gg_byte_range("bytes=9-2", 100, &from, &len), 0);
    assert_int_equal(gg_byte_range("items=0-1", 100, &from, &len), 0);
    assert_int_equal(gg_byte_range("bytes=a-b", 100, &from, &len), 0);
    assert_int_equal(gg_byte_range("bytes=1-2x", 100, &from, &len), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_encoding_q_values),
        cmocka_unit_test(test_if_none_match_lists),
        cmocka_unit_test(test_single_byte_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
