/* assess_demo.c — the demo's assessment plans: 下陆区 assesses its streets this quarter on a programme
 * like 哈密's (128 tasks, 21 hard indicators; a few computed from the measures, the rest entered by the
 * streets and reviewed by the office: most approved, some waiting, one returned, one street with a failed
 * hard indicator and its grade capped), and last quarter's small closed plan for the period comparison.
 * Written through the domain functions as the operator (an all-permission caller at the root), once: an
 * existing plan of 下陆区 means it was done. */
#include <stdio.h>
#include <string.h>

#include "domain/assessment/assessment.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"

#define XIALU "420204000000"

static const char *const CATEGORIES[] = {"网格化服务管理", "矛盾纠纷排查化解", "平安建设", "基层党建引领",
                                         "社会治安防控",   "公共安全监管",     "信访维稳", "特殊人群服务管理",
                                         "综治中心建设",   "法治宣传教育"};
static const char *const ITEMS[] = {
    "网格员每日巡查走访",   "网格事件按时上报", "矛盾纠纷月度排查", "重点人员帮扶台账",
    "综治中心规范化运行",   "平安创建宣传入户", "群防群治队伍建设", "出租屋流动人口登记",
    "安全隐患排查整改",     "信访积案化解",     "社区矫正人员管控", "严重精神障碍患者随访",
    "校园周边治安整治",     "电信诈骗防范宣传", "消防通道清理",     "一村一法律顾问服务",
    "民主法治示范社区创建", "网格党小组活动",   "人民调解员培训",   "视频监控联网应用"};
static const char *const HARD[] = {"命案发生数", "重大群体性事件", "重大安全生产事故", "进京非访人次",
                                   "重大公共安全事件"};
static const struct {
    const char *title, *source, *cmp;
    double target;
    int hard;
} COMPUTED[] = {
    {"事件结案率", "measure:closure_rate", "ge", 95, 0},
    {"按期结案率", "measure:on_time_rate", "ge", 90, 1},
    {"群众满意率", "measure:satisfaction_rate", "ge", 90, 1},
    {"返工率", "measure:rework_rate", "le", 5, 0},
    {"12345工单响应率", "measure:response_rate", "ge", 95, 0},
    {"超期在办件数", "measure:overdue_open", "le", 20, 0},
};
#define NCOMPUTED ((int)(sizeof COMPUTED / sizeof COMPUTED[0]))

/* 128 tasks: 6 computed (5 points each, 2 hard), 5 hard "must not happen" counts (4 points each),
 * 117 manual (50/117 points each), 14 of them hard: 21 hard in all, weights 100. */
static int programme(gg_arena_t *a, gg_assess_task_t **out)
{
    gg_assess_task_t *t = gg_zalloc(a, sizeof *t * 128);
    int n = 0;
    for (int i = 0; i < NCOMPUTED; i++, n++)
        t[n] = (gg_assess_task_t){.seq = n + 1,
                                  .title = COMPUTED[i].title,
                                  .category = "网格化服务管理",
                                  .weight = 5,
                                  .is_hard = COMPUTED[i].hard,
                                  .target = COMPUTED[i].target,
                                  .comparison = COMPUTED[i].cmp,
                                  .source = COMPUTED[i].source,
                                  .responsible = "区综治中心"};
    for (int i = 0; i < 5; i++, n++)
        t[n] = (gg_assess_task_t){.seq = n + 1,
                                  .title = HARD[i],
                                  .category = "平安建设",
                                  .weight = 4,
                                  .is_hard = 1,
                                  .target = 0,
                                  .comparison = "le",
                                  .source = "manual",
                                  .responsible = "各街道"};
    int hard_left = 14;
    for (int k = 0; n < 128; k++, n++) {
        int nitems = (int)(sizeof ITEMS / sizeof ITEMS[0]);
        int hard = hard_left > 0 && k % 8 == 0;
        hard_left -= hard;
        const char *title =
            k < nitems ? ITEMS[k] : gg_sprintf(a, "%s（第%d轮）", ITEMS[k % nitems], k / nitems + 1);
        t[n] = (gg_assess_task_t){.seq = n + 1,
                                  .title = title,
                                  .category = CATEGORIES[k % 10],
                                  .weight = 50.0 / 117.0,
                                  .is_hard = hard,
                                  .target = 100,
                                  .comparison = "ge",
                                  .source = "manual",
                                  .responsible = "各街道、社区"};
    }
    *out = t;
    return n;
}

typedef struct demo_ctx {
    gg_op_t op;
    int64_t county;
    char from[24], to[24], pfrom[24], pto[24];
    int q, pq; /* the quarters' numbers */
} demo_ctx_t;

/* A small deterministic spread of values: most meet the target, some fall short. */
static double value_for(int unit_no, int seq, double target, int le)
{
    unsigned h = (unsigned)(unit_no * 7919 + seq * 104729) % 100u;
    if (le) return h < 97 ? 0 : 1;
    return h < 88 ? target : target * (0.6 + (h % 30) / 100.0);
}

static int fill(const gg_op_t *op, int64_t plan_id, int64_t unit_id, int unit_no,
                const gg_assess_task_t *tasks, int n, int fail_hard, gg_error_t *err)
{
    for (int i = 0; i < n; i++) {
        const gg_assess_task_t *t = &tasks[i];
        if (strcmp(t->source, "manual") != 0) continue;
        int le = strcmp(t->comparison, "le") == 0;
        double v = value_for(unit_no, t->seq, t->target, le);
        if (le && fail_hard && t->seq == NCOMPUTED + 2) v = 1; /* one 重大群体性事件 */
        if (!le && !fail_hard && t->is_hard) v = t->target;    /* only the failing street misses a hard one */
        if (le && !fail_hard) v = 0;
        gg_assess_submit_t in = {
            .task_id = t->id, .unit_id = unit_id, .value = v, .note = "台账及佐证材料已上传"};
        int64_t sid;
        if (gg_assess_submit(op, plan_id, &in, &sid, err) < 0) return -1;
        unsigned h = (unsigned)(unit_no * 31 + t->seq * 17) % 100u;
        if (h < 6) continue; /* waiting for review */
        if (h < 8) {
            if (gg_assess_review(op, sid, 0, "佐证材料不完整，请补充会议记录和照片", 0, 0, 0, err) < 0)
                return -1;
            continue;
        }
        if (gg_assess_review(op, sid, 1, NULL, 0, 0, 0, err) < 0) return -1;
    }
    return 0;
}

static int load_tasks(const gg_op_t *op, int64_t plan_id, gg_assess_task_t **tasks, int *n, gg_error_t *err)
{
    return gg_assess_tasks(op, plan_id, tasks, n, err);
}

static int activate(const gg_op_t *op, int64_t id, gg_error_t *err)
{
    gg_assess_plan_t p;
    if (gg_assess_plan_get(op, id, &p, err) < 0) return -1;
    return gg_assess_plan_activate(op, id, p.version, err);
}

static int demo_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    demo_ctx_t *x = ctx;
    x->op.c = c;
    const gg_op_t *op = &x->op;
    gg_arena_t *a = op->arena;
    int64_t existing = 0;
    int found = 0;
    if (gg_db_query_i64(c, "SELECT id FROM assess_plan WHERE unit_id = $1 LIMIT 1",
                        GG_ARGS(GG_I64(x->county)), &existing, &found, err) < 0)
        return -1;
    if (found) return 0;
    /* last quarter: a small plan, closed */
    gg_assess_task_t prev_tasks[] = {
        {.seq = 1,
         .title = "网格化服务管理",
         .category = "网格化服务管理",
         .weight = 40,
         .target = 100,
         .comparison = "ge",
         .source = "manual"},
        {.seq = 2,
         .title = "矛盾纠纷排查化解",
         .category = "矛盾纠纷排查化解",
         .weight = 30,
         .target = 100,
         .comparison = "ge",
         .source = "manual"},
        {.seq = 3,
         .title = "平安建设",
         .category = "平安建设",
         .weight = 30,
         .target = 100,
         .comparison = "ge",
         .source = "manual"},
    };
    gg_assess_plan_t p = {.unit_id = x->county,
                          .name = gg_sprintf(a, "%.4s年第%d季度下陆区街道综治工作考核", x->pfrom, x->pq),
                          .period_from = x->pfrom,
                          .period_to = x->pto,
                          .target_level = "street",
                          .bands = {90, 80, 70, 60},
                          .hard_cap = "C"};
    int64_t prev_id, id;
    if (gg_assess_plan_create(op, &p, prev_tasks, 3, &prev_id, err) < 0 || activate(op, prev_id, err) < 0)
        return -1;
    gg_assess_plan_t pp;
    if (gg_assess_plan_get(op, prev_id, &pp, err) < 0) return -1;
    gg_assess_result_t *rows;
    int nrows;
    if (gg_assess_ranking(op, prev_id, &pp, &rows, &nrows, err) < 0) return -1;
    gg_assess_task_t *tasks;
    int ntasks;
    if (load_tasks(op, prev_id, &tasks, &ntasks, err) < 0) return -1;
    for (int u = 0; u < nrows; u++)
        for (int i = 0; i < ntasks; i++) {
            gg_assess_submit_t in = {.task_id = tasks[i].id,
                                     .unit_id = rows[u].unit_id,
                                     .value = 100 - (double)((u * 7 + i * 5) % 25)};
            int64_t sid;
            if (gg_assess_submit(op, prev_id, &in, &sid, err) < 0 ||
                gg_assess_review(op, sid, 1, NULL, 0, 0, 0, err) < 0)
                return -1;
        }
    if (gg_assess_plan_get(op, prev_id, &pp, err) < 0 ||
        gg_assess_plan_close(op, prev_id, pp.version, err) < 0)
        return -1;
    /* this quarter: the 128-task programme */
    gg_assess_task_t *prog;
    int nprog = programme(a, &prog);
    p.name = gg_sprintf(a, "%.4s年第%d季度下陆区街道综治工作考核", x->from, x->q);
    p.period_from = x->from;
    p.period_to = x->to;
    if (gg_assess_plan_create(op, &p, prog, nprog, &id, err) < 0 || activate(op, id, err) < 0) return -1;
    if (load_tasks(op, id, &tasks, &ntasks, err) < 0) return -1;
    gg_assess_plan_t cur;
    if (gg_assess_ranking(op, id, &cur, &rows, &nrows, err) < 0) return -1;
    /* the streets by code: the last one waits for most of its entries, the second has a failed hard one */
    for (int u = 0; u < nrows; u++) {
        if (u == nrows - 1 && nrows > 2) continue;
        if (fill(op, id, rows[u].unit_id, u, tasks, ntasks, u == 1, err) < 0) return -1;
    }
    return 0;
}

int gg_assess_demo(gg_db_t *db, gg_error_t *err)
{
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) return -1;
    gg_arena_t *a = gg_arena_new(1 << 20);
    int rc = -1, found = 0;
    gg_unit_t county, root;
    if (gg_unit_by_code(c, a, XIALU, &county, &found, err) < 0) goto out;
    if (!found) {
        rc = 0; /* 下陆区 not imported: nothing to assess */
        goto out;
    }
    if (gg_unit_by_code(c, a, "root", &root, &found, err) < 0 || !found) goto out;
    /* the operator: every permission at the root, as `gridgov demo` itself acts */
    gg_grant_t grant =
        (gg_grant_t){.id = 0, .role = "admin", .perms = GG_P_ALL, .unit_id = root.id, .unit_path = root.path};
    gg_auth_t auth = {.account_id = 0,
                      .username = "demo",
                      .ngrants = 1,
                      .grants = &grant,
                      .perms_any = GG_P_ALL,
                      .client_ip = "local"};
    demo_ctx_t x = {.county = county.id};
    x.op = (gg_op_t){.c = c,
                     .arena = a,
                     .auth = &auth,
                     .actor = {.account_id = 0, .username = "demo", .client_ip = "local"}};
    char today[11];
    gg_today(today);
    int y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 + (today[3] - '0');
    int m = (today[5] - '0') * 10 + (today[6] - '0');
    int qs = (m - 1) / 3 * 3 + 1; /* first month of this quarter */
    static const char *const ends[] = {"03-31", "06-30", "09-30", "12-31"};
    snprintf(x.from, sizeof x.from, "%04d-%02d-01", y, qs);
    snprintf(x.to, sizeof x.to, "%04d-%s", y, ends[(qs - 1) / 3]);
    int py = qs == 1 ? y - 1 : y, pqs = qs == 1 ? 10 : qs - 3;
    snprintf(x.pfrom, sizeof x.pfrom, "%04d-%02d-01", py, pqs);
    snprintf(x.pto, sizeof x.pto, "%04d-%s", py, ends[(pqs - 1) / 3]);
    x.q = (qs - 1) / 3 + 1;
    x.pq = (pqs - 1) / 3 + 1;
    rc = gg_db_tx(c, demo_tx, &x, err);
out:
    gg_arena_free(a);
    gg_db_release(db, c);
    return rc;
}
