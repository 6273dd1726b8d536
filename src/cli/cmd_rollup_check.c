/*
 * cmd_rollup_check.c — `gridgov rollup-check [--fix]`: recompute the case rollups, each case's contribution
 * and the open-case gauge from the raw rows (domain/measures/rollup.h) and print every difference; exit 1
 * when there is one (after --fix rewrote them: 0).  Also the one-time build of the rollups of an older
 * database or a bulk load (gg_cli_rollups_build: migrate, serve, demo-cases).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "domain/cases/calendar_store.h"
#include "domain/measures/rollup.h"

int gg_cli_rollups_with(gg_db_t *db, gg_calendar_t *cal, int force, gg_error_t *err)
{
    gg_cal_snapshot_t *snap = gg_calendar_acquire(cal);
    int64_t t0 = gg_mono_us(), d = 0, n = 0;
    int built = 0, rc;
    if (force) {
        rc = gg_rollup_check(db, snap, 1, NULL, &d, &n, err);
        built = rc == 0;
    } else
        rc = gg_rollup_build_if_needed(db, snap, &built, err);
    gg_cal_snapshot_release(snap);
    if (rc == 0 && built)
        fprintf(stderr, "rollups: built from the stored cases in %.1f s\n",
                (double)(gg_mono_us() - t0) / 1e6);
    return rc;
}

int gg_cli_rollups_build(const gg_config_t *cfg, gg_db_t *db, int force, gg_error_t *err)
{
    gg_calendar_t *cal = gg_calendar_new();
    if (!cal) return gg_err_internal(err, "out of memory");
    gg_db_conn_t *c;
    int rc = gg_db_acquire(db, &c, err);
    if (rc == 0) {
        rc = gg_calendar_reload(c, cal, &cfg->office_hours, err);
        gg_db_release(db, c);
    }
    if (rc == 0) rc = gg_cli_rollups_with(db, cal, force, err);
    gg_calendar_free(cal);
    return rc;
}

int gg_cmd_rollup_check(int argc, char **argv)
{
    gg_config_t cfg;
    gg_error_t err = {0};
    const char *pos[1];
    int npos, fix = 0;
    if (argc > 64) return fprintf(stderr, "gridgov: too many arguments\n"), 2;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--fix")) fix = 1;
    char *args[64];
    int nargs = 0;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--fix")) args[nargs++] = argv[i];
    if (gg_config_load(&cfg, nargs, args, 2, pos, 0, &npos, &err) < 0) return gg_cli_fail(&err);
    gg_db_t *db;
    int applied = 0;
    if (gg_cli_open_db(&cfg, &db, &applied, &err) < 0) return gg_cli_fail(&err);
    gg_calendar_t *cal = gg_calendar_new();
    gg_db_conn_t *c;
    int rc = gg_db_acquire(db, &c, &err);
    if (rc == 0) {
        rc = gg_calendar_reload(c, cal, &cfg.office_hours, &err);
        gg_db_release(db, c);
    }
    gg_cal_snapshot_t *snap = gg_calendar_acquire(cal);
    int64_t d = 0, n = 0;
    if (rc == 0) rc = gg_rollup_check(db, snap, fix, stdout, &d, &n, &err);
    gg_cal_snapshot_release(snap);
    gg_calendar_free(cal);
    gg_db_close(db);
    if (rc < 0) return gg_cli_fail(&err);
    if (d == 0)
        printf("rollup-check: %lld cases, rollups equal to the recomputation\n", (long long)n);
    else if (fix)
        printf("rollup-check: %lld cases, %lld differences, rewritten from the recomputation\n", (long long)n,
               (long long)d);
    else
        printf("rollup-check: %lld cases, %lld differences (gridgov rollup-check --fix rewrites them)\n",
               (long long)n, (long long)d);
    return d && !fix ? 1 : 0;
}
