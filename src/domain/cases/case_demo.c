/* case_demo.c — the demo's hotline lines and 物业 units (case_demo.h). */
#include "domain/cases/case_demo.h"

#include <stdio.h>

#include "domain/cases/hotline_line.h"
#include "domain/tree/unit.h"

static const char *const counties[] = {"420204", "650102", "652901", "650502", "350322"};

#define MAANSHAN "420204004001" /* 团城山街道 马鞍山社区 */

static const char *const properties[] = {"马鞍山社区 桂林苑物业服务中心", "马鞍山社区 华新小区物业",
                                         "马鞍山社区 铁山苑物业"};

int gg_case_demo_setup(gg_db_conn_t *c, gg_arena_t *a, gg_error_t *err)
{
    gg_actor_t demo = {.account_id = 0, .username = "demo"};
    for (size_t i = 0; i < sizeof counties / sizeof counties[0]; i++) {
        char code[16];
        snprintf(code, sizeof code, "%s000000", counties[i]);
        gg_unit_t u;
        int found = 0;
        if (gg_unit_by_code(c, a, code, &u, &found, err) < 0) return -1;
        if (found && gg_hotline_line_seed(c, "12345 政务服务便民热线", "12345", u.id, err) < 0) return -1;
    }
    /* 仙游's 8251825: the good-neighbour line answered at its first community */
    int64_t first = 0;
    int found = 0;
    if (gg_db_query_i64(c,
                        "SELECT id FROM unit WHERE level = 'community' AND code >= '350322000000' AND "
                        "code < '350323000000' AND retired_at IS NULL ORDER BY code LIMIT 1",
                        GG_NOARGS, &first, &found, err) < 0)
        return -1;
    if (found && gg_hotline_line_seed(c, "仙游 8251825 好邻居服务热线", "8251825", first, err) < 0) return -1;
    gg_unit_t m;
    if (gg_unit_by_code(c, a, MAANSHAN, &m, &found, err) < 0) return -1;
    if (!found) return 0;
    for (size_t i = 0; i < sizeof properties / sizeof properties[0]; i++) {
        char code[24];
        snprintf(code, sizeof code, "%sP%02zu", MAANSHAN, i + 1);
        gg_unit_t p;
        int have = 0;
        if (gg_unit_by_code(c, a, code, &p, &have, err) < 0) return -1;
        if (have) continue;
        gg_unit_new_t in = {.parent_id = m.id, .level = "property", .code = code, .name = properties[i]};
        int64_t id;
        if (gg_unit_create(c, a, &demo, NULL, &in, &id, err) < 0) return -1;
    }
    return 0;
}
