/* test_router.c — route matching, parameters, 404/405 with Allow, path safety and MIME types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/http.h"

static void h_list(gg_req_t *r)
{
    (void)r;
}
static void h_get(gg_req_t *r)
{
    (void)r;
}
static void h_search(gg_req_t *r)
{
    (void)r;
}
static void h_children(gg_req_t *r)
{
    (void)r;
}
static void h_post(gg_req_t *r)
{
    (void)r;
}

static gg_router_t *make(void)
{
    gg_router_t *r = gg_router_new();
    assert_int_equal(gg_router_add(r, "GET", "/api/v1/units", h_list, NULL), 0);
    assert_int_equal(gg_router_add(r, "POST", "/api/v1/units", h_post, NULL), 0);
    assert_int_equal(gg_router_add(r, "GET", "/api/v1/units/{id}", h_get, "get"), 0);
    assert_int_equal(gg_router_add(r, "GET", "/api/v1/units/search", h_search, NULL), 0);
    assert_int_equal(gg_router_add(r, "GET", "/api/v1/units/{id}/children", h_children, NULL), 0);
    return r;
}

static int match(gg_router_t *r, gg_arena_t *a, const char *method, const char *path, gg_req_t *req,
                 gg_handler_fn *fn, char *allow)
{
    memset(req, 0, sizeof *req);
    req->arena = a;
    req->method = gg_method_parse(method);
    req->path = path;
    return gg_router_match(r, req, fn, allow, 96);
}

static void routes(void **state)
{
    (void)state;
    gg_router_t *r = make();
    gg_arena_t *a = gg_arena_new(1024);
    gg_req_t req;
    gg_handler_fn fn;
    char allow[96];
    assert_int_equal(match(r, a, "GET", "/api/v1/units", &req, &fn, allow), 0);
    assert_ptr_equal(fn, h_list);
    assert_int_equal(match(r, a, "GET", "/api/v1/units/", &req, &fn, allow), 0); /* trailing slash */
    assert_int_equal(match(r, a, "GET", "/api/v1/units/42", &req, &fn, allow), 0);
    assert_ptr_equal(fn, h_get);
    assert_string_equal(gg_req_param(&req, "id"), "42");
    assert_string_equal(req.route_data, "get");
    assert_int_equal(match(r, a, "GET", "/api/v1/units/search", &req, &fn, allow), 0);
    assert_ptr_equal(fn, h_search); /* literal beats parameter */
    assert_int_equal(match(r, a, "GET", "/api/v1/units/7/children", &req, &fn, allow), 0);
    assert_ptr_equal(fn, h_children);
    assert_string_equal(gg_req_param(&req, "id"), "7");
    assert_int_equal(match(r, a, "HEAD", "/api/v1/units/7", &req, &fn, allow), 0); /* HEAD -> GET */
    assert_int_equal(match(r, a, "GET", "/api/v1/nothing", &req, &fn, allow), 404);
    assert_int_equal(match(r, a, "GET", "/api/v1/units/7/children/9", &req, &fn, allow), 404);
    assert_int_equal(match(r, a, "GET", "/api//v1", &req, &fn, allow), 404);
    assert_int_equal(match(r, a, "DELETE", "/api/v1/units", &req, &fn, allow), 405);
    assert_string_equal(allow, "GET, HEAD, POST");
    assert_int_equal(match(r, a, "BREW", "/api/v1/units", &req, &fn, allow), 405);
    /* bad patterns are refused at registration */
    assert_true(gg_router_add(r, "GET", "no-slash", h_get, NULL) < 0);
    assert_true(gg_router_add(r, "GET", "/api/v1/units/{key}", h_get, NULL) < 0);
    /* a name that is a prefix of the one already there is a different name too ({id} vs {idx}) */
    assert_true(gg_router_add(r, "GET", "/api/v1/units/{i}/children/x", h_get, NULL) < 0);
    assert_true(gg_router_add(r, "POST", "/api/v1/units/{idx}", h_post, NULL) < 0);
    assert_true(gg_router_add(r, "POST", "/api/v1/units/{id}/children", h_post, NULL) == 0);
    assert_true(gg_router_add(r, "GET", "/api/v1/units", h_get, NULL) < 0); /* duplicate */
    assert_true(gg_router_add(r, "FOO", "/x", h_get, NULL) < 0);
    gg_arena_free(a);
    gg_router_free(r);
}

static void path_safety(void **state)
{
    (void)state;
    assert_true(gg_path_is_safe("/index.html"));
    assert_true(gg_path_is_safe("/assets/a..b.js"));
    assert_true(gg_path_is_safe("/"));
    assert_false(gg_path_is_safe("/../etc/passwd"));
    assert_false(gg_path_is_safe("/assets/../../x"));
    assert_false(gg_path_is_safe("/a/.."));
    assert_false(gg_path_is_safe("/a\\..\\b"));
    assert_false(gg_path_is_safe("/a\nb"));
    assert_string_equal(gg_mime_type("/assets/app.js"), "text/javascript; charset=utf-8");
    assert_string_equal(gg_mime_type("/index.HTML"), "text/html; charset=utf-8");
    assert_string_equal(gg_mime_type("/x.unknown"), "application/octet-stream");
    assert_string_equal(gg_mime_type("/dir.v1/file"), "application/octet-stream");
}

static void arena(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(64);
    char *big = gg_alloc(a, 100000); /* larger than a block */
    memset(big, 1, 100000);
    for (int i = 0; i < 1000; i++) {
        char *s = gg_sprintf(a, "grid-%d", i);
        assert_int_equal(((uintptr_t)s) % 16, 0);
        assert_string_equal(s, gg_sprintf(a, "grid-%d", i));
    }
    gg_arena_reset(a);
    assert_string_equal(gg_strndup(a, "abcdef", 3), "abc");
    gg_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(routes), cmocka_unit_test(path_safety),
                                       cmocka_unit_test(arena)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
