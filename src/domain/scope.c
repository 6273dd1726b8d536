/* scope.c — grants to SQL filters (see scope.h). */
#include "domain/scope.h"

#include <string.h>

const char *gg_scope_sql(gg_arena_t *a, const gg_auth_t *auth, uint64_t perm, const char *col)
{
    gg_buf_t b = {0};
    gg_buf_init(&b, 128);
    int n = 0;
    for (int i = 0; i < auth->ngrants; i++) {
        const gg_grant_t *g = &auth->grants[i];
        if ((g->perms & perm) != perm || !gg_unit_path_valid(g->unit_path)) continue;
        /* upper bound: the path with its final '/' replaced by '0', the next byte up */
        size_t len = strlen(g->unit_path);
        gg_buf_printf(&b, "%s(%s >= '%s' AND %s < '%.*s0')", n++ ? " OR " : "(", col, g->unit_path, col,
                      (int)(len - 1), g->unit_path);
    }
    gg_buf_puts(&b, n ? ")" : "1=0");
    char *out = gg_strdup(a, b.data);
    gg_buf_free(&b);
    return out;
}
