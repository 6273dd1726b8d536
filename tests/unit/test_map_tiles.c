/*
 * test_map_tiles.c — the map tile settings (src/core/map_tiles.c): the CSP
 * img-src sources a template turns into (the page may load images from those
 * hosts and no other), and the templates refused before a server starts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/map_tiles.h"

static const char *csp_of(const char *url, const char *overlay, const char *subdomains)
{
    static char out[2 * GG_TILE_URL_MAX + 8];
    gg_map_tiles_t t;
    gg_error_t err;
    gg_map_tiles_defaults(&t);
    if (url) assert_int_equal(gg_map_tiles_set(&t, "map_tiles", url, "test", &err), 0);
    if (overlay) assert_int_equal(gg_map_tiles_set(&t, "map_tiles_overlay", overlay, "test", &err), 0);
    if (subdomains)
        assert_int_equal(gg_map_tiles_set(&t, "map_tiles_subdomains", subdomains, "test", &err), 0);
    assert_int_equal(gg_map_tiles_check(&t, &err), 0);
    gg_map_tiles_csp(&t, out, sizeof out);
    return out;
}

static void test_csp_sources(void **state)
{
    (void)state;
    assert_string_equal(csp_of(NULL, NULL, NULL), "");
    assert_string_equal(csp_of("none", NULL, NULL), "");
    assert_string_equal(csp_of("osm", NULL, NULL), " https://*.tile.openstreetmap.org");
    assert_string_equal(
        csp_of("https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k",
               "https://t{s}.tianditu.gov.cn/cva_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k",
               "01234567"),
        " https://*.tianditu.gov.cn https://*.tianditu.gov.cn");
    assert_string_equal(csp_of("http://10.1.2.3:8081/t/{z}/{x}/{y}.png", NULL, NULL),
                        " http://10.1.2.3:8081");
    assert_string_equal(csp_of("https://tiles.example.gov.cn/{z}/{y}/{x}", NULL, NULL),
                        " https://tiles.example.gov.cn");
}

static void refused(const char *key, const char *value, const char *words)
{
    gg_map_tiles_t t;
    gg_error_t err;
    gg_map_tiles_defaults(&t);
    assert_true(gg_map_tiles_set(&t, key, value, "GRIDGOV_X", &err) < 0);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.field, key);
    assert_non_null(strstr(err.message, "GRIDGOV_X: "));
    if (!strstr(err.message, words)) fail_msg("\"%s\" not in \"%s\"", words, err.message);
}

static void test_refused(void **state)
{
    (void)state;
    refused("map_tiles", "tiles.example.cn/{z}/{x}/{y}", "https://");
    refused("map_tiles", "https://tiles.example.cn/{z}/{x}", "{y}");
    refused("map_tiles", "https://tiles.example.cn/{z}/{x}/{y}?{key}", "placeholders");
    refused("map_tiles", "https://tiles.example.cn/{z}/{x}/{y} 'unsafe-inline'", "quotes");
    refused("map_tiles", "https://tiles.example.cn/{z}/{x}/{y};script-src", "';'");
    refused("map_tiles", "https://a.{s}.example.cn/{z}/{x}/{y}", "first part");
    refused("map_tiles", "https:///{z}/{x}/{y}", "host name");
    refused("map_tiles_subdomains", "a b", "letters or digits");
    refused("map_tiles_max_zoom", "0", "1 to 22");
    refused("map_tiles_attribution", "a\nb", "control characters");
    gg_map_tiles_t t;
    gg_error_t err;
    gg_map_tiles_defaults(&t);
    assert_int_equal(gg_map_tiles_set(&t, "map_tiles", "https://{s}.t.example.cn/{z}/{x}/{y}", "f", &err), 0);
    assert_true(gg_map_tiles_check(&t, &err) < 0);
    assert_string_equal(err.field, "map_tiles_subdomains");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csp_sources),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests_name("map_tiles", tests, NULL, NULL);
}
