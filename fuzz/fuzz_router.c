/* fuzz_router.c — arbitrary paths against a realistic route table, and the
 * static-path safety check.  A path the checker calls safe never contains a ".." segment. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

static void h(gg_req_t *r)
{
    (void)r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gg_router_t *r;
    if (!r) {
        r = gg_router_new();
        gg_router_add(r, "GET", "/api/v1/units", h, NULL);
        gg_router_add(r, "GET", "/api/v1/units/{id}", h, NULL);
        gg_router_add(r, "GET", "/api/v1/units/{id}/children", h, NULL);
        gg_router_add(r, "GET", "/api/v1/units/search", h, NULL);
        gg_router_add(r, "DELETE", "/api/v1/accounts/{id}/grants/{grant_id}", h, NULL);
        gg_router_add(r, "POST", "/api/v1/session", h, NULL);
    }
    if (size > 4096) return 0;
    char *path = malloc(size + 1);
    memcpy(path, data, size);
    path[size] = 0;
    gg_arena_t *a = gg_arena_new(1024);
    gg_req_t req;
    memset(&req, 0, sizeof req);
    req.arena = a;
    req.method = size ? (gg_method_t)(data[0] % (GG_METHOD_COUNT + 1)) : GG_GET;
    req.path = path;
    gg_handler_fn fn = NULL;
    char allow[96];
    int rc = gg_router_match(r, &req, &fn, allow, sizeof allow);
    if (rc == 0 && !fn) abort();
    if (rc == 405 && !allow[0]) abort();
    if (gg_path_is_safe(path)) {
        for (const char *p = path; (p = strstr(p, "..")); p++)
            if ((p == path || p[-1] == '/') && (p[2] == 0 || p[2] == '/')) abort();
    }
    gg_arena_free(a);
    free(path);
    return 0;
}
