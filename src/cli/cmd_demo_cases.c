/*
 * cmd_demo_cases.c — `gridgov demo-cases --count N`: add N generated cases
 * (domain/demo_cases.h) to a demo database, fast: the benchmark builds a
 * million this way.  Also the step of `gridgov demo` that generates the
 * demo's own year of cases (gg_cli_demo_cases), after the working calendar
 * is loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "domain/cases/calendar_store.h"
#include "domain/demo.h"
#include "domain/demo_cases.h"

#ifndef GG_SOURCE_DIR
#define GG_SOURCE_DIR "."
#endif
#define DEFAULT_CALENDAR GG_SOURCE_DIR "/.cache/chinese-days/package/dist"

static void progress(void *ctx, int64_t done, int64_t total)
{
    if (*(int *)ctx)
        fprintf(stderr, "\r\033[Kdemo-cases: %lld of %lld cases", (long long)done, (long long)total);
}

gg_calendar_t *gg_cli_calendar_load(const gg_config_t *cfg, gg_db_t *db, gg_error_t *err)
{
    gg_calendar_t *cal = gg_calendar_new();
    gg_db_conn_t *c;
    int rc = gg_db_acquire(db, &c, err);
    if (rc == 0) {
        rc = gg_calendar_reload(c, cal, &cfg->office_hours, err);
        gg_db_release(db, c);
    }
    if (rc < 0) {
        gg_calendar_free(cal);
        return NULL;
    }
    return cal;
}

int gg_cli_demo_cases(const gg_config_t *cfg, gg_db_t *db, const gg_security_t *sec, const char *calendar_dir,
                      gg_demo_cases_options_t *o, gg_demo_cases_stats_t *st, gg_error_t *err)
{
    gg_calendar_import_stats_t cs;
    /* the working calendar first: every deadline is computed on it (idempotent, local edits kept) */
    if (gg_calendar_import(db, calendar_dir ? calendar_dir : DEFAULT_CALENDAR, &cs, err) < 0) return -1;
    gg_calendar_t *cal = gg_cli_calendar_load(cfg, db, err);
    if (!cal) return -1;
    int rc = 0;
    gg_cal_snapshot_t *snap = gg_calendar_acquire(cal);
    static int tty;
    tty = isatty(2);
    o->calendar = snap;
    o->progress = progress;
    o->progress_ctx = &tty;
    if (rc == 0) rc = gg_demo_cases_generate(db, sec, o, st, err);
    if (rc == 0) rc = gg_cli_rollups_with(db, cal, 1, err); /* the bulk load wrote no rollups */
    if (tty && st->cases) fputc('\n', stderr);
    gg_cal_snapshot_release(snap);
    gg_calendar_free(cal);
    return rc;
}

void gg_cli_demo_cases_print(const char *who, const gg_demo_cases_stats_t *st, double seconds)
{
    printf("%s: %lld cases (%lld events, %lld tasks) generated in %.1f s:", who, (long long)st->cases,
           (long long)st->events, (long long)st->tasks, seconds);
    for (int i = 0; gg_demo_case_states[i]; i++)
        if (st->by_state[i]) printf(" %s %lld", gg_demo_case_states[i], (long long)st->by_state[i]);
    printf("\n");
}

int gg_cmd_demo_cases(int argc, char **argv)
{
    gg_config_t cfg;
    gg_error_t err = {0};
    const char *count_s = NULL, *seed_s = NULL, *calendar = NULL, *bulk_s = NULL;
    char *rest[64];
    const char *pos[1];
    int nrest, npos;
    if (argc > 64) return fprintf(stderr, "gridgov: too many arguments\n"), 2;
    const gg_cli_opt_t spec[] = {{"--count", &count_s, NULL},
                                 {"--seed", &seed_s, NULL},
                                 {"--calendar", &calendar, NULL},
                                 {"--bulk", &bulk_s, NULL}};
    if (gg_cli_take_opts(argc, argv, spec, 4, rest, &nrest, &err) < 0) return gg_cli_fail(&err);
    if (gg_config_load(&cfg, nrest, rest, 2, pos, 0, &npos, &err) < 0) return gg_cli_fail(&err);
    char *end;
    gg_demo_cases_options_t o = {.seed = 20261123, .bulk = 1};
    if (!count_s || (o.count = strtoll(count_s, &end, 10), *end) || o.count < 1 || o.count > 100000000)
        return gg_err_invalid(&err, "count", "--count must be a whole number from 1 to 100,000,000"),
               gg_cli_fail(&err);
    if (seed_s) {
        o.seed = strtoull(seed_s, &end, 10);
        if (*end || !*seed_s)
            return gg_err_invalid(&err, "seed", "--seed must be a whole number"), gg_cli_fail(&err);
    }
    if (bulk_s) {
        if (strcmp(bulk_s, "on") && strcmp(bulk_s, "off"))
            return gg_err_invalid(&err, "bulk", "--bulk must be on or off"), gg_cli_fail(&err);
        o.bulk = !strcmp(bulk_s, "on");
    }
    gg_db_t *db;
    gg_keys_t keys;
    gg_security_t sec;
    if (gg_cli_open_app(&cfg, &db, &keys, &sec, NULL, &err) < 0) return gg_cli_fail(&err);
    int64_t t0 = gg_mono_us();
    gg_demo_cases_stats_t st;
    int rc = gg_cli_demo_cases(&cfg, db, &sec, calendar, &o, &st, &err);
    gg_db_close(db);
    if (rc < 0) return gg_cli_fail(&err);
    if (st.cases == 0)
        return gg_err_invalid(&err, "database",
                              "no demo counties with buildings here (run gridgov demo first)"),
               gg_cli_fail(&err);
    gg_cli_demo_cases_print("demo-cases", &st, (double)(gg_mono_us() - t0) / 1e6);
    return 0;
}
