/* centres_demo.c — the governance centres' demo data in 下陆区 (centres_demo.h). */
#include "domain/centres/centres_demo.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/centres/legal.h"
#include "domain/centres/matter.h"
#include "domain/centres/petition.h"
#include "domain/op.h"
#include "domain/tree/unit.h"

static const int64_t DAY_MS = 86400000, HOUR_MS = 3600000;

/* The counters of the county's 公共法律服务中心 and their professionals; a street's station is STATION. */
typedef struct demo_pro {
    const char *name, *kind, *org;
} demo_pro_t;

typedef struct demo_counter {
    const char *name;
    demo_pro_t pros[3];
} demo_counter_t;

static const demo_counter_t COUNTY_COUNTERS[] = {
    {"公共法律服务中心·法律咨询窗口",
     {{"陈志远", "lawyer", "湖北磁湖律师事务所"},
      {"刘雅琴", "lawyer", "湖北楚天律师事务所"},
      {"周明", "judge", "下陆区人民法院"}}},
    {"公共法律服务中心·公证窗口", {{"黄丽", "notary", "黄石市公证处"}}},
    {"公共法律服务中心·法律援助窗口",
     {{"王建华", "legal_adviser", "下陆区法律援助中心"}, {"李娟", "legal_adviser", "下陆区法律援助中心"}}},
};
#define NCOUNTY ((int)(sizeof COUNTY_COUNTERS / sizeof COUNTY_COUNTERS[0]))
static const char STATION[] = "公共法律服务工作站";

static const char *const STREET_LAWYERS[] = {"吴海涛", "徐文静", "孙建国", "杨帆", "赵立新", "何晓燕",
                                             "郑伟",   "马丽华", "朱强",   "胡敏", "林涛",   "高秀英"};

/* Half-hour slots: the county's counters all day, the streets' stations in the morning. */
static const int FULL_DAY[] = {9 * 60,       9 * 60 + 30, 10 * 60,      10 * 60 + 30, 11 * 60,
                               14 * 60 + 30, 15 * 60,     15 * 60 + 30, 16 * 60,      16 * 60 + 30};
static const int MORNING[] = {9 * 60, 9 * 60 + 30, 10 * 60, 10 * 60 + 30};

typedef struct demo_ctx {
    const gg_keys_t *keys;
    const gg_cal_snapshot_t *cal;
    gg_centres_demo_stats_t *st;
} demo_ctx_t;

static int64_t local_day(int64_t ms)
{
    return (ms + GG_CAL_UTC_OFFSET_MS) / DAY_MS;
}

/* The local day d days before now as YYYY-MM-DD. */
static const char *day_before(gg_arena_t *a, int64_t now, int d)
{
    int y, m, dd;
    gg_cal_civil_from_days(local_day(now) - d, &y, &m, &dd);
    return gg_sprintf(a, "%04d-%02d-%02d", y, m, dd);
}

/* The subtree of 下陆区 as a SQL path range. */
static const char *below(gg_arena_t *a, const gg_unit_t *u)
{
    return gg_sprintf(a, "%.*s0", (int)strlen(u->path) - 1, u->path);
}

/* ---- slots: topped up every run ---- */

static int slots_topup(const gg_op_t *op, const gg_unit_t *county, const gg_cal_snapshot_t *cal,
                       int64_t *made, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_db_res_t *r;
    /* the demo's own counters (their names), not ones an operator added */
    if (gg_db_query(
            op->c,
            "SELECT p.id, u.level FROM legal_professional p JOIN legal_counter k ON k.id = p.counter_id "
            "JOIN unit u ON u.id = k.unit_id WHERE u.path >= $1 AND u.path < $2 AND (k.name LIKE "
            "'公共法律服务中心·%' OR k.name LIKE $3) ORDER BY p.id",
            GG_ARGS(GG_TEXT(county->path), GG_TEXT(below(a, county)),
                    GG_TEXT(gg_sprintf(a, "%%%s", STATION))),
            &r, err) < 0)
        return -1;
    int64_t pros[256];
    int full[256], n = 0, step;
    while ((step = gg_db_next(r, err)) == 1 && n < 256) {
        pros[n] = gg_db_i64(r, 0);
        full[n++] = !strcmp(gg_db_text(r, 1), "county");
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    int64_t now = gg_now_ms(), today = local_day(now);
    for (int64_t d = today + 1; d <= today + 14; d++) {
        int y, m, dd;
        gg_cal_civil_from_days(d, &y, &m, &dd);
        if (!gg_cal_is_workday(cal, y, m, dd, NULL)) continue;
        int64_t day0 = d * DAY_MS - GG_CAL_UTC_OFFSET_MS;
        for (int i = 0; i < n; i++) {
            const int *mins = full[i] ? FULL_DAY : MORNING;
            int nmins =
                full[i] ? (int)(sizeof FULL_DAY / sizeof *FULL_DAY) : (int)(sizeof MORNING / sizeof *MORNING);
            for (int k = 0; k < nmins; k++) {
                int64_t at = day0 + mins[k] * 60000LL, id, there = 0;
                int found = 0;
                if (gg_db_query_i64(op->c,
                                    "SELECT count(*) FROM legal_slot WHERE professional_id = $1 AND "
                                    "starts_at = $2",
                                    GG_ARGS(GG_I64(pros[i]), GG_I64(at)), &there, &found, err) < 0)
                    return -1;
                if (there) continue;
                if (gg_legal_slot_create(op, pros[i], at, at + HOUR_MS / 2, &id, err) < 0) return -1;
                (*made)++;
            }
        }
    }
    return 0;
}

/* The first free slot of a counter on the n-th working day with slots from tomorrow (n from 0). */
static int64_t free_slot(const gg_op_t *op, int64_t counter_id, int nth, int hour, gg_error_t *err)
{
    gg_legal_slot_t *rows;
    int n;
    int64_t now = gg_now_ms();
    int64_t from = (local_day(now) + 1) * DAY_MS - GG_CAL_UTC_OFFSET_MS;
    if (gg_legal_slots(op, counter_id, 0, from, from + 15 * DAY_MS, 1, &rows, &n, err) < 0) return -1;
    int64_t day = 0;
    int seen = -1;
    for (int i = 0; i < n; i++) {
        int64_t d = local_day(rows[i].starts_at);
        if (d != day) {
            day = d;
            seen++;
        }
        if (seen >= nth && (rows[i].starts_at + GG_CAL_UTC_OFFSET_MS) % DAY_MS >= hour * HOUR_MS)
            return rows[i].id;
    }
    return n ? rows[n - 1].id : 0;
}

/* ---- once: counters, professionals, appointments, matters, petitions ---- */

typedef struct demo_visit {
    const char *name, *phone, *topic;
} demo_visit_t;

static const demo_visit_t DESK_BOOKINGS[] = {
    {"张桂兰", NULL, "劳动合同到期后公司不续签，也不支付经济补偿，想咨询能否申请仲裁"},
    {"刘海涛", NULL, "父亲生前立有遗嘱，想了解办理遗嘱继承公证需要准备哪些材料"},
    {"陈秀英", NULL, "电动车与小轿车相撞受伤，对方保险公司拒绝理赔，咨询诉讼途径"},
    {"杨志强", NULL, "离婚三年后孩子学费上涨，想申请变更抚养费"},
};

typedef struct demo_petition {
    const char *kind, *name, *id_number, *phone, *subject, *content;
    int days_ago, decided_after; /* decided_after < 0: not decided yet */
    const char *reply;
} demo_petition_t;

static const demo_petition_t PETITIONS[] = {
    {"letter", "胡德明", "420204196505120035", "13872010001", "房屋征收补偿款迟迟未发放",
     "本人位于新下陆片区的房屋于今年三月签订征收补偿协议，约定六十日内支付补偿款，至今已逾期四个月仍未到账。"
     "多次到街道询问均答复“正在走流程”，恳请有关部门督促尽快发放。",
     38, 4, "经核查，补偿款已于本月完成审批并拨付至街道，将于十个工作日内发放到户，请注意查收。"},
    {"online", "罗晓燕", NULL, "13986020002", "小区电梯长期故障无人维修",
     "团城山某小区3栋电梯自今年八月起频繁停运，物业以维修资金未到位为由一直拖延，楼内有多位八十岁以上老人出行"
     "困难。",
     14, 2, NULL},
    {"visit", "邓建军", NULL, "13597030003", "工厂夜间排放异味影响居民休息",
     "居住地附近一家金属加工厂每晚十点后排放刺鼻气味，门窗紧闭仍能闻到，孩子出现咳嗽症状，要求环保部门查处。",
     3, -1, NULL},
    {"letter", "胡德明", "420204196505120035", NULL, "再次反映征收补偿问题",
     "此前反映的征收补偿款问题，答复称十个工作日内发放，但仍有部分过渡安置费未计入，请求重新核算。", 1, -1,
     NULL},
};

typedef struct demo_matter {
    const char *route, *visitor, *phone, *summary;
    int street; /* 1: at 团城山街道, 0: at the county */
} demo_matter_t;

static const demo_matter_t MATTERS[] = {
    {"legal_aid", "周桂芝", "13872050005",
     "来访人在建筑工地务工，被拖欠工资三万二千元，家庭经济困难，申请法律援助代理劳动仲裁。", 0},
    {"consultation", "吴丽华", "13797060006", "咨询二手房买卖合同定金纠纷：卖方违约不卖，只愿退还定金本金。",
     1},
    {"petition", "钱志勇", "13545070007",
     "反映小区旁建筑工地夜间连续施工，噪音扰民，多次拨打热线未能解决，要求停止夜间施工。", 1},
    {"counselling", "孙静", NULL,
     "来访人因家庭矛盾长期情绪低落、失眠，调解中多次落泪，经本人同意转介心理咨询。", 0},
    {"legal_aid", "何建平", NULL, "老人反映子女不履行赡养义务，咨询起诉要求支付赡养费，询问能否减免诉讼费。",
     1},
};

static int seed_once(const gg_op_t *op, const gg_op_t *resident, const gg_unit_t *county,
                     const gg_cal_snapshot_t *cal, gg_centres_demo_stats_t *st, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_db_res_t *r;
    if (gg_db_query(
            op->c,
            "SELECT id, code, name FROM unit WHERE parent_id = $1 AND level = 'street' AND retired_at IS "
            "NULL ORDER BY code",
            GG_ARGS(GG_I64(county->id)), &r, err) < 0)
        return -1;
    int64_t streets[40];
    const char *street_names[40], *street_codes[40];
    int nstreet = 0, step;
    while ((step = gg_db_next(r, err)) == 1 && nstreet < 40) {
        streets[nstreet] = gg_db_i64(r, 0);
        street_codes[nstreet] = gg_strdup(a, gg_db_text(r, 1));
        street_names[nstreet++] = gg_strdup(a, gg_db_text(r, 2));
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* the centres and their functional areas */
    int64_t id;
    gg_centre_t cc = {.unit_id = county->id,
                      .name = gg_sprintf(a, "%s综治中心", county->name),
                      .areas = "command,petition,legal,mediation,grid,counselling"};
    if (gg_centre_save(op, &cc, &id, err) < 0) return -1;
    for (int i = 0; i < nstreet; i++) {
        gg_centre_t sc = {.unit_id = streets[i], .areas = "command,legal,mediation,grid"};
        if (gg_centre_save(op, &sc, &id, err) < 0) return -1;
    }
    /* counters and professionals */
    int64_t county_counters[NCOUNTY], tcs_counter = 0, tcs_street = 0;
    for (int i = 0; i < NCOUNTY; i++) {
        const demo_counter_t *k = &COUNTY_COUNTERS[i];
        if (gg_legal_counter_create(op, county->id, k->name, &county_counters[i], err) < 0) return -1;
        st->counters++;
        for (int j = 0; j < 3 && k->pros[j].name; j++) {
            gg_legal_pro_t p = {.counter_id = county_counters[i],
                                .name = k->pros[j].name,
                                .kind = k->pros[j].kind,
                                .org = k->pros[j].org};
            if (gg_legal_pro_create(op, &p, &id, err) < 0) return -1;
            st->professionals++;
        }
    }
    for (int i = 0; i < nstreet; i++) {
        int64_t kid;
        if (gg_legal_counter_create(op, streets[i], gg_sprintf(a, "%s%s", street_names[i], STATION), &kid,
                                    err) < 0)
            return -1;
        st->counters++;
        if (!strcmp(street_codes[i], "420204004000")) { /* 团城山街道: resident_demo's and tcs_centre's */
            tcs_counter = kid;
            tcs_street = streets[i];
        }
        gg_legal_pro_t lawyer = {.counter_id = kid,
                                 .name = STREET_LAWYERS[(2 * i) % 12],
                                 .kind = "lawyer",
                                 .org = i % 2 ? "湖北楚天律师事务所" : "湖北磁湖律师事务所"};
        gg_legal_pro_t adviser = {.counter_id = kid,
                                  .name = STREET_LAWYERS[(2 * i + 1) % 12],
                                  .kind = "legal_adviser",
                                  .org = gg_sprintf(a, "%s司法所", street_names[i])};
        if (gg_legal_pro_create(op, &lawyer, &id, err) < 0 || gg_legal_pro_create(op, &adviser, &id, err) < 0)
            return -1;
        st->professionals += 2;
    }
    if (slots_topup(op, county, cal, &st->slots, err) < 0) return -1;
    /* appointments: resident_demo's own at their street's station, desk bookings for walk-ins, one cancelled
     */
    int64_t own_counter = tcs_counter ? tcs_counter : county_counters[0];
    int64_t slot = free_slot(op, own_counter, 1, 9, err);
    if (slot < 0) return -1;
    if (slot && resident) {
        if (gg_legal_book(resident, slot, "租房押金三千元房东拒不退还，想咨询如何维权", NULL, 0, &id, err) <
            0)
            return -1;
        st->appointments++;
    }
    for (int i = 0; i < (int)(sizeof DESK_BOOKINGS / sizeof *DESK_BOOKINGS); i++) {
        int64_t counter = i == 1                  ? county_counters[1]
                          : i == 3 && tcs_counter ? tcs_counter
                                                  : county_counters[0];
        if ((slot = free_slot(op, counter, i % 3, i % 2 ? 14 : 9, err)) < 0) return -1;
        if (!slot) continue;
        if (gg_legal_book(op, slot, DESK_BOOKINGS[i].topic, DESK_BOOKINGS[i].name, 0, &id, err) < 0)
            return -1;
        st->appointments++;
        if (i == 2 && gg_legal_cancel(op, id, err) < 0) return -1; /* the visitor called off */
    }
    /* one-window matters (the consultation one books a slot for the visitor) */
    gg_case_env_t env = {.cal = cal, .now = gg_now_ms()};
    gg_op_t desk = *op; /* gg_matter_create takes the op mutable (the case route's creation needs it) */
    for (int i = 0; i < (int)(sizeof MATTERS / sizeof *MATTERS); i++) {
        const demo_matter_t *m = &MATTERS[i];
        gg_matter_new_t in = {.unit_id = m->street && tcs_street ? tcs_street : county->id,
                              .visitor_name = m->visitor,
                              .visitor_phone = m->phone,
                              .summary = m->summary,
                              .route = m->route,
                              .petition_kind = "visit"};
        if (!strcmp(m->route, "consultation") &&
            (in.slot_id = free_slot(op, tcs_counter ? tcs_counter : county_counters[0], 2, 10, err)) < 0)
            return -1;
        if (gg_matter_create(&desk, &env, &in, &id, err) < 0) return -1;
        st->matters++;
    }
    /* petitions: accepted and answered, accepted, just registered, a duplicate of the first */
    int64_t now = gg_now_ms();
    for (int i = 0; i < (int)(sizeof PETITIONS / sizeof *PETITIONS); i++) {
        const demo_petition_t *p = &PETITIONS[i];
        gg_petition_new_t in = {.unit_id = county->id,
                                .kind = p->kind,
                                .name = p->name,
                                .id_number = p->id_number,
                                .phone = p->phone,
                                .subject = p->subject,
                                .content = p->content,
                                .received_on = day_before(a, now, p->days_ago)};
        const char *number;
        if (gg_petition_create(op, cal, &in, &id, &number, err) < 0) return -1;
        st->petitions++;
        if (p->decided_after >= 0 &&
            gg_petition_decide(op, cal, id, 1, day_before(a, now, p->days_ago - p->decided_after),
                               "属于本机关职权范围，予以受理", err) < 0)
            return -1;
        if (p->reply && gg_petition_reply(op, id, p->reply, day_before(a, now, 2), 0, err) < 0) return -1;
    }
    return 0;
}

static int demo_tx(gg_db_conn_t *c, void *p, gg_error_t *err)
{
    demo_ctx_t *x = p;
    gg_arena_t *a = gg_arena_new(1 << 16);
    int rc = -1, found = 0;
    gg_unit_t county, root;
    if (gg_unit_by_code(c, a, "420204000000", &county, &found, err) < 0) goto done;
    if (!found) { /* no 下陆区: nothing to do */
        rc = 0;
        goto done;
    }
    if (gg_unit_by_code(c, a, "root", &root, &found, err) < 0 || !found) goto done;
    int64_t desk_acc = 0, resident_acc = 0, any = 0;
    if (gg_db_query_i64(c, "SELECT id FROM account WHERE username = 'xialu_centre'", GG_NOARGS, &desk_acc,
                        &found, err) < 0 ||
        gg_db_query_i64(c, "SELECT id FROM account WHERE username = 'resident_demo'", GG_NOARGS,
                        &resident_acc, &found, err) < 0)
        goto done;
    /* the desk acts with every permission (the demo is an operator's run), recorded as the centre's desk */
    gg_grant_t g = {.role = "admin", .perms = GG_P_ALL, .unit_id = root.id, .unit_path = root.path};
    gg_auth_t desk = {.account_id = desk_acc,
                      .username = "xialu_centre",
                      .display_name = "下陆区综治中心窗口",
                      .ngrants = 1,
                      .grants = &g,
                      .perms_any = GG_P_ALL};
    gg_auth_t res = {.account_id = resident_acc,
                     .username = "resident_demo",
                     .display_name = "居民 王芳",
                     .ngrants = 1,
                     .grants = &g,
                     .perms_any = GG_P_ALL};
    gg_op_t op = gg_op_make(c, a, &desk, x->keys);
    gg_op_t rop = gg_op_make(c, a, &res, x->keys);
    if (gg_db_query_i64(
            c,
            "SELECT count(*) FROM legal_counter k JOIN unit u ON u.id = k.unit_id WHERE u.path >= $1 "
            "AND u.path < $2",
            GG_ARGS(GG_TEXT(county.path), GG_TEXT(below(a, &county))), &any, &found, err) < 0)
        goto done;
    x->st->already = any > 0;
    if (any)
        rc = slots_topup(&op, &county, x->cal, &x->st->slots, err);
    else
        rc = seed_once(&op, resident_acc ? &rop : NULL, &county, x->cal, x->st, err);
done:
    gg_arena_free(a);
    return rc;
}

int gg_centres_demo(gg_db_t *db, const gg_keys_t *keys, const gg_cal_snapshot_t *cal,
                    gg_centres_demo_stats_t *st, gg_error_t *err)
{
    memset(st, 0, sizeof *st);
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) return -1;
    demo_ctx_t x = {.keys = keys, .cal = cal, .st = st};
    int rc = gg_db_tx(c, demo_tx, &x, err);
    gg_db_release(db, c);
    return rc;
}
