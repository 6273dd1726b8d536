/* demo_cases.c — a year of demonstration cases, simulated through the workflow (see demo_cases.h). */
#include "domain/demo_cases.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/crypto.h"
#include "core/clock.h"
#include "domain/cases/case_number.h"
#include "domain/cases/workflow.h"
#include "domain/demo.h"
#include "domain/identity/audit.h"
#include "domain/setting.h"
#include "domain/tree/unit.h"

const char *const gg_demo_case_states[] = {
    "reported",  "accepted", "registered", "dispatched", "in_progress", "awaiting_verification",
    "suspended", "closed",   "rated",      "rejected",   "merged",      NULL};

#define NUM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MIN_MS 60000LL
#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL
#define MAXEV 64
#define MAXTASK 12

/* ---- the seeded generator: splitmix64, as demo.c ---- */

typedef struct rng {
    uint64_t s;
} rng_t;

static uint64_t next(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int pick(rng_t *r, int n)
{
    return (int)(next(r) % (uint64_t)n);
}

static double uniform(rng_t *r)
{
    return (double)(next(r) >> 11) / 9007199254740992.0;
}

static int chance(rng_t *r, double p)
{
    return uniform(r) < p;
}

static int64_t between(rng_t *r, int64_t lo, int64_t hi) /* lo .. hi */
{
    return lo + (int64_t)(next(r) % (uint64_t)(hi - lo + 1));
}

/* ---- what the cases are about ---- */

enum { FH_GRID, FH_COMMUNITY, FH_DISPATCHER };
enum { F_CITIZEN = 1, F_VISIBLE = 2, F_SPOT = 4, F_PROPERTY = 8 };

/* Weights like a city centre's year: 市容环境 and 街面秩序 lead, then noise, facilities, disputes, hazards
 * and consultations.  F_CITIZEN: only residents report it (no patrol or camera); F_VISIBLE: a camera sees it;
 * F_SPOT: a grid worker often fixes it on the spot (随手办); F_PROPERTY: a 物业 may handle it. */
static const struct {
    const char *code;
    double weight;
    int flags;
    const char *what[3]; /* descriptions: "%s" is the place */
} mix[] = {
    {"exposed_rubbish",
     12,
     F_VISIBLE | F_SPOT | F_PROPERTY,
     {"%s旁边有生活垃圾堆放多日无人清运，气味很大", "%s路边暴露垃圾，影响环境",
      "%s绿化带内有建筑垃圾和生活垃圾"}},
    {"overflowing_bins",
     6,
     F_VISIBLE | F_SPOT | F_PROPERTY,
     {"%s的垃圾桶已经满溢，垃圾散落一地", "%s垃圾分类桶满了没人清理", NULL}},
    {"illegal_ads", 5, F_SPOT, {"%s单元门和墙面被贴满小广告", "%s电线杆上乱贴开锁、通下水道小广告", NULL}},
    {"dirty_road",
     4,
     F_VISIBLE,
     {"%s门前道路有泥浆和油污，行人容易滑倒", "%s路面积水积泥，清扫不及时", NULL}},
    {"street_vending",
     9,
     F_VISIBLE | F_SPOT,
     {"%s路口有流动摊贩占道经营，早晚高峰堵塞交通", "%s人行道上有人摆摊卖水果", "%s夜市摊点占用盲道"}},
    {"out_of_store",
     5,
     F_VISIBLE | F_SPOT,
     {"%s临街门店把货物摆到店外人行道上", "%s餐馆在店外搭棚经营", NULL}},
    {"illegal_parking",
     5,
     F_VISIBLE | F_SPOT,
     {"%s门口电动车、共享单车乱停放，堵住通道", "%s消防通道口停满非机动车", NULL}},
    {"materials_piled", 2, F_VISIBLE, {"%s装修户把沙石和砖块堆在楼道口", NULL, NULL}},
    {"construction_noise",
     6,
     F_CITIZEN,
     {"%s附近工地夜间施工，噪音扰民，影响休息", "%s楼上装修每天早上七点就开始电钻作业", NULL}},
    {"muck_spill", 2, F_VISIBLE, {"%s路段渣土车撒漏，路面全是泥土", NULL, NULL}},
    {"manhole_cover", 3, 0, {"%s人行道上井盖破损，有行人踩空的危险", "%s路口井盖缺失，已临时放了树枝", NULL}},
    {"street_light", 4, 0, {"%s一排路灯晚上不亮，居民出行不便", "%s小区主干道路灯损坏多日", NULL}},
    {"road_damage", 3, 0, {"%s路面出现大坑，车辆经过很危险", "%s人行道地砖松动破损", NULL}},
    {"greenery_damage", 2, F_PROPERTY, {"%s绿地被人毁坏种菜", "%s草坪被车辆碾压损毁", NULL}},
    {"dangerous_tree", 1, 0, {"%s有大树倾斜，随时可能倒伏砸到行人", NULL, NULL}},
    {"illegal_building", 2, 0, {"%s顶楼住户在楼顶搭建彩钢棚", "%s一楼住户私自扩建院墙", NULL}},
    {"water_leak",
     3,
     F_CITIZEN | F_PROPERTY,
     {"%s楼上漏水，墙面发霉，多次协商未果", "%s外墙渗水，下雨天屋里漏水", NULL}},
    {"neighbour_dispute",
     4,
     F_CITIZEN,
     {"%s邻居之间因为楼道堆物发生争吵", "%s楼上楼下因漏水和噪音产生矛盾", NULL}},
    {"family_dispute", 1.5, F_CITIZEN, {"%s一户家庭因赡养老人问题发生纠纷", NULL, NULL}},
    {"property_dispute",
     3,
     F_CITIZEN | F_PROPERTY,
     {"%s居民对物业收费和服务不满，要求协调", "%s电梯经常故障，物业推诿不修", NULL}},
    {"wage_arrears", 1.5, F_CITIZEN, {"在%s附近工地务工，工资被拖欠三个月", NULL, NULL}},
    {"fire_lane_blocked", 2, F_VISIBLE | F_SPOT | F_PROPERTY, {"%s消防通道被杂物和车辆堵塞", NULL, NULL}},
    {"gas_hazard", 1, 0, {"%s楼道里有燃气味，担心泄漏", "%s餐馆使用液化气罐不规范", NULL}},
    {"ebike_charging",
     3,
     F_VISIBLE | F_SPOT,
     {"%s有人从楼上拉电线给电动车充电", "%s楼道内停放电动车充电", NULL}},
    {"elderly_care", 1, F_CITIZEN, {"%s独居老人行动不便，希望社区提供上门服务", NULL, NULL}},
    {"social_assistance", 1, F_CITIZEN, {"%s一户家庭因病致贫，咨询申请救助", NULL, NULL}},
    {"certificates", 1, F_CITIZEN, {"需要开具居住证明，住在%s", NULL, NULL}},
    {"consultation",
     6,
     F_CITIZEN,
     {"咨询%s附近的老旧小区改造什么时候开始", "咨询住在%s办理居住证需要哪些材料",
      "咨询%s附近的医保缴费地点"}},
    {"report", 1.5, F_CITIZEN, {"举报%s有人非法经营黑作坊", "举报%s有人私自开设棋牌室", NULL}},
    {"suggestion", 1, F_CITIZEN, {"建议在%s增设休闲座椅和健身器材", "建议%s路口增设红绿灯", NULL}},
    {"praise", 0.5, F_CITIZEN, {"表扬%s的网格员热心帮助独居老人", NULL, NULL}},
};

/* The departments a case is dispatched to: one of each kind per county, code county + 9000NN (NN = index + 1,
 * so 城管 is the demo's 420204900001 下陆区城市管理执法局). */
static const struct {
    const char *kind, *name;
} dept_kinds[] = {{"城管", "城市管理执法局"},   {"住建", "住房和城乡建设局"},
                  {"市政", "市政设施管理处"},   {"园林", "园林局"},
                  {"环卫", "环境卫生管理处"},   {"应急", "应急管理局"},
                  {"生态环境", "生态环境分局"}, {"司法", "司法局"},
                  {"民政", "民政局"},           {"人社", "人力资源和社会保障局"},
                  {"消防", "消防救援大队"},     {"燃气", "燃气公司"}};
#define NKINDS NUM(dept_kinds)

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                       "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "强", "磊",   "军",   "洋",   "勇",
                                    "艳", "杰", "娟", "涛", "明", "超", "秀英", "建国", "桂英", "志强"};

/* ---- the world the cases happen in ---- */

typedef struct actor {
    int64_t account;
    const char *name;
} actor_t;

typedef struct uref {
    int64_t id;
    const char *path, *name;
    actor_t
        who; /* who dispatches (community, street, county) or handles (grid, department, property) there */
} uref_t;

typedef struct bld {
    int64_t id, house0, grid_id;
    int nhouses, grid;
    double lat, lon;
    const char *addr;
} bld_t;

typedef struct grid {
    uref_t u;
    int64_t parent_id, resident; /* resident: a resident account living there (the demo's resident_demo) */
    const char *code;
    int comm, slot;
} grid_t;

typedef struct comm {
    uref_t u;
    int64_t parent_id;
    int street, prop; /* prop: index into props, -1 none */
} comm_t;

typedef struct county {
    const char *code;
    uref_t u;
    actor_t supervisor;
    uref_t *st;
    int64_t *st_parent;
    int nst;
    comm_t *cm;
    int ncm;
    grid_t *gr;
    int ngr;
    bld_t *b;
    int nb;
    uref_t *props;
    int nprops;
    uref_t dept[NKINDS];
    struct {
        int64_t id;
        const char *path;
    } lines[8];
    int nlines;
    int64_t want, made;
    int64_t showcase_grid; /* index of grid_worker1's grid, -1 none */
} county_t;

typedef struct cat {
    int64_t id, ver;
    const char *code, *name, *priority, *runit, *hunit;
    int rl, hl, fh, flags, mix;
    int kind; /* index into dept_kinds, -1 none */
} cat_t;

typedef struct grant {
    int64_t unit_id, account;
    const char *role, *username, *name;
} grant_t;

/* ---- one case while it is simulated ---- */

typedef struct ev {
    int64_t at, account, unit, target;
    const char *actor, *action, *from, *to, *note, *detail;
    int pub;
} ev_t;

typedef struct task {
    const uref_t *u;
    int64_t account, created, reported;
    int lead;
    const char *state;
} task_t;

enum {
    FORCE_ACCEPT = 1,
    FORCE_REJECT = 2,
    FORCE_MERGE = 4,
    FORCE_SUSPEND = 8,
    FORCE_SUPERVISE = 16,
    FORCE_RATE = 32,
    FORCE_ESCALATE = 64,
    FORCE_RESIDENT = 128,
    FORCE_LATE = 256,
    FORCE_PLAIN = 512 /* no random detours (return, suspension, extension, rework, on-the-spot) */
};

typedef struct kase {
    const cat_t *cat;
    county_t *k;
    grid_t *grid;
    const bld_t *b;
    const char *channel;
    int64_t place_id;
    const uref_t *owner;
    int owner_level; /* 0 community, 1 street, 2 county */
    const uref_t *handler;
    int64_t handler_account;
    const char *state, *susp_from;
    int64_t susp_left;
    int64_t created, response_due, registered, due, yellow;
    int64_t hwork; /* the handling time in working ms */
    int fallback;
    int ext_pending;
    int64_t ext_ms;
    const char *ext_reason;
    int supervised;
    int64_t supervise_due;
    int rework, reopen;
    int64_t merged_into;
    const char *rating, *rating_comment;
    int64_t rated_at, closed_at;
    actor_t reporter;
    int64_t reporter_account, created_by;
    int anonymous, rounds;
    int version, stopped, force;
    const char *stop_after; /* a state or an action: the timeline ends the stop_nth time it is reached */
    int stop_hits, stop_nth;
    int creating; /* the events of the creating transaction (report, register, dispatch, 随手办) */
    int64_t last_at;
    ev_t ev[MAXEV];
    int nev;
    task_t task[MAXTASK];
    int ntask;
} kase_t;

typedef struct plan {
    int64_t at;
    int county, showcase; /* showcase: index into showcases, -1 an ordinary case */
    int serial;
} plan_t;

typedef struct gen {
    const gg_security_t *sec;
    const gg_demo_cases_options_t *o;
    gg_demo_cases_stats_t *st;
    const gg_cal_snapshot_t *cal;
    gg_arena_t *a, *tmp;
    rng_t r;
    int64_t now;
    double yellow_share;
    county_t k[8];
    int nk;
    cat_t *cats;
    int ncats;
    double *cum; /* cumulative weights of cats */
    grant_t *grants;
    int ngrants;
    plan_t *plan;
    int64_t nplan, done;
    int64_t first_day; /* local day number of the plan's first day */
    int *counter;      /* per local day from first_day: the last serial */
    int ndays;
    int64_t *last_case; /* per (grid slot, category): the newest case id, for merges */
    int nslots;
    int64_t illegal; /* events the workflow table does not allow (a bug of this file) */
    char illegal_what[128];
    kase_t kc;
} gen_t;

/* ---- working time on the calendar ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

static int64_t local_day(int64_t t)
{
    return floor_div(t + GG_CAL_UTC_OFFSET_MS, DAY_MS);
}

static int64_t day_start(int64_t day) /* the instant of local midnight */
{
    return day * DAY_MS - GG_CAL_UTC_OFFSET_MS;
}

/* "YYYYMMDD" of t's local date */
static void local_date(int64_t t, char out[16])
{
    int y, m, d;
    gg_cal_civil_from_days(local_day(t), &y, &m, &d);
    snprintf(out, 16, "%04d%02d%02d", y % 10000, m % 100, d % 100);
}

static int is_workday(const gg_cal_snapshot_t *s, int64_t day)
{
    int y, m, d;
    gg_cal_civil_from_days(day, &y, &m, &d);
    return gg_cal_is_workday(s, y, m, d, NULL);
}

/* t plus ms of office time: the instant when ms of working time have passed since t */
static int64_t add_work(const gg_cal_snapshot_t *s, int64_t t, int64_t ms)
{
    const gg_office_hours_t *h = gg_cal_snapshot_hours(s);
    int64_t day = local_day(t);
    if (ms < 0) ms = 0;
    for (int guard = 0; guard < 4000; guard++, day++) {
        if (!is_workday(s, day)) continue;
        for (int i = 0; i < h->n; i++) {
            int64_t a = day_start(day) + h->start[i] * MIN_MS, b = day_start(day) + h->end[i] * MIN_MS;
            if (t >= b) continue;
            int64_t from = t > a ? t : a;
            if (from + ms <= b) return from + ms;
            ms -= b - from;
            t = b;
        }
    }
    return t;
}

static int64_t deadline(gen_t *g, int64_t from, int n, const char *unit, int *fallback)
{
    int64_t out = from;
    int fb = 0;
    gg_error_t e = {0};
    if (strcmp(unit, "working_days") == 0)
        gg_cal_deadline_days(g->cal, from, n, "limit", &out, &fb, &e);
    else
        gg_cal_deadline_hours(g->cal, from, n, "limit", &out, &fb, &e);
    if (fb && fallback) *fallback = 1;
    return out;
}

static int64_t working(gen_t *g, int64_t a, int64_t b)
{
    return gg_cal_working_ms(g->cal, a, b, NULL);
}

/* the instant when the yellow share of the handling time from registered to due is used */
static int64_t yellow_at(gen_t *g, int64_t registered, int64_t due)
{
    return add_work(g->cal, registered, (int64_t)(g->yellow_share * (double)working(g, registered, due)));
}

/* ---- the simulation ---- */

static const char *dup(gen_t *g, const char *s)
{
    return gg_strdup(g->tmp, s);
}

/* Append one event at `at` (never before the last one); 0 when the timeline ends here (now is reached, or
 * the state the case is to stop in). */
static int emit(gen_t *g, kase_t *k, int64_t at, const char *action, const char *to, actor_t who,
                int64_t unit, int64_t target, const char *note, int pub, const char *detail)
{
    if (k->stopped) return 0;
    if (at < k->last_at) at = k->last_at;
    if (at > g->now || k->nev == MAXEV) {
        k->stopped = 1;
        return 0;
    }
    ev_t *e = &k->ev[k->nev++];
    *e = (ev_t){.at = at,
                .account = who.account,
                .unit = unit,
                .target = target,
                .actor = who.name,
                .action = action,
                .from = k->state,
                .to = to ? to : k->state,
                .note = note,
                .detail = detail,
                .pub = pub};
    if (e->from) { /* every step is one the workflow table allows */
        int from = gg_case_state_parse(e->from), act = gg_case_action_parse(action);
        const gg_wf_rule_t *rule = gg_wf_find(from, act);
        int want = !rule                              ? -3
                   : rule->to == GG_WF_SAME           ? from
                   : rule->to == GG_WF_SUSPENDED_FROM ? gg_case_state_parse(k->susp_from ? k->susp_from : "")
                                                      : rule->to;
        if (want != gg_case_state_parse(e->to)) {
            if (!g->illegal)
                snprintf(g->illegal_what, sizeof g->illegal_what, "%s --%s--> %s", e->from, action, e->to);
            g->illegal++;
        }
    }
    k->state = e->to;
    k->last_at = at;
    if (!k->creating) k->version++; /* every action after the creating transaction writes the row */
    if (k->stop_after && (!strcmp(k->state, k->stop_after) || !strcmp(action, k->stop_after)) &&
        ++k->stop_hits >= k->stop_nth)
        k->stopped = 1;
    return 1;
}

#define EMIT(...)                                                                                            \
    do {                                                                                                     \
        if (!emit(__VA_ARGS__)) return;                                                                      \
    } while (0)

static void registered(gen_t *g, kase_t *k, int64_t t)
{
    k->registered = t;
    k->due = deadline(g, t, k->cat->hl, k->cat->hunit, &k->fallback);
    k->yellow = yellow_at(g, t, k->due);
    k->hwork = working(g, t, k->due);
}

/* dispatch, return, escalate and reopen withdraw every earlier task; return, escalate and reopen also clear
 * the handler (as transition.c does) */
static void withdraw_tasks(kase_t *k, int clear_handler)
{
    for (int i = 0; i < k->ntask; i++)
        k->task[i].state = "withdrawn";
    if (clear_handler) k->handler = NULL, k->handler_account = 0;
}

static task_t *lead_task(kase_t *k)
{
    for (int i = k->ntask - 1; i >= 0; i--)
        if (k->task[i].lead && strcmp(k->task[i].state, "withdrawn") != 0) return &k->task[i];
    return NULL;
}

static void add_task(kase_t *k, const uref_t *u, int64_t account, int lead, int64_t at)
{
    if (k->ntask == MAXTASK) return;
    k->task[k->ntask++] = (task_t){.u = u, .account = account, .created = at, .lead = lead, .state = "open"};
}

static const uref_t *dept_of(county_t *c, int kind)
{
    return kind >= 0 && c->dept[kind].id ? &c->dept[kind] : NULL;
}

static comm_t *comm_of(kase_t *k)
{
    return &k->k->cm[k->grid->comm];
}

/* Who the owner dispatches to.  exclude: not this one again (after a return). */
static const uref_t *target(gen_t *g, kase_t *k, const uref_t *exclude)
{
    rng_t *r = &g->r;
    county_t *c = k->k;
    comm_t *cm = comm_of(k);
    const uref_t *dept = dept_of(c, k->cat->kind);
    const uref_t *t = &k->grid->u;
    if (k->owner_level == 0) { /* the community dispatches: its grid, its 物业 or a department */
        double u = uniform(r);
        if (u < 0.25 && cm->prop >= 0 && (k->cat->flags & F_PROPERTY))
            t = &c->props[cm->prop];
        else if (u < 0.4 && dept)
            t = dept;
    } else { /* a street or the county: mostly the department of the matter's kind */
        if (dept && chance(r, 0.8))
            t = dept;
        else if (chance(r, 0.5))
            t = &cm->u;
        else
            t = dept_of(c, pick(r, NKINDS));
        if (!t) t = &cm->u;
    }
    if (t == exclude) t = t == &k->grid->u ? &cm->u : &k->grid->u;
    return t;
}

static void set_owner(kase_t *k, int level)
{
    county_t *c = k->k;
    comm_t *cm = comm_of(k);
    k->owner_level = level;
    k->owner = level == 0 ? &cm->u : level == 1 ? &c->st[cm->street] : &c->u;
}

/* dispatch to t from the current state (registered), with assisting units for a joint dispatch */
static int dispatch(gen_t *g, kase_t *k, int64_t at, const char *action, const uref_t *t, actor_t who,
                    int with_account)
{
    rng_t *r = &g->r;
    const uref_t *assist[2];
    int na = 0;
    county_t *c = k->k;
    int dept = t != &k->grid->u && t != &comm_of(k)->u;
    if (dept && !(k->force & FORCE_PLAIN) &&
        chance(r, 0.18)) { /* 联合派遣: another department, the community */
        const uref_t *o = dept_of(c, pick(r, NKINDS));
        if (o && o != t) assist[na++] = o;
        if (chance(r, 0.5)) assist[na++] = &comm_of(k)->u;
    }
    int64_t acc = with_account ? t->who.account : 0;
    char *detail = gg_sprintf(g->tmp, "{\"unit_id\":%lld", (long long)t->id);
    if (acc) detail = gg_sprintf(g->tmp, "%s,\"account_id\":%lld", detail, (long long)acc);
    detail = gg_sprintf(g->tmp, "%s,\"assist_unit_ids\":[", detail);
    for (int i = 0; i < na; i++)
        detail = gg_sprintf(g->tmp, "%s%s%lld", detail, i ? "," : "", (long long)assist[i]->id);
    detail = gg_sprintf(g->tmp, "%s]}", detail);
    const char *note = na ? gg_sprintf(g->tmp, "联合派遣：%s主办", t->name) : NULL;
    if (!emit(g, k, at, action, "dispatched", who, t->id, acc, note, 1, detail)) return 0;
    withdraw_tasks(k, 0);
    add_task(k, t, acc, 1, k->last_at);
    for (int i = 0; i < na; i++)
        add_task(k, assist[i], 0, 0, k->last_at);
    k->handler = t;
    k->handler_account = acc;
    return 1;
}

/* t plus lo..hi minutes of working time, at most a fifteenth of the case's handling time (a 4-hour matter is
 * not dispatched two hours later) */
static int64_t work_min(gen_t *g, kase_t *k, int64_t t, int lo, int hi)
{
    int64_t ms = between(&g->r, lo, hi) * MIN_MS;
    if (k->hwork && ms > k->hwork / 15) ms = k->hwork / 15 + between(&g->r, 0, 5) * MIN_MS;
    return add_work(g->cal, t, ms);
}

static const char *const rate_good[] = {"处理很及时，谢谢！", "网格员很负责", "满意", "问题解决了，点赞"};

/* From dispatch to closure, then the rating (and possibly one reopening). */
static void lead_to(kase_t *k, const char *state)
{
    task_t *lead = lead_task(k);
    if (lead) {
        lead->state = state;
        lead->reported = !strcmp(state, "reported") ? k->last_at : 0;
    }
}

static void receive_all(kase_t *k) /* the lead and the assisting units take it up */
{
    for (int i = 0; i < k->ntask; i++)
        if (!strcmp(k->task[i].state, "open")) k->task[i].state = "received";
}

/* From dispatch to closure, then the rating (and possibly one reopening).  dispatched: the case was
 * dispatched when it was created (a grid-first matter). */
static void handle(gen_t *g, kase_t *k, int dispatched)
{
    rng_t *r = &g->r;
    const cat_t *c = k->cat;
    int plain = k->force & FORCE_PLAIN;
    int64_t t = k->last_at;
again:
    if (!dispatched) {
        if (!plain && k->owner_level < 2 && chance(r, 0.02)) { /* 上报: beyond the owner, one level up */
            t = work_min(g, k, t, 10, 90);
            EMIT(g, k, t, "escalate", "registered", k->owner->who, k->owner->id, 0,
                 "超出本级处置能力，提请上级协调", 0, NULL);
            withdraw_tasks(k, 1);
            set_owner(k, k->owner_level + 1);
        }
        t = work_min(g, k, t, 10, 120);
        if (!dispatch(g, k, t, "dispatch", target(g, k, NULL), k->owner->who, chance(r, 0.5))) return;
    }
    dispatched = 0;
    t = work_min(g, k, k->last_at, 5, 90);
    if (!plain && chance(r, 0.03)) { /* 回退: not this unit's job */
        const uref_t *was = k->handler;
        EMIT(g, k, t, "return", "registered", was->who, was->id, 0, "不属于本单位职责范围，申请退回", 0,
             NULL);
        withdraw_tasks(k, 1);
        t = work_min(g, k, t, 20, 120);
        if (!dispatch(g, k, t, "dispatch", target(g, k, was), k->owner->who, 1)) return;
        t = work_min(g, k, t, 5, 60);
    }
    EMIT(g, k, t, "receive", "in_progress", k->handler->who, k->handler->id, 0, NULL, 1, NULL);
    lead_to(k, "received");
    receive_all(k);
    /* 网格员上报: the grid worker finds it beyond the grid; the street dispatches to a department */
    if ((k->force & FORCE_ESCALATE) || (!plain && k->handler == &k->grid->u && k->owner_level == 0 &&
                                        dept_of(k->k, c->kind) && chance(r, 0.12))) {
        t = work_min(g, k, t, 10, 120);
        EMIT(g, k, t, "escalate", "registered", k->handler->who, k->owner->id, 0,
             "需职能部门执法处置，提请街道派遣", 0, NULL);
        withdraw_tasks(k, 1);
        set_owner(k, 1);
        t = work_min(g, k, t, 10, 90);
        const uref_t *d = dept_of(k->k, c->kind);
        if (!dispatch(g, k, t, "dispatch", d ? d : target(g, k, NULL), k->owner->who, 1)) return;
        t = work_min(g, k, t, 5, 60);
        EMIT(g, k, t, "receive", "in_progress", k->handler->who, k->handler->id, 0, NULL, 1, NULL);
        lead_to(k, "received");
        receive_all(k);
    }
    if ((k->force & FORCE_SUSPEND) ||
        (!plain && chance(r, 0.025))) { /* 挂账: waits for money or a decision */
        t = work_min(g, k, t, 30, 480);
        EMIT(g, k, t, "suspend", "suspended", k->owner->who, 0, 0, "需协调资金和多部门意见，暂缓办理", 0,
             NULL);
        k->susp_from = "in_progress";
        k->susp_left = working(g, t, k->due);
        int64_t red = (int64_t)((1 - g->yellow_share) * (double)k->hwork);
        t += between(r, 5, 40) * DAY_MS;
        EMIT(g, k, t, "resume", "in_progress", k->owner->who, 0, 0, "条件已具备，恢复办理", 0, NULL);
        k->due = add_work(g->cal, t, k->susp_left);
        k->yellow = add_work(g->cal, t, k->susp_left > red ? k->susp_left - red : 0);
        k->susp_from = NULL;
        k->susp_left = 0;
    }
    int64_t h = working(g, k->registered, k->due);
    if (!plain && chance(r, 0.04)) { /* 申请延期 */
        int64_t tr = add_work(g->cal, k->registered, h / 2);
        if (tr < t) tr = t;
        EMIT(g, k, tr, "extend_request", NULL, k->handler->who, k->handler->id, 0,
             "涉及多方协调，申请延期3个工作日", 0, "{\"days\":3}");
        int64_t nd = deadline(g, k->due, 3, "working_days", &k->fallback);
        k->ext_pending = 1;
        k->ext_ms = working(g, k->due, nd);
        k->ext_reason = "涉及多方协调，申请延期3个工作日";
        t = work_min(g, k, tr, 30, 240);
        if (chance(r, 0.8)) {
            EMIT(g, k, t, "extend_approve", NULL, k->owner->who, 0, 0, NULL, 0,
                 gg_sprintf(g->tmp, "{\"due_at\":%lld}", (long long)nd));
            k->due = nd;
            k->yellow = yellow_at(g, k->registered, nd);
            h = working(g, k->registered, k->due);
        } else {
            EMIT(g, k, t, "extend_reject", NULL, k->owner->who, 0, 0, "时限内可以办结，请抓紧办理", 0, NULL);
        }
        k->ext_pending = 0;
        k->ext_ms = 0;
        k->ext_reason = NULL;
    }
    for (int i = 0; i < k->ntask; i++) { /* 协办反馈 */
        task_t *a = &k->task[i];
        if (a->lead || strcmp(a->state, "received") != 0) continue;
        t = work_min(g, k, t, 30, 600);
        EMIT(g, k, t, "assist_report", NULL, a->u->who, a->u->id, 0, "协办事项已完成", 0, NULL);
        a->state = "reported";
        a->reported = k->last_at;
    }
    /* the handling time used: mostly well inside the limit, about one in twelve late */
    double f = (k->force & FORCE_LATE) || (!plain && chance(r, 0.08)) ? 1.05 + uniform(r)
                                                                      : 0.05 + 0.9 * pow(uniform(r), 1.5);
    int64_t tf = add_work(g->cal, k->registered, (int64_t)(0.9 * f * (double)h)); /* verification follows */
    if (tf < t + 10 * MIN_MS) tf = work_min(g, k, t, 10, 60);
    if ((k->force & FORCE_SUPERVISE) || (f > 1 && chance(r, 0.6)) || (!plain && chance(r, 0.015))) {
        int64_t ts = f > 1 ? work_min(g, k, k->due, 30, 240) : work_min(g, k, t, 30, 240);
        if (ts < tf || (k->force & FORCE_SUPERVISE)) {
            int64_t sdue = deadline(g, ts, 1, "working_days", NULL);
            EMIT(g, k, ts, "supervise", NULL, k->k->supervisor, k->owner->id, 0,
                 f > 1 ? "已超期，请加快办理并反馈" : "群众反映强烈，请优先办理", 0,
                 gg_sprintf(g->tmp, "{\"due_at\":%lld}", (long long)sdue));
            k->supervised = 1;
            k->supervise_due = sdue;
        }
    }
    if (!plain && chance(r, 0.08)) {
        int64_t tn = t + (tf - t) / 2;
        EMIT(g, k, tn, "note", NULL, k->handler->who, 0, 0, "已联系当事人，约定现场查看", 0, NULL);
    }
    EMIT(g, k, tf, "feedback", "awaiting_verification", k->handler->who, k->handler->id, 0,
         "已处置完毕，附处置后照片", 1, NULL);
    lead_to(k, "reported");
    t = work_min(g, k, k->last_at, 20, 480);
    if (!plain && chance(r, 0.05)) { /* 核查不通过 → 返工 */
        EMIT(g, k, t, "verify_fail", "in_progress", k->owner->who, 0, 0, "现场核查问题仍然存在，请重新处置",
             0, gg_sprintf(g->tmp, "{\"rework_count\":%d}", k->rework + 1));
        k->rework++;
        lead_to(k, "received");
        t = add_work(g->cal, t, (int64_t)((0.1 + 0.3 * uniform(r)) * (double)h));
        EMIT(g, k, t, "feedback", "awaiting_verification", k->handler->who, k->handler->id, 0,
             "已重新处置到位", 1, NULL);
        lead_to(k, "reported");
        t = work_min(g, k, t, 20, 240);
    }
    EMIT(g, k, t, "verify_pass", "closed", k->owner->who, k->owner->id, 0, "经现场核查已处置到位，予以结案",
         1, NULL);
    k->closed_at = k->last_at;
    /* the reporter rates it (residents and callers who left a way to reach them) */
    int can_rate = strcmp(k->channel, "patrol") != 0 && strcmp(k->channel, "video_alarm") != 0;
    if (can_rate && ((k->force & FORCE_RATE) || (!plain && chance(r, 0.75)))) {
        t = k->last_at + between(r, 2 * 60, 3 * 24 * 60) * MIN_MS;
        double u = uniform(r);
        const char *rating = u < 0.84 ? "satisfied" : u < 0.95 ? "basically_satisfied" : "unsatisfied";
        if (k->force & FORCE_RATE) rating = "satisfied";
        const char *comment = !strcmp(rating, "unsatisfied") ? "问题没有彻底解决"
                              : chance(r, 0.3)               ? rate_good[pick(r, NUM(rate_good))]
                                                             : NULL;
        EMIT(g, k, t, "rate", "rated", k->reporter, 0, 0, comment, 1,
             gg_sprintf(g->tmp, "{\"rating\":\"%s\"}", rating));
        k->rating = rating;
        k->rating_comment = comment;
        k->rated_at = k->last_at;
        if (!strcmp(rating, "unsatisfied") && k->rounds == 0 && chance(r, 0.35)) { /* 重新办理 */
            t = k->last_at + between(r, 60, 2 * 24 * 60) * MIN_MS;
            EMIT(g, k, t, "reopen", "registered", k->reporter, 0, 0, "问题仍未解决，申请重新办理", 1,
                 gg_sprintf(g->tmp, "{\"reopen_count\":%d,\"rating\":\"unsatisfied\"}", k->reopen + 1));
            k->reopen++;
            k->rounds++;
            k->closed_at = 0;
            k->rating = k->rating_comment = NULL;
            k->rated_at = 0;
            withdraw_tasks(k, 1);
            registered(g, k, k->last_at);
            t = k->last_at;
            goto again;
        }
    }
}

static const char *description(gen_t *g, const cat_t *c, const bld_t *b)
{
    int n = 0;
    while (n < 3 && mix[c->mix].what[n])
        n++;
    return gg_sprintf(g->tmp, mix[c->mix].what[pick(&g->r, n)], b->addr);
}

/* The whole life of one case from its report, up to now (or its stop state). */
/* The whole life of one case from its report, up to now (or its stop state).  The creating transaction
 * writes what case_create.c writes: report (→ reported), then register and, for a grid-first matter in a
 * grid, dispatch at the same instant; 随手办 adds receive, feedback and verify_pass. */
static void simulate(gen_t *g, kase_t *k)
{
    rng_t *r = &g->r;
    const cat_t *c = k->cat;
    int citizen =
        !strcmp(k->channel, "app") || !strcmp(k->channel, "hotline") || !strcmp(k->channel, "open311");
    int plain = k->force & FORCE_PLAIN;
    int64_t t = k->created;
    k->response_due = deadline(g, t, c->rl, c->runit, &k->fallback);
    int must_accept = c->fh == FH_DISPATCHER && citizen;
    set_owner(k, c->fh == FH_DISPATCHER ? 1 : 0);
    k->creating = 1;
    EMIT(g, k, t, "report", "reported", k->reporter, k->grid->u.id, 0, NULL, 1, NULL);
    if (!must_accept) {
        EMIT(g, k, t, "register", "registered", k->reporter, k->owner->id, 0, NULL, 1, NULL);
        registered(g, k, t);
    }
    if (!plain && !strcmp(k->channel, "patrol") && c->fh == FH_GRID && (c->flags & F_SPOT) &&
        chance(r, 0.4)) {
        /* 随手办: found and fixed by the grid worker on the spot, recorded as a full timeline at once */
        actor_t w = k->grid->u.who;
        if (!dispatch(g, k, t, "dispatch", &k->grid->u, w, 1)) return;
        EMIT(g, k, t, "receive", "in_progress", w, k->grid->u.id, 0, NULL, 1, NULL);
        EMIT(g, k, t, "feedback", "awaiting_verification", w, k->grid->u.id, 0, "随手办：现场已处置", 1,
             NULL);
        lead_to(k, "reported");
        EMIT(g, k, t, "verify_pass", "closed", w, k->owner->id, 0, NULL, 1, NULL);
        k->closed_at = k->last_at;
        k->creating = 0;
        return;
    }
    int at_once = c->fh == FH_GRID;
    if (at_once && !dispatch(g, k, t, "dispatch", &k->grid->u, k->reporter, 0)) return;
    k->creating = 0;
    if (must_accept) {
        int64_t resp = working(g, t, k->response_due);
        double f = !plain && chance(r, 0.1) ? 1.05 + uniform(r) : 0.05 + 0.85 * uniform(r);
        t = add_work(g->cal, t, (int64_t)(f * (double)resp));
        double u = uniform(r);
        if (!strcmp(c->code, "consultation") && !plain && u < 0.7) { /* 直接答复 */
            EMIT(g, k, t, "close", "closed", k->owner->who, 0, 0, "已答复诉求人相关政策和办理流程", 1, NULL);
            k->closed_at = k->last_at;
            if (chance(r, 0.6)) {
                t = k->last_at + between(r, 60, 2 * 24 * 60) * MIN_MS;
                const char *rating = chance(r, 0.9) ? "satisfied" : "basically_satisfied";
                EMIT(g, k, t, "rate", "rated", k->reporter, 0, 0, NULL, 1,
                     gg_sprintf(g->tmp, "{\"rating\":\"%s\"}", rating));
                k->rating = rating;
                k->rated_at = k->last_at;
            }
            return;
        }
        if ((k->force & FORCE_REJECT) || (!plain && u > 0.97)) {
            EMIT(g, k, t, "reject", "rejected", k->owner->who, 0, 0, "不属于本辖区受理范围，已告知诉求人", 1,
                 NULL);
            return;
        }
        int64_t *last = &g->last_case[k->grid->slot * g->ncats + (c - g->cats)];
        if (*last && ((k->force & FORCE_MERGE) || (!plain && u > 0.95))) {
            EMIT(g, k, t, "merge", "merged", k->owner->who, 0, 0, "与在办事件反映同一问题，予以合并", 0,
                 gg_sprintf(g->tmp, "{\"into_case_id\":%lld}", (long long)*last));
            k->merged_into = *last;
            return;
        }
        if ((k->force & FORCE_ACCEPT) || (!plain && chance(r, 0.25))) {
            EMIT(g, k, t, "accept", "accepted", k->owner->who, 0, 0, NULL, 1, NULL);
            t = work_min(g, k, t, 10, 60);
        }
        EMIT(g, k, t, "register", "registered", k->owner->who, 0, 0, NULL, 1, NULL);
        registered(g, k, k->last_at);
    }
    handle(g, k, at_once);
}

/* ---- loading the world ---- */

static int grant_for(gen_t *g, int64_t unit, const char *role, int prefer_named, actor_t *out)
{
    int best = -1;
    for (int i = 0; i < g->ngrants; i++) {
        if (g->grants[i].unit_id != unit || strcmp(g->grants[i].role, role) != 0) continue;
        int named = strncmp(g->grants[i].username, "gw", 2) != 0;
        if (best < 0 || (prefer_named && named)) best = i;
    }
    if (best < 0) return 0;
    out->account = g->grants[best].account;
    out->name = g->grants[best].name;
    return 1;
}

static int load_grants(gg_db_conn_t *c, gen_t *g, gg_error_t *err)
{
    gg_db_res_t *res;
    int step, cap = 256;
    g->grants = gg_alloc(g->a, sizeof(grant_t) * (size_t)cap);
    if (gg_db_query(
            c,
            "SELECT g.unit_id, g.role, a.id, a.username, a.display_name FROM role_grant g JOIN account a "
            "ON a.id = g.account_id WHERE a.status = 'active' AND g.role IN ('grid_worker', 'community', "
            "'dispatcher', 'department', 'resident') ORDER BY a.id",
            GG_NOARGS, &res, err) < 0)
        return -1;
    while ((step = gg_db_next(res, err)) == 1) {
        if (g->ngrants == cap) {
            grant_t *big = gg_alloc(g->a, sizeof(grant_t) * (size_t)cap * 2);
            memcpy(big, g->grants, sizeof(grant_t) * (size_t)cap);
            g->grants = big, cap *= 2;
        }
        grant_t *x = &g->grants[g->ngrants++];
        x->unit_id = gg_db_i64(res, 0);
        x->role = gg_strdup(g->a, gg_db_text(res, 1));
        x->account = gg_db_i64(res, 2);
        x->username = gg_strdup(g->a, gg_db_text(res, 3));
        x->name = gg_strdup(g->a, gg_db_text(res, 4));
    }
    gg_db_res_free(res);
    return step < 0 ? -1 : 0;
}

static int load_categories(gg_db_conn_t *c, gen_t *g, gg_error_t *err)
{
    gg_db_res_t *res;
    int step;
    g->cats = gg_zalloc(g->a, sizeof(cat_t) * NUM(mix));
    g->cum = gg_zalloc(g->a, sizeof(double) * NUM(mix));
    if (gg_db_query(
            c,
            "SELECT c.code, c.id, v.id, c.name, v.response_limit, v.response_unit, v.handling_limit, "
            "v.handling_unit, v.first_handler, v.department_kind, v.priority FROM category c JOIN "
            "category_version v ON v.category_id = c.id WHERE c.retired_at IS NULL AND v.seq = (SELECT "
            "max(w.seq) FROM category_version w WHERE w.category_id = c.id) ORDER BY c.id",
            GG_NOARGS, &res, err) < 0)
        return -1;
    while ((step = gg_db_next(res, err)) == 1) {
        const char *code = gg_db_text(res, 0);
        int m = -1;
        for (int i = 0; i < NUM(mix); i++)
            if (!strcmp(mix[i].code, code)) m = i;
        if (m < 0) continue;
        cat_t *x = &g->cats[g->ncats++];
        x->code = mix[m].code;
        x->mix = m;
        x->flags = mix[m].flags;
        x->id = gg_db_i64(res, 1);
        x->ver = gg_db_i64(res, 2);
        x->name = gg_strdup(g->a, gg_db_text(res, 3));
        x->rl = (int)gg_db_i64(res, 4);
        x->runit = gg_strdup(g->a, gg_db_text(res, 5));
        x->hl = (int)gg_db_i64(res, 6);
        x->hunit = gg_strdup(g->a, gg_db_text(res, 7));
        const char *fh = gg_db_text(res, 8);
        x->fh = !strcmp(fh, "grid") ? FH_GRID : !strcmp(fh, "community") ? FH_COMMUNITY : FH_DISPATCHER;
        const char *kind = gg_db_text(res, 9);
        x->kind = -1;
        for (int i = 0; kind && i < NKINDS; i++)
            if (!strcmp(dept_kinds[i].kind, kind)) x->kind = i;
        x->priority = gg_strdup(g->a, gg_db_text(res, 10));
    }
    gg_db_res_free(res);
    if (step < 0) return -1;
    if (g->ncats == 0) return gg_err_invalid(err, "category", "the seeded category catalogue is missing");
    double sum = 0;
    for (int i = 0; i < g->ncats; i++)
        g->cum[i] = (sum += mix[g->cats[i].mix].weight);
    return 0;
}

static const cat_t *pick_cat(gen_t *g, const char *channel)
{
    int patrol = !strcmp(channel, "patrol"), video = !strcmp(channel, "video_alarm");
    for (;;) {
        double u = uniform(&g->r) * g->cum[g->ncats - 1];
        int i = 0;
        while (i < g->ncats - 1 && g->cum[i] <= u)
            i++;
        const cat_t *c = &g->cats[i];
        if ((patrol || video) && (c->flags & F_CITIZEN)) continue;
        if (video && !(c->flags & F_VISIBLE)) continue;
        return c;
    }
}

static const cat_t *cat_by_code(gen_t *g, const char *code)
{
    for (int i = 0; i < g->ncats; i++)
        if (!strcmp(g->cats[i].code, code)) return &g->cats[i];
    return NULL;
}

static int find_grid(const county_t *k, int64_t id)
{
    int lo = 0, hi = k->ngr - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (k->gr[mid].u.id == id) return mid;
        if (k->gr[mid].u.id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* The county's streets, communities, grids, 物业, buildings (with their first house), lines and accounts. */
static int load_county(gg_db_conn_t *c, gen_t *g, county_t *k, gg_error_t *err)
{
    gg_arena_t *a = g->a;
    gg_db_res_t *res;
    int step, found;
    int64_t id;
    k->showcase_grid = -1;
    const char *ccode = gg_sprintf(a, "%s000000", k->code);
    if (gg_db_query_i64(c, "SELECT id FROM unit WHERE code = $1", GG_ARGS(GG_TEXT(ccode)), &id, &found, err) <
        0)
        return -1;
    if (!found) return 0; /* not in this database */
    if (gg_db_query(c, "SELECT id, path, name FROM unit WHERE id = $1", GG_ARGS(GG_I64(id)), &res, err) < 0)
        return -1;
    if ((step = gg_db_next(res, err)) == 1)
        k->u = (uref_t){
            .id = id, .path = gg_strdup(a, gg_db_text(res, 1)), .name = gg_strdup(a, gg_db_text(res, 2))};
    gg_db_res_free(res);
    if (step < 0) return -1;
    const char *like = gg_sprintf(a, "%s%%", k->u.path);
    /* streets, communities, grids and 物业 of the county, in one pass */
    int cap[4] = {16, 64, 256, 16}, n[4] = {0};
    uref_t *u[4];
    int64_t *parent[4];
    for (int i = 0; i < 4; i++) {
        u[i] = gg_alloc(a, sizeof(uref_t) * (size_t)cap[i]);
        parent[i] = gg_alloc(a, sizeof(int64_t) * (size_t)cap[i]);
    }
    const char **gcode = gg_alloc(a, sizeof(char *) * (size_t)cap[2]);
    if (gg_db_query(
            c,
            "SELECT level, id, parent_id, path, name, code FROM unit WHERE path LIKE $1 AND retired_at IS "
            "NULL AND level IN ('street', 'community', 'grid', 'property') ORDER BY id",
            GG_ARGS(GG_TEXT(like)), &res, err) < 0)
        return -1;
    while ((step = gg_db_next(res, err)) == 1) {
        const char *lv = gg_db_text(res, 0);
        int i = !strcmp(lv, "street") ? 0 : !strcmp(lv, "community") ? 1 : !strcmp(lv, "grid") ? 2 : 3;
        if (n[i] == cap[i]) {
            uref_t *bu = gg_alloc(a, sizeof(uref_t) * (size_t)cap[i] * 2);
            int64_t *bp = gg_alloc(a, sizeof(int64_t) * (size_t)cap[i] * 2);
            memcpy(bu, u[i], sizeof(uref_t) * (size_t)cap[i]);
            memcpy(bp, parent[i], sizeof(int64_t) * (size_t)cap[i]);
            if (i == 2) {
                const char **bc = gg_alloc(a, sizeof(char *) * (size_t)cap[i] * 2);
                memcpy(bc, gcode, sizeof(char *) * (size_t)cap[i]);
                gcode = bc;
            }
            u[i] = bu, parent[i] = bp, cap[i] *= 2;
        }
        u[i][n[i]] = (uref_t){.id = gg_db_i64(res, 1),
                              .path = gg_strdup(a, gg_db_text(res, 3)),
                              .name = gg_strdup(a, gg_db_text(res, 4))};
        parent[i][n[i]] = gg_db_i64(res, 2);
        if (i == 2) gcode[n[i]] = gg_strdup(a, gg_db_text(res, 5));
        n[i]++;
    }
    gg_db_res_free(res);
    if (step < 0) return -1;
    k->st = u[0], k->st_parent = parent[0], k->nst = n[0];
    k->props = u[3], k->nprops = n[3];
    k->ncm = n[1];
    k->cm = gg_zalloc(a, sizeof(comm_t) * (size_t)(n[1] ? n[1] : 1));
    for (int i = 0; i < n[1]; i++) {
        k->cm[i] = (comm_t){.u = u[1][i], .parent_id = parent[1][i], .street = -1, .prop = -1};
        for (int s = 0; s < n[0]; s++)
            if (u[0][s].id == parent[1][i]) k->cm[i].street = s;
        for (int p = 0; p < n[3]; p++)
            if (parent[3][p] == u[1][i].id && k->cm[i].prop < 0) k->cm[i].prop = p;
        if (!grant_for(g, k->cm[i].u.id, "community", 1, &k->cm[i].u.who))
            k->cm[i].u.who = (actor_t){0, gg_sprintf(a, "%s工作人员", k->cm[i].u.name)};
    }
    for (int s = 0; s < n[0]; s++)
        if (!grant_for(g, u[0][s].id, "dispatcher", 1, &k->st[s].who))
            k->st[s].who = (actor_t){0, gg_sprintf(a, "%s指挥中心", u[0][s].name)};
    for (int p = 0; p < n[3]; p++)
        if (!grant_for(g, k->props[p].id, "department", 1, &k->props[p].who))
            k->props[p].who = (actor_t){0, k->props[p].name};
    if (!grant_for(g, k->u.id, "dispatcher", 1, &k->u.who))
        k->u.who = (actor_t){0, gg_sprintf(a, "%s指挥中心", k->u.name)};
    k->supervisor = k->u.who.account ? k->u.who : (actor_t){0, gg_sprintf(a, "%s督查室", k->u.name)};
    k->ngr = 0;
    k->gr = gg_zalloc(a, sizeof(grid_t) * (size_t)(n[2] ? n[2] : 1));
    for (int i = 0; i < n[2]; i++) {
        int cm = -1;
        for (int j = 0; j < k->ncm; j++)
            if (k->cm[j].u.id == parent[2][i] && k->cm[j].street >= 0) cm = j;
        if (cm < 0) continue;
        grid_t *gr = &k->gr[k->ngr++];
        gr->u = u[2][i];
        gr->parent_id = parent[2][i];
        gr->code = gcode[i];
        gr->comm = cm;
        gr->slot = g->nslots++;
        if (!grant_for(g, gr->u.id, "grid_worker", 1, &gr->u.who))
            gr->u.who = (actor_t){0, gg_sprintf(a, "%s网格员", gr->u.name)};
        actor_t res_acc;
        if (grant_for(g, gr->u.id, "resident", 1, &res_acc)) gr->resident = res_acc.account;
        if (!strcmp(gr->code, "420204004001001")) k->showcase_grid = k->ngr - 1;
    }
    /* buildings with their houses (inserted consecutively by the demo, so first id + offset is a house) */
    int bcap = 1024;
    k->b = gg_alloc(a, sizeof(bld_t) * (size_t)bcap);
    if (gg_db_query(
            c,
            "SELECT b.grid_id, b.id, b.lat, b.lon, b.address, b.name, min(h.id), count(h.id), "
            "max(h.id) FROM building b JOIN house h ON h.building_id = b.id WHERE b.unit_path LIKE $1 "
            "AND b.retired_at IS NULL AND b.lat IS NOT NULL GROUP BY b.grid_id, b.id, b.lat, b.lon, "
            "b.address, b.name ORDER BY b.grid_id, b.id",
            GG_ARGS(GG_TEXT(like)), &res, err) < 0)
        return -1;
    while ((step = gg_db_next(res, err)) == 1) {
        int gi = find_grid(k, gg_db_i64(res, 0));
        if (gi < 0) continue;
        if (k->nb == bcap) {
            bld_t *big = gg_alloc(a, sizeof(bld_t) * (size_t)bcap * 2);
            memcpy(big, k->b, sizeof(bld_t) * (size_t)bcap);
            k->b = big, bcap *= 2;
        }
        bld_t *b = &k->b[k->nb++];
        b->grid_id = gg_db_i64(res, 0);
        b->grid = gi;
        b->id = gg_db_i64(res, 1);
        b->lat = gg_db_f64(res, 2);
        b->lon = gg_db_f64(res, 3);
        b->addr = gg_strdup(a, gg_db_text(res, 4) ? gg_db_text(res, 4) : gg_db_text(res, 5));
        b->house0 = gg_db_i64(res, 6);
        b->nhouses = (int)gg_db_i64(res, 7);
        if (gg_db_i64(res, 8) - b->house0 + 1 != b->nhouses) b->nhouses = 1; /* not consecutive: the first */
    }
    gg_db_res_free(res);
    if (step < 0) return -1;
    /* hotline lines whose unit is the county or inside it */
    if (gg_db_query(
            c,
            "SELECT h.id, u.path FROM hotline_line h JOIN unit u ON u.id = h.unit_id WHERE h.retired_at IS "
            "NULL AND u.path LIKE $1 ORDER BY length(u.path), h.id",
            GG_ARGS(GG_TEXT(like)), &res, err) < 0)
        return -1;
    while ((step = gg_db_next(res, err)) == 1 && k->nlines < NUM(k->lines)) {
        k->lines[k->nlines].id = gg_db_i64(res, 0);
        k->lines[k->nlines++].path = gg_strdup(a, gg_db_text(res, 1));
    }
    gg_db_res_free(res);
    return step < 0 ? -1 : 0;
}

/* The county's departments by kind (created by depts_tx when absent). */
static int load_depts(gg_db_conn_t *c, gen_t *g, county_t *k, gg_error_t *err)
{
    gg_arena_t *a = g->a;
    gg_db_res_t *res;
    int step;
    for (int i = 0; i < NKINDS; i++) {
        const char *code = gg_sprintf(a, "%s9000%02d", k->code, i + 1);
        if (gg_db_query(c, "SELECT id, path, name FROM unit WHERE code = $1 AND retired_at IS NULL",
                        GG_ARGS(GG_TEXT(code)), &res, err) < 0)
            return -1;
        if ((step = gg_db_next(res, err)) == 1) {
            k->dept[i] = (uref_t){.id = gg_db_i64(res, 0),
                                  .path = gg_strdup(a, gg_db_text(res, 1)),
                                  .name = gg_strdup(a, gg_db_text(res, 2))};
            if (!grant_for(g, k->dept[i].id, "department", 1, &k->dept[i].who))
                k->dept[i].who = (actor_t){0, k->dept[i].name};
        }
        gg_db_res_free(res);
        if (step < 0) return -1;
    }
    return 0;
}

struct depts_ctx {
    gen_t *g;
};

static const gg_actor_t demo_actor = {.account_id = 0, .username = "demo", .client_ip = "local"};

/* One department of each kind per county, as the unit domain creates them (audited). */
static int depts_tx(gg_db_conn_t *c, void *vctx, gg_error_t *err)
{
    gen_t *g = ((struct depts_ctx *)vctx)->g;
    for (int i = 0; i < g->nk; i++) {
        county_t *k = &g->k[i];
        if (!k->u.id) continue;
        for (int d = 0; d < NKINDS; d++) {
            if (k->dept[d].id) continue;
            gg_unit_new_t in = {.parent_id = k->u.id,
                                .level = "department",
                                .code = gg_sprintf(g->a, "%s9000%02d", k->code, d + 1),
                                .name = gg_sprintf(g->a, "%s%s", k->u.name, dept_kinds[d].name)};
            int64_t id;
            if (gg_unit_create(c, g->a, &demo_actor, NULL, &in, &id, err) < 0) return -1;
            g->st->departments++;
        }
    }
    return 0;
}

/* ---- writing ---- */

static const char *const case_sql =
    "INSERT INTO case_item (number, secret_hash, channel, line_id, external_no, category_id, "
    "category_version_id, priority, description, address, lat, lon, place_id, unit_id, unit_path, "
    "owner_unit_id, "
    "owner_unit_path, handler_unit_id, handler_unit_path, handler_account_id, state, suspended_from, "
    "suspended_left_ms, reporter_account_id, anonymous, reporter_name_enc, reporter_phone_enc, "
    "reporter_phone_bidx, response_limit, response_unit, handling_limit, handling_unit, response_due_at, "
    "registered_at, due_at, yellow_at, calendar_fallback, extension_pending, extension_ms, extension_reason, "
    "supervised, supervise_due_at, rework_count, merged_into, rating, rating_comment, rated_at, closed_at, "
    "reopen_count, created_by, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
    "$10, "
    "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, "
    "$31, "
    "$32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50, $51, "
    "$52, "
    "$53) RETURNING id";

#define OPT_I64(v) ((v) ? GG_I64(v) : GG_NULL)

static int state_index(const char *s)
{
    for (int i = 0; gg_demo_case_states[i]; i++)
        if (!strcmp(gg_demo_case_states[i], s)) return i;
    return 11;
}

/* Showcase cases: what the demo accounts find in their boxes, every state once in 马鞍山社区第1网格.  Each is
 * reported at least days_ago days and work_days working days before now, so its timeline reaches its stop
 * (a state, or an action the stop_nth time) whatever the hour and weekday now; after: reported a minute after
 * that showcase (the merge needs the earlier report it is merged into). */
static const struct {
    const char *category, *channel, *stop;
    int nth, force, days_ago, work_days, after;
} showcases[] = {
    {"report", "app", "reported", 1, FORCE_RESIDENT | FORCE_PLAIN, 2, 1, -1},
    {"suggestion", "hotline", "accepted", 1, FORCE_ACCEPT | FORCE_PLAIN, 3, 3,
     -1}, /* 1 working day to accept */
    {"neighbour_dispute", "walk_in", "registered", 1, FORCE_PLAIN, 1, 1, -1},
    {"exposed_rubbish", "app", "dispatched", 1, FORCE_RESIDENT | FORCE_PLAIN, 1, 1, -1},
    {"street_vending", "patrol", "in_progress", 1, FORCE_PLAIN, 2, 1, -1},
    {"illegal_parking", "video_alarm", "awaiting_verification", 1, FORCE_PLAIN, 3, 2, -1},
    {"water_leak", "hotline", "suspended", 1, FORCE_SUSPEND | FORCE_PLAIN, 6, 3, -1},
    {"dirty_road", "app", "supervise", 1, FORCE_SUPERVISE | FORCE_LATE | FORCE_PLAIN, 6, 4, -1},
    {"street_vending", "patrol", "receive", 2, FORCE_ESCALATE | FORCE_PLAIN, 3, 2, -1},
    {"manhole_cover", "hotline", "closed", 1, FORCE_PLAIN, 8, 4, -1},
    {"exposed_rubbish", "app", "rated", 1, FORCE_RESIDENT | FORCE_RATE | FORCE_PLAIN, 12, 5, -1},
    {"report", "app", "rejected", 1, FORCE_REJECT | FORCE_PLAIN, 4, 2, -1},
    {"report", "hotline", "merged", 1, FORCE_MERGE | FORCE_PLAIN, 1, 1, 0},
};

static void person(gen_t *g, char *name, size_t nn, char *phone)
{
    rng_t *r = &g->r;
    snprintf(name, nn, "%s%s", surnames[pick(r, NUM(surnames))], given[pick(r, NUM(given))]);
    snprintf(phone, 12, "1%c%09llu", "3456789"[pick(r, 7)], (unsigned long long)(next(r) % 1000000000ull));
}

/* Set up and simulate one case of the plan, then write it with its tasks and events. */
static int one_case(gg_db_conn_t *c, gen_t *g, const plan_t *p, gg_error_t *err)
{
    rng_t *r = &g->r;
    county_t *k = &g->k[p->county];
    kase_t *x = &g->kc;
    const gg_keys_t *keys = g->sec->keys;
    memset(x, 0, offsetof(kase_t, ev));
    x->nev = x->ntask = 0;
    x->k = k;
    x->version = 1;
    x->created = p->at;
    x->last_at = p->at;
    static const struct {
        const char *channel;
        double w;
    } channels[] = {{"app", 35},    {"hotline", 30}, {"patrol", 25},
                    {"walk_in", 4}, {"open311", 3},  {"video_alarm", 3}};
    if (p->showcase >= 0) {
        x->channel = showcases[p->showcase].channel;
        x->cat = cat_by_code(g, showcases[p->showcase].category);
        x->force = showcases[p->showcase].force;
        x->stop_after = showcases[p->showcase].stop;
        x->stop_nth = showcases[p->showcase].nth;
        x->grid = &k->gr[k->showcase_grid];
        int nbs = 0, first = -1;
        for (int i = 0; i < k->nb; i++)
            if (k->b[i].grid == k->showcase_grid) nbs++, first = first < 0 ? i : first;
        x->b = &k->b[first + pick(r, nbs)];
    } else {
        double u = uniform(r) * 100, s = 0;
        x->channel = channels[NUM(channels) - 1].channel;
        for (int i = 0; i < NUM(channels); i++)
            if (u < (s += channels[i].w)) {
                x->channel = channels[i].channel;
                break;
            }
        x->cat = pick_cat(g, x->channel);
        x->b = &k->b[pick(r, k->nb)];
        x->grid = &k->gr[x->b->grid];
    }
    if (!x->cat) x->cat = &g->cats[0];
    const cat_t *cat = x->cat;
    const char *ch = x->channel;
    int citizen =
        !strcmp(ch, "app") || !strcmp(ch, "hotline") || !strcmp(ch, "open311") || !strcmp(ch, "walk_in");
    /* where: the building, a few metres off (it keeps 10 m from its grid's border), the house if named */
    double lat = x->b->lat + (uniform(r) - 0.5) * 0.00006, lon = x->b->lon + (uniform(r) - 0.5) * 0.00006;
    lat = round(lat * 1e6) / 1e6; /* six decimals (~0.1 m), what a phone's or the map's point carries */
    lon = round(lon * 1e6) / 1e6;
    if ((!strcmp(ch, "app") || !strcmp(ch, "patrol")) && chance(r, 0.4))
        x->place_id = x->b->house0 + pick(r, x->b->nhouses);
    /* who: a resident (perhaps the demo's account), a caller, the grid worker, a camera */
    char name[64] = "", phone[16] = "";
    x->anonymous = citizen && chance(r, 0.06);
    if (citizen) person(g, name, sizeof name, phone);
    if (!strcmp(ch, "app") && x->grid->resident && ((x->force & FORCE_RESIDENT) || chance(r, 0.4))) {
        x->reporter_account = x->created_by = x->grid->resident;
        x->anonymous = 0;
        for (int i = 0; i < g->ngrants; i++)
            if (g->grants[i].account == x->grid->resident)
                snprintf(name, sizeof name, "%s", g->grants[i].name);
    }
    if (!strcmp(ch, "patrol")) {
        x->reporter = x->grid->u.who;
        x->created_by = x->grid->u.who.account;
    } else if (!strcmp(ch, "video_alarm")) {
        x->reporter = (actor_t){0, "视频智能分析平台"};
    } else if (!strcmp(ch, "hotline")) {
        x->reporter = (actor_t){0, "12345热线"};
    } else if (!strcmp(ch, "open311")) {
        x->reporter = (actor_t){0, "Open311"};
    } else if (!strcmp(ch, "walk_in")) {
        x->reporter = comm_of(x)->u.who;
        x->created_by = comm_of(x)->u.who.account;
    } else {
        x->reporter = (actor_t){x->reporter_account, x->anonymous ? "匿名群众" : dup(g, name)};
    }
    int64_t line = 0;
    char ext[32] = "";
    if (!strcmp(ch, "hotline") && k->nlines) {
        line = k->lines[0].id; /* 12345 at the county; a local line of the case's area half of the time */
        for (int i = 1; i < k->nlines; i++)
            if (!strncmp(x->grid->u.path, k->lines[i].path, strlen(k->lines[i].path)) && chance(r, 0.5))
                line = k->lines[i].id;
        char day[16];
        local_date(p->at, day);
        /* the platform's work-order number: unique per line (a unique index), so taken from the day's serial
         */
        snprintf(ext, sizeof ext, "%s%06d", day, p->serial);
    }
    x->state = NULL;
    simulate(g, x);
    if (x->nev == 0) return 0; /* reported after now: nothing (cannot happen: the plan is before now) */
    /* the number and the tracking secret */
    char number[32], day[16], secret[32], hash[65];
    local_date(p->at, day);
    snprintf(number, sizeof number, "GG%s%06d", day, p->serial);
    gg_case_code_new(secret); /* nobody knows a demo case's code: its hash only has to be well-formed */
    gg_case_code_hash(number, secret, hash);
    const char *desc = description(g, cat, x->b);
    const char *name_enc = name[0] && !x->anonymous ? gg_pii_encrypt(keys, g->tmp, name) : NULL;
    const char *phone_enc = phone[0] && !x->anonymous ? gg_pii_encrypt(keys, g->tmp, phone) : NULL;
    const char *phone_bidx = phone[0] && !x->anonymous ? gg_pii_blind_index(keys, g->tmp, phone) : NULL;
    int open_susp = !strcmp(x->state, "suspended");
    if (open_susp) {
        x->susp_from = "in_progress";
        x->susp_left = working(g, x->last_at, x->due);
    }
    const uref_t *h = x->handler;
    int64_t id = 0;
    gg_db_res_t *res;
    if (gg_db_query(
            c, case_sql,
            GG_ARGS(GG_TEXT(number), GG_TEXT(hash), GG_TEXT(ch), OPT_I64(line), GG_TEXT(ext[0] ? ext : NULL),
                    GG_I64(cat->id), GG_I64(cat->ver), GG_TEXT(cat->priority), GG_TEXT(desc),
                    GG_TEXT(x->b->addr), GG_F64(lat), GG_F64(lon), OPT_I64(x->place_id),
                    GG_I64(x->grid->u.id), GG_TEXT(x->grid->u.path), GG_I64(x->owner->id),
                    GG_TEXT(x->owner->path), h ? GG_I64(h->id) : GG_NULL, GG_TEXT(h ? h->path : NULL),
                    OPT_I64(x->handler_account), GG_TEXT(x->state), GG_TEXT(x->susp_from),
                    open_susp ? GG_I64(x->susp_left) : GG_NULL, OPT_I64(x->reporter_account),
                    GG_I64(x->anonymous), GG_TEXT(name_enc), GG_TEXT(phone_enc), GG_TEXT(phone_bidx),
                    GG_I64(cat->rl), GG_TEXT(cat->runit), GG_I64(cat->hl), GG_TEXT(cat->hunit),
                    GG_I64(x->response_due), OPT_I64(x->registered), OPT_I64(x->registered ? x->due : 0),
                    OPT_I64(x->registered ? x->yellow : 0), GG_I64(x->fallback), GG_I64(x->ext_pending),
                    OPT_I64(x->ext_ms), GG_TEXT(x->ext_pending || x->ext_ms ? x->ext_reason : NULL),
                    GG_I64(x->supervised), OPT_I64(x->supervise_due), GG_I64(x->rework),
                    OPT_I64(x->merged_into), GG_TEXT(x->rating), GG_TEXT(x->rating_comment),
                    OPT_I64(x->rated_at), OPT_I64(x->closed_at), GG_I64(x->reopen), OPT_I64(x->created_by),
                    GG_I64(x->created), GG_I64(x->last_at), GG_I64(x->version)),
            &res, err) < 0)
        return -1;
    int step = gg_db_next(res, err);
    if (step == 1) id = gg_db_i64(res, 0);
    gg_db_res_free(res);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "case insert returned no id");
    for (int i = 0; i < x->ntask; i++) {
        const task_t *t = &x->task[i];
        if (gg_db_exec(
                c,
                "INSERT INTO case_task (case_id, unit_id, unit_path, account_id, role, state, created_at, "
                "reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                GG_ARGS(GG_I64(id), GG_I64(t->u->id), GG_TEXT(t->u->path), OPT_I64(t->account),
                        GG_TEXT(t->lead ? "lead" : "assist"), GG_TEXT(t->state), GG_I64(t->created),
                        OPT_I64(t->reported)),
                NULL, err) < 0)
            return -1;
    }
    for (int i = 0; i < x->nev; i++) {
        const ev_t *e = &x->ev[i];
        if (gg_db_exec(
                c,
                "INSERT INTO case_event (case_id, at, account_id, actor_name, action, from_state, to_state, "
                "unit_id, account_target, note, public, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                "$10, $11, $12)",
                GG_ARGS(GG_I64(id), GG_I64(e->at), OPT_I64(e->account), GG_TEXT(e->actor), GG_TEXT(e->action),
                        GG_TEXT(e->from), GG_TEXT(e->to), OPT_I64(e->unit), OPT_I64(e->target),
                        GG_TEXT(e->note), GG_I64(e->pub), GG_TEXT(e->detail)),
                NULL, err) < 0)
            return -1;
    }
    g->st->cases++;
    g->st->events += x->nev;
    g->st->tasks += x->ntask;
    g->st->by_state[state_index(x->state)]++;
    k->made++;
    if (strcmp(x->state, "merged") != 0 && strcmp(x->state, "rejected") != 0)
        g->last_case[x->grid->slot * g->ncats + (cat - g->cats)] = id;
    return 0;
}

struct batch_ctx {
    gen_t *g;
    int64_t from, to;
    rng_t r0;
    gg_demo_cases_stats_t st0;
};

static int batch_tx(gg_db_conn_t *c, void *vctx, gg_error_t *err)
{
    struct batch_ctx *b = vctx;
    gen_t *g = b->g;
    g->r = b->r0; /* a retried transaction draws the same cases */
    *g->st = b->st0;
    for (int64_t i = b->from; i < b->to; i++) {
        if ((i & 255) == 0) gg_arena_reset(g->tmp);
        if (one_case(c, g, &g->plan[i], err) < 0) return -1;
    }
    return 0;
}

static int cmp_plan(const void *a, const void *b)
{
    const plan_t *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at ? 1 : x->county - y->county;
}

/* When a case is reported: a day of the last year (a little busier lately, quieter at weekends), an hour of
 * the day (patrols in office hours, residents from morning to late evening). */
static int64_t report_time(gen_t *g, int patrolish)
{
    rng_t *r = &g->r;
    static const double hours[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2,   5,   7,   7,   6,
                                     3,   3,   5,   6,   6,   5,   3,   3.5, 3.5, 2.5, 1.5, 0.6};
    for (;;) {
        int64_t d = pick(r, 365);
        if (uniform(r) > (1.0 - 0.2 * (double)d / 365.0)) continue;
        int64_t day = local_day(g->now) - d;
        int wd = is_workday(g->cal, day);
        if (!wd && chance(r, 0.3)) continue;
        int hour;
        if (patrolish) {
            static const int office[] = {8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 16, 17};
            hour = office[pick(r, NUM(office))];
        } else {
            double sum = 0, s = 0;
            for (int i = 0; i < 24; i++)
                sum += hours[i];
            double u = uniform(r) * sum;
            hour = 23;
            for (int i = 0; i < 24; i++)
                if (u < (s += hours[i])) {
                    hour = i;
                    break;
                }
        }
        int64_t t = day_start(day) + hour * HOUR_MS + between(r, 0, HOUR_MS - 1000);
        if (t < g->now - 60000) return t;
    }
}

static int load_counters(gg_db_conn_t *c, gen_t *g, gg_error_t *err)
{
    gg_db_res_t *res;
    int step;
    if (gg_db_query(c, "SELECT day, last FROM case_counter", GG_NOARGS, &res, err) < 0) return -1;
    while ((step = gg_db_next(res, err)) == 1) {
        const char *d = gg_db_text(res, 0);
        if (!d || strlen(d) != 8) continue;
        int y = atoi(gg_strndup(g->tmp, d, 4)), m = atoi(gg_strndup(g->tmp, d + 4, 2)), dd = atoi(d + 6);
        int64_t i = gg_cal_days_from_civil(y, m, dd) - g->first_day;
        if (i >= 0 && i < g->ndays) g->counter[i] = (int)gg_db_i64(res, 1);
    }
    gg_db_res_free(res);
    return step < 0 ? -1 : 0;
}

struct finish_ctx {
    gen_t *g;
};

static int finish_tx(gg_db_conn_t *c, void *vctx, gg_error_t *err)
{
    gen_t *g = ((struct finish_ctx *)vctx)->g;
    for (int i = 0; i < g->ndays; i++) {
        if (!g->counter[i]) continue;
        int y, m, d;
        gg_cal_civil_from_days(g->first_day + i, &y, &m, &d);
        char day[16];
        snprintf(day, sizeof day, "%04d%02d%02d", y, m, d);
        if (gg_db_exec(
                c,
                "INSERT INTO case_counter (day, last) VALUES ($1, $2) ON CONFLICT (day) DO UPDATE SET last = "
                "excluded.last",
                GG_ARGS(GG_TEXT(day), GG_I64(g->counter[i])), NULL, err) < 0)
            return -1;
    }
    if (!g->o->count && gg_setting_put(c, "demo_cases", "1", err) < 0) return -1;
    char *detail = gg_sprintf(g->tmp, "{\"cases\":%lld,\"events\":%lld,\"tasks\":%lld}",
                              (long long)g->st->cases, (long long)g->st->events, (long long)g->st->tasks);
    gg_audit_entry_t e = {.action = "demo.generate", .object_type = "unit", .detail_json = detail};
    return gg_audit_append(c, &demo_actor, &e, err);
}

/* Bulk load (SQLite): the case tables' indexes, dropped for the load and created again from their own SQL. */
typedef struct saved_index {
    char *name, *sql;
} saved_index_t;

static int drop_indexes(gg_db_conn_t *c, saved_index_t **out, int *n, gg_error_t *err)
{
    gg_db_res_t *res;
    int step, cap = 32;
    *n = 0;
    *out = gg_xcalloc((size_t)cap, sizeof(saved_index_t));
    if (gg_db_query(
            c,
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
            "('case_item', 'case_task', 'case_event') ORDER BY name",
            GG_NOARGS, &res, err) < 0)
        return -1;
    while ((step = gg_db_next(res, err)) == 1 && *n < cap) {
        (*out)[*n].name = strdup(gg_db_text(res, 0));
        (*out)[(*n)++].sql = strdup(gg_db_text(res, 1));
    }
    gg_db_res_free(res);
    if (step < 0) return -1;
    for (int i = 0; i < *n; i++) {
        char sql[300];
        snprintf(sql, sizeof sql, "DROP INDEX \"%s\"", (*out)[i].name);
        if (gg_db_exec_script(c, sql, err) < 0) return -1;
    }
    return 0;
}

static int restore_indexes(gg_db_conn_t *c, saved_index_t *ix, int n, gg_error_t *err)
{
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0 && gg_db_exec_script(c, ix[i].sql, err) < 0) rc = -1;
        free(ix[i].name);
        free(ix[i].sql);
    }
    free(ix);
    return rc;
}

static int plan_cases(gen_t *g)
{
    int64_t total = 0, weights = 0;
    for (int i = 0; i < g->nk; i++)
        if (g->k[i].u.id && g->k[i].nb) weights += i == 0 ? GG_DEMO_CASES_XIALU : GG_DEMO_CASES_OTHER;
    if (!weights) return 0;
    double scale = g->o->scale > 0 ? g->o->scale : 1.0;
    int64_t want = g->o->count ? g->o->count : llround((double)weights * scale), left = want;
    if (want < 1) want = left = 1;
    for (int i = 0; i < g->nk; i++) {
        county_t *k = &g->k[i];
        if (!k->u.id || !k->nb) continue;
        int64_t w = i == 0 ? GG_DEMO_CASES_XIALU : GG_DEMO_CASES_OTHER;
        k->want = want * w / weights;
        if (k->want > left) k->want = left;
        left -= k->want;
        total += k->want;
    }
    for (int i = 0; left > 0 && i < g->nk; i++)
        if (g->k[i].u.id && g->k[i].nb) g->k[i].want += left, total += left, left = 0;
    int nshow = g->o->showcase && g->k[0].showcase_grid >= 0 ? NUM(showcases) : 0;
    g->plan = gg_xcalloc((size_t)(total + nshow), sizeof(plan_t));
    for (int i = 0; i < g->nk; i++) {
        county_t *k = &g->k[i];
        for (int64_t j = 0; j < k->want; j++)
            g->plan[g->nplan++] =
                (plan_t){.at = report_time(g, chance(&g->r, 0.25)), .county = i, .showcase = -1};
    }
    int64_t show_at[NUM(showcases)];
    for (int s = 0; s < nshow; s++) {
        int64_t at = g->now - showcases[s].days_ago * DAY_MS - between(&g->r, 0, 6 * HOUR_MS);
        while (working(g, at, g->now) < showcases[s].work_days * 7 * HOUR_MS)
            at -= DAY_MS;
        if (showcases[s].after >= 0) at = show_at[showcases[s].after] + MIN_MS;
        show_at[s] = at;
        g->plan[g->nplan++] = (plan_t){.at = at, .county = 0, .showcase = s};
    }
    qsort(g->plan, (size_t)g->nplan, sizeof(plan_t), cmp_plan);
    return 0;
}

int gg_demo_cases_generate(gg_db_t *db, const gg_security_t *sec, const gg_demo_cases_options_t *o,
                           gg_demo_cases_stats_t *st, gg_error_t *err)
{
    gg_db_conn_t *c;
    int rc = -1, nix = 0, bulk = o->bulk && gg_db_kind(db) == GG_DB_SQLITE;
    saved_index_t *ix = NULL;
    memset(st, 0, sizeof *st);
    if (!o->calendar) return gg_err_internal(err, "demo cases need the working calendar");
    gen_t *g = gg_xcalloc(1, sizeof *g);
    g->sec = sec;
    g->o = o;
    g->st = st;
    g->cal = o->calendar;
    g->a = gg_arena_new(1 << 16);
    g->tmp = gg_arena_new(1 << 16);
    g->r = (rng_t){o->seed ^ 0xC0FFEE2026ull};
    g->now = o->now ? o->now : gg_now_ms();
    g->yellow_share = 0.8;
    if (gg_db_acquire(db, &c, err) < 0) goto out_free;
    const char *done = NULL, *share = NULL;
    if (!o->count) {
        if (gg_setting_get(c, g->a, "demo_cases", &done, err) < 0) goto out;
        if (done) {
            st->already = 1;
            rc = 0;
            goto out;
        }
    }
    if (gg_setting_get(c, g->a, "case_yellow_share", &share, err) < 0) goto out;
    if (share && atof(share) > 0 && atof(share) < 1) g->yellow_share = atof(share);
    if (load_grants(c, g, err) < 0 || load_categories(c, g, err) < 0) goto out;
    /* the demo's counties, 下陆区 first */
    const char *list = gg_demo_counties;
    while (*list && g->nk < NUM(g->k)) {
        g->k[g->nk++].code = gg_strndup(g->a, list, 6);
        list += 6;
        if (*list == ',') list++;
    }
    for (int i = 0; i < g->nk; i++)
        if (load_county(c, g, &g->k[i], err) < 0 || (g->k[i].u.id && load_depts(c, g, &g->k[i], err) < 0))
            goto out;
    struct depts_ctx dc = {g};
    if (gg_db_tx(c, depts_tx, &dc, err) < 0) goto out;
    for (int i = 0; i < g->nk; i++)
        if (g->k[i].u.id && load_depts(c, g, &g->k[i], err) < 0) goto out;
    g->last_case = gg_xcalloc((size_t)(g->nslots * g->ncats + 1), sizeof(int64_t));
    g->first_day = local_day(g->now) - 366;
    g->ndays = 368;
    g->counter = gg_xcalloc((size_t)g->ndays, sizeof(int));
    if (load_counters(c, g, err) < 0 || plan_cases(g) < 0) goto out;
    for (int64_t i = 0; i < g->nplan; i++) { /* numbers: each day's serials in the order of reporting */
        int64_t d = local_day(g->plan[i].at) - g->first_day;
        g->plan[i].serial = ++g->counter[d];
    }
    if (bulk) {
        if (gg_db_exec_script(
                c, "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-262144;", err) < 0 ||
            drop_indexes(c, &ix, &nix, err) < 0)
            goto out;
    }
    int per = o->per_tx > 0 ? o->per_tx : bulk ? 50000 : 5000;
    for (int64_t i = 0; i < g->nplan; i += per) {
        struct batch_ctx b = {
            .g = g, .from = i, .to = i + per < g->nplan ? i + per : g->nplan, .r0 = g->r, .st0 = *st};
        if (gg_db_tx(c, batch_tx, &b, err) < 0) goto out;
        if (o->progress) o->progress(o->progress_ctx, b.to, g->nplan);
    }
    if (bulk) {
        int r2 = restore_indexes(c, ix, nix, err);
        ix = NULL;
        if (r2 < 0) goto out;
    }
    if (g->illegal) {
        gg_err_internal(err, "demo cases: %lld events against the workflow table, e.g. %s",
                        (long long)g->illegal, g->illegal_what);
        goto out;
    }
    struct finish_ctx f = {g};
    if (gg_db_tx(c, finish_tx, &f, err) < 0) goto out;
    rc = 0;
out:
    if (ix) restore_indexes(c, ix, nix, err);
    if (bulk)
        gg_db_exec_script(c, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-2000;",
                          err);
    gg_db_release(db, c);
out_free:
    free(g->plan);
    free(g->counter);
    free(g->last_case);
    gg_arena_free(g->tmp);
    gg_arena_free(g->a);
    free(g);
    return rc;
}
