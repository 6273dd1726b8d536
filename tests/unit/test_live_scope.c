/* test_live_scope.c — the live stream's in-memory visibility rule (domain/live.h: gg_live_visible), the twin
 * of gg_case_visible_sql: case.read on the location or owner path, case.handle on a task unit's path, or the
 * reporter; nothing for no caller, no scope or a scope of other places. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/live.h"

#define SCOPE "u=/1/7/93/;o=/1/7/;r=12;t=/1/8/5/,/1/9/"

static gg_auth_t caller(gg_grant_t *g, int n, int64_t account)
{
    gg_auth_t a = {.account_id = account, .ngrants = n, .grants = g};
    for (int i = 0; i < n; i++)
        a.perms_any |= g[i].perms;
    return a;
}

static void by_area_task_or_reporter(void **state)
{
    (void)state;
    gg_grant_t street = {.perms = GG_P_CASE_READ, .unit_path = "/1/7/"};
    gg_auth_t a = caller(&street, 1, 1);
    assert_true(gg_live_visible(&a, SCOPE)); /* location and owner inside the street */

    gg_grant_t grid = {.perms = GG_P_CASE_READ, .unit_path = "/1/7/93/"};
    a = caller(&grid, 1, 1);
    assert_true(gg_live_visible(&a, SCOPE)); /* the location itself */

    gg_grant_t other = {.perms = GG_P_CASE_READ, .unit_path = "/1/70/"};
    a = caller(&other, 1, 1);
    assert_false(gg_live_visible(&a, SCOPE)); /* a sibling whose path only starts alike */

    gg_grant_t dept = {.perms = GG_P_CASE_HANDLE, .unit_path = "/1/9/"};
    a = caller(&dept, 1, 1);
    assert_true(gg_live_visible(&a, SCOPE)); /* the second task unit */

    gg_grant_t reads_task = {.perms = GG_P_CASE_READ, .unit_path = "/1/8/5/"};
    a = caller(&reads_task, 1, 1);
    assert_false(gg_live_visible(&a, SCOPE)); /* a task unit counts for case.handle only */

    a = caller(NULL, 0, 12);
    assert_true(gg_live_visible(&a, SCOPE)); /* the reporter */
    a = caller(NULL, 0, 13);
    assert_false(gg_live_visible(&a, SCOPE));
    a = caller(NULL, 0, 1);
    assert_false(gg_live_visible(&a, SCOPE));
}

static void nothing_for_no_caller_or_scope(void **state)
{
    (void)state;
    gg_grant_t all = {.perms = GG_P_ALL, .unit_path = "/1/"};
    gg_auth_t a = caller(&all, 1, 1);
    assert_false(gg_live_visible(NULL, SCOPE));
    assert_false(gg_live_visible(&a, NULL));
    assert_false(gg_live_visible(&a, ""));
    assert_true(gg_live_visible(&a, "u=/1/2/;o=/1/;r=0;t="));
    a = caller(NULL, 0, 0);
    assert_false(gg_live_visible(&a, "u=/1/2/;o=/1/;r=0;t=")); /* r=0 is nobody */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(by_area_task_or_reporter),
        cmocka_unit_test(nothing_for_no_caller_or_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
