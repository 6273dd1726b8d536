/*
 * test_proxy.c — trusted proxies and X-Forwarded-For (http/proxy.c): ranges
 * parse or are refused naming the entry, and the client is the rightmost
 * forwarded address that is not a trusted proxy — never what an untrusted peer
 * claims.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "http/proxy.h"

static void test_parse(void **state)
{
    (void)state;
    gg_netlist_t l;
    gg_error_t err;
    assert_int_equal(gg_netlist_parse(&l, "", "trusted_proxies", &err), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(gg_netlist_parse(&l, " 127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8", "trusted_proxies", &err),
                     0);
    assert_int_equal(l.n, 4);
    assert_true(gg_netlist_contains(&l, "10.200.3.4"));
    assert_true(gg_netlist_contains(&l, "127.0.0.1"));
    assert_false(gg_netlist_contains(&l, "127.0.0.2"));
    assert_false(gg_netlist_contains(&l, "11.0.0.1"));
    assert_true(gg_netlist_contains(&l, "::1"));
    assert_true(gg_netlist_contains(&l, "fd12::5"));
    assert_false(gg_netlist_contains(&l, "fe80::1"));
    assert_false(gg_netlist_contains(&l, "not an address"));

    const char *bad[] = {"10.0.0.0/33", "10.0.0.0/", "localhost", "10.0.0.0/8x", "1.2.3.4.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(gg_netlist_parse(&l, bad[i], "trusted_proxies", &err) < 0);
        assert_string_equal(err.field, "trusted_proxies");
        assert_non_null(strstr(err.message, bad[i]));
    }
    assert_int_equal(gg_netlist_parse(&l, "192.168.1.0/23", "k", &err), 0); /* a prefix not on a byte */
    assert_true(gg_netlist_contains(&l, "192.168.0.200"));
    assert_false(gg_netlist_contains(&l, "192.168.2.1"));
}

static void test_forwarded_client(void **state)
{
    (void)state;
    gg_netlist_t l;
    gg_error_t err;
    char out[48];
    assert_int_equal(gg_netlist_parse(&l, "127.0.0.1, 10.0.0.0/8", "k", &err), 0);
    /* an untrusted peer: its header is ignored */
    gg_forwarded_client(&l, "198.51.100.9", "203.0.113.7", out, sizeof out);
    assert_string_equal(out, "198.51.100.9");
    /* a trusted proxy: the client it names */
    gg_forwarded_client(&l, "127.0.0.1", "203.0.113.7", out, sizeof out);
    assert_string_equal(out, "203.0.113.7");
    /* a chain: a forged first entry, the client, then an inner trusted proxy */
    gg_forwarded_client(&l, "127.0.0.1", "6.6.6.6, 203.0.113.7 , 10.1.2.3", out, sizeof out);
    assert_string_equal(out, "203.0.113.7");
    /* no header, empty header, garbage: the proxy's own address */
    gg_forwarded_client(&l, "127.0.0.1", NULL, out, sizeof out);
    assert_string_equal(out, "127.0.0.1");
    gg_forwarded_client(&l, "127.0.0.1", "", out, sizeof out);
    assert_string_equal(out, "127.0.0.1");
    gg_forwarded_client(&l, "127.0.0.1", "203.0.113.7, <script>", out, sizeof out);
    assert_string_equal(out, "127.0.0.1");
    /* IPv6 written in a long form comes back canonical (one key per client for rate limits) */
    gg_forwarded_client(&l, "127.0.0.1", "2001:0db8:0000:0000:0000:0000:0000:0001", out, sizeof out);
    assert_string_equal(out, "2001:db8::1");
    /* nothing trusted: never believed */
    gg_netlist_t none = {0};
    gg_forwarded_client(&none, "127.0.0.1", "203.0.113.7", out, sizeof out);
    assert_string_equal(out, "127.0.0.1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_forwarded_client),
    };
    return cmocka_run_group_tests_name("proxy", tests, NULL, NULL);
}
