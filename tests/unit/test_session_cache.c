/*
 * test_session_cache.c — the in-process session memory (domain/session_cache.c):
 * a hit returns what was stored (copied into the caller's arena), expiry and
 * invalidation make misses, and a lookup that overlapped an invalidation
 * cannot store its possibly stale answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "domain/identity/session_cache.h"

static const char *HASH_A = "aaaaaaaa00000000000000000000000000000000000000000000000000000001";
static const char *HASH_B = "bbbbbbbb00000000000000000000000000000000000000000000000000000002";

static gg_auth_t sample(gg_grant_t grants[2])
{
    grants[0] = (gg_grant_t){.id = 3,
                             .role = "grid_worker",
                             .perms = 5,
                             .unit_id = 70,
                             .unit_path = "/1/7/70/",
                             .unit_code = "420204001001001",
                             .unit_name = "第一网格"};
    grants[1] = (gg_grant_t){.id = 9,
                             .role = "community",
                             .perms = 6,
                             .unit_id = 7,
                             .unit_path = "/1/7/",
                             .unit_code = "420204001001",
                             .unit_name = "团城山社区"};
    gg_auth_t a = {.account_id = 42,
                   .username = "zhang",
                   .display_name = "张网格",
                   .via_cookie = 1,
                   .ngrants = 2,
                   .grants = grants,
                   .perms_any = 7};
    snprintf(a.csrf, sizeof a.csrf, "csrf-token-value");
    return a;
}

static void test_hit_copies_into_the_arena(void **state)
{
    (void)state;
    gg_grant_t g[2];
    gg_auth_t in = sample(g);
    gg_session_cache_invalidate();
    gg_session_cache_put(HASH_A, &in, gg_session_cache_epoch(), 10000);

    gg_arena_t *a = gg_arena_new(0);
    gg_auth_t out = {0};
    assert_int_equal(gg_session_cache_get(HASH_A, 5000, a, &out), 1);
    assert_int_equal(out.account_id, 42);
    assert_string_equal(out.username, "zhang");
    assert_string_equal(out.display_name, "张网格");
    assert_string_equal(out.csrf, "csrf-token-value");
    assert_int_equal(out.ngrants, 2);
    assert_int_equal(out.perms_any, 7);
    assert_string_equal(out.grants[1].unit_name, "团城山社区");
    assert_string_equal(out.grants[0].unit_path, "/1/7/70/");
    /* the caller's copy is its own: changing it does not change the cache */
    out.grants[0].perms = 0;
    gg_auth_t again = {0};
    assert_int_equal(gg_session_cache_get(HASH_A, 5000, a, &again), 1);
    assert_int_equal(again.grants[0].perms, 5);
    /* another token is a miss, and a miss leaves auth alone */
    gg_auth_t miss = {.account_id = -1};
    assert_int_equal(gg_session_cache_get(HASH_B, 5000, a, &miss), 0);
    assert_int_equal(miss.account_id, -1);
    gg_arena_free(a);
}

static void test_expiry_and_invalidation(void **state)
{
    (void)state;
    gg_grant_t g[2];
    gg_auth_t in = sample(g);
    gg_arena_t *a = gg_arena_new(0);
    gg_auth_t out;
    gg_session_cache_put(HASH_A, &in, gg_session_cache_epoch(), 10000);
    assert_int_equal(gg_session_cache_get(HASH_A, 9999, a, &out), 1);
    assert_int_equal(gg_session_cache_get(HASH_A, 10000, a, &out), 0); /* valid_until is exclusive */

    gg_session_cache_put(HASH_A, &in, gg_session_cache_epoch(), 10000);
    gg_session_cache_invalidate();
    assert_int_equal(gg_session_cache_get(HASH_A, 1, a, &out), 0);
    gg_arena_free(a);
}

static void test_a_lookup_overlapping_an_invalidation_is_not_stored(void **state)
{
    (void)state;
    gg_grant_t g[2];
    gg_auth_t in = sample(g);
    gg_arena_t *a = gg_arena_new(0);
    gg_auth_t out;
    uint64_t before = gg_session_cache_epoch();       /* the request reads the epoch, then the database ... */
    gg_session_cache_invalidate();                    /* ... meanwhile a revocation commits ... */
    gg_session_cache_put(HASH_B, &in, before, 10000); /* ... and the request tries to remember what it read */
    assert_int_equal(gg_session_cache_get(HASH_B, 1, a, &out), 0);
    gg_arena_free(a);
}

static void test_too_many_grants_are_not_cached(void **state)
{
    (void)state;
    gg_grant_t many[20];
    for (int i = 0; i < 20; i++)
        many[i] =
            (gg_grant_t){.id = i, .role = "admin", .unit_path = "/1/", .unit_code = "0", .unit_name = "x"};
    gg_auth_t in = {.account_id = 1, .username = "u", .ngrants = 20, .grants = many};
    gg_arena_t *a = gg_arena_new(0);
    gg_auth_t out;
    gg_session_cache_put(HASH_A, &in, gg_session_cache_epoch(), 10000);
    assert_int_equal(gg_session_cache_get(HASH_A, 1, a, &out), 0);
    gg_arena_free(a);
}

/* Many threads filling, reading and invalidating at once (run under ASan/TSan-free UBSan in make check). */
static void *churn(void *arg)
{
    int id = (int)(intptr_t)arg;
    gg_grant_t g[2];
    gg_auth_t in = sample(g);
    gg_arena_t *a = gg_arena_new(0);
    char hash[65];
    for (int i = 0; i < 20000; i++) {
        snprintf(hash, sizeof hash, "%08x%056d", (unsigned)(i * 7 + id), i);
        gg_session_cache_put(hash, &in, gg_session_cache_epoch(), 1000000);
        gg_auth_t out;
        if (gg_session_cache_get(hash, 1, a, &out) == 1 && strcmp(out.username, "zhang") != 0)
            return (void *)1;
        if (i % 1000 == 0) gg_session_cache_invalidate();
        if (i % 256 == 0) gg_arena_reset(a);
    }
    gg_arena_free(a);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, churn, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        assert_null(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_copies_into_the_arena),
        cmocka_unit_test(test_expiry_and_invalidation),
        cmocka_unit_test(test_a_lookup_overlapping_an_invalidation_is_not_stored),
        cmocka_unit_test(test_too_many_grants_are_not_cached),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests_name("session_cache", tests, NULL, NULL);
}
