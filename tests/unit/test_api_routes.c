/* test_api_routes.c — registering the API's routes: the whole table goes in once, and a route that
 * cannot be added (duplicate, conflicting parameter) fails the registration, naming the route. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "api/api.h"

static void h_any(gg_req_t *r)
{
    (void)r;
}

static void h_other(gg_req_t *r)
{
    (void)r;
}

static int match(gg_router_t *r, const char *method, const char *path, gg_handler_fn *fn)
{
    gg_arena_t *a = gg_arena_new(1024);
    gg_req_t req = {.arena = a, .method = gg_method_parse(method), .path = path};
    int rc = gg_router_match(r, &req, fn, NULL, 0);
    gg_arena_free(a);
    return rc;
}

/* The API's own table registers without a conflict, and a second registration into the same router
 * fails at its first route, naming it. */
static void whole_api(void **state)
{
    (void)state;
    gg_error_t err = {0};
    gg_router_t *r = gg_router_new();
    assert_int_equal(gg_api_register(r, &err), 0);
    gg_handler_fn fn = NULL;
    assert_int_equal(match(r, "POST", "/api/v1/residents", &fn), 0);
    assert_non_null(fn);
    assert_int_equal(match(r, "POST", "/api/v1/grids/7/assignments", &fn), 0);
    assert_int_equal(gg_api_register(r, &err), -1);
    assert_int_equal(err.http_status, 500);
    assert_non_null(strstr(err.message, "cannot register route GET /healthz"));
    gg_router_free(r);
}

/* A duplicate, a parameter named differently at the same place, and a duplicate upload route each
 * stop the table at that route: the message names it, the routes after it are not added, and the
 * route it collided with still answers. */
static void conflicts(void **state)
{
    (void)state;
    static const gg_api_route_t duplicate[] = {
        {"GET", "/api/v1/things/{id}", h_any, NULL, 0},
        {"GET", "/api/v1/things/{id}", h_other, NULL, 0},
        {"GET", "/api/v1/after-duplicate", h_any, NULL, 0},
    };
    static const gg_api_route_t renamed[] = {
        {"PATCH", "/api/v1/things/{thing_id}", h_other, NULL, 0},
    };
    static const gg_api_route_t upload[] = {
        {"POST", "/api/v1/imports/things", h_any, NULL, 1},
        {"POST", "/api/v1/imports/things", h_other, NULL, 1},
    };
    gg_error_t err = {0};
    gg_router_t *r = gg_router_new();
    gg_handler_fn fn = NULL;

    assert_int_equal(GG_API_ROUTES(r, duplicate, &err), -1);
    assert_non_null(strstr(err.message, "GET /api/v1/things/{id}"));
    assert_int_equal(match(r, "GET", "/api/v1/things/3", &fn), 0);
    assert_ptr_equal(fn, h_any);
    assert_int_equal(match(r, "GET", "/api/v1/after-duplicate", &fn), 404);

    assert_int_equal(GG_API_ROUTES(r, renamed, &err), -1);
    assert_non_null(strstr(err.message, "PATCH /api/v1/things/{thing_id}"));
    assert_int_equal(match(r, "PATCH", "/api/v1/things/3", &fn), 405);

    assert_int_equal(GG_API_ROUTES(r, upload, &err), -1);
    assert_non_null(strstr(err.message, "POST /api/v1/imports/things"));
    assert_int_equal(match(r, "POST", "/api/v1/imports/things", &fn), 0);
    assert_ptr_equal(fn, h_any);
    gg_router_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(whole_api), cmocka_unit_test(conflicts)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
