/* mediation_demo.c — demo data, the bulk loader and the rollup rebuild of the mediation area
 * (mediation_demo.h). */
#include "domain/mediation/mediation_demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/cases/calendar.h"
#include "domain/cases/case_number.h"
#include "domain/mediation/dispute.h"
#include "domain/mediation/mediation_internal.h"
#include "domain/mediation/roster.h"
#include "domain/op.h"
#include "domain/tree/unit.h"

static uint64_t rnd(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static int pick(uint64_t *s, int n)
{
    return (int)(rnd(s) % (uint64_t)n);
}

static const int64_t DAY_MS = 86400000;

/* The local day d days before now as YYYY-MM-DD, and its noon in ms. */
static void day_before(int64_t now, int d, char out[16], int64_t *noon)
{
    int64_t local_day = (now + GG_CAL_UTC_OFFSET_MS) / DAY_MS - d;
    int y, m, dd;
    gg_cal_civil_from_days(local_day, &y, &m, &dd);
    snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100, dd % 100);
    if (noon) *noon = local_day * DAY_MS - GG_CAL_UTC_OFFSET_MS + DAY_MS / 2;
}

/* ---- the rollup rebuilt ---- */

int gg_mediation_rollup_rebuild(gg_db_conn_t *c, gg_error_t *err)
{
    if (gg_db_exec(c, "DELETE FROM mediation_rollup", GG_NOARGS, NULL, err) < 0) return -1;
    gg_db_res_t *r;
    if (gg_db_query(
            c,
            "SELECT d.unit_path, d.day, d.type, COUNT(*), "
            "SUM(CASE WHEN d.outcome IN ('success', 'failure', 'litigation') THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'success' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'failure' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'litigation' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'withdrawn' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome IS NOT NULL AND d.outcome_at <= d.due_at THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN a.dispute_id IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN a.dispute_id IS NOT NULL AND (SELECT f.result FROM dispute_followup f WHERE "
            "f.dispute_id = d.id AND f.result IS NOT NULL ORDER BY f.done_at DESC, f.id DESC LIMIT 1) = "
            "'performed' THEN 1 ELSE 0 END) "
            "FROM dispute d LEFT JOIN dispute_agreement a ON a.dispute_id = d.id WHERE d.revoked_at IS NULL "
            "GROUP BY d.unit_path, d.day, d.type",
            GG_NOARGS, &r, err) < 0)
        return -1;
    /* read all groups first: the upserts run on the same connection */
    size_t cap = 1024, n = 0;
    gg_med_snap_t *rows = malloc(sizeof *rows * cap);
    char **texts = malloc(sizeof(char *) * cap * 3);
    int step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (n == cap) {
            cap *= 2;
            rows = realloc(rows, sizeof *rows * cap);
            texts = realloc(texts, sizeof(char *) * cap * 3);
        }
        gg_med_snap_t *s = &rows[n];
        texts[n * 3] = strdup(gg_db_text(r, 0));
        texts[n * 3 + 1] = strdup(gg_db_text(r, 1));
        texts[n * 3 + 2] = strdup(gg_db_text(r, 2));
        s->unit_path = texts[n * 3];
        s->day = texts[n * 3 + 1];
        s->type = texts[n * 3 + 2];
        int64_t *v = &s->registered;
        for (int i = 0; i < 10; i++)
            v[i] = gg_db_i64(r, 3 + i);
        n++;
    }
    gg_db_res_free(r);
    int rc = step < 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = gg_med_rollup_apply(c, &rows[i], 1, err);
    for (size_t i = 0; i < n * 3; i++)
        free(texts[i]);
    free(texts);
    free(rows);
    return rc;
}

static int gg_mediation_rollup_rebuild_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    (void)ctx;
    return gg_mediation_rollup_rebuild(c, err);
}

/* ---- the bulk loader ---- */

typedef struct bulk_ctx {
    const gg_mediation_bulk_t *o;
    int64_t (*units)[2]; /* id, index into paths */
    char **paths;
    int nunits;
    int64_t from, to; /* row range of this chunk */
    int64_t now, *made;
    uint64_t seed;
} bulk_ctx_t;

static const char *const bulk_types[] = {"neighbour", "family_marriage", "property_management",
                                         "labour",    "land_housing",    "traffic",
                                         "medical",   "consumer"};

static int bulk_tx(gg_db_conn_t *c, void *p, gg_error_t *err)
{
    bulk_ctx_t *x = p;
    const gg_mediation_bulk_t *o = x->o;
    uint64_t s = x->seed;
    int days = o->days > 0 ? o->days : 1;
    int64_t closed = o->count - o->open;
    for (int64_t i = x->from; i < x->to; i++) {
        int u = pick(&s, x->nunits);
        int dago = pick(&s, days);
        char day[16], cday[9];
        int64_t noon;
        day_before(x->now, dago, day, &noon);
        int64_t created = noon < x->now ? noon : x->now - 1000;
        gg_case_day(created, cday);
        int64_t serial = 0;
        int found;
        if (gg_db_query_i64(
                c,
                "INSERT INTO dispute_counter (day, last) VALUES ($1, 1) ON CONFLICT (day) DO UPDATE SET "
                "last = dispute_counter.last + 1 RETURNING last",
                GG_ARGS(GG_TEXT(cday)), &serial, &found, err) < 0)
            return -1;
        char number[32];
        snprintf(number, sizeof number, "TJ%.8s%06lld", cday, (long long)serial);
        const char *outcome = NULL;
        if (i < o->success)
            outcome = "success";
        else if (i < o->success + o->litigation)
            outcome = "litigation";
        else if (i < closed)
            outcome = "failure";
        const char *type = bulk_types[pick(&s, 8)];
        int64_t due = created + 30 * DAY_MS;
        int64_t at = outcome ? created + (int64_t)(1 + pick(&s, 20)) * DAY_MS : 0;
        if (at > x->now) at = x->now;
        gg_db_res_t *r;
        if (gg_db_query(
                c,
                "INSERT INTO dispute (number, title, type, summary, unit_id, unit_path, origin_unit_path, "
                "source, state, outcome, outcome_text, outcome_at, due_at, day, people_count, created_at, "
                "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, 'walk_in', $7, $8, $9, $10, $11, $12, 2, "
                "$13, $13) RETURNING id",
                GG_ARGS(
                    GG_TEXT(number), GG_TEXT("邻里纠纷调解"), GG_TEXT(type), GG_TEXT("批量生成的纠纷。"),
                    GG_I64(x->units[u][0]), GG_TEXT(x->paths[u]), GG_TEXT(outcome ? "closed" : "mediating"),
                    GG_TEXT(outcome),
                    GG_TEXT(outcome && strcmp(outcome, "success") ? "双方分歧较大，调解未能达成一致" : NULL),
                    at ? GG_I64(at) : GG_NULL, GG_I64(due), GG_TEXT(day), GG_I64(created)),
                &r, err) < 0)
            return -1;
        int step = gg_db_next(r, err);
        int64_t id = step == 1 ? gg_db_i64(r, 0) : 0;
        gg_db_res_free(r);
        if (step < 0) return -1;
        if (gg_db_exec(
                c,
                "INSERT INTO dispute_party (dispute_id, seq, kind, role, name) VALUES ($1, 1, 'person', "
                "'applicant', '甲方'), ($1, 2, 'person', 'respondent', '乙方')",
                GG_ARGS(GG_I64(id)), NULL, err) < 0 ||
            gg_db_exec(
                c,
                "INSERT INTO dispute_event (dispute_id, at, action, unit_id) VALUES ($1, $2, 'register', $3)",
                GG_ARGS(GG_I64(id), GG_I64(created), GG_I64(x->units[u][0])), NULL, err) < 0)
            return -1;
        if (outcome && !strcmp(outcome, "success")) {
            char agreement_no[40];
            snprintf(agreement_no, sizeof agreement_no, "%s-XY", number);
            if (gg_db_exec(
                    c,
                    "INSERT INTO dispute_agreement (dispute_id, number, facts, terms, signed_on, copies, "
                    "created_at, updated_at) VALUES ($1, $2, '双方就赔偿事宜发生争议。', "
                    "'[\"乙方一次性赔偿甲方损失\"]', $3, 3, $4, $4)",
                    GG_ARGS(GG_I64(id), GG_TEXT(agreement_no), GG_TEXT(day), GG_I64(at)), NULL, err) < 0 ||
                gg_db_exec(
                    c,
                    "INSERT INTO dispute_followup (dispute_id, due_on, result, done_at, created_at) VALUES "
                    "($1, $2, $3, $4, $4)",
                    GG_ARGS(GG_I64(id), GG_TEXT(day),
                            GG_TEXT(i < o->performed ? "performed" : "not_performed"), GG_I64(at)),
                    NULL, err) < 0)
                return -1;
        }
        (*x->made)++;
    }
    return 0;
}

int gg_mediation_bulk(gg_db_t *db, const gg_mediation_bulk_t *o, int64_t *made, gg_error_t *err)
{
    *made = 0;
    if (o->count < 1 || o->success + o->litigation + o->open > o->count || o->performed > o->success)
        return gg_err_invalid(err, "count", "count >= success + litigation + open, performed <= success");
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) return -1;
    gg_arena_t *a = gg_arena_new(1 << 16);
    int rc = -1;
    bulk_ctx_t x = {.o = o, .now = gg_now_ms(), .made = made, .seed = o->seed ? o->seed : 20261205};
    gg_unit_t u;
    int found = 0;
    if (gg_unit_by_id(c, a, o->unit_id, &u, &found, err) < 0) goto done;
    if (!found) {
        gg_err_invalid(err, "unit", "no such unit");
        goto done;
    }
    gg_db_res_t *r;
    const char *hi = gg_sprintf(a, "%.*s0", (int)strlen(u.path) - 1, u.path);
    if (gg_db_query(c,
                    "SELECT id, path FROM unit WHERE path >= $1 AND path < $2 AND level = 'community' AND "
                    "retired_at IS NULL ORDER BY id",
                    GG_ARGS(GG_TEXT(u.path), GG_TEXT(hi)), &r, err) < 0)
        goto done;
    int cap = 4096, step;
    x.units = gg_alloc(a, sizeof *x.units * (size_t)cap);
    x.paths = gg_alloc(a, sizeof(char *) * (size_t)cap);
    while ((step = gg_db_next(r, err)) == 1 && x.nunits < cap) {
        x.units[x.nunits][0] = gg_db_i64(r, 0);
        x.paths[x.nunits++] = gg_strdup(a, gg_db_text(r, 1));
    }
    gg_db_res_free(r);
    if (step < 0) goto done;
    if (x.nunits == 0) {
        x.units[0][0] = u.id;
        x.paths[0] = gg_strdup(a, u.path);
        x.nunits = 1;
    }
    int bulk = gg_db_conn_kind(c) == GG_DB_SQLITE;
    if (bulk && gg_db_exec_script(c, "PRAGMA synchronous=OFF;", err) < 0) goto done;
    const int64_t per = 5000;
    for (int64_t from = 0; from < o->count; from += per) {
        x.from = from;
        x.to = from + per < o->count ? from + per : o->count;
        x.seed = (o->seed ? o->seed : 20261205) + (uint64_t)from * 2654435761u + 1;
        int64_t before = *made;
        if (gg_db_tx(c, bulk_tx, &x, err) < 0) {
            *made = before;
            goto done;
        }
    }
    rc = gg_db_tx(c, gg_mediation_rollup_rebuild_tx, NULL, err);
    if (bulk) gg_db_exec_script(c, "PRAGMA synchronous=FULL;", err);
done:
    gg_arena_free(a);
    gg_db_release(db, c);
    return rc;
}

/* ---- the demo ---- */

typedef struct demo_ctx {
    const gg_keys_t *keys;
    int64_t made;
} demo_ctx_t;

static const char *const demo_titles[][2] = {
    {"neighbour", "楼上漏水致楼下受损纠纷"},
    {"neighbour", "装修噪音扰民纠纷"},
    {"family_marriage", "赡养老人费用分担纠纷"},
    {"family_marriage", "离婚财产分割纠纷"},
    {"property_management", "物业费收缴纠纷"},
    {"property_management", "小区停车位纠纷"},
    {"labour", "农民工工资拖欠纠纷"},
    {"labour", "工伤赔偿纠纷"},
    {"land_housing", "宅基地边界纠纷"},
    {"land_housing", "房屋租赁押金纠纷"},
    {"traffic", "交通事故损害赔偿纠纷"},
    {"medical", "医疗费用争议"},
    {"consumer", "预付卡退费纠纷"},
    {"neighbour", "宠物伤人赔偿纠纷"},
};
static const char *const demo_sources[] = {"walk_in",   "walk_in",  "window",
                                           "screening", "referral", "hotline_12345"};
static const char *const demo_names[] = {"张", "王", "李", "赵", "刘", "陈",
                                         "杨", "黄", "周", "吴", "徐", "孙"};
static const char *const demo_given[] = {"建国", "秀英", "志强", "丽华", "海涛",
                                         "桂兰", "明",   "芳",   "伟",   "静"};

static int demo_tx(gg_db_conn_t *c, void *p, gg_error_t *err)
{
    demo_ctx_t *x = p;
    gg_arena_t *a = gg_arena_new(1 << 16);
    int rc = -1;
    gg_unit_t county, root;
    int found = 0;
    if (gg_unit_by_code(c, a, "420204000000", &county, &found, err) < 0) goto done;
    if (!found) {
        rc = 0; /* no 下陆区: nothing to do */
        goto done;
    }
    if (gg_unit_by_code(c, a, "root", &root, &found, err) < 0 || !found) goto done;
    int64_t mediator_acc = 0, tcs_acc = 0;
    gg_db_query_i64(c, "SELECT id FROM account WHERE username = 'xialu_mediator'", GG_NOARGS, &mediator_acc,
                    &found, err);
    gg_db_query_i64(c, "SELECT id FROM account WHERE username = 'tcs_mediator'", GG_NOARGS, &tcs_acc, &found,
                    err);
    gg_grant_t g = {.role = "admin", .perms = GG_P_ALL, .unit_id = root.id, .unit_path = root.path};
    gg_auth_t auth = {.account_id = mediator_acc,
                      .username = "xialu_mediator",
                      .display_name = "下陆区调解员",
                      .ngrants = 1,
                      .grants = &g};
    gg_op_t op = {.c = c, .arena = a, .auth = &auth, .actor = gg_actor_of(&auth), .keys = x->keys};
    /* committees and roster */
    int64_t county_committee;
    gg_committee_t cc = {.name = "下陆区人民调解委员会", .kind = "people", .unit_id = county.id};
    if (gg_committee_create(&op, &cc, &county_committee, err) < 0) goto done;
    static const char *const industry[][2] = {{"物业纠纷人民调解委员会", "property_management"},
                                              {"婚姻家庭纠纷人民调解委员会", "family_marriage"},
                                              {"劳动争议人民调解委员会", "labour"},
                                              {"医疗纠纷人民调解委员会", "medical"},
                                              {"道路交通事故纠纷人民调解委员会", "traffic"},
                                              {"消费纠纷人民调解委员会", "consumer"}};
    int64_t industry_ids[6];
    for (int i = 0; i < 6; i++) {
        gg_committee_t ic = {
            .name = industry[i][0], .kind = "industry", .speciality = industry[i][1], .unit_id = county.id};
        if (gg_committee_create(&op, &ic, &industry_ids[i], err) < 0) goto done;
    }
    gg_db_res_t *r;
    const char *hi = gg_sprintf(a, "%.*s0", (int)strlen(county.path) - 1, county.path);
    if (gg_db_query(c,
                    "SELECT id, parent_id, level, name FROM unit WHERE path >= $1 AND path < $2 AND level IN "
                    "('street', 'community') AND retired_at IS NULL ORDER BY path",
                    GG_ARGS(GG_TEXT(county.path), GG_TEXT(hi)), &r, err) < 0)
        goto done;
    int64_t comm[400], comm_street[400], streets[40], street_med[40];
    int ncomm = 0, nstreet = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (!strcmp(gg_db_text(r, 2), "street") && nstreet < 40)
            streets[nstreet++] = gg_db_i64(r, 0);
        else if (ncomm < 400) {
            comm_street[ncomm] = gg_db_i64(r, 1);
            comm[ncomm++] = gg_db_i64(r, 0);
        }
    }
    gg_db_res_free(r);
    if (step < 0 || ncomm == 0) {
        rc = step < 0 ? -1 : 0;
        goto done;
    }
    uint64_t s = 20261205;
    static const char *const kinds[] = {"people_mediator", "lawyer", "legal_adviser", "retired_judge",
                                        "veteran_party_member"};
    int64_t county_meds[8];
    for (int i = 0; i < 8; i++) {
        gg_mediator_new_t m = {.unit_id = county.id,
                               .kind = kinds[i % 5],
                               .name = gg_sprintf(a, "%s%s", demo_names[i], demo_given[(i + 3) % 10]),
                               .specialities = industry[i % 6][1],
                               .committee_ids = &industry_ids[i % 6],
                               .ncommittees = 1,
                               .account_id = i == 0 ? mediator_acc : 0};
        if (gg_mediator_create(&op, &m, &county_meds[i], err) < 0) goto done;
    }
    for (int i = 0; i < nstreet; i++) {
        gg_committee_t sc = {.name = "人民调解委员会", .kind = "people", .unit_id = streets[i]};
        int64_t sid;
        gg_unit_t su;
        if (gg_unit_by_id(c, a, streets[i], &su, &found, err) < 0) goto done;
        sc.name = gg_sprintf(a, "%s人民调解委员会", su.name);
        if (gg_committee_create(&op, &sc, &sid, err) < 0) goto done;
        gg_mediator_new_t m = {.unit_id = streets[i],
                               .kind = "people_mediator",
                               .name = gg_sprintf(a, "%s%s", demo_names[(i + 5) % 12], demo_given[i % 10]),
                               .specialities = "neighbour,family_marriage",
                               .committee_ids = &sid,
                               .ncommittees = 1,
                               .account_id = !strcmp(su.code, "420204004000") ? tcs_acc : 0};
        if (gg_mediator_create(&op, &m, &street_med[i], err) < 0) goto done;
    }
    /* disputes over the last 180 days */
    int64_t now = gg_now_ms();
    for (int k = 0; k < 300; k++) {
        int ci = pick(&s, ncomm);
        int dago = k < 280 ? 10 + pick(&s, 170) : pick(&s, 10);
        char day[16];
        int64_t noon;
        day_before(now, dago, day, &noon);
        int ti = pick(&s, 14);
        gg_dispute_party_new_t parties[2] = {
            {.kind = "person",
             .role = "applicant",
             .name = gg_sprintf(a, "%s%s", demo_names[pick(&s, 12)], demo_given[pick(&s, 10)])},
            {.kind = "person",
             .role = "respondent",
             .name = gg_sprintf(a, "%s%s", demo_names[pick(&s, 12)], demo_given[pick(&s, 10)])}};
        gg_dispute_new_t in = {.unit_id = comm[ci],
                               .title = demo_titles[ti][1],
                               .type = demo_titles[ti][0],
                               .summary = gg_sprintf(a, "%s与%s因%s发生争执，来访申请调解。", parties[0].name,
                                                     parties[1].name, demo_titles[ti][1]),
                               .source = demo_sources[pick(&s, 6)],
                               .occurred_on = day,
                               .parties = parties,
                               .nparties = 2,
                               .now = noon};
        int64_t did;
        if (gg_dispute_create(&op, &in, &did, NULL, err) < 0) goto done;
        int64_t lead = pick(&s, 4) == 0 ? county_meds[pick(&s, 8)] : 0;
        if (!lead)
            for (int i = 0; i < nstreet; i++)
                if (streets[i] == comm_street[ci]) lead = street_med[i];
        if (!lead) lead = county_meds[0];
        if (k >= 290) lead = county_meds[0]; /* the demo mediator's own open ones */
        if (gg_dispute_assign(&op, did, lead, "lead", NULL, err) < 0) goto done;
        gg_dispute_session_new_t sess = {
            .at = noon + 3600000LL * 24,
            .place = "社区人民调解室",
            .attendance = gg_sprintf(a, "%s、%s、调解员", parties[0].name, parties[1].name),
            .minutes = "双方陈述事实与诉求，调解员释法明理，双方同意协商解决。",
            .held = 1};
        if (k >= 290) {
            /* today on the desk */
            int64_t today0 = (now + GG_CAL_UTC_OFFSET_MS) / DAY_MS * DAY_MS - GG_CAL_UTC_OFFSET_MS;
            gg_dispute_session_new_t t = {.at = today0 + 3600000LL * (k % 2 ? 15 : 9) + 1800000,
                                          .place = "区矛盾纠纷调处中心",
                                          .held = 0};
            if (gg_dispute_session_add(&op, did, &t, NULL, err) < 0) goto done;
            x->made++;
            continue;
        }
        if (gg_dispute_session_add(&op, did, &sess, NULL, err) < 0) goto done;
        int roll = pick(&s, 100);
        char signed_on[16], follow[16];
        day_before(now, dago > 3 ? dago - 3 : 0, signed_on, NULL);
        day_before(now, dago > 20 ? dago - 20 : 0, follow, NULL);
        if (roll < 92) {
            const char *terms[] = {gg_sprintf(a, "%s向%s赔偿损失人民币%d元", parties[1].name, parties[0].name,
                                              500 + 100 * pick(&s, 30)),
                                   "双方今后互谅互让，不再因此事发生争执"};
            const char *sigs[] = {parties[0].name, parties[1].name};
            const char *fdays[] = {follow};
            gg_dispute_agreement_new_t ag = {.facts = in.summary,
                                             .terms = terms,
                                             .nterms = 2,
                                             .performance = "一次性现金支付",
                                             .performance_due = follow,
                                             .signed_on = signed_on,
                                             .party_signatures = sigs,
                                             .nsignatures = 2,
                                             .mediator_signature = "调解员",
                                             .followup_days = fdays,
                                             .nfollowups = dago > 20 ? 1 : 0};
            if (gg_dispute_agreement_put(&op, did, &ag, err) < 0) goto done;
            if (dago > 25) {
                int64_t fid = 0;
                gg_db_query_i64(c, "SELECT id FROM dispute_followup WHERE dispute_id = $1",
                                GG_ARGS(GG_I64(did)), &fid, &found, err);
                if (found &&
                    gg_dispute_followup_record(&op, did, fid, pick(&s, 100) < 98 ? "performed" : "partial",
                                               "回访确认已按协议履行", err) < 0)
                    goto done;
            }
        } else if (roll < 96) {
            if (gg_dispute_outcome(&op, did, "failure", "双方对赔偿金额分歧过大，调解未果", NULL, err) < 0)
                goto done;
        } else if (roll < 98) {
            if (gg_dispute_outcome(&op, did, "litigation", "一方拒绝调解，已引导向人民法院起诉", NULL, err) <
                0)
                goto done;
        } else if (gg_dispute_outcome(&op, did, "withdrawn", "申请人撤回调解申请", NULL, err) < 0) {
            goto done;
        }
        /* the outcome on the day it happened (the domain stamps now) */
        int64_t at = noon + DAY_MS * (1 + pick(&s, 20));
        if (gg_db_exec(c, "UPDATE dispute SET outcome_at = $2 WHERE id = $1 AND outcome_at IS NOT NULL",
                       GG_ARGS(GG_I64(did), GG_I64(at < now ? at : now)), NULL, err) < 0)
            goto done;
        x->made++;
    }
    rc = gg_mediation_rollup_rebuild(c, err);
done:
    gg_arena_free(a);
    return rc;
}

int gg_mediation_demo(gg_db_t *db, const gg_keys_t *keys, int64_t *made, gg_error_t *err)
{
    *made = 0;
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) return -1;
    int64_t any = 0;
    int found = 0;
    int rc = gg_db_query_i64(c, "SELECT COUNT(*) FROM dispute", GG_NOARGS, &any, &found, err);
    demo_ctx_t x = {.keys = keys};
    if (rc == 0 && any == 0) rc = gg_db_tx(c, demo_tx, &x, err);
    gg_db_release(db, c);
    *made = x.made;
    return rc;
}
