/* test_json.c — the JSON writer's escaping and structure, and the body reader's input rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "json/jparse.h"
#include "json/jw.h"
#include "core/clock.h"

static char *escaped(const char *s, size_t n)
{
    static gg_buf_t b;
    gg_buf_free(&b);
    gg_buf_init(&b, 16);
    gg_json_escape(&b, s, n);
    return b.data;
}

static void escape_specials(void **state)
{
    (void)state;
    assert_string_equal(escaped("a\"b\\c", 5), "a\\\"b\\\\c");
    assert_string_equal(escaped("\n\r\t\b\f", 5), "\\n\\r\\t\\b\\f");
    assert_string_equal(escaped("\x01\x1f", 2), "\\u0001\\u001f");
    assert_string_equal(escaped("</script>&", 10), "\\u003c/script\\u003e\\u0026");
    assert_string_equal(escaped("nul\0x", 5), "nul\\u0000x");
}

static void escape_utf8(void **state)
{
    (void)state;
    assert_string_equal(escaped("网格员", strlen("网格员")), "网格员");
    assert_string_equal(escaped("😀", 4), "😀");
    /* line/paragraph separators break JavaScript string literals */
    assert_string_equal(escaped("\xe2\x80\xa8\xe2\x80\xa9", 6), "\\u2028\\u2029");
    /* invalid sequences become U+FFFD, never raw bytes */
    assert_string_equal(escaped("a\xffz", 3), "a\xef\xbf\xbdz");
    assert_string_equal(escaped("\xc0\xaf", 2), "\xef\xbf\xbd\xef\xbf\xbd"); /* overlong '/' */
    assert_string_equal(escaped("\xed\xa0\x80", 3), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
    assert_string_equal(escaped("\xe7\xbd", 2), "\xef\xbf\xbd\xef\xbf\xbd");                 /* truncated */
}

static void writer_structure(void **state)
{
    (void)state;
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "name", "下陆区");
    gg_jw_kint(&w, "min", INT64_MIN);
    gg_jw_kint(&w, "max", INT64_MAX);
    gg_jw_knum(&w, "ratio", 0.1);
    gg_jw_kbool(&w, "ok", 1);
    gg_jw_knull(&w, "none");
    gg_jw_kstr(&w, "nullstr", NULL);
    gg_jw_key(&w, "list");
    gg_jw_arr(&w);
    gg_jw_int(&w, 1);
    gg_jw_arr(&w);
    gg_jw_arr_end(&w);
    gg_jw_obj(&w);
    gg_jw_obj_end(&w);
    gg_jw_str(&w, "x");
    gg_jw_arr_end(&w);
    gg_jw_knum(&w, "inf", 1.0 / 0.0);
    gg_jw_obj_end(&w);
    assert_string_equal(b.data,
                        "{\"name\":\"下陆区\",\"min\":-9223372036854775808,\"max\":9223372036854775807,"
                        "\"ratio\":0.1,\"ok\":true,\"none\":null,\"nullstr\":null,\"list\":[1,[],{},\"x\"],"
                        "\"inf\":null}");
    /* what we write, jansson reads back */
    json_error_t je;
    json_t *j = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
    assert_non_null(j);
    json_decref(j);
    gg_buf_free(&b);
}

static void writer_time(void **state)
{
    (void)state;
    char t[32];
    gg_time_rfc3339(1795392000000LL, t); /* 2026-11-23T00:00:00Z */
    assert_string_equal(t, "2026-11-23T08:00:00+08:00");
}

static void roundtrip_random_strings(void **state)
{
    (void)state;
    /* any byte string written by the writer parses as JSON */
    unsigned seed = 12345;
    for (int round = 0; round < 2000; round++) {
        unsigned char s[64];
        size_t n = (size_t)(round % 64);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = (unsigned char)(seed >> 16);
        }
        gg_buf_t b = {0};
        gg_jw_t w;
        gg_jw_init(&w, &b);
        gg_jw_arr(&w);
        gg_jw_strn(&w, (const char *)s, n);
        gg_jw_arr_end(&w);
        json_error_t je;
        json_t *j = json_loadb(b.data, b.len, JSON_ALLOW_NUL, &je);
        if (!j) fail_msg("writer produced invalid JSON: %s (%s)", b.data, je.text);
        json_decref(j);
        gg_buf_free(&b);
    }
}

static int parse(const char *s, gg_error_t *e)
{
    json_t *j = NULL;
    int rc = gg_json_parse_body(s, strlen(s), &j, e);
    if (j) json_decref(j);
    return rc;
}

static void reader_rules(void **state)
{
    (void)state;
    gg_error_t e;
    assert_int_equal(parse("{\"a\":1}", &e), 0);
    assert_true(parse("", &e) < 0);
    assert_int_equal(e.http_status, 400);
    assert_true(parse("{\"a\":1,\"a\":2}", &e) < 0);
    assert_non_null(strstr(e.message, "duplicate"));
    assert_true(parse("{\"a\":\"\xff\"}", &e) < 0);
    assert_non_null(strstr(e.message, "UTF-8"));
    assert_true(parse("[1]", &e) < 0);
    assert_non_null(strstr(e.message, "object"));
    assert_true(parse("{\"a\":\"\\u0000\"}", &e) < 0);
    assert_true(parse("{\"a\":1} x", &e) < 0);
    assert_true(parse("{\"a\":", &e) < 0);
    char deep[200] = "{\"a\":";
    for (int i = 0; i < 32; i++)
        strcat(deep, "[");
    for (int i = 0; i < 32; i++)
        strcat(deep, "]");
    strcat(deep, "}");
    assert_true(parse(deep, &e) < 0); /* 33 levels */
    assert_non_null(strstr(e.message, "deeper"));
    /* brackets inside strings do not count */
    assert_int_equal(parse("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}", &e), 0);
}

static int check_one(const char *text, const gg_field_t *f, int n, gg_error_t *e)
{
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    int rc = gg_json_check(j, f, n, "", e);
    json_decref(j);
    return rc;
}

static void schema_checks(void **state)
{
    (void)state;
    static const gg_field_t f[] = {
        {"name", GG_F_STR, 1, 1, 4, 0},
        {"age", GG_F_INT, 0, 0, 150, 0},
        {"lat", GG_F_NUM, 0, -90, 90, 0},
        {"note", GG_F_STR, 0, 0, 10, 1},
    };
    gg_error_t e;
#define CHECK(text) check_one(text, f, 4, &e)
    if (CHECK("{\"name\":\"网格员甲\",\"age\":30,\"lat\":30.2,\"note\":null}") != 0)
        fail_msg("%s", e.message);
    assert_true(CHECK("{\"age\":30}") < 0);
    assert_string_equal(e.field, "name");
    assert_true(CHECK("{\"name\":\"网格员甲乙\"}") < 0); /* 5 characters > 4 */
    assert_non_null(strstr(e.message, "too long"));
    assert_true(CHECK("{\"name\":\"\"}") < 0);
    assert_true(CHECK("{\"name\":\"a\",\"age\":\"30\"}") < 0);
    assert_string_equal(e.field, "age");
    assert_true(CHECK("{\"name\":\"a\",\"age\":151}") < 0);
    assert_true(CHECK("{\"name\":\"a\",\"lat\":91.5}") < 0);
    assert_string_equal(e.field, "lat");
    assert_true(CHECK("{\"name\":\"a\",\"color\":1}") < 0);
    assert_string_equal(e.field, "color");
    assert_non_null(strstr(e.message, "unknown field"));
#undef CHECK
}

static const char *num_text(double v)
{
    static gg_buf_t b;
    gg_buf_free(&b);
    gg_buf_init(&b, 16);
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_num(&w, v);
    return b.data;
}

/* numbers: the text round-trips, and is the shortest %g text that does (the fast fixed path agrees) */
static void writer_numbers(void **state)
{
    (void)state;
    assert_string_equal(num_text(0.1), "0.1");
    assert_string_equal(num_text(30.123456), "30.123456");
    assert_string_equal(num_text(-114.987654), "-114.987654");
    assert_string_equal(num_text(0.0005), "0.0005");
    assert_string_equal(num_text(0), "0");
    assert_string_equal(num_text(42), "42");
    assert_string_equal(num_text(1e-7), "1e-07");
    assert_string_equal(num_text(0.30000000000000004), "0.30000000000000004");
    srand(7);
    for (int i = 0; i < 200000; i++) {
        double v;
        switch (i % 4) {
        case 0:
            v = (rand() % 2000000000 - 1000000000) / 1e6;
            break; /* six decimals */
        case 1:
            v = (double)rand() / RAND_MAX * pow(10, rand() % 14 - 6);
            break; /* any */
        case 2:
            v = (rand() % 100000) / 100.0;
            break;
        default:
            v = ldexp((double)rand() * rand(), -(rand() % 60));
            break;
        }
        const char *t = num_text(v);
        assert_true(strtod(t, NULL) == v);
        char best[32] = "";
        for (int p = 1; p <= 17; p++) {
            snprintf(best, sizeof best, "%.*g", p, v);
            if (strtod(best, NULL) == v) break;
        }
        if (strlen(t) > strlen(best)) fail_msg("%.17g: %s, shortest %s", v, t, best);
    }
}

/* timestamps: the same text as gmtime_r would give, over a wide range */
static void writer_time_range(void **state)
{
    (void)state;
    srand(11);
    for (int i = 0; i < 100000; i++) {
        int64_t ms = (int64_t)((double)rand() / RAND_MAX * 7.0e12) + rand() % 1000;
        char got[32], want[96];
        gg_time_rfc3339(ms, got);
        time_t t = (time_t)(ms / 1000) + 8 * 3600;
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        assert_string_equal(got, want);
    }
}

/* strings: the writer's copy-as-is path gives exactly what gg_json_escape gives, over random UTF-8-ish bytes
 */
static void writer_strings_match_escape(void **state)
{
    (void)state;
    static const unsigned char pool[] = {'a',  ' ',  '"',  '\\', '<',  '&',  0x01, 0x7f, 0xe4,
                                         0xb8, 0x8b, 0xe2, 0x80, 0xa8, 0xa9, 0xed, 0xa0, 0xe0,
                                         0x9f, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9, 0xff};
    srand(5);
    for (int i = 0; i < 100000; i++) {
        char in[12];
        int n = rand() % (int)sizeof in;
        for (int j = 0; j < n; j++)
            in[j] = (char)pool[rand() % (int)sizeof pool];
        gg_buf_t a = {0}, b = {0};
        gg_buf_init(&a, 16);
        gg_buf_init(&b, 16);
        gg_jw_t w;
        gg_jw_init(&w, &a);
        gg_jw_strn(&w, in, (size_t)n);
        gg_buf_putc(&b, '"');
        gg_json_escape(&b, in, (size_t)n);
        gg_buf_putc(&b, '"');
        assert_string_equal(a.data, b.data);
        gg_buf_free(&a);
        gg_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape_specials),   cmocka_unit_test(escape_utf8),
        cmocka_unit_test(writer_structure),  cmocka_unit_test(writer_time),
        cmocka_unit_test(writer_numbers),    cmocka_unit_test(writer_strings_match_escape),
        cmocka_unit_test(writer_time_range), cmocka_unit_test(roundtrip_random_strings),
        cmocka_unit_test(reader_rules),      cmocka_unit_test(schema_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
