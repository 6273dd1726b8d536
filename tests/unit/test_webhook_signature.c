/* test_webhook_signature.c — the signature scheme of webhooks, 12345 pushes and camera alarms
 * (domain/webhook.h: gg_webhook_sign, gg_webhook_verify): a known vector, the window, tampering, malformed
 * headers, each refusal naming the header with its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/webhook.h"

#define SECRET "test-secret-of-sixteen+"
#define BODY "{\"a\":1}"

static void known_vector(void **state)
{
    (void)state;
    char sig[GG_WEBHOOK_SIGNATURE_MAX];
    gg_webhook_sign("key", 1700000000, BODY, strlen(BODY), sig);
    /* python3: hmac.new(b"key", b"1700000000." + b'{"a":1}', hashlib.sha256).hexdigest() */
    assert_string_equal(sig,
                        "t=1700000000,v1=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03");
}

static void round_trip_and_refusals(void **state)
{
    (void)state;
    gg_error_t err = {0};
    char sig[GG_WEBHOOK_SIGNATURE_MAX];
    int64_t now = 1700000000;
    gg_webhook_sign(SECRET, now, BODY, strlen(BODY), sig);
    assert_int_equal(gg_webhook_verify(SECRET, sig, BODY, strlen(BODY), now + 299, 300, "X-Sig", &err), 0);
    /* another body, another secret */
    assert_true(gg_webhook_verify(SECRET, sig, "{\"a\":2}", 7, now, 300, "X-Sig", &err) < 0);
    assert_int_equal(err.http_status, 401);
    assert_string_equal(err.field, "X-Sig");
    assert_string_equal(err.reason, "bad_signature");
    assert_true(gg_webhook_verify("other-secret-of-16+", sig, BODY, strlen(BODY), now, 300, "X-Sig", &err) <
                0);
    assert_int_equal(err.http_status, 401);
    /* outside the window, either way */
    assert_true(gg_webhook_verify(SECRET, sig, BODY, strlen(BODY), now + 301, 300, "X-Sig", &err) < 0);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.reason, "stale");
    assert_true(gg_webhook_verify(SECRET, sig, BODY, strlen(BODY), now - 301, 300, "X-Sig", &err) < 0);
    assert_string_equal(err.reason, "stale");
    /* malformed and missing */
    const char *bad[] = {"v1=abc", "t=1700000000", "t=x,v1=00", "t=1700000000,v1=zz", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(gg_webhook_verify(SECRET, bad[i], BODY, strlen(BODY), now, 300, "X-Sig", &err) < 0);
        assert_string_equal(err.field, "X-Sig");
    }
    assert_true(gg_webhook_verify(SECRET, NULL, BODY, strlen(BODY), now, 300, "X-Sig", &err) < 0);
    assert_int_equal(err.http_status, 401);
    assert_string_equal(err.reason, "required");
    /* upper-case hex is the same signature */
    char upper[GG_WEBHOOK_SIGNATURE_MAX];
    strcpy(upper, sig);
    for (char *p = strstr(upper, "v1=") + 3; *p; p++)
        if (*p >= 'a' && *p <= 'f') *p = (char)(*p - 'a' + 'A');
    assert_int_equal(gg_webhook_verify(SECRET, upper, BODY, strlen(BODY), now, 300, "X-Sig", &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_vector),
        cmocka_unit_test(round_trip_and_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
