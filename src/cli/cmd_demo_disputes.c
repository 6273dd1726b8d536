/*
 * cmd_demo_disputes.c — `gridgov demo-disputes --unit ID --count N …`: the mediation bulk loader
 * (domain/mediation/mediation_demo.h) for tests and the bench: N disputes over the communities of a unit,
 * with S successes (each with an agreement and a follow-up, P of them performed), L referred to litigation,
 * O still open and the rest failed; then the measures rollup rebuilt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "domain/mediation/mediation_demo.h"

static int num(const char *s, const char *name, int64_t max, int64_t *out, gg_error_t *err)
{
    if (!s) return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || !*s || v < 0 || v > max)
        return gg_err_invalid(err, name, "--%s must be a whole number from 0 to %lld", name, (long long)max);
    *out = v;
    return 0;
}

int gg_cmd_demo_disputes(int argc, char **argv)
{
    gg_config_t cfg;
    gg_error_t err = {0};
    const char *unit_s = NULL, *count_s = NULL, *success_s = NULL, *performed_s = NULL, *lit_s = NULL,
               *open_s = NULL, *days_s = NULL, *seed_s = NULL;
    char *rest[64];
    const char *pos[1];
    int nrest, npos;
    if (argc > 64) return fprintf(stderr, "gridgov: too many arguments\n"), 2;
    const gg_cli_opt_t spec[] = {{"--unit", &unit_s, NULL},       {"--count", &count_s, NULL},
                                 {"--success", &success_s, NULL}, {"--performed", &performed_s, NULL},
                                 {"--litigation", &lit_s, NULL},  {"--open", &open_s, NULL},
                                 {"--days", &days_s, NULL},       {"--seed", &seed_s, NULL}};
    if (gg_cli_take_opts(argc, argv, spec, 8, rest, &nrest, &err) < 0) return gg_cli_fail(&err);
    if (gg_config_load(&cfg, nrest, rest, 2, pos, 0, &npos, &err) < 0) return gg_cli_fail(&err);
    gg_mediation_bulk_t o = {.days = 1};
    int64_t days = 1, seed = 0;
    if (num(unit_s, "unit", INT64_MAX, &o.unit_id, &err) < 0 ||
        num(count_s, "count", 10000000, &o.count, &err) < 0 ||
        num(success_s, "success", 10000000, &o.success, &err) < 0 ||
        num(performed_s, "performed", 10000000, &o.performed, &err) < 0 ||
        num(lit_s, "litigation", 10000000, &o.litigation, &err) < 0 ||
        num(open_s, "open", 10000000, &o.open, &err) < 0 || num(days_s, "days", 3650, &days, &err) < 0 ||
        num(seed_s, "seed", INT64_MAX, &seed, &err) < 0)
        return gg_cli_fail(&err);
    if (!o.unit_id || !o.count)
        return gg_err_invalid(&err, "unit", "--unit ID and --count N are required"), gg_cli_fail(&err);
    if (!performed_s) o.performed = o.success;
    o.days = (int)(days ? days : 1);
    o.seed = (uint64_t)seed;
    gg_db_t *db;
    gg_keys_t keys;
    gg_security_t sec;
    if (gg_cli_open_app(&cfg, &db, &keys, &sec, NULL, &err) < 0) return gg_cli_fail(&err);
    int64_t t0 = gg_mono_us();
    int64_t made = 0;
    int rc = gg_mediation_bulk(db, &o, &made, &err);
    gg_db_close(db);
    if (rc < 0) return gg_cli_fail(&err);
    printf("demo-disputes: %lld disputes generated in %.1f s\n", (long long)made,
           (double)(gg_mono_us() - t0) / 1e6);
    return 0;
}
