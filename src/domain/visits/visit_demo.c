/* visit_demo.c — the demo's household visits (visit.h gg_visit_demo): the grid workers of 30 of 下陆区's
 * staffed grids (grid_worker1 and grid_worker2's first) call at households over this quarter, so the
 * coverage figure and the visit histories have something to show.  Seeded, so every demo is the same;
 * written only into a database without visits. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"
#include "domain/visits/visit.h"

#define XIALU "420204000000"
#define GRIDS 30

typedef struct demo_ctx {
    const gg_keys_t *keys;
    int64_t made;
} demo_ctx_t;

static const char *const FINDINGS[] = {
    "家中一切正常，居住环境整洁。",
    "老人身体状况良好，子女每周回来探望。",
    "住户反映楼道灯不亮，已记录。",
    "宣传了反诈知识和医保缴费政策，住户表示了解。",
    "检查了燃气灶具和电动车充电情况，无安全隐患。",
    "住户近期与邻居因漏水有矛盾，已初步沟通。",
    "家中无人，门上留了联系卡。",
};
static const char *const NEEDS[] = {
    "希望社区帮助联系维修楼道灯。",
    "老人希望申请居家养老上门服务。",
    "楼上漏水影响卫生间，希望协调处理。",
    "希望了解低保申请的条件和流程。",
};
/* the kinds, weighted: routine half, special care a fifth … */
static const char *const KINDS[] = {"routine",      "routine",          "routine",  "routine", "routine",
                                    "special_care", "special_care",     "policy",   "policy",  "safety",
                                    "safety",       "dispute_followup", "epidemic", "other"};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

typedef struct grid_row {
    int64_t grid_id, account_id;
} grid_row_t;

static int demo_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    demo_ctx_t *x = ctx;
    x->made = 0;
    gg_arena_t *a = gg_arena_new(1 << 16);
    int rc = -1, found = 0;
    gg_unit_t county;
    if (gg_unit_by_code(c, a, XIALU, &county, &found, err) < 0) goto out;
    if (!found) {
        rc = 0;
        goto out;
    }
    char *hi = gg_strdup(a, county.path);
    hi[strlen(hi) - 1] = '0';
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "SELECT rg.unit_id, MIN(rg.account_id), MIN(CASE WHEN ac.username LIKE 'grid_worker%' "
                    "THEN 0 ELSE 1 END) AS named FROM role_grant rg JOIN unit u ON u.id = rg.unit_id "
                    "JOIN account ac ON ac.id = rg.account_id WHERE rg.role = 'grid_worker' AND u.level = "
                    "'grid' AND u.path >= $1 AND u.path < $2 GROUP BY rg.unit_id, u.code "
                    "ORDER BY named, u.code LIMIT 30",
                    GG_ARGS(GG_TEXT(county.path), GG_TEXT(hi)), &r, err) < 0)
        goto out;
    grid_row_t grids[GRIDS];
    int ng = 0, step;
    while ((step = gg_db_next(r, err)) == 1 && ng < GRIDS)
        grids[ng++] = (grid_row_t){.grid_id = gg_db_i64(r, 0), .account_id = gg_db_i64(r, 1)};
    gg_db_res_free(r);
    if (step < 0) goto out;
    int64_t now = gg_now_ms();
    char today[11], first[16];
    gg_today(today);
    int m = (today[5] - '0') * 10 + (today[6] - '0');
    snprintf(first, sizeof first, "%.4s-%02d-01", today, (m - 1) / 3 * 3 + 1);
    int64_t from = gg_date_ms(first), span = now - from - 3600000;
    if (span < 3600000) span = 3600000;
    for (int g = 0; g < ng; g++) {
        /* the named workers' grids are visited thoroughly, the others a dozen households each */
        int k = g < 2 ? 60 : 12;
        if (gg_db_query(c,
                        "SELECT hh.id, hh.house_id, hh.unit_path FROM household hh JOIN house h ON h.id = "
                        "hh.house_id JOIN building b ON b.id = h.building_id WHERE b.grid_id = $1 AND "
                        "hh.dissolved_at IS NULL ORDER BY (hh.id * 7919) % 1009, hh.id LIMIT $2",
                        GG_ARGS(GG_I64(grids[g].grid_id), GG_I64(k)), &r, err) < 0)
            goto out;
        int64_t ids[64], houses[64];
        const char *paths[64];
        int nh = 0;
        while ((step = gg_db_next(r, err)) == 1 && nh < 64) {
            ids[nh] = gg_db_i64(r, 0);
            houses[nh] = gg_db_i64(r, 1);
            paths[nh++] = gg_strdup(a, gg_db_text(r, 2));
        }
        gg_db_res_free(r);
        if (step < 0) goto out;
        for (int i = 0; i < nh; i++) {
            uint64_t h = mix((uint64_t)ids[i] * 31 + 7);
            int met = h % 100 < 88;
            const char *findings = met ? FINDINGS[h % 6] : FINDINGS[6];
            const char *needs = met && (h >> 8) % 100 < 15 ? NEEDS[(h >> 16) % 4] : NULL;
            int64_t at = from + (int64_t)((h >> 20) % (uint64_t)span);
            int64_t vid;
            if (gg_db_query_i64(c,
                                "INSERT INTO visit (house_id, household_id, grid_id, unit_path, account_id, "
                                "visited_at, kind, "
                                "met, findings_enc, needs_enc, created_at, updated_at) VALUES ($1, $2, $3, "
                                "$4, $5, $6, $7, "
                                "$8, $9, $10, $6, $6) RETURNING id",
                                GG_ARGS(GG_I64(houses[i]), GG_I64(ids[i]), GG_I64(grids[g].grid_id),
                                        GG_TEXT(paths[i]), GG_I64(grids[g].account_id), GG_I64(at),
                                        GG_TEXT(KINDS[(h >> 12) % (sizeof KINDS / sizeof KINDS[0])]),
                                        GG_I64(met), GG_TEXT(gg_pii_encrypt(x->keys, a, findings)),
                                        needs ? GG_TEXT(gg_pii_encrypt(x->keys, a, needs)) : GG_NULL),
                                &vid, &found, err) < 0)
                goto out;
            x->made++;
        }
    }
    rc = 0;
out:
    gg_arena_free(a);
    return rc;
}

int gg_visit_demo(gg_db_t *db, const gg_keys_t *keys, int64_t *made, gg_error_t *err)
{
    *made = 0;
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) return -1;
    int64_t any = 0;
    int found = 0;
    int rc = gg_db_query_i64(c, "SELECT COUNT(*) FROM visit", GG_NOARGS, &any, &found, err);
    demo_ctx_t x = {.keys = keys};
    if (rc == 0 && any == 0) rc = gg_db_tx(c, demo_tx, &x, err);
    gg_db_release(db, c);
    *made = x.made;
    return rc;
}
