/*
 * router.c — maps (method, path) to a handler with path parameters.
 *
 * A trie of path segments: each node has literal children and at most one
 * parameter child ("{id}").  Literals win over parameters, with backtracking,
 * so "/units/search" and "/units/{id}" coexist.  Matching allocates only the
 * parameter values (from the request arena).
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "http/http.h"

typedef struct node node_t;
static const node_t *walk(const node_t *n, const char *p, gg_req_t *req);

struct node {
    char *seg; /* literal segment, or NULL for the parameter child */
    char *param_name;
    struct node **kids;
    int nkids;
    struct node *param;
    gg_handler_fn fn[GG_METHOD_COUNT];
    const void *data[GG_METHOD_COUNT];
    unsigned char upload[GG_METHOD_COUNT];       /* gg_router_add_upload: large body to a temp file */
    unsigned char upload_flags[GG_METHOD_COUNT]; /* GG_UPLOAD_* of gg_router_add_upload_ex */
    size_t upload_max[GG_METHOD_COUNT];          /* the route's own limit; 0 = the server's max_upload */
};

struct gg_router {
    node_t root;
};

static const char *const method_names[GG_METHOD_COUNT] = {"GET",   "HEAD",   "POST",   "PUT",
                                                          "PATCH", "DELETE", "OPTIONS"};

gg_method_t gg_method_parse(const char *name)
{
    for (int i = 0; i < GG_METHOD_COUNT; i++)
        if (strcmp(name, method_names[i]) == 0) return (gg_method_t)i;
    return GG_METHOD_OTHER;
}

gg_router_t *gg_router_new(void)
{
    return gg_xcalloc(1, sizeof(gg_router_t));
}

static void node_free(node_t *n)
{
    for (int i = 0; i < n->nkids; i++) {
        node_free(n->kids[i]);
        free(n->kids[i]);
    }
    free(n->kids);
    if (n->param) {
        node_free(n->param);
        free(n->param);
    }
    free(n->seg);
    free(n->param_name);
}

void gg_router_free(gg_router_t *r)
{
    if (!r) return;
    node_free(&r->root);
    free(r);
}

int gg_router_add(gg_router_t *r, const char *method, const char *pattern, gg_handler_fn fn, const void *data)
{
    gg_method_t m = gg_method_parse(method);
    if (m == GG_METHOD_OTHER || pattern[0] != '/') return -1;
    node_t *n = &r->root;
    const char *p = pattern + 1;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0) return -1;
        if (p[0] == '{') {
            if (p[len - 1] != '}' || len < 3) return -1;
            if (!n->param) {
                n->param = gg_xcalloc(1, sizeof(node_t));
                n->param->param_name = strndup(p + 1, len - 2);
            } else if (strlen(n->param->param_name) != len - 2 ||
                       strncmp(n->param->param_name, p + 1, len - 2) != 0) {
                return -1; /* one name per position keeps params unambiguous */
            }
            n = n->param;
        } else {
            node_t *kid = NULL;
            for (int i = 0; i < n->nkids && !kid; i++)
                if (strlen(n->kids[i]->seg) == len && memcmp(n->kids[i]->seg, p, len) == 0) kid = n->kids[i];
            if (!kid) {
                kid = gg_xcalloc(1, sizeof(node_t));
                kid->seg = strndup(p, len);
                n->kids = gg_xrealloc(n->kids, sizeof(node_t *) * (size_t)(n->nkids + 1));
                n->kids[n->nkids++] = kid;
            }
            n = kid;
        }
        p += len;
        if (*p == '/') p++;
    }
    if (n->fn[m]) return -1; /* duplicate route */
    n->fn[m] = fn;
    n->data[m] = data;
    return 0;
}

int gg_router_add_upload(gg_router_t *r, const char *method, const char *pattern, gg_handler_fn fn,
                         const void *data)
{
    return gg_router_add_upload_ex(r, method, pattern, fn, data, 0, 0);
}

int gg_router_add_upload_ex(gg_router_t *r, const char *method, const char *pattern, gg_handler_fn fn,
                            const void *data, size_t max_bytes, unsigned flags)
{
    if (gg_router_add(r, method, pattern, fn, data) < 0) return -1;
    /* walk again to the node just made; the pattern is known to be good now */
    gg_req_t probe = {0};
    gg_arena_t *a = gg_arena_new(1024);
    probe.arena = a;
    probe.path = pattern;
    probe.method = gg_method_parse(method);
    const node_t *n = walk(&r->root, pattern + 1, &probe);
    gg_arena_free(a);
    if (!n) return -1;
    ((node_t *)n)->upload[probe.method] = 1;
    ((node_t *)n)->upload_flags[probe.method] = (unsigned char)flags;
    ((node_t *)n)->upload_max[probe.method] = max_bytes;
    return 0;
}

int gg_router_upload_info(gg_router_t *r, gg_req_t *req, size_t *max_bytes, unsigned *flags)
{
    if (req->method >= GG_METHOD_COUNT || req->path[0] != '/') return 0;
    int saved = req->nparams;
    const node_t *n = walk(&r->root, req->path + 1, req);
    req->nparams = saved;
    if (!n || !n->fn[req->method] || !n->upload[req->method]) return 0;
    if (max_bytes) *max_bytes = n->upload_max[req->method];
    if (flags) *flags = n->upload_flags[req->method];
    return 1;
}

int gg_router_is_upload(gg_router_t *r, gg_req_t *req)
{
    return gg_router_upload_info(r, req, NULL, NULL);
}

static int has_any(const node_t *n)
{
    for (int i = 0; i < GG_METHOD_COUNT; i++)
        if (n->fn[i]) return 1;
    return 0;
}

/* Depth-first match of the remaining path p; records params into req. */
static const node_t *walk(const node_t *n, const char *p, gg_req_t *req)
{
    if (*p == 0) return has_any(n) ? n : NULL;
    const char *end = strchr(p, '/');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == 0) return NULL;
    for (int i = 0; i < n->nkids; i++) {
        node_t *k = n->kids[i];
        if (strlen(k->seg) == len && memcmp(k->seg, p, len) == 0) {
            const node_t *hit = walk(k, end ? end + 1 : p + len, req);
            if (hit) return hit;
        }
    }
    if (n->param && req->nparams < GG_MAX_PATH_PARAMS) {
        int saved = req->nparams;
        req->param_name[saved] = n->param->param_name;
        req->param_value[saved] = gg_strndup(req->arena, p, len);
        req->nparams++;
        const node_t *hit = walk(n->param, end ? end + 1 : p + len, req);
        if (hit) return hit;
        req->nparams = saved;
    }
    return NULL;
}

int gg_router_match(gg_router_t *r, gg_req_t *req, gg_handler_fn *fn, char *allow, size_t allow_size)
{
    req->nparams = 0;
    const char *path = req->path;
    if (path[0] != '/') return 404;
    const node_t *n = walk(&r->root, path + 1, req);
    if (!n) return 404;
    gg_method_t m = req->method;
    if (m == GG_HEAD && !n->fn[GG_HEAD] && n->fn[GG_GET]) m = GG_GET;
    if (m < GG_METHOD_COUNT && n->fn[m]) {
        req->route_data = n->data[m];
        *fn = n->fn[m];
        return 0;
    }
    if (allow && allow_size) {
        allow[0] = 0;
        size_t used = 0;
        for (int i = 0; i < GG_METHOD_COUNT; i++) {
            int present = n->fn[i] || (i == GG_HEAD && n->fn[GG_GET]);
            if (!present) continue;
            int w = snprintf(allow + used, allow_size - used, "%s%s", used ? ", " : "", method_names[i]);
            if (w < 0 || (size_t)w >= allow_size - used) break;
            used += (size_t)w;
        }
    }
    return 405;
}
